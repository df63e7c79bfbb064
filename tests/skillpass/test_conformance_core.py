"""What the W3C conformance suites need of the core, each rule in both directions: VCDM 1.1
signing adds the Data Integrity context, inline contexts after the base context, language
value objects, and refusing a validity period that ends before it starts."""

from __future__ import annotations

import base64
import copy
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillpass import (
    KeyPair,
    SkillpassError,
    VerificationPolicy,
    sign_credential,
    verify_credential,
)

V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
DI = "https://w3id.org/security/data-integrity/v2"
KEY = KeyPair.from_seed(bytes(range(1, 33)))
NOW = datetime(2027, 1, 1, tzinfo=UTC)
SIGNED_AT = datetime(2026, 3, 14, tzinfo=UTC)
SUITES = ["eddsa-rdfc-2022", "eddsa-jcs-2022"]


def _sign(doc: dict[str, Any], suite: str) -> dict[str, Any]:
    return sign_credential(doc, KEY, cryptosuite=suite, created=SIGNED_AT)


def _verify(doc: dict[str, Any], **options: Any) -> Any:
    return verify_credential(doc, now=NOW, trusted_issuers={KEY.did}, **options)


def _refused(doc: dict[str, Any], suite: str = "eddsa-rdfc-2022") -> str:
    with pytest.raises(SkillpassError) as info:
        _sign(doc, suite)
    return info.value.code


# --------------------------------------------------------------------------- VCDM 1.1


def _v11() -> dict[str, Any]:
    return {
        "@context": [V1, {"skill": "https://example.org/vocab#skill"}],
        "type": ["VerifiableCredential"],
        "issuer": KEY.did,
        "issuanceDate": "2026-03-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:worker", "skill": "welding"},
    }


@pytest.mark.parametrize("suite", SUITES)
def test_vcdm11_without_data_integrity_context_gets_it_added(suite: str) -> None:
    doc = _v11()
    signed = _sign(doc, suite)
    assert signed["@context"] == [*doc["@context"], DI]
    assert doc == _v11()  # the caller's document is not changed
    assert _verify(signed).status == "valid"
    # A document that already lists it keeps its contexts as they are.
    again = _sign({**doc, "@context": signed["@context"]}, suite)
    assert again["@context"] == signed["@context"]
    # Without the context, nothing defines the proof's terms: it does not verify.
    stripped = copy.deepcopy(signed)
    stripped["@context"] = doc["@context"]
    assert _verify(stripped).status == "invalid"


def test_vcdm11_with_a_single_context_string() -> None:
    doc = {**_v11(), "@context": V1}
    del doc["credentialSubject"]["skill"]
    signed = _sign(doc, "eddsa-rdfc-2022")
    assert signed["@context"] == [V1, DI]
    assert _verify(signed).status == "valid"


def test_vcdm20_contexts_are_left_alone() -> None:
    """The VCDM 2.0 base context defines DataIntegrityProof already."""
    doc = _v20()
    assert _sign(doc, "eddsa-rdfc-2022")["@context"] == doc["@context"]


# --------------------------------------------------------------------------- inline contexts

INLINE = {
    "ExampleSkillCredential": "https://example.org/vocab#ExampleSkillCredential",
    "skill": "https://example.org/vocab#skill",
    "workshop": "https://example.org/vocab#workshop",
    "Workshop": {
        "@id": "https://example.org/vocab#Workshop",
        "@context": {
            "@protected": True,
            "id": "@id",
            "type": "@type",
            "hours": {
                "@id": "https://example.org/vocab#hours",
                "@type": "http://www.w3.org/2001/XMLSchema#integer",
            },
        },
    },
}


def _v20() -> dict[str, Any]:
    return {
        "@context": [V2, copy.deepcopy(INLINE)],
        "type": ["VerifiableCredential", "ExampleSkillCredential"],
        "issuer": KEY.did,
        "validFrom": "2026-03-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:worker",
            "skill": "welding",
            "workshop": {"type": "Workshop", "hours": 40},
        },
    }


