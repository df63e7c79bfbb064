"""Reading a credential from what a worker has: JSON, QR text, a QR photo, a PDF certificate
(not public API)."""

from __future__ import annotations

from typing import Any

import skillpass
import skillpass.qr as qr
from skillpass.errors import ParsingError


def parse_object(data: str | bytes, *, what: str) -> dict[str, Any]:
    """Strict JSON (``skillpass.parse_json``: no duplicate keys, no NaN, bounded) that must be
    an object."""
    value = skillpass.parse_json(data, what=what)
    if not isinstance(value, dict):
        raise ParsingError(f"{what} is JSON but not an object", code="not_an_object")
    return value


def credential_from_bytes(data: bytes, *, what: str) -> dict[str, Any]:
    """A credential from file contents: a QR image (a photo), a certificate PDF, QR text, or
    JSON."""
    head = data[:64].removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head.startswith((b"{", b"[")) and qr.image_kind(data) is not None:
        return qr.read_document(data)
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise ParsingError(
            f"{what} is neither JSON, QR text, an image nor a PDF", code="input_unreadable"
        ) from None
    if qr.is_qr_text(text) or text.startswith("SP"):
        return qr.decode(text)
    return parse_object(text, what=what)
