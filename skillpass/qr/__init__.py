"""A whole verifiable credential (or a small presentation) in one QR code, read offline.

The QR text is ``SP2:`` followed by base45 of a compressed, compact binary form of the JSON
(format in ``docs/qr.md``; ``SP1:`` codes still decode). The round trip is lossless, so the
proofs of both cryptosuites still verify after it::

    text = skillpass.qr.encode(credential)        # "SP2:..."
    png = skillpass.qr.render_png(text, max_version=22)
    assert skillpass.qr.decode(skillpass.qr.read_image(png)) == credential

A text that one symbol of the budget (version 22 at M) cannot hold is split over up to four
symbols with QR Structured Append (:func:`split`), drawn side by side, and joined again when
read (:func:`read_image` for one photo of all, :func:`read_images` for several, :func:`join`).

:func:`decode` raises only :class:`skillpass.errors.SkillpassError` subclasses for any string,
and bounds its work (text length, decompressed size, nesting).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillpass._policy import VerificationPolicy
from skillpass.errors import ParsingError, RangeError
from skillpass.qr import _codec, _images

__all__ = [
    "DEFAULT_MAX_VERSION",
    "DRAFT_MARK",
    "MAX_SYMBOLS",
    "PREFIX",
    "Certificate",
    "QRInfo",
    "decode",
    "encode",
    "image_kind",
    "info",
    "is_qr_text",
    "join",
    "make_certificate",
    "qr_version",
    "read_document",
    "read_image",
    "read_images",
    "render_certificate_pdf",
    "render_png",
    "render_svg",
    "render_terminal",
    "scan_image",
    "split",
    "symbol_versions",
]

PREFIX = _codec.PREFIX
"""The prefix of the QR text :func:`encode` writes (``SP2:``, format version 2)."""

MAX_SYMBOLS = _images.MAX_SYMBOLS
"""At most this many Structured Append symbols carry one credential (4)."""

DEFAULT_MAX_VERSION = 22
"""The budget: QR version 22 at error correction M (1,134 characters), about 40 mm printed."""


@dataclass(frozen=True, slots=True)
class Certificate:
    """A rendered certificate and how its text was printed.

    ``unverified_reason`` is why the credential did not verify when it was printed (then the
    page is a marked draft); ``shaping`` is true when complex scripts were shaped (Arabic
    joined and right to left, Indic clusters); ``fonts`` are the font files embedded (empty:
    the PDF core font, Latin-1 only); ``missing`` are the characters no font had, printed as
    ``?``; ``packages`` are the Debian font packages that would print them.
    """

    pdf: bytes
    shaping: bool
    fonts: tuple[Path, ...]
    missing: str
    packages: tuple[str, ...]
    unverified_reason: str | None = None


DRAFT_MARK = "NOT VERIFIED — DRAFT"
"""The mark on every page of a certificate printed from a credential that did not verify."""

_QR_TEXT_RE = re.compile(r"SP\d{1,4}[:/][0-9A-Z $%*+\-./:]*")


def encode(
    doc: dict[str, Any],
    *,
    max_version: int = DEFAULT_MAX_VERSION,
    ec: str = "M",
    max_symbols: int = 1,
) -> str:
    """Encode a credential or presentation as SP2 QR text.

    Raises :class:`~skillpass.errors.RangeError` ``qr_too_large`` when the text needs more
    than ``max_symbols`` QR symbols (1 to :data:`MAX_SYMBOLS`) of version ``max_version`` at
    error correction ``ec``: such a credential should be presented as a file or a link instead.
    Render a text that needs several symbols with the same ``max_version``.
    """
    if not 1 <= max_version <= 40:
        raise ValueError("max_version must be between 1 and 40")
    if not 1 <= max_symbols <= MAX_SYMBOLS:
        raise ValueError(f"max_symbols must be between 1 and {MAX_SYMBOLS}")
    text = _codec.encode_text(doc)
    version = _images.qr_version(text, ec)
    if version > max_version and max_symbols > 1:
        count = len(_images.split(text, ec=ec, max_version=max_version))  # <= MAX_SYMBOLS
        if count <= max_symbols:
            return text
        raise RangeError(
            f"the document needs {count} QR codes of version {max_version} at error correction"
            f" {ec}; the limit is {max_symbols}. Present it as a file or a link instead of a QR"
            " code, or leave long free text out of the credential.",
            code="qr_too_large",
        )
    if version > max_version:
        capacity = _alphanumeric_capacity(max_version, ec)
        needed = "more than version 40" if version > 40 else f"version {version}"
        raise RangeError(
            f"the document needs {len(text)} QR characters ({needed} at error correction {ec});"
            f" the limit is version {max_version} ({capacity} characters). Present it as a file"
            " or a link instead of a QR code, or leave long free text out of the credential.",
            code="qr_too_large",
        )
    return text


def decode(text: str) -> dict[str, Any]:
    """Decode SP2 or SP1 QR text back into the identical JSON object.

    ``text`` may also be the parts of a Structured Append sequence, concatenated (as readers
    that merge sequences return them). Raises :class:`~skillpass.errors.ParsingError`
    (``qr_malformed``, ``qr_unsupported_version``, ``qr_parts_missing``, ``qr_parts_mismatch``,
    ``qr_too_many_parts``) or :class:`~skillpass.errors.RangeError`
    (``qr_too_large_decompressed``, ``qr_text_too_long``); never anything else for a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected QR text (str), not {type(text).__name__}")
    if len(text) > _codec.MAX_TEXT_CHARS:
        return _codec.decode_text(text)  # refused there, with its error
    if _images.is_part(text):
        text = _images.join([text])
    return _codec.decode_text(text)