@pytest.mark.parametrize("suite", SUITES)
def test_inline_context_terms_are_signed(suite: str) -> None:
    signed = _sign(_v20(), suite)
    report = _verify(signed)
    assert report.status == "valid", report.to_dict()
    # A value of an inline term is covered like any other.
    changed = copy.deepcopy(signed)
    changed["credentialSubject"]["skill"] = "plumbing"
    assert _verify(changed).check("proof").code == "invalid_signature"
    # So is what the inline context says a term means.
    remapped = copy.deepcopy(signed)
    remapped["@context"][1]["skill"] = "https://example.org/other#skill"
    assert _verify(remapped).status == "invalid"


def test_inline_context_still_needs_every_term_defined() -> None:
    doc = _v20()
    doc["credentialSubject"]["grade"] = "A"
    assert _refused(doc) == "undefined_term"


@pytest.mark.parametrize(
    "context",
    [
        {"@vocab": "https://example.org/vocab#"},
        {"@base": "https://example.org/"},
        {"@import": "https://example.org/context.jsonld"},
        {"@propagate": False},
        {"x": {"@id": "https://example.org/x", "@context": "https://example.org/c.jsonld"}},
        {"x": {"@id": "https://example.org/x", "@context": {"@vocab": "https://example.org/"}}},
        {"x": {"@id": "https://example.org/x", "@reverse": "https://example.org/y"}},
        {"x": {"@id": "https://example.org/x", "@container": "@index"}},
        {"x": {"@id": "https://example.org/x", "@type": "@vocab"}},
        {"x": {"@type": "@id"}},
        {"x": "@value"},
        {"x": "@graph"},
        {"x": "_:b0"},
        {"x": "relative/iri"},
        {"https://example.org/x": "https://example.org/y"},
        {"@version": 1.0},
    ],
)
def test_unsafe_inline_contexts_are_refused(context: dict[str, Any]) -> None:
    doc = _v20()
    doc["@context"].append(context)
    assert _refused(doc) == "context_not_allowed"


def test_inline_context_may_not_come_first_nor_nest_deeply() -> None:
    doc = _v20()
    doc["@context"] = [INLINE, V2]
    assert _refused(doc) == "context_not_allowed"
    deep: dict[str, Any] = {"x": "https://example.org/x"}
    for _ in range(12):
        deep = {"y": {"@id": "https://example.org/y", "@context": deep}}
    doc = _v20()
    doc["@context"].append(deep)
    assert _refused(doc) == "context_not_allowed"


def test_inline_context_may_not_redefine_a_protected_term() -> None:
    doc = _v20()
    doc["@context"].append({"VerifiableCredential": "https://example.org/#Bad"})
    assert _refused(doc) == "protected_term_redefinition"


def test_unknown_remote_context_is_still_refused() -> None:
    doc = _v20()
    doc["@context"].append("https://example.org/context.jsonld")
    assert _refused(doc) == "context_not_allowed"


# --------------------------------------------------------------------------- language values


def _multilingual() -> dict[str, Any]:
    doc = _v20()
    doc["name"] = [
        {"@value": "Welding certificate", "@language": "en"},
        {"@value": "Certificat de soudure", "@language": "fr"},
        {"@value": "شهادة لحام", "@language": "ar", "@direction": "rtl"},
    ]
    doc["description"] = {"@value": "Soldadura MIG", "@language": "es", "@direction": "ltr"}
    doc["issuer"] = {"id": KEY.did, "name": {"@value": "Institut", "@language": "fr"}}
    return doc


