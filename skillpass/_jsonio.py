"""Strict JSON parsing for untrusted input (not public API)."""

from __future__ import annotations

import json
from typing import Any

from .errors import ParsingError, RangeError

MAX_INPUT_BYTES = 4_000_000


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            # Parsers disagree on which copy wins, so a signature could be read two ways.
            raise ParsingError(f"duplicate key {key!r} in a JSON object", code="duplicate_key")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ParsingError(f"{name} is not valid JSON", code="not_json")


def types_of(doc: Any) -> list[str]:
    """The string values of a document's ``type`` (a string or an array); anything else in it,
    and anything that is not an object, has none."""
    value = doc.get("type") if isinstance(doc, dict) else None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def parse_json(data: str | bytes, *, what: str = "input", max_bytes: int = MAX_INPUT_BYTES) -> Any:
    """Parse JSON text, refusing duplicate keys, NaN/Infinity, and input longer than
    ``max_bytes`` (4 MB by default: a credential or presentation; a file that gathers many
    documents, such as a trust bundle, may allow more)."""
    if len(data) > max_bytes:
        raise RangeError(f"{what} is larger than {max_bytes:,} bytes", code="input_too_large")
    try:
        return json.loads(data, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except ParsingError:
        raise
    except RecursionError:
        raise RangeError(f"{what} is nested too deeply", code="document_too_deep") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParsingError(f"{what} is not valid JSON: {exc}", code="not_json") from None
