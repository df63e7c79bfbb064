"""The one-pass safety rules (``skillpass._fused``) against the rules applied one after another.

The pass may only accept what ``check_json`` + pyld's expansion + the expanded-form rules
accept, with the same expanded form and the same JCS-plain answer; whatever else it meets it
hands back (``Unsure``), and the rules in turn decide. These tests hold it to that on generated
documents under generated limits (so that every budget is met at its edge), on hand-made
documents aimed at each rule the pass restates, and require that ordinary documents never need
the second walk.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillpass import SkillpassError, _canon, _fastld, _fused, sign_credential
from skillpass._canon import DEFAULT_LIMITS, Limits, check_and_expand, check_json
from tests.skillpass.test_engine_differential import (
    BASES,
    KEY,
    PROPERTY,
    SIGNED_AT,
    documents,
    engine,
)


def reference(
    doc: dict[str, Any], allow: bool, limits: Limits, skip_proof: bool
) -> tuple[Any, ...]:
    """check_json, then pyld's expansion and the expanded-form rules, one after another."""
    doc = copy.deepcopy(doc)
    try:
        plain = check_json(doc, allow_test_contexts=allow, limits=limits)
        unsecured = {k: v for k, v in doc.items() if k != "proof"} if skip_proof else doc
        with engine("pyld"):
            expanded = check_and_expand(
                unsecured, allow_test_contexts=allow, limits=limits, json_checked=True
            )
    except SkillpassError as exc:
        return ("refused", exc.code)
    return ("accepted", json.dumps(expanded, ensure_ascii=False), plain)


def fused(doc: dict[str, Any], allow: bool, limits: Limits, skip_proof: bool) -> tuple[Any, ...]:
    try:
        expanded, plain = _fused.run(
            copy.deepcopy(doc), allow_test_contexts=allow, limits=limits, skip_proof=skip_proof
        )
    except _fused.Unsure as exc:
        return ("unsure", str(exc))
    return ("accepted", json.dumps(expanded, ensure_ascii=False), plain)


def agree(doc: dict[str, Any], allow: bool, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, ...]:
    """Both answers for the document as given and as a secured document (proof skipped)."""
    outcomes = []
    for skip_proof in (False, True):
        expected = reference(doc, allow, limits, skip_proof)
        got = fused(doc, allow, limits, skip_proof)
        if got[0] == "accepted":
            assert got == expected, (skip_proof, got, expected)
        outcomes.append((expected, got))
    return tuple(outcomes)


def _signed(name: str) -> tuple[dict[str, Any], bool]:
    doc, allow = BASES[name]
    return (
        sign_credential(
            doc,
            KEY,
            cryptosuite="eddsa-jcs-2022",
            created=SIGNED_AT,
            now=SIGNED_AT,
            allow_test_contexts=allow,
        ),
        allow,
    )


SIGNED = {f"{name}-signed": _signed(name) for name in ("ob3-vcdm2", "ob3-vcdm11")}


@pytest.mark.parametrize("name", [*BASES, *SIGNED])
def test_ordinary_documents_take_the_one_pass(name: str) -> None:
    doc, allow = {**BASES, **SIGNED}[name]
    for (expected, got), skip_proof in zip(agree(doc, allow), (False, True), strict=True):
        assert expected[0] == "accepted", (name, skip_proof, expected)
        assert got == expected, (name, skip_proof)


def test_two_credentials_of_one_issuer_take_the_one_pass() -> None:
    """Each embedded credential is a graph of its own: the issuer described in both (its id
    and name) is one description per graph, which the rules accept, and so must the pass."""
    first = SIGNED["ob3-vcdm2-signed"][0]
    second = copy.deepcopy(_base())
    second["id"] = "urn:uuid:7c1e0a52-5b1d-4f0e-9a43-0d6f2b8e1c99"
    second = sign_credential(
        second, KEY, cryptosuite="eddsa-jcs-2022", created=SIGNED_AT, now=SIGNED_AT
    )
    presentation = copy.deepcopy(BASES["presentation"][0])
    presentation["verifiableCredential"] = [first, second]
    (expected, got), _ = agree(presentation, False)
    assert expected[0] == "accepted"
    assert got == expected


