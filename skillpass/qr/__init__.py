"""A whole verifiable credential (or a small presentation) in one QR code, read offline.

The QR text is ``SP1:`` followed by base45 of a compressed, compact binary form of the JSON
(format in ``docs/qr.md``). The round trip is lossless, so the proofs of both cryptosuites
still verify after it::

    text = skillpass.qr.encode(credential)        # "SP1:..." within the V22-M budget
    png = skillpass.qr.render_png(text)
    assert skillpass.qr.decode(skillpass.qr.read_image(png)) == credential

:func:`decode` raises only :class:`skillpass.errors.SkillpassError` subclasses for any string,
and bounds its work (text length, decompressed size, nesting).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillpass._policy import VerificationPolicy
from skillpass.errors import RangeError
from skillpass.qr import _codec, _images

__all__ = [
    "DEFAULT_MAX_VERSION",
    "PREFIX",
    "Certificate",
    "QRInfo",
    "decode",
    "encode",
    "info",
    "is_qr_text",
    "make_certificate",
    "qr_version",
    "read_image",
    "render_certificate_pdf",
    "render_png",
    "render_svg",
    "render_terminal",
]

PREFIX = _codec.PREFIX
"""The prefix of every SP1 QR text (format version 1)."""

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

_QR_TEXT_RE = re.compile(r"SP\d{1,4}:[0-9A-Z $%*+\-./:]*")


def encode(doc: dict[str, Any], *, max_version: int = DEFAULT_MAX_VERSION, ec: str = "M") -> str:
    """Encode a credential or presentation as SP1 QR text.

    Raises :class:`~skillpass.errors.RangeError` ``qr_too_large`` when the text needs a QR
    version above ``max_version`` at error correction ``ec``: such a credential should be
    presented as a file or a link instead.
    """
    if not 1 <= max_version <= 40:
        raise ValueError("max_version must be between 1 and 40")
    text = _codec.encode_text(doc)
    version = _images.qr_version(text, ec)
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
    """Decode SP1 QR text back into the identical JSON object.

    Raises :class:`~skillpass.errors.ParsingError` (``qr_malformed``,
    ``qr_unsupported_version``) or :class:`~skillpass.errors.RangeError`
    (``qr_too_large_decompressed``, ``qr_text_too_long``); never anything else for a string.
    """
    return _codec.decode_text(text)


def is_qr_text(s: str) -> bool:
    """Whether ``s`` looks like SkillPass QR text (``SP<n>:`` and QR alphanumeric characters).

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

    Keys: ``cbor_bytes`` (compact CBOR), ``payload_bytes`` (header + compressed body),
    ``chars`` (QR text), ``version_m`` and ``version_q``.
    """
    body, payload = _codec.to_payload(doc)
    text = _codec.encode_text(doc)
    return QRInfo(
        cbor_bytes=len(body),
        payload_bytes=len(payload),
        chars=len(text),
        version_m=qr_version(text, "M"),
        version_q=qr_version(text, "Q"),
    )


def render_png(text: str, *, ec: str = "M", scale: int = 8, border: int = 4) -> bytes:
    """Render QR text as a PNG: ``scale`` (>= 4) pixels per module, a ``border``-module quiet
    zone, error correction ``ec`` ("M" by default; "Q" for printed or worn documents)."""
    return _images.render_png(text, ec=ec, scale=scale, border=border)


def render_svg(text: str, *, ec: str = "M", scale: int = 8, border: int = 4) -> str:
    """Render QR text as an SVG document (same options as :func:`render_png`)."""
    return _images.render_svg(text, ec=ec, scale=scale, border=border)


def render_terminal(text: str, *, ec: str = "M") -> str:
    """Render QR text for a terminal with Unicode half blocks (two module rows per line)."""
    return _images.render_terminal(text, ec=ec)


def read_image(data: bytes | str | Path) -> str:
    """Read the QR text from an image (bytes or path) with zxing-cpp.

    PNG, JPEG, TIFF, WebP, GIF and BMP are read (AVIF when Pillow can); large photos are
    downscaled first. Raises :class:`~skillpass.errors.ParsingError` ``qr_not_found`` when no
    QR code is found, ``unsupported_image`` for SVG and HEIC/HEIF, and
    :class:`~skillpass.errors.RangeError` ``image_too_large`` above 120 megapixels.
    """
    return _images.read_image(data)


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
    overrides. Raises like :func:`encode` when the credential is too large for a QR code.
    """
    from skillpass.qr._certificate import build_certificate

    return build_certificate(
        doc, ec=ec, policy=policy, allow_unverified=allow_unverified, font_dirs=font_dirs
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