def split(text: str, *, ec: str = "M", max_version: int = DEFAULT_MAX_VERSION) -> list[str]:
    """The texts of the QR symbols that carry ``text``: ``[text]`` when one symbol of
    ``max_version`` at ``ec`` holds it, else the parts of a Structured Append sequence (at most
    :data:`MAX_SYMBOLS`; ``qr_too_large`` beyond)."""
    return _images.split(text, ec=ec, max_version=max_version)


def symbol_versions(
    text: str, *, ec: str = "M", max_version: int = DEFAULT_MAX_VERSION
) -> list[int]:
    """The QR version of each symbol that carries ``text`` (one, or the :func:`split` parts)."""
    return _images.symbol_versions(text, ec=ec, max_version=max_version)


def join(texts: list[str]) -> str:
    """The whole QR text from the parts of a Structured Append sequence, in any order.

    Raises :class:`~skillpass.errors.ParsingError` ``qr_parts_missing`` (naming the missing
    parts), ``qr_parts_mismatch`` (parts of different credentials) or ``qr_too_many_parts``.
    """
    return _images.join(texts)


def is_qr_text(s: str) -> bool:
    """Whether ``s`` looks like SkillPass QR text (``SP<n>:`` or a part ``SP<n>/``, then QR
    alphanumeric characters).

    Surrounding whitespace is ignored. It does not decode: :func:`decode` may still refuse it.
    """
    return bool(_QR_TEXT_RE.fullmatch(s.strip()))


def qr_version(text: str, ec: str = "M") -> int:
    """The smallest QR version holding ``text`` at error correction ``ec`` (41: none does)."""
    return _images.qr_version(text, ec)


class QRInfo(dict[str, int | str]):
    """Sizes of one document at each stage (see :func:`info`)."""


def info(doc: dict[str, Any]) -> QRInfo:
    """Sizes of ``doc`` at each stage of the encoding, for reports and benchmarks.

    Keys: ``json_bytes`` (minified UTF-8 JSON), ``cbor_bytes`` (compact CBOR, binary values
    included), ``binary_bytes`` (binary values: keys, signatures, UUIDs, hashes), ``payload_bytes``
    (header + compressed body + binary values), ``chars`` (QR text), ``version_m``,
    ``version_q``, ``symbols_m`` (QR codes of the V22-M budget) and the SP1 figures
    ``sp1_chars``, ``sp1_version_m``.
    """
    body, payload = _codec.to_payload(doc)
    text = _codec.encode_text(doc)
    sp1 = _codec.encode_text_sp1(doc)
    binary = _codec.binary_bytes(doc)
    minified = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        symbols = len(split(text))
    except RangeError:
        symbols = 0
    return QRInfo(
        json_bytes=len(minified),
        cbor_bytes=len(body) + binary,
        binary_bytes=binary,
        payload_bytes=len(payload),
        chars=len(text),
        version_m=qr_version(text, "M"),
        version_q=qr_version(text, "Q"),
        symbols_m=symbols,
        sp1_chars=len(sp1),
        sp1_version_m=qr_version(sp1, "M"),
    )


def render_png(
    text: str, *, ec: str = "M", scale: int = 8, border: int = 4, max_version: int = 40
) -> bytes:
    """Render QR text as a PNG: ``scale`` (>= 4) pixels per module, a ``border``-module quiet
    zone, error correction ``ec`` ("M" by default; "Q" for printed or worn documents). When one
    symbol would exceed ``max_version``, the Structured Append symbols of :func:`split` are
    drawn side by side."""
    return _images.render_png(text, ec=ec, scale=scale, border=border, max_version=max_version)


def render_svg(
    text: str, *, ec: str = "M", scale: int = 8, border: int = 4, max_version: int = 40
) -> str:
    """Render QR text as an SVG document (same options as :func:`render_png`)."""
    return _images.render_svg(text, ec=ec, scale=scale, border=border, max_version=max_version)


def render_terminal(text: str, *, ec: str = "M", max_version: int = 40) -> str:
    """Render QR text for a terminal with Unicode half blocks (two module rows per line)."""
    return _images.render_terminal(text, ec=ec, max_version=max_version)


