"""Documents aimed at the one-pass safety rules (``skillpass._fused``) where they once differed
from the rules applied one after another (``check_json``, pyld's expansion, the expanded-form
rules): each was accepted by the pass but refused, or accepted differently, by the reference.
"""

from __future__ import annotations

import copy
import gc
from typing import Any

import pytest

from skillpass import (
    SkillpassError,
    _canon,
    _fastld,
    _fused,
    _rdfc,
    sign_credential,
    verify_credential,
)
from skillpass._canon import DEFAULT_LIMITS, Limits
from tests.skillpass.test_engine_differential import BASES, KEY, NOW, SIGNED_AT, engine
from tests.skillpass.test_fused import agree, fused, reference


def _base() -> dict[str, Any]:
    return copy.deepcopy(BASES["ob3-vcdm2"][0])


def _nested(levels: int, leaf: dict[str, Any]) -> dict[str, Any]:
    for _ in range(levels):
        leaf = {"https://example.org/p": leaf}
    return leaf


def _array_at_max_depth(max_depth: int, items: list[Any]) -> dict[str, Any]:
    """The reference credential with an array at depth ``max_depth`` (so its items are one
    level too deep): credentialSubject is at depth 1 and the object holding the array at
    ``max_depth - 1``."""
    doc = _base()
    doc["credentialSubject"]["https://example.org/q"] = _nested(
        max_depth - 3, {"https://example.org/n": items}
    )
    return doc


@pytest.mark.parametrize("items", [[1, 2], [True], [False, 0], [2.5], ["a"]])
@pytest.mark.parametrize("max_depth", [7, 8, 11, DEFAULT_LIMITS.max_depth])
def test_numbers_and_booleans_in_an_array_count_their_depth(
    max_depth: int, items: list[Any]
) -> None:
    """check_json counts every array item one level below its array; the pass once checked the
    depth of strings and objects in an array, but not of numbers and booleans."""
    limits = Limits(max_depth=max_depth)
    doc = _array_at_max_depth(max_depth, items)
    for expected, _ in agree(doc, False, limits):
        assert expected == ("refused", "document_too_deep")
    # One level up, both accept.
    shallower = _array_at_max_depth(max_depth - 1, items)
    for expected, got in agree(shallower, False, limits):
        assert expected[0] == "accepted"
        assert got == expected


def test_a_too_deep_array_of_numbers_is_neither_signed_nor_verified() -> None:
    """End to end, at the default limits: both engines refuse to sign, and a document signed
    with a raised depth limit is refused by both."""
    doc = _array_at_max_depth(DEFAULT_LIMITS.max_depth, [1, 2])
    for name in ("fast", "pyld"):
        with engine(name), pytest.raises(SkillpassError) as refused:
            sign_credential(
                copy.deepcopy(doc),
                KEY,
                cryptosuite="eddsa-jcs-2022",
                created=SIGNED_AT,
                now=SIGNED_AT,
            )
        assert refused.value.code == "document_too_deep", name
    signed = sign_credential(
        doc,
        KEY,
        cryptosuite="eddsa-jcs-2022",
        created=SIGNED_AT,
        now=SIGNED_AT,
        limits=Limits(max_depth=DEFAULT_LIMITS.max_depth + 1),
    )
    for name in ("fast", "pyld"):
        with engine(name):
            report = verify_credential(copy.deepcopy(signed), now=NOW)
        assert report.checks[0].code == "document_too_deep", name


class _Key(str):
    """A str subclass (equal to, and hashing as, the plain string)."""


def test_str_subclass_keys_are_not_plain_json() -> None:
    """check_json leaves keys that are not exactly ``str`` to its full walk and calls the
    document not JCS-plain; the pass once found such keys in its member plans (made for the
    plain strings by an earlier document) and called it plain."""
    warm = _base()
    assert fused(warm, False, DEFAULT_LIMITS, False)[0] == "accepted"  # the plans are kept
    doc = _base()
    achievement = doc["credentialSubject"]["achievement"]
    doc["credentialSubject"]["achievement"] = {_Key(k): v for k, v in achievement.items()}
    top = {_Key(k): v for k, v in _base().items()}
    for case in (doc, top):
        for expected, _ in agree(case, False):
            assert expected[0] == "accepted" and expected[2] is False
    assert reference(top, False, DEFAULT_LIMITS, False)[2] is False


# --------------------------------------------------------------------------- what the memos keep


