"""Differential tests: the fast engine (``_fastld`` expansion, ``_rdfc`` canonicalization) against
pyld, the reference, on generated credentials and presentations.

For every generated document both engines must give the same outcome: the same error code, or
the same expanded form (same node objects, same keys in the same order) and byte-identical
canonical N-Quads. Signed documents must get the same verification report from both, before and
after tampering. The generator starts from real documents (an Open Badges 3.0 credential under
VCDM 2.0 and 1.1, a presentation, the W3C vector credential) and writes into them terms of every
pinned context, including type-scoped ones (``JsonSchema``'s ``@json`` property among them),
undefined terms, absolute and compact IRIs, blank node labels, nested arrays, dates, numbers at
the edges of the safe range, and text with control characters, bidirectional marks and astral
characters. Language-tagged values cannot be written in JSON that passes the safety rules (no
``@value``), so they are covered only as far as the pinned contexts produce them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillpass import (
    KeyPair,
    SkillpassError,
    _canon,
    _fastld,
    _jcsfast,
    sign_credential,
    sign_presentation,
    verify_credential,
    verify_presentation,
)
from skillpass._canon import canonicalize_rdfc, check_and_expand
from skillpass._contexts import _PINNED, _load_pinned
from tests.conftest import EXAMPLES, VECTORS, load_json

KEY = KeyPair.from_seed(bytes([7]) * 32)
SIGNED_AT = datetime(2026, 3, 14, tzinfo=UTC)
NOW = datetime(2027, 1, 1, tzinfo=UTC)
PROPERTY = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextmanager
def engine(name: str) -> Iterator[None]:
    saved = _canon._ENGINE
    _canon._ENGINE = name
    try:
        yield
    finally:
        _canon._ENGINE = saved


# --------------------------------------------------------------------------- vocabulary


def _walk_contexts() -> tuple[list[str], dict[str, list[str]]]:
    """Every term of the pinned contexts, and the terms each type's scoped context adds."""
    terms: set[str] = set()
    scoped: dict[str, set[str]] = {}

    def visit(ctx: Any, owner: str | None) -> None:
        if isinstance(ctx, list):
            for item in ctx:
                visit(item, owner)
            return
        if not isinstance(ctx, dict):
            return
        for term, definition in ctx.items():
            if term.startswith("@"):
                continue
            terms.add(term)
            if owner is not None:
                scoped.setdefault(owner, set()).add(term)
            if isinstance(definition, dict) and "@context" in definition:
                visit(definition["@context"], term)

    for url in _PINNED:
        visit(_load_pinned(url).get("@context"), None)
    return sorted(terms), {k: sorted(v) for k, v in scoped.items()}


TERMS, SCOPED = _walk_contexts()
TYPES = sorted(t for t in TERMS if t[:1].isupper())
ODD_KEYS = [
    "colour",  # undefined
    "https://example.org/vocab#p",
    "urn:example:p",
    "schema:name",
    "xsd:string",
    "_:b0",
    "ä",
    "",
    " id",
]
ODD_TYPES = ["https://example.org/T", "Foo", "_:t", "xsd:string", "@json", "urn:t"]
IRIS = st.sampled_from(
    [
        "https://example.org/a",
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "urn:uuid:8f1d2e2a-7d4c-4c1e-9b0e-2b1b8d3f5a10",
        "http://data.europa.eu/snb/eqf/5",
        "relative/path",
        "_:b1",
        "https://example.org/with space",
        "mailto:someone@example.org",
        "https://example.org/\u00e9t\u00e9",
    ]
)
ODD_TEXT = st.text(
    alphabet=st.sampled_from(
        [
            *"aZ09 -_:/#\"\\'",
            *["\t", "\n", "\r", "\x00", "\x07", "\x7f", "\u200f", "\u202e"],
            *["\u00e9", "\u0301", "\u4e2d", "\U0001f600", "\U00010348", "\ufeff", "\u2028"],
        ]
    ),
    max_size=12,
)
DATES = st.sampled_from(
    [
        "2024-01-01T00:00:00Z",
        "2024-02-29T23:59:59.123+05:30",
        "2024-13-01T00:00:00Z",
        "2024-01-01",
        "20240101T000000Z",
        "2024-01-01T00:00:00",
    ]
)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**53) - 2, max_value=2**53 + 2),
    st.sampled_from([0, 1, -1, 2**53 - 1, 2**53, 10**21, 1.5, -0.25, 1e-7, 123456.789, 60.0]),
    st.floats(allow_nan=False, allow_infinity=False),
)
LEAVES = st.one_of(ODD_TEXT, IRIS, DATES, NUMBERS, st.booleans(), st.sampled_from(TYPES))
KEYS = st.one_of(st.sampled_from(TERMS), st.sampled_from(ODD_KEYS))


