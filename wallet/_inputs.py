"""Reading a credential from what a worker has: JSON, QR text, a QR photo, a PDF certificate
(not public API)."""

from __future__ import annotations

import io
import json
from typing import Any

import skillpass.qr as qr
from skillpass.errors import ParsingError, RangeError

MAX_JSON_BYTES = 4_000_000
MAX_PDF_PAGES = 20
_IMAGE_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            # Parsers disagree on which copy wins: refuse rather than pick one.
            raise ParsingError(f"duplicate key {key!r} in a JSON object", code="duplicate_key")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ParsingError(f"{name} is not valid JSON", code="not_json")


def parse_object(data: str | bytes, *, what: str) -> dict[str, Any]:
    """Strict JSON (no duplicate keys, no NaN), bounded, and an object."""
    if len(data) > MAX_JSON_BYTES:
        raise RangeError(f"{what} is larger than {MAX_JSON_BYTES:,} bytes", code="input_too_large")
    try:
        value = json.loads(data, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except RecursionError:
        raise RangeError(f"{what} is nested too deeply", code="document_too_deep") from None
    except (ValueError, UnicodeDecodeError) as exc:
        if isinstance(exc, ParsingError):
            raise
        raise ParsingError(f"{what} is not valid JSON", code="not_json") from None
    if not isinstance(value, dict):
        raise ParsingError(f"{what} is JSON but not an object", code="not_an_object")
    return value


def _is_image(data: bytes) -> bool:
    return data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def credential_from_bytes(data: bytes, *, what: str) -> dict[str, Any]:
    """A credential from file contents: a PDF certificate, a QR image, QR text, or JSON."""
    if data.startswith(b"%PDF-"):
        return credential_from_pdf(data, what=what)
    if _is_image(data):
        return qr.decode(qr.read_image(data))
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise ParsingError(
            f"{what} is neither JSON, QR text, an image nor a PDF", code="input_unreadable"
        ) from None
    if qr.is_qr_text(text) or text.startswith("SP"):
        return qr.decode(text)
    return parse_object(text, what=what)


def credential_from_pdf(data: bytes, *, what: str) -> dict[str, Any]:
    """The credential in the QR code printed on a SkillPass certificate PDF.

    Pages are rendered at 200 dpi (the certificate's QR is about 62 mm) and scanned in order;
    the first SkillPass QR found wins."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        raise ParsingError(f"{what} is not a readable PDF", code="pdf_unreadable") from None
    try:
        for index in range(min(len(document), MAX_PDF_PAGES)):
            image = document[index].render(scale=200 / 72).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            try:
                text = qr.read_image(buffer.getvalue())
            except ParsingError:
                continue
            if qr.is_qr_text(text):
                return qr.decode(text)
    finally:
        document.close()
    raise ParsingError(f"no SkillPass QR code found in the PDF {what}", code="qr_not_found")
