"""``_jcsfast`` writes through ``orjson`` first: for every value it takes, the bytes are the
``json`` encoder's (which the RFC 8785 tests hold to ``rfc8785``), and whatever ``orjson``
refuses (subclasses, lone surrogates, big integers, deep nesting) goes to ``json`` unchanged."""

from __future__ import annotations

import json
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from skillpass import _jcsfast

_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _reference(value: Any) -> object:
    try:
        return _JSON.encode(value).encode("utf-8")
    except Exception as exc:
        return type(exc)


def _plain(value: Any) -> object:
    try:
        return _jcsfast.dumps_plain(value)
    except Exception as exc:
        return type(exc)


@pytest.mark.parametrize("start", range(0, 0x3000, 0x100))
def test_every_character_is_written_as_json_and_rfc8785_write_it(start: int) -> None:
    for cp in range(start, start + 0x100):
        if 0xD800 <= cp <= 0xDFFF:
            continue  # lone surrogates: below
        value = {"k": chr(cp) + "x" + chr(cp)}
        assert _jcsfast.dumps_plain(value) == _reference(value) == rfc8785.dumps(value)


@pytest.mark.parametrize("text", ["\u2028\u2029", "\ufeff", "\uffff", "\U0010ffff", "😀", "a\\b"])
def test_characters_beyond_the_first_pages(text: str) -> None:
    value = [text, {text: text}] if text.isascii() else [text]
    assert _jcsfast.dumps_plain(value) == _reference(value) == rfc8785.dumps(value)


class _Text(str):
    def __str__(self) -> str:
        return "changed"


class _Number(int):
    def __repr__(self) -> str:
        return "7"


@pytest.mark.parametrize(
    "value",
    [
        ["\ud800"],  # a lone surrogate: not UTF-8, refused by both
        [_Text("a")],  # subclasses: as json writes them
        {"n": _Number(1)},
        [2**53, -(2**53)],  # beyond RFC 8785's safe integers (dumps() refuses them anyway)
        [2**70],
        {1: "a"},  # a key that is not a string
        (1, "a"),
    ],
)
def test_what_orjson_refuses_is_left_to_json(value: Any) -> None:
    assert _plain(value) == _reference(value)


_PLAIN = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet=st.characters(max_codepoint=127)), inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=500)
@given(_PLAIN)
def test_plain_values_as_json_writes_them(value: Any) -> None:
    assert _plain(value) == _reference(value)
    fast = _jcsfast.dumps(value)
    assert fast is None or fast == rfc8785.dumps(value)


def test_deep_nesting_is_left_to_json() -> None:
    value: Any = "x"
    for _ in range(300):  # deeper than orjson goes, shallower than json
        value = [value]
    assert _plain(value) == _reference(value)
