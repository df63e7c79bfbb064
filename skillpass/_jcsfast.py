"""RFC 8785 (JCS) by a C JSON encoder, for the documents where the two agree (not public API).

``json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` writes exactly what
RFC 8785 asks for (§3.2.2.2: ``"`` and ``\\`` escaped, control characters as ``\\b \\t \\n \\f
\\r`` or lower-case ``\\u00xx``, everything else as itself) except in three places, which
:func:`dumps` leaves to ``rfc8785`` (the reference) by returning ``None``:

* floats: RFC 8785 writes numbers as ECMAScript does (``1e-7``, not Python's ``1e-07``);
* integers beyond ±(2^53-1), which RFC 8785 refuses;
* non-ASCII keys: RFC 8785 sorts keys by UTF-16 code units, Python by code points.

``orjson`` (sorted keys) writes the same bytes as that encoder for such values, ten times
faster; it is asked first and refuses (``TypeError``) anything but exact JSON types (no
subclasses), lone surrogates and integers beyond 53 bits, which then go to ``json`` as before.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

__all__ = ["dumps", "dumps_plain"]

_MAX_SAFE_INT = 2**53 - 1
_ENCODER = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
)
_ORJSON = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_STRICT_INTEGER
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
)


def _encode(value: Any) -> bytes:
    """The sorted, compact JSON bytes of a plain value, as the ``json`` encoder writes them."""
    try:
        return orjson.dumps(value, option=_ORJSON)
    except TypeError:
        return _ENCODER.encode(value).encode("utf-8")


def _plain(value: Any) -> bool:
    # type() rather than isinstance: a subclass of str or int may encode differently.
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return bool(-_MAX_SAFE_INT <= value <= _MAX_SAFE_INT)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not key.isascii() or not _plain(item):
                return False
        return True
    if kind is list:
        return all(map(_plain, value))
    return False  # floats and anything that is not JSON


def dumps(value: Any) -> bytes | None:
    """The RFC 8785 bytes of ``value``, or ``None`` when ``rfc8785`` must decide."""
    if not _plain(value):
        return None
    try:
        return _encode(value)
    except (UnicodeEncodeError, ValueError, RecursionError):
        return None  # a lone surrogate, or nesting deeper than the encoder goes


def dumps_plain(value: Any) -> bytes:
    """The RFC 8785 bytes of ``value``, which the JSON-level safety rules found plain
    (``check_json`` returned True for it or a document it is part of): no walk of its own."""
    return _encode(value)