def read_image(data: bytes | str | Path) -> str:
    """Read the QR text from an image (bytes or path) with zxing-cpp.

    PNG, JPEG, TIFF, WebP, GIF and BMP are read (AVIF when Pillow can); large photos are
    downscaled first. The symbols of a Structured Append sequence in one photo are joined.
    Raises :class:`~skillpass.errors.ParsingError` ``qr_not_found`` when no QR code is found,
    ``unsupported_image`` for SVG and HEIC/HEIF, and
    :class:`~skillpass.errors.RangeError` ``image_too_large`` above 120 megapixels.
    """
    return _images.read_image(data)


def scan_image(data: bytes | str | Path) -> list[str]:
    """The texts of every QR code read in one image, as they are (parts not joined); errors
    as :func:`read_image`."""
    return _images.scan_image(data)


def read_images(images: Iterable[bytes | str | Path]) -> str:
    """Read the QR text carried by the codes of several images together (the symbols of a
    Structured Append sequence photographed one by one); errors as :func:`read_image` and
    :func:`join`."""
    return _images.read_images(images)


def _alphanumeric_capacity(version: int, ec: str) -> int:
    # Largest alphanumeric text that fits: found with the same arithmetic as qr_version.
    low, high = 0, 4296
    while low < high:
        mid = (low + high + 1) // 2
        if _images.qr_version("A" * mid, ec) <= version:
            low = mid
        else:
            high = mid - 1
    return low


def make_certificate(
    doc: dict[str, Any],
    *,
    ec: str | None = None,
    policy: VerificationPolicy | None = None,
    allow_unverified: bool = False,
    font_dirs: Iterable[Path] | None = None,
    qr: bool = True,
) -> Certificate:
    """An A4 PDF certificate (holder, qualification, levels, issuer, dates, QR about 62 mm).

    The credential is verified first (with ``policy``; pass one whose resolver knows a
    ``did:web`` institute's DID document): one whose format or proof check fails, or whose key
    is not the issuer's, would give a QR code no verifier accepts, so it is refused with
    ``certificate_unverified`` — unless ``allow_unverified``, which prints a page marked
    "NOT VERIFIED — DRAFT" (``Certificate.unverified_reason`` says why). Trust and status may
    be unknown: an institute prints its own credentials before any trust list exists. Every
    printed fact is read from the signed data, never from the JSON spelling.

    The QR uses error correction Q when the code stays within version 30, else M; ``ec``
    overrides. Raises like :func:`encode` when the credential is too large for a QR code;
    ``qr=False`` then leaves the code out, and the page says how to obtain and verify the
    credential file instead. ``font_dirs`` replaces the system font folders searched.
    """
    from skillpass.qr._certificate import build_certificate

    return build_certificate(
        doc,
        ec=ec,
        policy=policy,
        allow_unverified=allow_unverified,
        font_dirs=font_dirs,
        qr=qr,
    )


def render_certificate_pdf(
    doc: dict[str, Any],
    *,
    ec: str | None = None,
    policy: VerificationPolicy | None = None,
    allow_unverified: bool = False,
) -> bytes:
    """The PDF bytes of :func:`make_certificate`."""
    return make_certificate(doc, ec=ec, policy=policy, allow_unverified=allow_unverified).pdf


def image_kind(data: bytes) -> str | None:
    """The kind of file ``data`` is, from its first bytes: ``pdf``, or an image format
    (``png``, ``jpeg``, ``gif``, ``bmp``, ``webp``, ``tiff``, ``avif``, ``heif``, ``svg``);
    None for anything else (JSON, QR text)."""
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    return _images.image_kind(data)


def read_document(data: bytes) -> dict[str, Any]:
    """The credential (or presentation) in the QR code of an image or a PDF, such as a
    photograph or the PDF that ``skillpass certificate`` writes (its pages are rendered).

    A QR code that is not SkillPass's is refused (``qr_malformed``) with a message saying what
    it holds (a web address, a vCard…). Raises like :func:`read_image` and :func:`decode`, and
    ``pdf_unreadable`` for a damaged PDF.
    """
    if image_kind(data) == "pdf":
        from skillpass.qr._pdf import pdf_pages

        found: str | None = None
        for page in pdf_pages(data):
            try:
                found = _images.read_image(page)
            except ParsingError as exc:
                if exc.code != "qr_not_found":
                    raise
                continue
            if _QR_PREFIX_RE.match(found):
                break
        if found is None:
            raise ParsingError(
                "no QR code could be read in the PDF (a SkillPass certificate has one on its"
                " first page)",
                code="qr_not_found",
            )
        text = found
    else:
        text = _images.read_image(data)
    if not _QR_PREFIX_RE.match(text):
        raise ParsingError(_images.describe_foreign_qr(text), code="qr_malformed")
    return decode(text)


_QR_PREFIX_RE = re.compile(r"SP\d{1,4}:")