def _held(engine: Any) -> tuple[int, int]:
    """How many entries the engine's per-context memos hold, and how many characters of the
    strings in their keys (the strings that come from documents)."""
    entries = chars = 0

    def count(key: Any) -> None:
        nonlocal chars
        if type(key) is str:
            chars += len(key)
        elif type(key) is tuple:
            for part in key:
                count(part)

    for tables in engine._tables.values():
        for name in ("vocab", "ids", "shapes", "props", "plans", "members", "typed"):
            table = getattr(tables, name)
            entries += len(table)
            for key in table:
                count(key)
        for name in ("layouts", "entries"):
            for key in getattr(tables, name):
                entries += 1
                count(key)
    return entries, chars


@pytest.fixture
def small_memo(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A fresh engine whose memos may hold 2,000 entries."""
    monkeypatch.setattr(_fastld, "_MAX_MEMO", 2000)
    monkeypatch.setattr(_fastld, "_ENGINES", {})
    return _fastld._engine(False)


def _run(doc: dict[str, Any]) -> None:
    _fused.run(doc, allow_test_contexts=False, limits=DEFAULT_LIMITS, skip_proof=True)


def test_the_memos_stay_within_their_bound_in_steady_state(small_memo: Any) -> None:
    """Every document with a new id adds to the memos; the bound once applied only when a new
    active context needed its tables, so with the contexts all met it never applied again."""
    for i in range(3000):
        doc = _base()
        doc["credentialSubject"]["achievement"]["id"] = f"urn:example:achievement:{i}"
        _run(doc)
    entries, _ = _held(small_memo)
    assert entries <= _fastld._MAX_MEMO


def test_long_strings_count_against_the_bound(small_memo: Any) -> None:
    """Ids, types and keys of any length are kept: a bound on the number of entries alone let
    a stream of long ones keep ~1 MB each."""
    long = "x" * 50_000

    def tables_alive() -> int:
        return sum(1 for o in gc.get_objects() if type(o) is _fastld._Tables)

    before = tables_alive()
    gc.disable()  # the tables dropped are freed at once, not left in cycles to the collector
    try:
        for i in range(40):
            doc = _base()
            doc["credentialSubject"]["achievement"]["id"] = f"urn:example:{i}:{long}"
            doc["credentialSubject"]["type"] = ["AchievementSubject", f"urn:t:{i}:{long}"]
            doc["credentialSubject"][f"urn:example:key:{i}:{long}"] = "x"
            _run(doc)
        alive = tables_alive() - before
    finally:
        gc.enable()
    assert alive <= 2 * len(small_memo._tables)
    _, chars = _held(small_memo)
    # At most the bound's worth of characters, and what one document may have added past it.
    assert chars <= _fastld._MAX_MEMO * 64 + 4 * len(long)  # _fastld.weight: 64 per unit
    assert all(len(iri) <= _canon._MAX_KEPT_IRI for iri in _canon._GOOD_IRIS)


def test_a_node_with_many_keys_counts_them_all(small_memo: Any) -> None:
    """A node's layout holds a plan per key: one entry per layout let a stream of nodes with
    thousands of keys (each set a little different) keep ~100 bytes per key per document."""
    pool = [f"urn:example:p:{i}" for i in range(400)]
    for i in range(60):
        doc = _base()
        doc["credentialSubject"]["https://example.org/q"] = {
            key: 1 for j, key in enumerate(pool) if j != i
        }
        _run(doc)
    layouts = sum(
        len(layout[0])
        for tables in small_memo._tables.values()
        for layout in tables.layouts.values()
    )
    assert layouts <= _fastld._MAX_MEMO


@pytest.mark.parametrize("max_depth", [7.5, 8.5, 32.5])
def test_a_fractional_depth_limit_is_compared_as_check_json_compares_it(max_depth: float) -> None:
    """Limits may be fractional. An array at depth 7 is fine under 7.5, its items at 8 are not:
    "depth >= limit" (the pass's array and type-list checks, and check_json's fast walk for a
    string member) said otherwise, where check_json's walk compares "depth > limit"."""
    limits = Limits(max_depth=max_depth)
    too_deep = int(max_depth) - 3  # the object holding the array or type list, at int(limit) - 1
    numbers = _array_at_max_depth(int(max_depth), [1, 2])
    types = _base()
    types["credentialSubject"]["https://example.org/q"] = _nested(
        too_deep, {"type": ["Achievement", "Alignment"]}
    )
    string = _base()
    string["credentialSubject"]["https://example.org/q"] = _nested(
        too_deep + 1, {"https://example.org/s": "deep"}
    )
    number = copy.deepcopy(string)
    _nested_leaf(number)["https://example.org/s"] = 1
    for doc in (numbers, types, string, number):
        for expected, _ in agree(doc, False, limits):
            assert expected == ("refused", "document_too_deep")


def _nested_leaf(doc: dict[str, Any]) -> dict[str, Any]:
    node = doc["credentialSubject"]["https://example.org/q"]
    while "https://example.org/p" in node:
        node = node["https://example.org/p"]
    return node


@pytest.mark.parametrize("bound", [0.5, 0.999])
def test_a_values_per_property_limit_below_one(bound: float) -> None:
    """Under a (fractional) limit below one, the expanded-form rules refuse any property, one
    value too; the pass counted only the values of properties given several, so a document
    without arrays got through."""
    doc = {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": "urn:example:credential",
        "type": "VerifiableCredential",
        "issuer": "did:example:issuer",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject"},
    }
    for expected, _ in agree(doc, False, Limits(max_values_per_property=bound)):
        assert expected == ("refused", "too_many_values")
    for expected, got in agree(doc, False, Limits(max_values_per_property=1)):
        assert expected[0] == "accepted" and got == expected


# --------------------------------------------------------------------------- str subclasses


class _NoColon(str):
    """A str whose ``find`` finds no colon: expanded as a term, not as the IRI it spells."""

    def find(self, *args: Any, **kwargs: Any) -> int:
        return -1


@pytest.fixture
def fresh_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Engines whose memos start empty (and are dropped after the test)."""
    monkeypatch.setattr(_fastld, "_ENGINES", {})


def test_a_str_subclass_does_not_teach_the_memos_an_expansion(fresh_engines: None) -> None:
    """Library callers can pass str subclasses. The one pass hands such a type back, but
    first its json-type check expanded it with ``_vocab``, which kept the subclass's answer
    under the equal str: every later document with that type then expanded it the
    subclass's way, so the pass accepted a credential whose expanded form differs from
    pyld's (the type "ex:Thing" read as a term of the examples context's @vocab)."""
    doc = copy.deepcopy(BASES["w3c-vector"][0])
    doc["credentialSubject"]["type"] = "ex:Thing"
    subclassed = copy.deepcopy(doc)
    subclassed["credentialSubject"]["type"] = [_NoColon("ex:Thing")]
    with pytest.raises(_fused.Unsure):
        _fused.run(subclassed, allow_test_contexts=True, limits=DEFAULT_LIMITS, skip_proof=False)
    with engine("fast"):  # and the expansion the pass falls back to
        _canon._fastld.expand(subclassed, allow_test_contexts=True)
    for expected, got in agree(doc, True):
        assert expected[0] == "accepted"
        assert got == expected
        assert '"ex:Thing"' in got[1]


class _EqualToAll(str):
    """A str equal to every str that has its hash, which is that of ``"not an iri"``."""

    def __hash__(self) -> int:
        return hash("not an iri")

    def __eq__(self, other: object) -> bool:
        return True


def test_a_str_subclass_does_not_make_an_iri_good(monkeypatch: pytest.MonkeyPatch) -> None:
    """The IRIs that passed the check are kept, and a kept one passes by lookup: a str
    subclass kept there would pass whatever str it says it equals."""
    monkeypatch.setattr(_canon, "_GOOD_IRIS", set(_canon._GOOD_IRIS))
    _canon._ExpandedChecker.iri(_EqualToAll("urn:example:fine"), "an id")
    with pytest.raises(SkillpassError):
        _canon._ExpandedChecker.iri("not an iri", "an id")


class _ShownOtherwise(str):
    """A str that prints as another IRI."""

    def __str__(self) -> str:
        return "urn:example:other"


def test_a_str_subclass_does_not_teach_rdfc_an_iri(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast RDFC keeps each IRI's N-Quads form. An id that was a str subclass was kept
    in its own printed form under the equal str, and every later document with that id was
    canonicalized with the other IRI (so a signature over one would verify the other)."""
    monkeypatch.setattr(_rdfc, "_IRIS", {})
    doc = _base()
    doc["credentialSubject"]["achievement"]["id"] = "urn:example:a"
    odd = copy.deepcopy(doc)
    odd["credentialSubject"]["achievement"]["id"] = _ShownOtherwise("urn:example:a")
    canonical = {}
    for name in ("fast", "pyld"):
        with engine(name):
            if name == "fast":
                _canon.canonicalize_rdfc(_canon.check_and_expand(odd))
            canonical[name] = _canon.canonicalize_rdfc(_canon.check_and_expand(doc))
    assert canonical["fast"] == canonical["pyld"]
    assert "<urn:example:a>" in canonical["fast"]