@st.composite
def nodes(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    """A node object: maybe typed (bringing its scoped terms), maybe identified."""
    node: dict[str, Any] = {}
    keys = draw(st.lists(KEYS, max_size=3))
    type_ = draw(
        st.none()
        | st.sampled_from(TYPES + ODD_TYPES)
        | st.lists(st.sampled_from(TYPES + ODD_TYPES), min_size=1, max_size=3)
    )
    if type_ is not None:
        node["type"] = type_
        for t in type_ if isinstance(type_, list) else [type_]:
            if t in SCOPED:
                keys += draw(st.lists(st.sampled_from(SCOPED[t]), max_size=3))
    if draw(st.booleans()):
        node["id"] = draw(IRIS)
    for key in keys:
        node[key] = draw(values(depth + 1))
    return node


def values(depth: int) -> st.SearchStrategy[Any]:
    if depth >= 3:
        return LEAVES
    return st.one_of(
        LEAVES,
        LEAVES,
        nodes(depth),
        st.lists(st.one_of(LEAVES, nodes(depth)), min_size=1, max_size=3),
        # Nested arrays and odd JSON for @json terms (and for the rules to refuse elsewhere).
        st.lists(st.lists(LEAVES, min_size=1, max_size=2), min_size=1, max_size=2),
        st.dictionaries(st.text(max_size=4), LEAVES, max_size=3),
    )


# --------------------------------------------------------------------------- base documents


def _reference() -> dict[str, Any]:
    doc: dict[str, Any] = load_json(EXAMPLES / "reference-qualification.json")
    doc["issuer"]["id"] = KEY.did
    return doc


def _vcdm11() -> dict[str, Any]:
    doc = _reference()
    doc["@context"] = [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://w3id.org/security/data-integrity/v2",
    ]
    doc["issuanceDate"] = doc.pop("validFrom")
    doc["expirationDate"] = doc.pop("validUntil")
    del doc["credentialStatus"]  # VCDM 1.1's contexts do not define the status list terms
    return doc


def _presentation() -> dict[str, Any]:
    credential = sign_credential(_reference(), KEY, created=SIGNED_AT, now=SIGNED_AT)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": KEY.did,
        "verifiableCredential": [credential],
    }


BASES: dict[str, tuple[dict[str, Any], bool]] = {
    "ob3-vcdm2": (_reference(), False),
    "ob3-vcdm11": (_vcdm11(), False),
    "presentation": (_presentation(), False),
    "w3c-vector": (load_json(VECTORS / "vc-di-eddsa" / "unsigned.json"), True),
}


