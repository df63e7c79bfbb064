"""Script-aware text coding for SP2: one byte per character of a 128-character Unicode block.

UTF-8 spends two bytes on each Arabic, Cyrillic or Greek letter and three on each Devanagari,
Bengali or Thai one. Like SCSU (Unicode Technical Note #6, simplified), this coding keeps a
*window* on one 128-code-point block and sends each character of that window as one byte,
ASCII as itself. The window starts on U+0080..U+00FF, so French, Spanish or Portuguese accents
cost one byte without any switch.

Bytes of a coded string:

    0x00, 0x05-0x7F   that ASCII character
    0x80-0xFF         the character window + (byte - 0x80)
    0x01 b            move the window to block b (U+0080 * b), 1 <= b <= 255, then continue
    0x02 b c          one character from block b without moving: U+0080 * b + c, c < 0x80
    0x03 x y z        one character by its code point (x << 16 | y << 8 | z)
    0x04 c            the ASCII control character c (0x01-0x04 themselves)

A decoder produces at most one character per byte, so the output is bounded by the input.
"""

from __future__ import annotations

_SWITCH, _QUOTE_BLOCK, _QUOTE_POINT, _QUOTE_ASCII = 1, 2, 3, 4
_DEFAULT_BLOCK = 1  # U+0080..U+00FF
_MAX_WINDOW_BLOCK = 255  # windows reach U+7FFF; CJK and beyond are quoted by code point


class ScriptCodingError(ValueError):
    """The bytes are not a valid script-coded string."""


def encode(text: str) -> bytes:
    """Code ``text`` (any string without lone surrogates)."""
    out = bytearray()
    block = _DEFAULT_BLOCK
    for i, ch in enumerate(text):
        cp = ord(ch)
        if cp < 0x80:
            if _SWITCH <= cp <= _QUOTE_ASCII:
                out += bytes((_QUOTE_ASCII, cp))
            else:
                out.append(cp)
            continue
        target = cp >> 7
        if target == block:
            out.append(0x80 | (cp & 0x7F))
        elif target > _MAX_WINDOW_BLOCK:
            out += bytes((_QUOTE_POINT, cp >> 16, (cp >> 8) & 0xFF, cp & 0xFF))
        elif _worth_switching(text, i + 1, target, block):
            block = target
            out += bytes((_SWITCH, block, 0x80 | (cp & 0x7F)))
        else:
            out += bytes((_QUOTE_BLOCK, target, cp & 0x7F))
    return bytes(out)


def _worth_switching(text: str, start: int, target: int, block: int) -> bool:
    # Switch when the next character outside ASCII is in the new block too (a word in another
    # script); quote a lone character (a Persian letter beside Arabic ones) instead.
    for ch in text[start:]:
        cp = ord(ch)
        if cp >= 0x80:
            return cp >> 7 == target or cp >> 7 != block
    return False


def decode(data: bytes) -> str:
    """The string coded in ``data``; :class:`ScriptCodingError` when the bytes are invalid."""
    chars: list[str] = []
    block = _DEFAULT_BLOCK
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b >= 0x80:
            chars.append(chr(block << 7 | (b & 0x7F)))
            i += 1
        elif b in (_SWITCH, _QUOTE_BLOCK):
            if i + 1 >= n or not 1 <= data[i + 1] <= _MAX_WINDOW_BLOCK:
                raise ScriptCodingError("window block missing or out of range")
            if b == _SWITCH:
                block = data[i + 1]
                i += 2
            else:
                if i + 2 >= n or data[i + 2] >= 0x80:
                    raise ScriptCodingError("quoted character missing or out of range")
                chars.append(_char(data[i + 1] << 7 | data[i + 2]))
                i += 3
        elif b == _QUOTE_POINT:
            if i + 3 >= n:
                raise ScriptCodingError("quoted code point is truncated")
            chars.append(_char(int.from_bytes(data[i + 1 : i + 4], "big")))
            i += 4
        elif b == _QUOTE_ASCII:
            if i + 1 >= n or not _SWITCH <= data[i + 1] <= _QUOTE_ASCII:
                raise ScriptCodingError("quoted control character missing or out of range")
            chars.append(chr(data[i + 1]))
            i += 2
        else:
            chars.append(chr(b))
            i += 1
    return "".join(chars)


def _char(cp: int) -> str:
    if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
        raise ScriptCodingError(f"U+{cp:X} is not a Unicode scalar value")
    return chr(cp)
