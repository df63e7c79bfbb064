"""Base58btc: the grouped encoder and the summed decoder agree with the textbook one-digit-at-a-
time algorithm (kept here as the reference), on every length a key, a signature or anything
else may have, and refuse the same characters with the same message."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillpass._multibase import _MAX_ENCODED, ALPHABET, b58decode, b58encode
from skillpass.errors import ParsingError

_INDEX = {c: i for i, c in enumerate(ALPHABET)}


def _reference_encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(ALPHABET[r])
    return "1" * zeros + "".join(reversed(out))


def _reference_decode(text: str) -> bytes:
    n = 0
    for ch in text:
        if ch not in _INDEX:
            raise ParsingError(f"invalid base58btc character {ch!r}", code="invalid_multibase")
        n = n * 58 + _INDEX[ch]
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + (n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b"")


def _outcome(fn: object, value: object) -> object:
    try:
        return fn(value)  # type: ignore[operator]
    except ParsingError as exc:
        return ("error", exc.code, exc.message)


_BYTES = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda z, b: b"\0" * z + b, st.integers(0, 5), st.binary(max_size=140)),
)


@settings(max_examples=500)
@given(_BYTES)
def test_encode_and_decode_as_the_reference(data: bytes) -> None:
    text = b58encode(data)
    assert text == _reference_encode(data)
    if len(text) <= _MAX_ENCODED:
        assert b58decode(text) == data


@settings(max_examples=500)
@given(st.text(alphabet=ALPHABET + "0OIl+/ é", max_size=200))
def test_decode_any_text_as_the_reference(text: str) -> None:
    assert _outcome(b58decode, text) == _outcome(_reference_decode, text)


@pytest.mark.parametrize("text", ["", "1", "11", "z", "2", "1z", "zz1"])
def test_short_texts(text: str) -> None:
    assert b58decode(text) == _reference_decode(text)
    assert b58encode(_reference_decode(text)) == text
