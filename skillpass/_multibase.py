"""Multibase base58btc and the multicodec prefixes SkillPass uses (not public API)."""

from __future__ import annotations

from .errors import ParsingError

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}

# Multicodec varint prefixes (https://github.com/multiformats/multicodec, table.csv).
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"

# Inputs longer than this are not keys or signatures: refuse before the quadratic decode.
_MAX_ENCODED = 512


# Four base58 digits at a time: 58**4 is below 2**30, one machine digit of a Python int, so
# each step divides the big number by a single digit (a quarter of the divisions of 58 alone).
_FOUR = 58**4
_PAIRS = [a + b for a in ALPHABET for b in ALPHABET]


def b58encode(data: bytes) -> str:
    """Base58btc (Bitcoin alphabet), leading zero bytes as ``1``."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    n = int.from_bytes(data, "big")
    out = []
    pairs = _PAIRS
    while n:
        n, r = divmod(n, _FOUR)
        high, low = divmod(r, 3364)
        out.append(pairs[high] + pairs[low])
    # The last group is padded with zero digits ("1"): the number itself has no leading zeros.
    return "1" * zeros + "".join(reversed(out)).lstrip("1")


def b58decode(text: str) -> bytes:
    """Inverse of :func:`b58encode`; raises ``ParsingError`` on characters outside the alphabet."""
    if len(text) > _MAX_ENCODED:
        raise ParsingError("base58 value is too long", code="invalid_multibase")
    # One digit at a time: grouping digits or summing products measured slower in Python.
    n = 0
    for ch in text:
        try:
            n = n * 58 + _INDEX[ch]
        except KeyError:
            raise ParsingError(
                f"invalid base58btc character {ch!r}", code="invalid_multibase"
            ) from None
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


def encode_multibase(data: bytes) -> str:
    """Multibase ``z`` (base58btc) encoding."""
    return "z" + b58encode(data)


def decode_multibase(value: object, *, what: str = "value") -> bytes:
    """Decode a multibase base58btc (``z…``) string; anything else is a ``ParsingError``."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) < 2:
        raise ParsingError(
            f"{what} must be a multibase base58btc string starting with 'z'",
            code="invalid_multibase",
        )
    return b58decode(value[1:])
