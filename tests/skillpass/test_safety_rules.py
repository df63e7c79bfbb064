"""Negative tests for the JSON-LD safety rules: each rejection, its stable code, on sign and verify.

pyld drops undefined terms, relative or malformed IRIs, some keywords, nulls and more from the
canonical form without a word, so a signature would not cover them. Each rule below must refuse
such input both when signing and when verifying (in the ``format`` check), with its own code.
The codes are part of the public contract: :data:`STABLE_CODES` lists them all.
"""

from __future__ import annotations

import copy
import json
import math
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

import skillpass
from skillpass import KeyPair, Limits, SkillpassError, sign_credential, verify_credential
from skillpass._canon import canonicalize_rdfc, check_and_expand
from skillpass._jsonio import parse_json

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "examples" / "reference-qualification.json"
V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
CITIZENSHIP = "https://w3id.org/citizenship/v4rc1"
NOW = datetime(2027, 1, 1, tzinfo=UTC)
SIGNED_AT = datetime(2026, 3, 14, tzinfo=UTC)

# Every code these tests expect; renaming one breaks the CLI, HTTP problem bodies and clients.
STABLE_CODES = frozenset(
    {
        "ambiguous_number",
        "blank_node_id",
        "canonicalization_timeout",
        "context_not_allowed",
        "datatype_mismatch",
        "document_too_deep",
        "document_too_large",
        "duplicate_key",
        "duplicate_proof",
        "duplicate_value",
        "empty_array",
        "invalid_context",
        "invalid_datetime",
        "invalid_iri",
        "invalid_json",
        "invalid_number",
        "invalid_proof",
        "invalid_proof_value",
        "invalid_unicode",
        "keyword_not_allowed",
        "missing_context",
        "nested_array",
        "null_value",
        "protected_term_redefinition",
        "schema_invalid",
        "too_many_blank_nodes",
        "undefined_term",
        "unknown_proof_field",
        "unsafe_integer",
        "unsupported_proof_type",
    }
)

KEY = KeyPair.from_seed(bytes(range(32)))

Mutation = Callable[[dict[str, Any]], None]


def _reference() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    doc["issuer"]["id"] = KEY.did
    return doc


def _plain() -> dict[str, Any]:
    """The reference without the Open Badges type, so that only the VC 2.0 schema applies and
    the JSON-LD rules are reached even where the OB schema would refuse the input first."""
    doc = _reference()
    doc["type"] = ["VerifiableCredential"]
    return doc


def _set(path: str, value: Any) -> Mutation:
    """A mutation setting ``value`` at a slash-separated path (list indices as numbers)."""
    parts = [int(p) if p.isdigit() else p for p in path.split("/")]

    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for part in parts[:-1]:
            target = target[part]
        target[parts[-1]] = value

    return mutate


def _append_context(value: Any) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        doc["@context"] = [*doc["@context"], value]

    return mutate


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"narrative": "the bottom"}
    for _ in range(depth):
        value = {"criteria": value}
    return value


ACHIEVEMENT = "credentialSubject/achievement"