@st.composite
def limits(draw: st.DrawFn) -> Limits:
    """Limits around what the base documents need, so that each budget is met at its edge."""
    default = DEFAULT_LIMITS
    return Limits(
        max_bytes=draw(st.sampled_from([default.max_bytes, *range(2000, 4000, 97)])),
        max_depth=draw(st.sampled_from([default.max_depth, 3, 4, 5, 6, 7])),
        max_values=draw(st.sampled_from([default.max_values, *range(60, 140, 3)])),
        max_blank_nodes=draw(st.sampled_from([default.max_blank_nodes, *range(1, 14)])),
        max_values_per_property=draw(st.sampled_from([default.max_values_per_property, 1, 2, 3])),
        max_node_map_work=draw(st.sampled_from([default.max_node_map_work, 1, 3, 6, 10, 20])),
    )


def _with_proof(draw: st.DrawFn, case: tuple[dict[str, Any], bool]) -> tuple[dict[str, Any], bool]:
    doc, allow = case
    if "proof" not in doc and draw(st.booleans()):
        proof = copy.deepcopy(SIGNED["ob3-vcdm2-signed"][0]["proof"])
        proof["@context"] = draw(st.sampled_from([doc.get("@context"), [{"x": "urn:x"}], None]))
        if proof["@context"] is None:
            del proof["@context"]
        doc = {**doc, "proof": proof}
    return doc, allow


@PROPERTY
@given(documents(), limits(), st.data())
def test_generated_documents_under_generated_limits(
    case: tuple[dict[str, Any], bool], bounds: Limits, data: st.DataObject
) -> None:
    doc, allow = _with_proof(data.draw, case)
    agree(doc, allow, bounds)


# What the pass leaves to the rules in turn on purpose, though they accept it: a literal as a
# named graph (a presentation's "verifiableCredential": "text"), and a base direction.
DELIBERATE = {("unsure", "graph_value"), ("unsure", "graph_list"), ("unsure", "direction")}


@settings(PROPERTY, max_examples=150)
@given(documents(), st.data())
def test_what_the_fast_expansion_accepts_the_pass_accepts(
    case: tuple[dict[str, Any], bool], data: st.DataObject
) -> None:
    """Handing back is only for documents that the rules refuse or that need pyld: otherwise
    the pass would silently cost a second walk."""
    doc, allow = _with_proof(data.draw, case)
    expected = reference(doc, allow, DEFAULT_LIMITS, skip_proof=True)
    with engine("fast"):
        try:
            unsecured = {k: v for k, v in doc.items() if k != "proof"}
            check_json(copy.deepcopy(doc), allow_test_contexts=allow)
            _canon._fastld.expand(copy.deepcopy(unsecured), allow_test_contexts=allow)
            fast_expands = True
        except (SkillpassError, _canon._fastld.Fallback, _canon._fastld.DroppedTerm):
            fast_expands = False
    if expected[0] == "accepted" and fast_expands:
        got = fused(doc, allow, DEFAULT_LIMITS, skip_proof=True)
        assert got == expected or got in DELIBERATE


# --------------------------------------------------------------------------- aimed at each rule


def _base() -> dict[str, Any]:
    return copy.deepcopy(BASES["ob3-vcdm2"][0])