def _objects(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        yield path
        for key, item in value.items():
            yield from _objects(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _objects(item, (*path, i))


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def documents(draw: st.DrawFn, names: tuple[str, ...] = ()) -> tuple[dict[str, Any], bool]:
    name = draw(st.sampled_from(sorted(names or BASES)))
    base, allow_test_contexts = BASES[name]
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        target = _at(doc, draw(st.sampled_from(list(_objects(doc)))))
        action = draw(st.sampled_from(["set", "set", "new", "delete"]))
        existing = [k for k in target if k != "@context"]
        if action == "delete" and existing:
            del target[draw(st.sampled_from(existing))]
        elif action == "set" and existing:
            target[draw(st.sampled_from(existing))] = draw(values(1))
        else:
            target[draw(KEYS)] = draw(values(1))
    return doc, allow_test_contexts


# --------------------------------------------------------------------------- comparisons


def _outcome(doc: dict[str, Any], allow_test_contexts: bool) -> tuple[Any, ...]:
    try:
        expanded = check_and_expand(copy.deepcopy(doc), allow_test_contexts=allow_test_contexts)
        canonical = canonicalize_rdfc(expanded)
    except SkillpassError as exc:
        return ("refused", exc.code)
    # Without sort_keys: the key order of every node object must be pyld's too.
    return ("accepted", json.dumps(expanded, ensure_ascii=False), canonical)


def _both(doc: dict[str, Any], allow_test_contexts: bool) -> tuple[Any, ...]:
    with engine("pyld"):
        reference = _outcome(doc, allow_test_contexts)
    with engine("fast"):
        fast = _outcome(doc, allow_test_contexts)
    assert fast == reference
    return reference


def _decision(doc: dict[str, Any], allow_test_contexts: bool) -> Any:
    report = verify_credential(
        copy.deepcopy(doc),
        now=NOW,
        trusted_issuers=[KEY.did],
        allow_test_contexts=allow_test_contexts,
    )
    return report.status, [(c.id, c.status, c.code) for c in report.checks]


def test_base_documents_take_the_fast_path_and_agree() -> None:
    before = _fastld.fallback_counts()
    for name, (doc, allow) in BASES.items():
        assert _both(doc, allow)[0] == "accepted", name
    assert _fastld.fallback_counts() == before


@PROPERTY
@given(documents())
def test_generated_documents_expand_and_canonicalize_as_pyld(
    case: tuple[dict[str, Any], bool],
) -> None:
    _both(*case)


@settings(PROPERTY, max_examples=60)
@given(documents(), st.sampled_from(["eddsa-rdfc-2022", "eddsa-jcs-2022"]), st.data())
def test_generated_documents_verify_as_with_pyld(
    case: tuple[dict[str, Any], bool], suite: str, data: st.DataObject
) -> None:
    doc, allow = case
    if "proof" in doc or "verifiableCredential" in doc:
        return  # presentations and signed documents: covered by the expansion test above
    with engine("pyld"):
        try:
            signed = sign_credential(
                doc,
                KEY,
                cryptosuite=suite,
                created=SIGNED_AT,
                now=SIGNED_AT,
                allow_test_contexts=allow,
            )
        except SkillpassError:
            signed = doc  # refused at signing: both engines must refuse to verify it too
        reference = _decision(signed, allow)
    with engine("fast"):
        assert _decision(signed, allow) == reference
    # Change one value: the same decision (never valid) under both engines.
    tampered = copy.deepcopy(signed)
    node = _at(
        tampered, data.draw(st.sampled_from([p for p in _objects(tampered) if p[:1] != ("proof",)]))
    )
    keys = [k for k in node if k not in ("@context", "proof")]
    node[data.draw(st.sampled_from(keys)) if keys else "name"] = data.draw(values(2))
    with engine("pyld"):
        reference = _decision(tampered, allow)
    with engine("fast"):
        assert _decision(tampered, allow) == reference


@settings(PROPERTY, max_examples=40)
@given(
    documents(("presentation", "ob3-vcdm2", "ob3-vcdm11")),
    st.sampled_from(["eddsa-rdfc-2022", "eddsa-jcs-2022"]),
)
def test_generated_presentations_verify_as_with_pyld(
    case: tuple[dict[str, Any], bool], suite: str
) -> None:
    doc, _ = case
    with engine("pyld"):
        presentation = doc
        if "verifiableCredential" not in doc:
            # A changed credential, signed, inside a presentation: valid ones occur too.
            try:
                credential = sign_credential(
                    doc, KEY, cryptosuite=suite, created=SIGNED_AT, now=SIGNED_AT
                )
            except SkillpassError:
                credential = doc
            presentation = {**BASES["presentation"][0], "verifiableCredential": [credential]}
        try:
            signed = sign_presentation(
                presentation,
                KEY,
                challenge="c0ffee",
                cryptosuite=suite,
                created=SIGNED_AT,
                now=SIGNED_AT,
            )
        except SkillpassError:
            signed = presentation
        reference = _presentation_decision(signed)
    with engine("fast"):
        assert _presentation_decision(signed) == reference


def _presentation_decision(doc: dict[str, Any]) -> Any:
    report = verify_presentation(
        copy.deepcopy(doc), challenge="c0ffee", now=NOW, trusted_issuers=[KEY.did]
    )
    return report.status, [(c.id, c.status, c.code) for c in report.checks]


def test_w3c_vectors_byte_for_byte_without_fallback() -> None:
    v = VECTORS / "vc-di-eddsa"
    unsigned = load_json(v / "unsigned.json")
    expected = (v / "eddsa-rdfc-2022" / "canonDocDataInt.txt").read_text(encoding="utf-8")
    before = _fastld.fallback_counts()
    with engine("fast"):
        assert canonicalize_rdfc(check_and_expand(unsigned, allow_test_contexts=True)) == expected
    assert _fastld.fallback_counts() == before


def test_blank_nodes_alike_at_first_degree_go_to_pyld_and_are_counted() -> None:
    doc = _reference()
    # Two identical alignment entries: distinct blank nodes with the same first-degree hash.
    alignment = doc["credentialSubject"]["achievement"]["alignment"][0]
    doc["credentialSubject"]["achievement"]["alignment"] = [alignment, copy.deepcopy(alignment)]
    before = _fastld.fallback_counts().get("rdfc:first_degree_collision", 0)
    assert _both(doc, False)[0] == "accepted"
    assert _fastld.fallback_counts()["rdfc:first_degree_collision"] == before + 1


def test_an_unusual_document_goes_to_pyld_and_is_counted() -> None:
    doc = _reference()
    doc["credentialSubject"]["id"] = 5  # pyld decides what a non-string id means
    before = _fastld.fallback_counts().get("expand:id_not_a_string", 0)
    assert _both(doc, False)[0] == "refused"
    assert _fastld.fallback_counts()["expand:id_not_a_string"] == before + 1


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**54), max_value=2**54)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@PROPERTY
@given(JSON_VALUES)
def test_fast_jcs_is_rfc8785_or_steps_aside(value: Any) -> None:
    fast = _jcsfast.dumps(value)
    try:
        reference = rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, ValueError, TypeError):
        assert fast is None
        return
    assert fast is None or fast == reference


def test_fast_jcs_takes_ordinary_credentials() -> None:
    assert _jcsfast.dumps(_reference()) == rfc8785.dumps(_reference())