# (id, mutation, expected code). Applied to the plain credential before signing (signing must
# refuse) and to a signed credential (verification must report it in the format check).
CASES: list[tuple[str, Mutation, str]] = [
    ("undefined-term-top", _set("skill", "welding"), "undefined_term"),
    ("undefined-term-nested", _set("credentialSubject/skill", "welding"), "undefined_term"),
    ("undefined-term-deep", _set(f"{ACHIEVEMENT}/criteria/grade", "A"), "undefined_term"),
    ("relative-iri-id", _set("id", "credentials/42"), "invalid_iri"),
    ("dot-relative-iri", _set(f"{ACHIEVEMENT}/id", "./smaw-nc2"), "invalid_iri"),
    ("fragment-only-iri", _set("credentialSubject/id", "#me"), "invalid_iri"),
    ("scheme-relative-iri", _set(f"{ACHIEVEMENT}/id", "//rtc7.example.ph/q"), "invalid_iri"),
    ("iri-with-space", _set("id", "urn:uuid:2f6d4c1e 8a3b"), "invalid_iri"),
    ("iri-trailing-space", _set(f"{ACHIEVEMENT}/id", "https://rtc7.example.ph/q "), "invalid_iri"),
    (
        "iri-trailing-newline",
        _set(f"{ACHIEVEMENT}/id", "https://rtc7.example.ph/q\n"),
        "invalid_iri",
    ),
    ("not-a-url", _set("id", "not a url"), "invalid_iri"),
    ("keyword-like-id", _set("credentialSubject/id", "@me"), "invalid_iri"),
    ("blank-node-id", _set("credentialSubject/id", "_:b0"), "blank_node_id"),
    ("blank-node-type", _set("issuer/type", ["Profile", "_:t"]), "blank_node_id"),
    ("blank-node-property", _set("issuer/_:p", "hidden"), "blank_node_id"),
    ("keyword-index", _set("credentialSubject/@index", "x"), "keyword_not_allowed"),
    ("keyword-id", _set("credentialSubject/@id", "urn:x:1"), "keyword_not_allowed"),
    ("keyword-type", _set(f"{ACHIEVEMENT}/@type", "Achievement"), "keyword_not_allowed"),
    ("keyword-language", _set(f"{ACHIEVEMENT}/@language", "en"), "keyword_not_allowed"),
    ("keyword-value", _set("name", {"@value": "x", "@index": "i"}), "keyword_not_allowed"),
    ("keyword-top-level", _set("@id", "urn:x:1"), "keyword_not_allowed"),
    (
        "inline-context-vocab",
        _append_context({"@vocab": "https://example.org/"}),
        "context_not_allowed",
    ),
    (
        "inline-context-base",
        _append_context({"@base": "https://example.org/"}),
        "context_not_allowed",
    ),
    (
        "inline-context-import",
        _append_context({"@import": "https://evil.example/c.jsonld"}),
        "context_not_allowed",
    ),
    (
        "inline-context-remote-scoped",
        _append_context(
            {"x": {"@id": "https://example.org/x", "@context": "https://evil.example/c"}}
        ),
        "context_not_allowed",
    ),
    (
        "inline-context-value-alias",
        _append_context({"v": "@value"}),
        "context_not_allowed",
    ),
    (
        "inline-context-relative-term",
        _append_context({"skill": "skills/skill"}),
        "context_not_allowed",
    ),
    (
        "inline-context-first",
        _set("@context", [{"skill": "https://example.org/skill"}, V2]),
        "context_not_allowed",
    ),
    (
        "inline-context-redefines-protected",
        _append_context({"VerifiableCredential": "https://example.org/#Bad"}),
        "protected_term_redefinition",
    ),
    ("nested-context", _set("credentialSubject/@context", V2), "keyword_not_allowed"),
    (
        "unknown-context",
        _append_context("https://evil.example/context.jsonld"),
        "context_not_allowed",
    ),
    ("test-context-examples", _append_context(EXAMPLES_V2), "context_not_allowed"),
    ("test-context-citizenship", _append_context(CITIZENSHIP), "context_not_allowed"),
    ("empty-context", _set("@context", []), "missing_context"),
    (
        "wrong-first-context",
        _set("@context", ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]),
        "invalid_context",
    ),
    ("integer-2-53", _set(f"{ACHIEVEMENT}/creditsAvailable", 2**53), "unsafe_integer"),
    ("integer-minus-2-53", _set(f"{ACHIEVEMENT}/creditsAvailable", -(2**53)), "unsafe_integer"),
    ("float-nan", _set(f"{ACHIEVEMENT}/creditsAvailable", math.nan), "invalid_number"),
    ("float-inf", _set(f"{ACHIEVEMENT}/creditsAvailable", math.inf), "invalid_number"),
    ("integral-float", _set(f"{ACHIEVEMENT}/creditsAvailable", 60.0), "ambiguous_number"),
    ("null-value", _set(f"{ACHIEVEMENT}/description", None), "null_value"),
    ("empty-array", _set(f"{ACHIEVEMENT}/alignment", []), "empty_array"),
    ("nested-array", _set(f"{ACHIEVEMENT}/inLanguage", [["en"]]), "nested_array"),
    ("duplicate-type", _set("issuer/type", ["Profile", "Profile"]), "duplicate_value"),
    ("duplicate-id-value", _set(f"{ACHIEVEMENT}/inLanguage", ["en", "en"]), "duplicate_value"),
    ("lone-surrogate", _set("name", "SMAW \ud800"), "invalid_unicode"),
    ("lone-surrogate-key", _set("credentialSubject/\udc00", "x"), "invalid_unicode"),
    ("non-json-value", _set("name", {"SMAW"}), "invalid_json"),
    (
        "boolean-as-string",
        _set("credentialSubject/identifier/0/hashed", "false"),
        "datatype_mismatch",
    ),
    (
        "datetime-as-number",
        _set("credentialSubject/activityEndDate", 20260227),
        "datatype_mismatch",
    ),
    ("validFrom-yesterday", _set("validFrom", "yesterday"), "invalid_datetime"),
    ("validFrom-no-timezone", _set("validFrom", "2026-03-14T00:00:00"), "invalid_datetime"),
    ("validFrom-newline", _set("validFrom", "2026-03-14T00:00:00Z\n"), "invalid_datetime"),
    ("validUntil-feb-30", _set("validUntil", "2026-02-30T00:00:00Z"), "invalid_datetime"),
    ("validUntil-date-only", _set("validUntil", "2031-03-13"), "invalid_datetime"),
    ("validUntil-number", _set("validUntil", 1900000000), "invalid_datetime"),
    ("issuanceDate-yesterday", _set("issuanceDate", "yesterday"), "invalid_datetime"),
    ("issuanceDate-no-timezone", _set("issuanceDate", "2026-03-14T00:00:00"), "invalid_datetime"),
    ("expirationDate-feb-30", _set("expirationDate", "2026-02-30T00:00:00Z"), "invalid_datetime"),
    ("expirationDate-hour-25", _set("expirationDate", "2031-03-13T25:00:00Z"), "invalid_datetime"),
    ("depth-bomb", _set(f"{ACHIEVEMENT}/criteria", _nested(100)), "document_too_deep"),
]


