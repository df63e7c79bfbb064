"""Loading a document from whatever a user points the CLI at (not public API).

``load_document(source)`` accepts ``-`` (standard input), a JSON file, a QR image (PNG, JPEG,
GIF, BMP, WebP, TIFF, AVIF: recognised by their first bytes, not their names), a PDF with a
QR code (a SkillPass certificate), a text file holding QR text, or QR text itself (``SP2:…``,
``SP1:…``) given as the argument; ``load_documents`` joins the Structured Append parts given as
several arguments. The QR modules are imported only for QR input.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from skillpass.errors import ParsingError

from ._common import read_bytes

_QR_PREFIX = re.compile(r"SP[0-9]{1,4}[:/]")
_URL = re.compile(r"(?i)(https?|ftp)://")


def read_json_text(text: str, *, what: str = "input") -> dict[str, Any]:
    """Parse JSON text strictly (duplicate keys, NaN refused); it must be an object."""
    from skillpass import parse_json

    doc = parse_json(text, what=what)
    if not isinstance(doc, dict):
        raise ParsingError(f"{what} is JSON but not an object", code="not_an_object")
    return doc


def _decode_qr_text(text: str) -> dict[str, Any]:
    from skillpass import qr

    return qr.decode(text)


def document_from_bytes(data: bytes, *, what: str = "input") -> dict[str, Any]:
    """A document from file contents: JSON, QR text, a QR image or a PDF."""
    head = data[:64].removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head.startswith((b"{", b"[")):
        from skillpass import qr

        if qr.image_kind(data) is not None:
            return qr.read_document(data)  # SVG and HEIC are refused with their own advice
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParsingError(
            f"{what} is neither JSON, QR text, an image nor a PDF", code="input_unreadable"
        ) from None
    stripped = text.strip()
    if _QR_PREFIX.match(stripped):  # decode even damaged QR text, for its precise error
        return _decode_qr_text(stripped)
    if stripped.startswith(("{", "[")):
        return read_json_text(stripped, what=what)
    raise ParsingError(
        f"{what} is neither JSON, QR text (SP2:…), an image nor a PDF", code="not_json"
    )


def _is_file(source: str) -> bool:
    """Whether ``source`` names an existing file; QR text is not a valid path (too long)."""
    try:
        return Path(source).exists()
    except (OSError, ValueError):  # ENAMETOOLONG, or a NUL byte
        return False


def load_documents(sources: list[str]) -> dict[str, Any]:
    """The one document carried by several CLI arguments: QR images or QR texts holding the
    parts of a Structured Append sequence (one argument: :func:`load_document`)."""
    if len(sources) == 1:
        return load_document(sources[0])
    from skillpass import qr

    texts: list[str] = []
    for source in sources:
        if source != "-" and _QR_PREFIX.match(source.strip()) and not _is_file(source):
            texts.append(source)
            continue
        data = read_bytes(source, what="input")
        if qr.image_kind(data) is not None:
            texts += qr.scan_image(data)
            continue
        try:
            texts.append(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise ParsingError(
                f"{source} is neither QR text nor a PNG/JPEG image", code="input_unreadable"
            ) from None
    ours = [t for t in texts if _QR_PREFIX.match(t.strip())]
    if len(ours) != len(texts):
        raise ParsingError(
            "several inputs are read as the QR codes of one credential; one of them holds"
            " something else. Give one JSON file at a time",
            code="qr_malformed",
        )
    return qr.decode(qr.join(ours))


def load_document(source: str) -> dict[str, Any]:
    """The JSON object named by a CLI argument: a path, ``-``, or literal QR text."""
    if source != "-" and _QR_PREFIX.match(source.strip()) and not _is_file(source):
        return _decode_qr_text(source)
    if _URL.match(source) and not _is_file(source):
        raise ParsingError(
            f"{source} is a web address: verification is offline and never downloads;"
            " download the file (or photograph its QR code) and give its path",
            code="input_is_url",
        )
    what = "standard input" if source == "-" else source
    return document_from_bytes(read_bytes(source, what="input"), what=what)