@pytest.mark.parametrize("suite", SUITES)
def test_language_value_objects_sign_and_verify(suite: str) -> None:
    signed = _sign(_multilingual(), suite)
    report = _verify(signed)
    assert report.status == "valid", report.to_dict()
    assert report.summary["name"] == "Welding certificate"  # English, with no reader language
    french = _verify(signed, policy=VerificationPolicy(language="fr"))
    assert french.summary["name"] == "Certificat de soudure"
    assert french.summary["issuer"]["name"] == "Institut"
    arabic = _verify(signed, policy=VerificationPolicy(language="ar-EG"))
    assert arabic.summary["name"] == "شهادة لحام"


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("language", "de"),
        ("direction", "ltr"),
        ("text", "Certificat de plomberie"),
    ],
)
def test_language_and_direction_are_signed(suite: str, where: str, value: str) -> None:
    """Under RDFC a base direction is signed as the i18n datatype (RDF would drop it)."""
    signed = _sign(_multilingual(), suite)
    changed = copy.deepcopy(signed)
    key = {"language": "@language", "direction": "@direction", "text": "@value"}[where]
    target = changed["name"][2] if where == "direction" else changed["name"][1]
    target[key] = value
    assert _verify(changed).status == "invalid"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ({"@value": "Welding"}, "invalid_language_value"),
        (
            {"@value": "Welding", "@language": "en", "url": "https://x.example"},
            "keyword_not_allowed",
        ),
        (
            {"@value": "Welding", "@language": "en", "@type": "https://x.example/t"},
            "keyword_not_allowed",
        ),
        ({"@value": "Welding", "@direction": "up"}, "invalid_language_value"),
        ({"@value": "Welding", "@language": "not a tag"}, "invalid_language"),
        ({"@value": 42, "@language": "en"}, "invalid_language_value"),
        ({"@language": "en"}, "keyword_not_allowed"),
    ],
)
def test_malformed_language_values_are_refused(value: dict[str, Any], code: str) -> None:
    doc = _v20()
    doc["name"] = value
    assert _refused(doc) == code


def test_reader_language_must_be_a_language_tag() -> None:
    with pytest.raises(ValueError, match="BCP 47"):
        VerificationPolicy(language="not a tag")


# --------------------------------------------------------------------------- validity period


@pytest.mark.parametrize(
    ("start", "end", "start_key", "end_key"),
    [
        ("2026-03-02T00:00:00Z", "2026-03-01T00:00:00Z", "validFrom", "validUntil"),
        ("2026-03-01T00:00:01+00:00", "2026-03-01T00:00:00Z", "validFrom", "validUntil"),
    ],
)
def test_signing_refuses_validity_that_ends_before_it_starts(
    start: str, end: str, start_key: str, end_key: str
) -> None:
    doc = _v20()
    doc[start_key], doc[end_key] = start, end
    assert _refused(doc) == "invalid_validity_period"


def test_vcdm11_expiration_before_issuance_is_refused() -> None:
    doc = _v11()
    doc["expirationDate"] = "2026-02-01T00:00:00Z"
    assert _refused(doc) == "invalid_validity_period"


@pytest.mark.parametrize("end", ["2026-03-01T00:00:00Z", "2031-03-01T00:00:00Z"])
def test_signing_accepts_a_validity_period_in_order(end: str) -> None:
    doc = _v20()
    doc["validUntil"] = end  # the same instant as validFrom, or later
    signed = _sign(doc, "eddsa-rdfc-2022")
    assert signed["validUntil"] == end


# --------------------------------------------------------------------------- relatedResource

_PINNED_V2 = Path(__file__).resolve().parents[2] / "schemas" / "contexts" / "credentials-v2.jsonld"
_V2_BYTES = _PINNED_V2.read_bytes()
GOOD_SRI = "sha384-" + base64.b64encode(hashlib.sha384(_V2_BYTES).digest()).decode()
GOOD_MULTIBASE = "u" + base64.urlsafe_b64encode(hashlib.sha256(_V2_BYTES).digest()).decode().rstrip(
    "="
)
# The W3C VCDM 2.0 suite's digests: of the July 2024 draft of the context, not the REC we pin.
DRAFT_SRI = "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"
DRAFT_MULTIBASE = "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k"