@pytest.fixture(scope="module")
def signed_plain() -> dict[str, Any]:
    return sign_credential(_plain(), KEY, created=SIGNED_AT)


def test_control_plain_credential_signs_and_verifies(signed_plain: dict[str, Any]) -> None:
    """The unmutated base passes every rule, so each failure below is the mutation's."""
    report = verify_credential(signed_plain, now=NOW)
    assert report.check("format").status == "valid"
    assert report.check("proof").status == "valid"


def test_every_expected_code_is_listed() -> None:
    assert {code for _, _, code in CASES} <= STABLE_CODES


@pytest.mark.parametrize(("mutate", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_signing_refuses(mutate: Mutation, code: str) -> None:
    doc = _plain()
    mutate(doc)
    with pytest.raises(SkillpassError) as info:
        sign_credential(doc, KEY, created=SIGNED_AT)
    assert info.value.code == code


@pytest.mark.parametrize(("mutate", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_verification_reports_in_format_check(
    signed_plain: dict[str, Any], mutate: Mutation, code: str
) -> None:
    doc = copy.deepcopy(signed_plain)
    mutate(doc)
    report = verify_credential(doc, now=NOW)
    fmt = report.check("format")
    assert (fmt.status, fmt.code) == ("invalid", code), fmt.message
    assert report.status == "invalid"
    assert report.check("proof").status == "unknown"  # never reached: not "valid"


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (_set("name", {"@value": "x", "@index": "i"}), "keyword_not_allowed"),
        (_set(f"{ACHIEVEMENT}/creditsAvailable", 2**53), "unsafe_integer"),
        (_set("validFrom", "yesterday"), "invalid_datetime"),
        (_set("credentialSubject/skill", "welding"), "undefined_term"),
    ],
)
def test_open_badges_credential_is_refused_too(mutate: Mutation, code: str) -> None:
    """The same rules hold with the OB type (its JSON Schema runs before the JSON-LD rules,
    which is why the table uses the plain credential)."""
    doc = _reference()
    mutate(doc)
    with pytest.raises(SkillpassError) as info:
        sign_credential(doc, KEY)
    assert info.value.code == code


# --------------------------------------------------------------------------- proofs


def _proof(field: str, value: Any) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        doc["proof"][field] = value

    return mutate


def _drop_proof_field(field: str) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        del doc["proof"][field]

    return mutate


def _two_proofs_one_id(doc: dict[str, Any]) -> None:
    first = {**doc["proof"], "id": "urn:uuid:8d0f4cf6-4a5b-4c57-9b9b-2d1c1f0e7a11"}
    doc["proof"] = [first, {**first, "created": "2026-03-15T00:00:00Z"}]


PROOF_CASES: list[tuple[str, Mutation, str]] = [
    ("created-yesterday", _proof("created", "yesterday"), "invalid_datetime"),
    ("created-feb-30", _proof("created", "2026-02-30T00:00:00Z"), "invalid_datetime"),
    ("created-no-timezone", _proof("created", "2026-03-14T00:00:00"), "invalid_datetime"),
    ("expires-yesterday", _proof("expires", "yesterday"), "invalid_datetime"),
    ("expires-no-timezone", _proof("expires", "2030-01-01T00:00:00"), "invalid_datetime"),
    ("unknown-field", _proof("note", "hello"), "unknown_proof_field"),
    ("keyword-field", _proof("@type", "DataIntegrityProof"), "keyword_not_allowed"),
    ("wrong-type", _proof("type", "Ed25519Signature2020"), "unsupported_proof_type"),
    ("type-as-list", _proof("type", ["DataIntegrityProof"]), "unsupported_proof_type"),
    ("missing-proofValue", _drop_proof_field("proofValue"), "invalid_proof"),
    # The VC 2.0 JSON Schema requires these proof properties, and it runs first.
    ("missing-verificationMethod", _drop_proof_field("verificationMethod"), "schema_invalid"),
    ("missing-proofPurpose", _drop_proof_field("proofPurpose"), "schema_invalid"),
    ("missing-cryptosuite", _drop_proof_field("cryptosuite"), "invalid_proof"),
    ("proofValue-base64", _proof("proofValue", "uYWJj"), "invalid_proof_value"),
    ("proofValue-bad-char", _proof("proofValue", "z0OIl"), "invalid_proof_value"),
    ("proofValue-number", _proof("proofValue", 42), "schema_invalid"),
    ("proofValue-null", _proof("proofValue", None), "null_value"),
    ("nonce-number", _proof("nonce", 42), "invalid_proof"),
    ("id-not-an-iri", _proof("id", "not a url"), "invalid_iri"),
    ("id-relative", _proof("id", "#proof-1"), "invalid_iri"),
    ("verificationMethod-relative", _proof("verificationMethod", "#key-1"), "invalid_iri"),
    ("previousProof-not-an-iri", _proof("previousProof", "proof 1"), "invalid_iri"),
    ("two-proofs-one-id", _two_proofs_one_id, "duplicate_proof"),
    ("proof-not-object", lambda d: d.__setitem__("proof", "z123"), "schema_invalid"),
]


@pytest.mark.parametrize(
    ("mutate", "code"), [c[1:] for c in PROOF_CASES], ids=[c[0] for c in PROOF_CASES]
)
def test_malformed_proof_is_reported_in_format_check(
    signed_plain: dict[str, Any], mutate: Mutation, code: str
) -> None:
    assert code in STABLE_CODES
    doc = copy.deepcopy(signed_plain)
    mutate(doc)
    report = verify_credential(doc, now=NOW)
    fmt = report.check("format")
    assert (fmt.status, fmt.code) == ("invalid", code), fmt.message
    assert report.status == "invalid"


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
@pytest.mark.parametrize("proof_id", ["not a url", "#proof-1", "proof-1"])
def test_signing_refuses_a_proof_id_that_is_not_an_iri(cryptosuite: str, proof_id: str) -> None:
    """eddsa-jcs-2022 signed (and then verified) any string as the proof id."""
    with pytest.raises(SkillpassError) as info:
        sign_credential(_plain(), KEY, cryptosuite=cryptosuite, proof_id=proof_id)
    assert info.value.code == "invalid_iri"


@pytest.mark.parametrize("created", ["yesterday", "2026-02-30T00:00:00Z", "2026-03-14T00:00:00"])
def test_signing_refuses_invalid_created(created: str) -> None:
    with pytest.raises(SkillpassError) as info:
        sign_credential(_plain(), KEY, created=created)
    assert info.value.code == "invalid_datetime"


def test_other_typed_values_are_data_signed_as_given() -> None:
    """Only the dates the verifier interprets must be valid xsd:dateTime; the W3C ``employ``
    vector types plain dates as dateTime and still verifies."""
    path = ROOT / "tests/vectors/vc-di-eddsa/eddsa-rdfc-2022/employ/signedDataInt.json"
    vector = json.loads(path.read_text(encoding="utf-8"))
    report = verify_credential(vector, now=NOW, allow_test_contexts=True)
    assert report.check("format").status == "valid"
    assert report.check("proof").status == "valid"


# --------------------------------------------------------------------------- contexts


def test_unknown_context_never_touches_the_network(
    monkeypatch: pytest.MonkeyPatch, signed_plain: dict[str, Any]
) -> None:
    attempts: list[Any] = []

    def no_network(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)

    doc = copy.deepcopy(signed_plain)
    doc["@context"] = [*doc["@context"], "https://evil.example/context.jsonld"]
    report = verify_credential(doc, now=NOW)
    assert (report.check("format").status, report.check("format").code) == (
        "invalid",
        "context_not_allowed",
    )
    unsigned = _plain()
    unsigned["@context"].append("http://127.0.0.1:9/context.jsonld")
    with pytest.raises(SkillpassError) as info:
        sign_credential(unsigned, KEY)
    assert info.value.code == "context_not_allowed"

    # pyld's process-wide default loader is replaced by one that refuses everything.
    loader = jsonld.get_document_loader()
    with pytest.raises(SkillpassError) as refused:
        loader("https://evil.example/context.jsonld", {})
    assert refused.value.code == "context_not_allowed"
    with pytest.raises(SkillpassError):
        loader(V2, {})  # not even an allowed URL goes through pyld's own loader
    # and a direct pyld call with no loader of its own cannot fetch either
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand({"@context": "https://evil.example/c", "a": 1})
    assert attempts == []


def test_test_only_contexts_need_opting_in() -> None:
    doc = _plain()
    doc["@context"] = [V2, EXAMPLES_V2]
    doc["credentialSubject"]["skill"] = "welding"  # defined only through the examples' @vocab
    with pytest.raises(SkillpassError) as info:
        sign_credential(doc, KEY)
    assert info.value.code == "context_not_allowed"
    signed = sign_credential(doc, KEY, allow_test_contexts=True, created=SIGNED_AT)
    assert verify_credential(signed, now=NOW).check("format").code == "context_not_allowed"
    report = verify_credential(signed, now=NOW, allow_test_contexts=True)
    assert report.check("format").status == "valid"
    assert report.check("proof").status == "valid"


def test_nested_context_in_embedded_object_is_refused_even_with_test_contexts() -> None:
    doc = _plain()
    doc["credentialSubject"]["@context"] = EXAMPLES_V2
    with pytest.raises(SkillpassError) as info:
        sign_credential(doc, KEY, allow_test_contexts=True)
    assert info.value.code == "keyword_not_allowed"


# --------------------------------------------------------------------------- limits


def test_too_many_blank_nodes() -> None:
    doc = _plain()
    with pytest.raises(SkillpassError) as info:
        sign_credential(doc, KEY, limits=Limits(max_blank_nodes=3))
    assert info.value.code == "too_many_blank_nodes"
    signed = sign_credential(doc, KEY, created=SIGNED_AT)
    report = verify_credential(signed, now=NOW, limits=Limits(max_blank_nodes=3))
    assert report.check("format").code == "too_many_blank_nodes"


def test_list_members_count_as_blank_nodes() -> None:
    """An RDF list is a chain of blank nodes; a long one made URDNA2015 run for seconds (and,
    past ~1,000 members, overflow the stack) while max_blank_nodes never saw it."""
    doc = _plain()
    doc["credentialSubject"]["achievement"]["resultDescription"] = [
        {
            "id": "urn:uuid:0c6f1e2a-41d2-4f5e-8d0b-9a3f7e6c5b42",
            "type": ["ResultDescription"],
            "name": "grade",
            "resultType": "LetterGrade",
            "allowedValue": ["A"] * 2000,
        }
    ]
    start = time.monotonic()
    with pytest.raises(SkillpassError) as capped:
        check_and_expand(doc)
    assert capped.value.code == "too_many_values"  # the array cap refuses it first
    with pytest.raises(SkillpassError) as info:
        check_and_expand(doc, limits=Limits(max_values_per_property=5000, max_node_map_work=10**9))
    assert info.value.code == "too_many_blank_nodes"
    # With the limit raised, the deep recursion is still an error with a code, not a crash.
    limits = Limits(
        max_blank_nodes=10_000,
        max_values_per_property=5000,
        max_node_map_work=10**9,
        max_seconds=30,
    )
    with pytest.raises(SkillpassError) as deep:
        canonicalize_rdfc(check_and_expand(doc, limits=limits), limits=limits)
    assert deep.value.code in {"too_many_blank_nodes", "canonicalization_timeout"}
    assert time.monotonic() - start < 20


def test_large_document() -> None:
    doc = _plain()
    with pytest.raises(SkillpassError) as info:
        sign_credential(doc, KEY, limits=Limits(max_bytes=500))
    assert info.value.code == "document_too_large"
    signed = sign_credential(doc, KEY, created=SIGNED_AT)
    report = verify_credential(signed, now=NOW, limits=Limits(max_bytes=500))
    assert report.check("format").code == "document_too_large"
    signed["credentialSubject"]["achievement"]["description"] = "x" * 2_000_000
    assert verify_credential(signed, now=NOW).check("format").code == "document_too_large"


def test_many_values() -> None:
    doc = _plain()
    doc["credentialSubject"]["achievement"]["tag"] = [f"t{i}" for i in range(25_000)]
    with pytest.raises(SkillpassError) as info:
        sign_credential(doc, KEY)
    assert info.value.code == "too_many_values"  # one array: the per-property cap comes first
    with pytest.raises(SkillpassError) as info:
        sign_credential(
            doc, KEY, limits=Limits(max_values_per_property=100_000, max_node_map_work=10**12)
        )
    assert info.value.code == "document_too_large"


def test_depth_limit_is_a_parameter(signed_plain: dict[str, Any]) -> None:
    report = verify_credential(signed_plain, now=NOW, limits=Limits(max_depth=3))
    assert report.check("format").code == "document_too_deep"


def _poison(key: KeyPair, fanout: int) -> dict[str, Any]:
    """Two identical blank nodes, each with ``fanout`` identical blank children: URDNA2015
    tries every permutation of the children (fanout! paths, recursively). 2 + 2 * fanout blank
    nodes, far below the default limit; fanout 8 takes about 8 s without a deadline."""
    parent = {"type": "Node", "child": [{"type": "Leaf"} for _ in range(fanout)]}
    return {
        "@context": [V2, EXAMPLES_V2],
        "type": ["VerifiableCredential"],
        "issuer": key.did,
        "credentialSubject": [copy.deepcopy(parent), copy.deepcopy(parent)],
    }


@pytest.mark.timeout(30)
def test_canonicalization_deadline() -> None:
    poison = _poison(KEY, 8)
    limits = Limits(max_seconds=0.01)
    start = time.monotonic()
    with pytest.raises(SkillpassError) as info:
        sign_credential(poison, KEY, allow_test_contexts=True, limits=limits)
    # The deadline is checked between steps and inside URDNA2015: either code says it.
    assert info.value.code in ("canonicalization_timeout", "verification_timeout")
    assert time.monotonic() - start < 3

    # A small poison signs; verifying it under a tight deadline is an error, not a hang.
    small = sign_credential(_poison(KEY, 3), KEY, allow_test_contexts=True, created=SIGNED_AT)
    assert verify_credential(small, now=NOW, allow_test_contexts=True).check("proof").status == (
        "valid"
    )
    small["credentialSubject"] = poison["credentialSubject"]
    start = time.monotonic()
    report = verify_credential(small, now=NOW, allow_test_contexts=True, limits=limits)
    assert report.check("format").code == "canonicalization_timeout"
    assert report.status == "invalid"
    assert time.monotonic() - start < 3


# --------------------------------------------------------------------------- JSON text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"a": 1, "a": 2}', "duplicate_key"),
        ('{"proof": {"proofValue": "z1", "proofValue": "z2"}}', "duplicate_key"),
        ('{"a": NaN}', "not_json"),
        ('{"a": Infinity}', "not_json"),
        ('{"a": 1', "not_json"),
    ],
)
def test_strict_json_text(text: str, code: str) -> None:
    with pytest.raises(SkillpassError) as info:
        parse_json(text)
    assert info.value.code == code


def test_lone_surrogate_from_json_text_is_refused(signed_plain: dict[str, Any]) -> None:
    """JSON text can spell a lone surrogate; verifying it crashed with UnicodeEncodeError."""
    text = json.dumps(signed_plain).replace('"Shielded', '"\\ud800Shielded', 1)
    doc = parse_json(text)
    report = verify_credential(doc, now=NOW)
    assert report.check("format").code == "invalid_unicode"


def test_public_api_is_the_package() -> None:
    assert skillpass.Limits is Limits
