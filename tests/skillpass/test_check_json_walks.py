"""The JSON-level rules run as a fast walk without JSON pointers, and again with them only to
report an error: both walks must refuse exactly the same documents, with the same code."""

from __future__ import annotations

from typing import Any

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from skillpass import Limits, SkillpassError, _jcsfast
from skillpass._canon import _walk_fast, _walk_with_paths, check_json

V2 = "https://www.w3.org/ns/credentials/v2"

_keys = st.one_of(
    st.sampled_from(
        [
            "name",
            "id",
            "type",
            "@context",
            "@value",
            "@language",
            "@direction",
            "@id",
            "proof",
            "verifiableCredential",
            "a/b~c",
            "é",
            "\ud800",
        ]
    ),
    st.text(max_size=4),
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**54), max_value=2**54),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.sampled_from(["\ud800", "en", "ltr", "rtl", V2, "https://example.org/x"]),
)
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=25,
)
_limits = st.sampled_from(
    [
        Limits(),
        Limits(max_values=12, max_bytes=40, max_depth=3, max_values_per_property=3),
        Limits(max_node_map_work=2),
    ]
)


def _outcome(fn: Any, doc: dict[str, Any], limits: Limits, proof_ok: bool) -> tuple[str, str]:
    try:
        fn(doc, False, limits, proof_ok)
    except SkillpassError as exc:
        return "refused", exc.code
    return "accepted", ""


@settings(max_examples=400, deadline=None)
@given(body=st.dictionaries(_keys, _json, max_size=5), limits=_limits, proof_ok=st.booleans())
def test_fast_walk_refuses_what_the_full_walk_refuses(
    body: dict[str, Any], limits: Limits, proof_ok: bool
) -> None:
    doc = {"@context": [V2], **body}
    doc["@context"] = [V2]
    assert _outcome(_walk_fast, doc, limits, proof_ok) == _outcome(
        _walk_with_paths, doc, limits, proof_ok
    )
    # And check_json reports the full walk's error, path included.
    try:
        _walk_with_paths(doc, False, limits, proof_ok)
    except SkillpassError as expected:
        try:
            check_json(doc, limits=limits, proof_context_ok=proof_ok)
        except SkillpassError as got:
            assert (got.code, got.path) == (expected.code, expected.path)
        else:
            raise AssertionError("check_json accepted what the full walk refuses")
    else:
        plain = check_json(doc, limits=limits, proof_context_ok=proof_ok)
        # "Plain" is the C encoder's JCS domain: it then writes exactly what rfc8785 writes.
        assert plain == _jcsfast._plain(doc)
        if plain:
            assert _jcsfast.dumps_plain(doc) == rfc8785.dumps(doc)


class _Text(str):
    pass


def test_values_the_fast_walk_leaves_to_the_full_walk() -> None:
    # A str subclass is judged by the full walk, which accepts it as text.
    check_json({"@context": [V2], "name": _Text("x")})
    try:
        check_json({"@context": [V2], "name": object()})
    except SkillpassError as exc:
        assert (exc.code, exc.path) == ("invalid_json", "/name")
    else:
        raise AssertionError("a non-JSON value was accepted")
