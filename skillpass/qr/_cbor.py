"""A deliberately small, strict CBOR (RFC 8949) encoder and decoder for the SP1 body.

Why not cbor2 for decoding: the body comes from an untrusted QR, and a general CBOR decoder
honours semantic tags (shared values, regular expressions, decimals, sets, dates) that SP1 never
uses; value sharing alone would let a small payload expand into an exponential tree. This decoder
accepts only what SP1 writes: definite-length items, integers, byte and text strings, arrays,
maps, false/true/null, floats and an explicit allow-list of tags. Every length is checked against
the bytes that remain before anything is allocated, and nesting is bounded.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import TypeAlias

# Bignums (RFC 8949 §3.4.3) are the only standard tags SP1 uses: JSON integers have no range.
TAG_POS_BIGNUM = 2
TAG_NEG_BIGNUM = 3
MAX_BIGNUM_BYTES = 64


@dataclass(frozen=True, slots=True)
class Tagged:
    """A CBOR tag around one item."""

    tag: int
    value: Item


Item: TypeAlias = (
    "int | float | bool | str | bytes | list[Item] | dict[int | str, Item] | Tagged | None"
)


class CBORDecodeError(ValueError):
    """The bytes are not SP1's subset of CBOR."""


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    if n < 0x100:
        return bytes([major << 5 | 24, n])
    if n < 0x10000:
        return bytes([major << 5 | 25]) + n.to_bytes(2, "big")
    if n < 0x100000000:
        return bytes([major << 5 | 26]) + n.to_bytes(4, "big")
    return bytes([major << 5 | 27]) + n.to_bytes(8, "big")


def _float(value: float) -> bytes:
    # Shortest IEEE width that gives back the identical value, so 1.5 costs 3 bytes, not 9.
    if not math.isnan(value):
        for fmt, head in ((">e", 0xF9), (">f", 0xFA)):
            try:
                packed = struct.pack(fmt, value)
            except OverflowError:
                continue
            if struct.unpack(fmt, packed)[0] == value:
                return bytes([head]) + packed
    return b"\xfb" + struct.pack(">d", value)


def dumps(item: Item) -> bytes:
    """Encode an item tree (trusted input built by the codec)."""
    out = bytearray()
    _encode(item, out)
    return bytes(out)


def _encode(item: Item, out: bytearray) -> None:
    if item is None:
        out.append(0xF6)
    elif item is True:
        out.append(0xF5)
    elif item is False:
        out.append(0xF4)
    elif isinstance(item, int):
        if 0 <= item < 1 << 64:
            out += _head(0, item)
        elif -(1 << 64) <= item < 0:
            out += _head(1, -1 - item)
        else:
            tag, n = (TAG_POS_BIGNUM, item) if item > 0 else (TAG_NEG_BIGNUM, -1 - item)
            out += _head(6, tag)
            raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
            out += _head(2, len(raw)) + raw
    elif isinstance(item, float):
        out += _float(item)
    elif isinstance(item, str):
        raw = item.encode("utf-8")
        out += _head(3, len(raw)) + raw
    elif isinstance(item, bytes):
        out += _head(2, len(item)) + item
    elif isinstance(item, list):
        out += _head(4, len(item))
        for element in item:
            _encode(element, out)
    elif isinstance(item, dict):
        out += _head(5, len(item))
        for key, value in item.items():
            _encode(key, out)
            _encode(value, out)
    else:
        out += _head(6, item.tag)
        _encode(item.value, out)


def loads(data: bytes, *, allowed_tags: frozenset[int], max_depth: int) -> Item:
    """Decode exactly one item filling ``data``; :class:`CBORDecodeError` on anything else."""
    item, end = loads_prefix(data, allowed_tags=allowed_tags, max_depth=max_depth)
    if end != len(data):
        raise CBORDecodeError(f"{len(data) - end} bytes of trailing data")
    return item


def loads_prefix(data: bytes, *, allowed_tags: frozenset[int], max_depth: int) -> tuple[Item, int]:
    """Decode the one item at the start of ``data``; return it and where it ends."""
    decoder = _Decoder(data, allowed_tags | {TAG_POS_BIGNUM, TAG_NEG_BIGNUM}, max_depth)
    return decoder.item(0), decoder.pos


class _Decoder:
    def __init__(self, data: bytes, allowed_tags: frozenset[int], max_depth: int) -> None:
        self.data = data
        self.pos = 0
        self.allowed_tags = allowed_tags
        self.max_depth = max_depth

    def take(self, n: int) -> bytes:
        if n > len(self.data) - self.pos:
            raise CBORDecodeError("truncated data")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def head(self) -> tuple[int, int, int]:
        first = self.take(1)[0]
        major, info = first >> 5, first & 0x1F
        if info < 24:
            return major, info, info
        if info <= 27:
            return major, info, int.from_bytes(self.take(1 << (info - 24)), "big")
        raise CBORDecodeError("indefinite lengths and reserved values are not used")

    def length(self, n: int, unit: int = 1) -> int:
        # Every element takes at least one byte, so a count above what remains is a lie: refuse it
        # before allocating anything.
        if n * unit > len(self.data) - self.pos:
            raise CBORDecodeError("length exceeds the remaining data")
        return n

    def item(self, depth: int) -> Item:
        if depth > self.max_depth:
            raise CBORDecodeError(f"nesting deeper than {self.max_depth}")
        major, info, n = self.head()
        if major == 0:
            return n
        if major == 1:
            return -1 - n
        if major == 2:
            return self.take(self.length(n))
        if major == 3:
            try:
                return self.take(self.length(n)).decode("utf-8")
            except UnicodeDecodeError:
                raise CBORDecodeError("text string is not valid UTF-8") from None
        if major == 4:
            return [self.item(depth + 1) for _ in range(self.length(n))]
        if major == 5:
            result: dict[int | str, Item] = {}
            for _ in range(self.length(n, 2)):
                key = self.item(depth + 1)
                if not isinstance(key, int | str) or isinstance(key, bool):
                    raise CBORDecodeError("map key is neither an integer nor a text string")
                if key in result:
                    raise CBORDecodeError("duplicate map key")
                result[key] = self.item(depth + 1)
            return result
        if major == 6:
            if n not in self.allowed_tags:
                raise CBORDecodeError(f"tag {n} is not used by this format")
            value = self.item(depth + 1)
            if n in (TAG_POS_BIGNUM, TAG_NEG_BIGNUM):
                if not isinstance(value, bytes) or len(value) > MAX_BIGNUM_BYTES:
                    raise CBORDecodeError("bignum is not a byte string of at most 64 bytes")
                big = int.from_bytes(value, "big")
                return big if n == TAG_POS_BIGNUM else -1 - big
            return Tagged(n, value)
        # major 7: simple values and floats
        if info == 20:
            return False
        if info == 21:
            return True
        if info == 22:
            return None
        if info == 25:
            return float(struct.unpack(">e", n.to_bytes(2, "big"))[0])
        if info == 26:
            return float(struct.unpack(">f", n.to_bytes(4, "big"))[0])
        if info == 27:
            return float(struct.unpack(">d", n.to_bytes(8, "big"))[0])
        raise CBORDecodeError(f"simple value {n} is not used by this format")
