"""Property tests: no change to a signed credential is ever reported valid (both cryptosuites).

The reference qualification credential is signed once per cryptosuite; hypothesis then changes
one leaf value, adds or removes one property or array item, or alters the proof, anywhere in
the document. Whatever the change, verification must not say ``valid``, the ``proof`` check
must not be ``valid`` unless ``format`` refused the document, and nothing may raise.

A second group works one level down, on the JSON-LD safety rules and the RDFC canonical form
alone (no JSON Schema in front): whenever the rules accept a changed document, its canonical
N-Quads must differ from the original's, i.e. the signature covers the change.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from skillpass import KeyPair, SkillpassError, sign_credential, verify_credential
from skillpass._canon import canonicalize_rdfc, check_and_expand

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "examples" / "reference-qualification.json"
SUITES = ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
KEY = KeyPair.from_seed(bytes([42]) * 32)
OTHER = KeyPair.from_seed(bytes([43]) * 32)
SIGNED_AT = datetime(2026, 3, 14, tzinfo=UTC)
NOW = datetime(2027, 1, 1, tzinfo=UTC)

PROPERTY = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

Path_ = tuple[str | int, ...]


def _unsigned() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    doc["issuer"]["id"] = KEY.did
    # No status entry: the untampered credential is then fully "valid", the strongest control.
    del doc["credentialStatus"]
    return doc


@pytest.fixture(scope="module", params=SUITES)
def signed(request: pytest.FixtureRequest) -> dict[str, Any]:
    return sign_credential(_unsigned(), KEY, cryptosuite=request.param, created=SIGNED_AT)


# --------------------------------------------------------------------------- helpers


def _walk(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every (path, value) in the document, containers included, root first."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, (*path, i))


def _leaves(doc: Any) -> list[Path_]:
    return [p for p, v in _walk(doc) if p and not isinstance(v, (dict, list))]


def _objects(doc: Any) -> list[Path_]:
    return [p for p, v in _walk(doc) if isinstance(v, dict)]


def _members(doc: Any) -> list[Path_]:
    """Paths of object properties and of array items in arrays of two or more."""
    out: list[Path_] = []
    for path, value in _walk(doc):
        if isinstance(value, dict):
            out.extend((*path, key) for key in value)
        elif isinstance(value, list) and len(value) > 1:
            out.extend((*path, i) for i in range(len(value)))
    return out


def _get(doc: Any, path: Path_) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _set(doc: Any, path: Path_, value: Any) -> None:
    _get(doc, path[:-1])[path[-1]] = value


def _delete(doc: Any, path: Path_) -> None:
    del _get(doc, path[:-1])[path[-1]]


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON, types included (1, 1.0 and True are three different values)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _variants(value: Any) -> st.SearchStrategy[Any]:
    options = _near_misses(value)
    return st.sampled_from(options) if options else st.nothing()


def _near_misses(value: Any) -> list[Any]:
    """Near misses of ``value``: the changes a forger would try first."""
    options: list[Any] = []
    if isinstance(value, str):
        options += [
            value + " ",
            " " + value,
            value + "\n",
            value.upper(),
            value.lower(),
            value[:-1],
            value + "x",
            value.replace(":", "%3A", 1),
            "@" + value,
            "_:" + value,
            value.replace("https:", "http:"),
            value.replace("did:key:z6Mk", "did:key:z6MK"),
            value.replace("2026", "2025").replace("2031", "2041"),
            value.replace("Z", "+00:00"),
            value + "#x",
            value.replace("-", "\u2010"),
            "\u200b" + value,
            [value],
            {"id": value},
        ]
    elif isinstance(value, bool):
        options += [not value, str(value).lower(), int(value)]
    elif isinstance(value, (int, float)):
        options += [value + 1, -value, str(value), float(value) + 0.5]
    return options


JSON_SCALARS: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            "urn:uuid:2f6d4c1e-8a3b-4e57-9c0d-71b5e2a9f805",
            "https://rtc7.example.ph/qualifications/smaw-nc3",
            "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "2025-01-01T00:00:00Z",
            "Profile",
            "Achievement",
            "AchievementSubject",
            "Alignment",
            "IdentityObject",
            "VerifiableCredential",
            "OpenBadgeCredential",
            "DataIntegrityProof",
            "assertionMethod",
            "authentication",
            "eddsa-jcs-2022",
            "eddsa-rdfc-2022",
            "ext:other",
            "_:b0",
            "@id",
            "@none",
        ]
    ),
)
JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, min_size=1, max_size=3)
        | st.dictionaries(st.text(min_size=1, max_size=8), children, min_size=1, max_size=3)
    ),
    max_leaves=6,
)
KNOWN_KEYS = [
    "id",
    "type",
    "name",
    "description",
    "image",
    "url",
    "email",
    "identifier",
    "achievement",
    "alignment",
    "criteria",
    "narrative",
    "targetCode",
    "targetUrl",
    "validFrom",
    "validUntil",
    "issuanceDate",
    "expirationDate",
    "credentialStatus",
    "credentialSchema",
    "evidence",
    "termsOfUse",
    "refreshService",
    "proof",
    "nonce",
    "challenge",
    "domain",
    "expires",
    "previousProof",
    "holder",
    "creditsAvailable",
    "Criteria",
    "_sd",
    "_:p",
    "@context",
    "@id",
    "@type",
    "@index",
    "@language",
    "@graph",
    "https://schema.org/name",
    "urn:x:prop",
    "ext:prop",
    "skill",
]
KEYS: st.SearchStrategy[str] = st.sampled_from(KNOWN_KEYS) | st.text(min_size=1, max_size=12)


def _assert_not_valid(doc: dict[str, Any]) -> None:
    report = verify_credential(doc, now=NOW, trusted_issuers={KEY.did})  # never raises
    checks = {c.id: (c.status, c.code) for c in report.checks}
    assert report.status != "valid", checks
    assert not report.verified
    if report.check("format").status == "valid":
        assert report.check("proof").status != "valid", checks


# --------------------------------------------------------------------------- controls


def test_control_signed_credential_is_valid(signed: dict[str, Any]) -> None:
    """Without this, every property below would pass against a verifier that rejects all."""
    report = verify_credential(signed, now=NOW, trusted_issuers={KEY.did})
    assert report.check("format").status == "valid"
    assert report.check("proof").status == "valid"
    assert report.status == "valid", [c.to_dict() for c in report.checks]
    assert verify_credential(copy.deepcopy(signed), now=NOW).check("proof").status == "valid"


def test_control_a_real_change_is_detected(signed: dict[str, Any]) -> None:
    doc = copy.deepcopy(signed)
    doc["credentialSubject"]["achievement"]["alignment"][0]["targetCode"] = "5"
    report = verify_credential(doc, now=NOW, trusted_issuers={KEY.did})
    assert report.check("format").status == "valid"
    assert (report.check("proof").status, report.check("proof").code) == (
        "invalid",
        "invalid_signature",
    )


# --------------------------------------------------------------------------- properties


@PROPERTY
@given(data=st.data())
def test_changed_leaf_is_never_valid(signed: dict[str, Any], data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(_leaves(signed)), label="path")
    old = _get(signed, path)
    new = data.draw(_variants(old) | JSON_VALUES, label="new value")
    assume(not _same(old, new))
    doc = copy.deepcopy(signed)
    _set(doc, path, new)
    _assert_not_valid(doc)


@PROPERTY
@given(data=st.data())
def test_added_property_is_never_valid(signed: dict[str, Any], data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(_objects(signed)), label="object")
    target = _get(signed, path)
    key = data.draw(KEYS.filter(lambda k: k not in target), label="key")
    value = data.draw(JSON_VALUES, label="value")
    doc = copy.deepcopy(signed)
    _get(doc, path)[key] = value
    if path == ("proof",) and key == "@context" and value == signed["@context"]:
        # eddsa-rdfc-2022 proofs may carry the document's @context (it is what the proof
        # configuration is canonicalized with); see test_proof_context_is_the_documents.
        return
    _assert_not_valid(doc)


@PROPERTY
@given(data=st.data())
def test_added_array_item_is_never_valid(signed: dict[str, Any], data: st.DataObject) -> None:
    arrays = [p for p, v in _walk(signed) if isinstance(v, list) and p[:1] != ("@context",)]
    path = data.draw(st.sampled_from(arrays), label="array")
    existing = _get(signed, path)
    value = data.draw(st.sampled_from(existing) | JSON_VALUES, label="item")
    doc = copy.deepcopy(signed)
    items = _get(doc, path)
    items.insert(data.draw(st.integers(0, len(items)), label="at"), copy.deepcopy(value))
    _assert_not_valid(doc)


def _removable(signed: dict[str, Any]) -> list[Path_]:
    paths = _members(signed)
    if signed["proof"]["cryptosuite"] == "eddsa-jcs-2022":
        # The spec rebuilds the proof configuration's @context from the document's when the
        # proof has none, so removing it changes nothing: see test_proof_context_is_the_documents.
        paths.remove(("proof", "@context"))
    return paths


@PROPERTY
@given(data=st.data())
def test_removed_property_is_never_valid(signed: dict[str, Any], data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(_removable(signed)), label="path")
    doc = copy.deepcopy(signed)
    _delete(doc, path)
    _assert_not_valid(doc)


def test_every_single_removal_is_never_valid(signed: dict[str, Any]) -> None:
    """The exhaustive version of the property above (the reference has ~90 members)."""
    for path in _removable(signed):
        doc = copy.deepcopy(signed)
        _delete(doc, path)
        _assert_not_valid(doc)


PROOF_VALUES: st.SearchStrategy[Any] = st.sampled_from(
    [
        "2026-03-13T23:59:59Z",
        "2026-03-14T00:00:01Z",
        "2026-03-14T00:00:00+00:00",
        "2026-03-14T00:00:00.000Z",
        "2030-01-01T00:00:00Z",
        "eddsa-jcs-2022",
        "eddsa-rdfc-2022",
        "ecdsa-rdfc-2019",
        "authentication",
        "capabilityInvocation",
        "Ed25519Signature2020",
        KEY.verification_method,
        OTHER.verification_method,
        KEY.did,
        f"{KEY.did}#key-1",
        f"did:web:rtc7.example.ph#{KEY.public_key.multibase}",
        "urn:uuid:1",
        ["https://www.w3.org/ns/credentials/v2"],
    ]
)


@PROPERTY
@given(data=st.data())
def test_changed_proof_is_never_valid(signed: dict[str, Any], data: st.DataObject) -> None:
    proof = signed["proof"]
    field = data.draw(st.sampled_from([*proof, "expires", "nonce", "id", "domain"]), label="k")
    old = proof.get(field)
    if field == "proofValue":
        new = data.draw(_signature_variants(old), label="new")
    else:
        new = data.draw(PROOF_VALUES | _variants(old) | JSON_VALUES, label="new")
    assume(not _same(old, new))
    doc = copy.deepcopy(signed)
    doc["proof"][field] = new
    _assert_not_valid(doc)


def _signature_variants(value: str) -> st.SearchStrategy[str]:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    position = st.integers(1, len(value) - 1)
    replaced = st.tuples(position, st.sampled_from(alphabet)).map(
        lambda pc: value[: pc[0]] + pc[1] + value[pc[0] + 1 :]
    )
    return replaced | st.sampled_from(
        [value[:-1], value + "1", "z1" + value[1:], value[0] + "1" + value[1:], value.upper()]
    )


@pytest.mark.parametrize("cryptosuite", SUITES)
def test_proof_context_is_the_documents(cryptosuite: str) -> None:
    """The one JSON change that verifies, by design: the proof's ``@context`` must equal the
    document's, and the signed proof configuration uses the document's either way
    (VC-DI-EdDSA §3.2.x/§3.3.x). Any other value is refused."""
    signed = sign_credential(_unsigned(), KEY, cryptosuite=cryptosuite, created=SIGNED_AT)
    doc = copy.deepcopy(signed)
    if "@context" in doc["proof"]:
        del doc["proof"]["@context"]
    else:
        doc["proof"]["@context"] = copy.deepcopy(doc["@context"])
    report = verify_credential(doc, now=NOW, trusted_issuers={KEY.did})
    assert report.check("proof").status == "valid"
    doc["proof"]["@context"] = [*doc["@context"], "https://w3id.org/security/data-integrity/v2"]
    _assert_not_valid(doc)


def test_swapped_signatures_between_suites() -> None:
    rdfc = sign_credential(_unsigned(), KEY, cryptosuite="eddsa-rdfc-2022", created=SIGNED_AT)
    jcs = sign_credential(_unsigned(), KEY, cryptosuite="eddsa-jcs-2022", created=SIGNED_AT)
    doc = copy.deepcopy(rdfc)
    doc["proof"]["cryptosuite"] = "eddsa-jcs-2022"
    _assert_not_valid(doc)
    doc = copy.deepcopy(rdfc)
    doc["proof"]["proofValue"] = jcs["proof"]["proofValue"]
    _assert_not_valid(doc)


def test_resigned_by_another_key_is_not_the_issuer() -> None:
    doc = sign_credential(
        _unsigned(),
        OTHER,
        created=SIGNED_AT,
        verification_method=OTHER.verification_method,
    )
    report = verify_credential(doc, now=NOW, trusted_issuers={KEY.did, OTHER.did})
    assert report.check("proof").status == "valid"
    assert report.check("issuer").code == "issuer_mismatch"
    assert report.status == "invalid"


def test_byte_identical_proofs_in_a_set_are_one_proof(signed: dict[str, Any]) -> None:
    """Ed25519 is deterministic: signing twice in one second gives the same proof twice. A
    proof set is a set, so the two are one proof; a changed copy is another proof, which must
    verify on its own."""
    doc = copy.deepcopy(signed)
    doc["proof"] = [doc["proof"], copy.deepcopy(doc["proof"])]
    report = verify_credential(doc, now=NOW, trusted_issuers={KEY.did})
    assert report.status == "valid", report.to_dict()
    assert report.check("proof").message.endswith("-2022 signature verified")  # one proof
    doc["proof"][1]["created"] = "2026-03-15T00:00:00Z"
    _assert_not_valid(doc)


# --------------------------------------------------------------------------- canonical form


@pytest.fixture(scope="module")
def canonical() -> tuple[dict[str, Any], str]:
    doc = _unsigned()
    return doc, canonicalize_rdfc(check_and_expand(doc))


def _canon(doc: dict[str, Any]) -> str | None:
    try:
        return canonicalize_rdfc(check_and_expand(doc))
    except SkillpassError:
        return None


CANON = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@CANON
@given(data=st.data())
def test_rdfc_covers_every_changed_leaf(
    canonical: tuple[dict[str, Any], str], data: st.DataObject
) -> None:
    doc, original = canonical
    path = data.draw(st.sampled_from([p for p in _leaves(doc) if p[0] != "@context"]))
    old = _get(doc, path)
    new = data.draw(_variants(old) | JSON_VALUES, label="new value")
    assume(not _same(old, new))
    # Known RDF equivalences (see test_rdfc_known_equivalences): "x" and ["x"] are one value,
    # and so are "iri" and {"id": "iri"} where the term is @id-typed.
    assume(not (_same(new, [old]) or _same(new, {"id": old})))
    changed = copy.deepcopy(doc)
    _set(changed, path, new)
    assert _canon(changed) != original


@CANON
@given(data=st.data())
def test_rdfc_covers_every_added_property(
    canonical: tuple[dict[str, Any], str], data: st.DataObject
) -> None:
    doc, original = canonical
    path = data.draw(st.sampled_from(_objects(doc)), label="object")
    target = _get(doc, path)
    key = data.draw(KEYS.filter(lambda k: k not in target), label="key")
    value = data.draw(JSON_VALUES, label="value")
    changed = copy.deepcopy(doc)
    _get(changed, path)[key] = value
    assert _canon(changed) != original


def _canon_rejects_or_differs(doc: dict[str, Any], original: str) -> bool:
    return _canon(doc) != original


def test_rdfc_covers_every_known_key_everywhere(canonical: tuple[dict[str, Any], str]) -> None:
    """Exhaustive: each known or dangerous key, added to each object of the document with a
    plain value, is refused or changes the canonical form (hypothesis samples this space;
    "_:p", a blank-node property pyld drops, once slipped through it)."""
    doc, original = canonical
    for path in _objects(doc):
        for key in KNOWN_KEYS:
            if key in _get(doc, path):
                continue
            for value in ("x", 1, True):
                changed = copy.deepcopy(doc)
                _get(changed, path)[key] = value
                assert _canon_rejects_or_differs(changed, original), (path, key, value)


def test_rdfc_covers_every_near_miss(canonical: tuple[dict[str, Any], str]) -> None:
    """Exhaustive: every near-miss variant of every leaf is refused or changes the canonical
    form, apart from the known equivalences (a one-item array, an {"id": ...} object)."""
    doc, original = canonical
    for path in _leaves(doc):
        if path[0] == "@context":
            continue
        old = _get(doc, path)
        for new in _near_misses(old):
            if _same(new, old) or _same(new, [old]) or _same(new, {"id": old}):
                continue
            changed = copy.deepcopy(doc)
            _set(changed, path, new)
            assert _canon_rejects_or_differs(changed, original), (path, new)


def test_rdfc_covers_every_removal(canonical: tuple[dict[str, Any], str]) -> None:
    doc, original = canonical
    for path in _members(doc):
        if path[0] == "@context":
            continue
        changed = copy.deepcopy(doc)
        _delete(changed, path)
        assert _canon(changed) != original, path


def test_rdfc_known_equivalences(canonical: tuple[dict[str, Any], str]) -> None:
    """JSON differences RDF does not see, so eddsa-rdfc-2022 does not sign them (eddsa-jcs-2022
    does): array order, a value or a one-item array of it, and a type written as its full
    IRI. Consumers of a verified credential must read it as RDF would (e.g. not give
    ``alignment[0]`` a special meaning)."""
    doc, original = canonical
    reordered = copy.deepcopy(doc)
    reordered["credentialSubject"]["achievement"]["alignment"].reverse()
    assert _canon(reordered) == original
    wrapped = copy.deepcopy(doc)
    wrapped["issuer"]["name"] = [wrapped["issuer"]["name"]]
    assert _canon(wrapped) == original
    spelled = copy.deepcopy(doc)
    spelled["issuer"]["type"] = ["https://purl.imsglobal.org/spec/vc/ob/vocab.html#Profile"]
    assert _canon(spelled) == original


def test_nan_is_not_equal_to_itself_but_still_refused() -> None:
    doc = _unsigned()
    doc["credentialSubject"]["achievement"]["creditsAvailable"] = math.nan
    assert _canon(doc) is None