def _with_related(related: Any) -> dict[str, Any]:
    doc = _v20()
    doc["relatedResource"] = related
    return doc


@pytest.mark.parametrize(
    "related",
    [
        {"id": V2, "digestSRI": GOOD_SRI},
        {"id": V2, "digestMultibase": GOOD_MULTIBASE},
        [{"id": V2, "mediaType": "application/ld+json", "digestSRI": GOOD_SRI}],
        # A resource SkillPass cannot retrieve offline: its digest is signed, not compared.
        {"id": "https://example.org/syllabus.pdf", "digestSRI": GOOD_SRI},
    ],
)
@pytest.mark.parametrize("suite", SUITES)
def test_related_resources_sign_and_verify(related: Any, suite: str) -> None:
    report = _verify(_sign(_with_related(related), suite))
    assert report.status == "valid", report.to_dict()


@pytest.mark.parametrize(
    "related",
    [
        [V2],
        [{"digestMultibase": GOOD_MULTIBASE}],
        [{"id": V2}],
        [{"id": V2, "digestSRI": "md5-AAAA"}],
        [{"id": V2, "digestSRI": "sha384-AAAA"}],
        [{"id": V2, "digestMultibase": "mAAAA"}],
        [{"id": V2, "digestMultibase": "uAAAA"}],
    ],
)
def test_malformed_related_resources_are_refused(related: Any) -> None:
    assert _refused(_with_related(related)) == "invalid_related_resource"


def test_related_resource_ids_are_unique() -> None:
    related = [{"id": V2, "digestSRI": GOOD_SRI}, {"id": V2, "digestMultibase": GOOD_MULTIBASE}]
    assert _refused(_with_related(related)) in ("invalid_related_resource", "duplicate_value")


@pytest.mark.parametrize(
    "related",
    [{"id": V2, "digestSRI": DRAFT_SRI}, {"id": V2, "digestMultibase": DRAFT_MULTIBASE}],
)
def test_a_pinned_context_digest_is_checked_on_verify(related: Any) -> None:
    """Signing does not compare (the issuer may name another version of the resource), but a
    verifier holding the resource must, and the pinned v2 context is not the July 2024 draft."""
    signed = _sign(_with_related(related), "eddsa-rdfc-2022")
    report = _verify(signed)
    assert (report.check("format").status, report.check("format").code) == (
        "invalid",
        "related_resource_digest_mismatch",
    )
    assert report.status == "invalid"


# --------------------------------------------------------------------------- property


_TAGS = st.from_regex(r"[a-z]{2,3}(-[A-Z]{2})?", fullmatch=True)
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(
        st.tuples(_TEXT, _TAGS, st.sampled_from([None, "ltr", "rtl"])),
        min_size=1,
        max_size=3,
        unique_by=lambda v: (v[0], v[1]),
    ),
    suite=st.sampled_from(SUITES),
    target=st.integers(min_value=0, max_value=2),
    change=st.sampled_from(["@value", "@language", "@direction"]),
)
def test_every_part_of_a_language_value_is_signed(
    values: list[tuple[str, str, str | None]], suite: str, target: int, change: str
) -> None:
    doc = _v20()
    doc["name"] = [
        {"@value": text, "@language": tag, **({"@direction": d} if d else {})}
        for text, tag, d in values
    ]
    signed = _sign(doc, suite)
    assert _verify(signed).status == "valid"
    item = signed["name"][target % len(values)]
    if change == "@value":
        item["@value"] += "x"
    elif change == "@language":
        item["@language"] = "zz" if item["@language"] != "zz" else "zy"
    else:
        item["@direction"] = "rtl" if item.get("@direction") != "rtl" else "ltr"
    assert _verify(signed).status == "invalid"
