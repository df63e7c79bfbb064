"""Reading a credential from what a worker has: JSON, QR text, a QR photo, a PDF certificate
(not public API)."""

from __future__ import annotations

import json
from typing import Any

import skillpass.qr as qr
from skillpass.errors import ParsingError, RangeError

MAX_JSON_BYTES = 4_000_000


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