def _case(change: str) -> dict[str, Any]:
    doc = _base()
    subject = doc["credentialSubject"]
    achievement = subject["achievement"]
    alignment = achievement["alignment"][0]
    if change == "duplicate type":
        doc["type"] = ["VerifiableCredential", "VerifiableCredential"]
    elif change == "duplicate literal":
        alignment["targetName"] = ["a", "a"]
    elif change == "duplicate literal across spellings":
        alignment["targetName"] = "a"
        alignment["https://schema.org/targetName"] = "a"
    elif change == "same value, other type":
        alignment["targetName"] = ["1", 1]
    elif change == "true and 1":
        alignment["targetName"] = [True, 1]
    elif change == "duplicate reference":
        doc["issuer"]["otherIdentifier"] = [{"id": "urn:x:1"}, {"id": "urn:x:1"}]
    elif change == "described twice":
        achievement["id"] = doc["id"]
    elif change == "described twice in a list":
        achievement["alignment"][0]["id"] = "urn:x:a"
        achievement["alignment"][1]["id"] = "urn:x:a"
    elif change == "relative id":
        achievement["id"] = "relative/path"
    elif change == "blank node id":
        achievement["id"] = "_:b0"
    elif change == "id with space":
        achievement["id"] = "https://example.org/a b"
    elif change == "undefined type":
        achievement["type"] = ["Achievement", "NoSuchType"]
    elif change == "blank node type":
        achievement["type"] = ["Achievement", "_:t"]
    elif change == "two spellings, two values":
        alignment["targetName"] = "a"
        alignment["https://schema.org/targetName"] = "b"
    elif change == "lone surrogate type":
        achievement["type"] = ["Achievement", "T\ud800"]
    elif change == "lone surrogate in a type IRI":
        doc["type"] = ["VerifiableCredential", "https://example.org/T\ud800"]
    elif change == "issuer-dependent type":
        doc["type"] = ["VerifiableCredential", "LocalType"]
    elif change == "json type first":
        achievement["type"] = ["@json", "Achievement"]
    elif change == "keyword type":
        achievement["type"] = ["Achievement", "@json"]
    elif change == "non-ASCII type":
        achievement["type"] = ["Achievement", "T\u00e4"]
    elif change == "type twice as IRI":
        achievement["type"] = [
            "Achievement",
            "https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement",
        ]
    elif change == "undefined term":
        achievement["colour"] = "red"
    elif change == "blank node property":
        achievement["_:p"] = "x"
    elif change == "boolean as string":
        subject["identifier"][0]["hashed"] = "false"
    elif change == "number as string":
        doc["credentialStatus"]["statusListIndex"] = 94567
    elif change == "relative IRI value":
        alignment["targetUrl"] = "not an iri"
    elif change == "float":
        alignment["targetCode"] = 2.5
    elif change == "integral float":
        alignment["targetCode"] = 2.0
    elif change == "unsafe integer":
        alignment["targetCode"] = 2**53
    elif change == "null":
        alignment["targetCode"] = None
    elif change == "empty array":
        alignment["targetCode"] = []
    elif change == "nested array":
        alignment["targetName"] = [["a"]]
    elif change == "keyword":
        alignment["@id"] = "urn:x:1"
    elif change == "nested context":
        alignment["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    elif change == "value object":
        alignment["targetName"] = {"@value": "x", "@language": "en"}
    elif change == "lone surrogate":
        alignment["targetName"] = "\ud800"
    elif change == "lone surrogate key":
        alignment["\ud800"] = "x"
    elif change == "non-ASCII key":
        alignment["ä"] = "x"
    elif change == "non-ASCII text":
        alignment["targetName"] = "Schwei\u00dfen"
    elif change == "i18n datatype":
        doc["@context"] = [
            *doc["@context"],
            {"t": {"@id": "urn:t", "@type": "https://www.w3.org/ns/i18n#en_ltr"}},
        ]
        doc["t"] = "x"
    elif change == "inline context":
        doc["@context"] = [*doc["@context"], {"t": "urn:t"}]
        doc["t"] = "x"
    elif change == "proof with inline context":
        doc["proof"] = copy.deepcopy(SIGNED["ob3-vcdm2-signed"][0]["proof"])
        doc["proof"]["@context"] = [{"x": "urn:x"}]
    elif change == "proof with costly scoped context":
        doc["proof"] = copy.deepcopy(SIGNED["ob3-vcdm2-signed"][0]["proof"])
        scoped = {f"a{i}": f"urn:a:{i}" for i in range(8000)}
        doc["proof"]["@context"] = [
            "https://www.w3.org/ns/credentials/v2",
            {"t": {"@id": "urn:t", "@context": scoped}},
        ]
    elif change == "proof with null":
        doc["proof"] = copy.deepcopy(SIGNED["ob3-vcdm2-signed"][0]["proof"])
        doc["proof"]["created"] = None
    elif change == "proof with keyword":
        doc["proof"] = copy.deepcopy(SIGNED["ob3-vcdm2-signed"][0]["proof"])
        doc["proof"]["@id"] = "urn:x"
    elif change == "json value with keyword":
        doc["credentialSchema"] = {
            "id": "https://example.org/schema",
            "type": "JsonSchema",
        }
        doc["@context"] = [*doc["@context"]]
    elif change == "graph value":
        doc["type"] = ["VerifiablePresentation"]
        doc["verifiableCredential"] = "urn:x:vc"
    elif change == "graph blank nodes":
        doc = copy.deepcopy(BASES["presentation"][0])
        doc["verifiableCredential"] = [doc["verifiableCredential"][0]] * 3
    elif change == "credentials with one shape, two contexts":
        # A node's entry is kept per key tuple unless it has its own @context: two credentials
        # with the same keys but different contexts must each be read in their own.
        doc = copy.deepcopy(BASES["presentation"][0])
        first = doc["verifiableCredential"][0]
        second = copy.deepcopy(first)
        second["@context"] = [
            "https://www.w3.org/ns/credentials/v2",
            "https://w3id.org/security/data-integrity/v2",
        ]
        doc["verifiableCredential"] = [first, second]
    elif change == "top-level graph":
        doc = {"@context": doc["@context"], "verifiableCredential": [doc]}
    elif change != "none":
        raise AssertionError(change)
    return doc


CHANGES = [
    "none",
    "duplicate type",
    "duplicate literal",
    "duplicate literal across spellings",
    "same value, other type",
    "true and 1",
    "duplicate reference",
    "described twice",
    "described twice in a list",
    "relative id",
    "blank node id",
    "id with space",
    "undefined type",
    "blank node type",
    "two spellings, two values",
    "lone surrogate type",
    "lone surrogate in a type IRI",
    "issuer-dependent type",
    "json type first",
    "keyword type",
    "non-ASCII type",
    "type twice as IRI",
    "undefined term",
    "blank node property",
    "boolean as string",
    "number as string",
    "relative IRI value",
    "float",
    "integral float",
    "unsafe integer",
    "null",
    "empty array",
    "nested array",
    "keyword",
    "nested context",
    "value object",
    "lone surrogate",
    "lone surrogate key",
    "non-ASCII key",
    "non-ASCII text",
    "i18n datatype",
    "inline context",
    "proof with inline context",
    "proof with costly scoped context",
    "proof with null",
    "proof with keyword",
    "json value with keyword",
    "graph value",
    "graph blank nodes",
    "credentials with one shape, two contexts",
    "top-level graph",
]


@pytest.mark.parametrize("change", CHANGES)
def test_each_rule_the_pass_restates(change: str) -> None:
    agree(_case(change), False)


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
@pytest.mark.parametrize(
    "field",
    ["max_bytes", "max_depth", "max_values", "max_blank_nodes", "max_values_per_property"],
)
def test_each_budget_at_its_edge(field: str, signed: bool) -> None:
    """The reference credential (and its signed copy, whose proof counts too) under each limit
    set to every value around what it needs: the pass accepts exactly where the rules in turn
    do (agree() compares each answer), and from the same bound on."""
    doc = SIGNED["ob3-vcdm2-signed"][0] if signed else _base()

    def accepted(bound: int) -> bool:
        outcomes = agree(doc, False, Limits(**{field: bound}))
        return outcomes[signed][1][0] == "accepted"

    coarse = 50 if field == "max_bytes" else 1
    bounds = list(range(1, 6000 if field == "max_bytes" else 200, coarse))
    first = next(b for b in bounds if accepted(b))
    assert first > 1
    # Every bound around the edge, one by one.
    edge = [b for b in range(max(1, first - coarse - 3), first + 3) if accepted(b)]
    assert edge and all(accepted(b) for b in range(edge[0], first + 3))
    assert not accepted(edge[0] - 1)


def test_what_documents_make_the_process_keep_is_bounded_in_size() -> None:
    """Plans, entries and expansions are kept per context, keyed by strings that documents
    choose: a stream of documents with long ids, keys and types must not grow what is kept
    past the memo's bound, counted in characters (64 per unit), not only in entries."""
    engine = _fastld._engine(False)
    long = "x" * 200_000
    for i in range(40):
        doc = _base()
        doc["id"] = f"urn:uuid:{i}{long}"
        doc["credentialSubject"]["achievement"]["id"] = f"https://example.org/{i}{long}"
        _fused.run(doc, allow_test_contexts=False, limits=DEFAULT_LIMITS, skip_proof=False)

    def kept(value: Any) -> int:
        if isinstance(value, str):
            return len(value)
        if isinstance(value, tuple):
            return sum(map(kept, value))
        return 0

    total = sum(
        kept(key)
        for tables in engine._tables.values()
        for table in (tables.ids, tables.vocab, tables.entries, tables.layouts, tables.typed)
        for key in table
    )
    assert total <= (_fastld._MAX_MEMO + 2 * len(long) // 64) * 64
    assert not any(len(iri) > 1000 for iri in _canon._GOOD_IRIS)


def test_long_ids_do_not_flush_what_ordinary_documents_reuse() -> None:
    """A key longer than any term (a 100,000-character id) is looked up every time rather than
    kept, so documents full of them leave the kept plans of ordinary documents in place."""
    engine = _fastld._engine(False)
    _fused.run(_base(), allow_test_contexts=False, limits=DEFAULT_LIMITS, skip_proof=False)
    tables = dict(engine._tables)
    for i in range(60):  # 60 x 100,000 characters: past the bound, were they kept
        doc = _base()
        doc["id"] = f"urn:uuid:{i}" + "x" * 100_000
        _fused.run(doc, allow_test_contexts=False, limits=DEFAULT_LIMITS, skip_proof=False)
    assert all(engine._tables.get(key) is kept for key, kept in tables.items())
