"""Regression tests for the adversarial findings of issue 7, each through the library.

Every forgery here verified as VALID (or downgraded to a harmless-looking unknown) before the
pipeline read its facts from the checked view. The attacker signs with their own code
(``create_proof``), skipping any rule a well-behaved signer applies.
"""

from __future__ import annotations

import copy
import inspect
import typing
from datetime import UTC, datetime
from typing import Any

import pytest

import skillpass
from skillpass import (
    KeyPair,
    OfflineResolver,
    VerificationPolicy,
    sign_credential,
    sign_presentation,
    verify_credential,
    verify_presentation,
)
from skillpass._proofs import create_proof
from tests.conftest import EXAMPLES, load_json

ISSUER = KeyPair.from_seed(bytes([11]) * 32)
ATTACKER = KeyPair.from_seed(bytes([12]) * 32)
HOLDER = KeyPair.from_seed(bytes([13]) * 32)
NOW = datetime(2027, 6, 1, tzinfo=UTC)
CRED = "https://www.w3.org/2018/credentials#"
OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
VICTIM = "did:web:victim-college.example"
EVIL = "did:web:attacker.example"


def _reference(issuer: str) -> dict[str, Any]:
    doc: dict[str, Any] = load_json(EXAMPLES / "reference-qualification.json")
    doc["issuer"]["id"] = issuer
    return doc


def _forge(
    doc: dict[str, Any],
    key: KeyPair,
    method: str,
    purpose: str = "assertionMethod",
    cryptosuite: str = "eddsa-rdfc-2022",
    **extra: Any,
) -> dict[str, Any]:
    """Sign as an attacker would: straight through create_proof, no signer-side rules."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        "created": "2027-01-01T00:00:00Z",
        "verificationMethod": method,
        "proofPurpose": purpose,
        **extra,
    }
    signed = copy.deepcopy(doc)
    signed["proof"] = create_proof(doc, key.sign, options)
    return signed


def _web_doc(
    did: str, key: KeyPair, *, controller: str | None = None, doc_controller: str | None = None
) -> dict[str, Any]:
    vm = f"{did}#k1"
    doc: dict[str, Any] = {
        "id": did,
        "verificationMethod": [
            {
                "id": vm,
                "type": "Multikey",
                "controller": controller or did,
                "publicKeyMultibase": key.public_key.multibase,
            }
        ],
        "assertionMethod": [vm],
        "authentication": [vm],
    }
    if doc_controller is not None:
        doc["controller"] = doc_controller
    return doc


def _policy(*docs: dict[str, Any], trusted: tuple[str, ...] = ()) -> VerificationPolicy:
    return VerificationPolicy(
        now=NOW,
        resolver=OfflineResolver({d["id"]: d for d in docs}),
        trust=skillpass.TrustedIssuers(trusted),
    )


# --- 1. the controller trick ----------------------------------------------------------------------


def test_a_key_listed_by_another_did_cannot_speak_for_the_victim() -> None:
    victim_doc = _web_doc(VICTIM, ISSUER)
    evil_doc = _web_doc(EVIL, ATTACKER, controller=VICTIM)  # "my key #k1 is the victim's"
    forged = _forge(_reference(VICTIM), ATTACKER, f"{EVIL}#k1")
    report = verify_credential(forged, policy=_policy(victim_doc, evil_doc, trusted=(VICTIM,)))
    assert report.status == "invalid"
    assert report.check("proof").code == "controller_mismatch"


def test_a_document_naming_the_victim_as_its_controller_lends_nothing() -> None:
    # The attacker's document says the victim controls it: its keys still speak only for the
    # attacker's DID, so the issuer check sees the mismatch.
    evil_doc = _web_doc(EVIL, ATTACKER, controller=VICTIM, doc_controller=VICTIM)
    forged = _forge(_reference(VICTIM), ATTACKER, f"{EVIL}#k1")
    report = verify_credential(forged, policy=_policy(evil_doc, trusted=(VICTIM,)))
    assert report.status == "invalid"
    assert report.check("proof").status == "valid"
    assert report.check("issuer").code == "issuer_mismatch"


def test_an_honest_other_key_is_an_issuer_mismatch() -> None:
    forged = _forge(_reference(VICTIM), ATTACKER, f"{EVIL}#k1")
    report = verify_credential(forged, policy=_policy(_web_doc(EVIL, ATTACKER), trusted=(VICTIM,)))
    assert report.status == "invalid"
    assert report.check("issuer").code == "issuer_mismatch"


def test_the_controller_trick_fails_for_holders_too() -> None:
    credential = sign_credential(_reference(ISSUER.did), ISSUER)
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": VICTIM,
        "verifiableCredential": [credential],
    }
    evil_doc = _web_doc(EVIL, ATTACKER, controller=VICTIM)
    forged = _forge(vp, ATTACKER, f"{EVIL}#k1", purpose="authentication", challenge="c1")
    report = verify_presentation(forged, policy=_policy(evil_doc), challenge="c1")
    assert report.status == "invalid"
    assert report.check("proof").code == "controller_mismatch"


def test_a_resolver_answering_with_another_subject_is_refused() -> None:
    class Liar:
        def resolve(self, did: str) -> dict[str, Any]:
            return _web_doc(EVIL, ATTACKER)

    forged = _forge(_reference(VICTIM), ATTACKER, f"{VICTIM}#k1")
    report = verify_credential(forged, now=NOW, resolver=Liar())
    assert report.status == "invalid"
    assert report.check("proof").code == "did_document_mismatch"


# --- 2. hybrid credential / presentation ----------------------------------------------------------


def _hybrid(types: list[str]) -> dict[str, Any]:
    doc = _reference(VICTIM)
    if CRED + "VerifiableCredential" in types:
        # These terms are scoped to the VerifiableCredential type term: with the type spelled
        # as its IRI they must be spelled as IRIs too.
        for key in ("issuer", "credentialSubject", "validFrom", "validUntil", "credentialStatus"):
            doc[CRED + key] = doc.pop(key)
    doc["type"] = types
    doc["holder"] = ATTACKER.did
    return _forge(
        doc, ATTACKER, ATTACKER.verification_method, purpose="authentication", challenge="c1"
    )


@pytest.mark.parametrize(
    "types",
    [
        ["VerifiableCredential", "VerifiablePresentation", "OpenBadgeCredential"],
        # The second type spelled as its IRI: the JSON says "presentation" only.
        ["VerifiablePresentation", "OpenBadgeCredential", CRED + "VerifiableCredential"],
    ],
)
def test_a_hybrid_document_is_refused_as_either_kind(types: list[str]) -> None:
    forged = _hybrid(types)
    for report in (
        verify_presentation(forged, challenge="c1", now=NOW),
        verify_credential(forged, now=NOW),
    ):
        assert report.status == "invalid"
        assert report.check("format").code in ("ambiguous_type", "not_a_credential")
    assert verify_presentation(forged, challenge="c1", now=NOW).check("format").code == (
        "ambiguous_type"
    )


def test_a_hybrid_cannot_be_signed() -> None:
    doc = _reference(ISSUER.did)
    doc["type"] = ["VerifiableCredential", "VerifiablePresentation", "OpenBadgeCredential"]
    with pytest.raises(skillpass.SkillpassError) as info:
        sign_credential(doc, ISSUER)
    assert info.value.code == "ambiguous_type"


# --- 3. respelled keys ----------------------------------------------------------------------------


def _respell(doc: dict[str, Any], path: list[str], iri: str) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[iri] = node.pop(path[-1])
    return out


def test_a_status_entry_under_its_iri_is_still_checked() -> None:
    signed = sign_credential(_reference(ISSUER.did), ISSUER)
    respelled = _respell(signed, ["credentialStatus"], CRED + "credentialStatus")
    report = verify_credential(respelled, now=NOW, trusted_issuers={ISSUER.did})
    assert report.check("proof").status == "valid"  # the same RDF: the signature holds
    assert report.check("status").code == "status_not_checked"
    assert report.status == "unknown"


def test_levels_and_identifiers_under_their_iris_are_still_read() -> None:
    signed = sign_credential(_reference(ISSUER.did), ISSUER)
    respelled = _respell(
        signed, ["credentialSubject", "achievement", "alignment"], OB + "alignment"
    )
    respelled = _respell(respelled, ["credentialSubject", "identifier"], OB + "identifier")
    report = verify_credential(respelled, now=NOW, frameworks=["DE-DQR"], id_number="P1234567A")
    assert report.check("proof").status == "valid"
    assert [c["alignment"] for c in report.extras["frameworks"]] == [
        {"framework": "PH-PQF", "level": "2"}
    ]
    assert report.summary is not None
    assert report.summary["subjects"][0]["name"] == "Maria Luz Dela Cruz"
    # The reference hash is not of P1234567A; what matters is that the identifier was found.
    assert report.extras["identity"] == "no_match"


@pytest.mark.parametrize("second", [VICTIM, {"id": VICTIM}])
def test_two_spellings_of_the_issuer_are_ambiguous(second: Any) -> None:
    doc = _reference(ISSUER.did)
    doc[CRED + "issuer"] = second
    forged = _forge(doc, ISSUER, ISSUER.verification_method)
    report = verify_credential(forged, now=NOW)
    assert report.status == "invalid"
    assert report.check("format").code == "ambiguous_value"


@pytest.mark.parametrize("own_context", [True, False])
def test_a_credential_hidden_under_the_iri_key_is_refused(own_context: bool) -> None:
    credential = sign_credential(_reference(ISSUER.did), ISSUER)
    forged_vc = copy.deepcopy(credential)
    forged_vc["credentialSubject"]["achievement"]["name"] = "Brain surgeon"
    del forged_vc["proof"], forged_vc["credentialStatus"]
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER.did,
        "verifiableCredential": [credential],
        CRED + "verifiableCredential": [forged_vc],
    }
    if not own_context:
        del forged_vc["@context"]
        vp["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")
    if own_context:
        # The signer's own code refuses a nested @context there, so the attacker signs the
        # presentation without it and adds the hidden credential afterwards.
        signed = sign_presentation(
            {k: x for k, x in vp.items() if not k.startswith("https")}, HOLDER, challenge="c1"
        )
        signed[CRED + "verifiableCredential"] = [forged_vc]
    else:
        signed = _forge(
            vp, HOLDER, HOLDER.verification_method, purpose="authentication", challenge="c1"
        )
    report = verify_presentation(signed, challenge="c1", now=NOW)
    assert report.status == "invalid"
    # With its own @context it is refused outright; without, it is counted and refused.
    code = "keyword_not_allowed" if own_context else "hidden_credential"
    assert report.check("format").code == code


# --- 4. forgeries downgraded to unknown -----------------------------------------------------------


@pytest.mark.parametrize(
    "method",
    [
        VICTIM,  # a DID with no fragment
        "https://victim-college.example/keys/1",
        "did:web:victim-college.example#",
        "did:web:victim-college.example#k1#k2",
    ],
)
def test_a_method_that_is_not_a_did_url_with_a_fragment_is_invalid(method: str) -> None:
    forged = _forge(_reference(VICTIM), ATTACKER, method)
    report = verify_credential(forged, now=NOW)
    assert report.status == "invalid"
    codes = {report.check("format").code, report.check("proof").code}
    assert codes & {"invalid_verification_method", "invalid_iri"}
    assert report.reason is None


def test_an_unresolvable_did_web_is_unknown_and_says_the_signature_was_not_checked() -> None:
    forged = _forge(_reference(VICTIM), ATTACKER, f"{VICTIM}#k1")
    report = verify_credential(forged, now=NOW, trusted_issuers={VICTIM})
    assert report.status == "unknown"
    assert report.reason == "proof_not_checked"
    assert report.to_dict()["reason"] == "proof_not_checked"
    assert report.headline.startswith("UNKNOWN · signature NOT checked")
    assert report.summary is None  # nothing unverified is summarised
    assert {c.id: c.code for c in report.checks}["issuer"] == "not_checked"


@pytest.mark.parametrize("suite", ["Eddsa-RDFC-2022", "eddsa rdfc", "eddsa-rdfc-2022 ", "x", ""])
def test_a_malformed_cryptosuite_is_invalid(suite: str) -> None:
    signed = sign_credential(_reference(ISSUER.did), ISSUER)
    signed["proof"]["cryptosuite"] = suite
    report = verify_credential(signed, now=NOW)
    assert report.status == "invalid"
    assert report.check("format").code in ("invalid_cryptosuite", "invalid_proof")


def test_an_unsupported_cryptosuite_is_unknown_but_the_safety_rules_still_run() -> None:
    signed = sign_credential(_reference(ISSUER.did), ISSUER)
    signed["proof"]["cryptosuite"] = "ecdsa-sd-2023"
    report = verify_credential(signed, now=NOW)
    assert report.status == "unknown" and report.reason == "proof_not_checked"
    assert report.check("proof").code == "unsupported_cryptosuite"
    signed["credentialSubject"]["undefinedTerm"] = "not signed by anything"
    report = verify_credential(signed, now=NOW)
    assert report.status == "invalid"
    assert report.check("format").code == "undefined_term"


# --- 6. presentations -----------------------------------------------------------------------------


def _presentation(subject_id: str | None, holder: KeyPair = HOLDER) -> dict[str, Any]:
    doc = _reference(ISSUER.did)
    if subject_id is not None:
        doc["credentialSubject"]["id"] = subject_id
    credential = sign_credential(doc, ISSUER)
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": [credential],
    }
    return sign_presentation(vp, holder, challenge="c1", domain="border.example")


def test_without_a_challenge_the_holder_check_is_unknown() -> None:
    vp = _presentation(HOLDER.did)
    report = verify_presentation(vp, now=NOW)
    assert report.check("holder").status == "unknown"
    assert report.check("holder").code == "challenge_not_checked"
    relaxed = VerificationPolicy(now=NOW, require_challenge=False)
    assert verify_presentation(vp, policy=relaxed).check("holder").status == "valid"
    assert verify_presentation(vp, now=NOW, challenge="c1").check("holder").code == "ok"


def test_the_holder_check_says_what_was_not_bound() -> None:
    report = verify_presentation(_presentation(None), now=NOW, challenge="c1")
    holder = report.check("holder")
    assert holder.status == "valid" and holder.code == "subject_not_bound"
    assert "name no subject id" in holder.message


def test_a_credential_about_someone_else() -> None:
    vp = _presentation("did:example:someone-else")
    strict = VerificationPolicy(now=NOW, challenge="c1", require_holder_binding=True)
    report = verify_presentation(vp, policy=strict)
    assert report.check("holder").code == "subject_not_holder"
    assert report.check("holder").status == "invalid"
    lenient = verify_presentation(vp, now=NOW, challenge="c1")  # the default reports it
    assert lenient.check("holder").status == "valid"
    assert lenient.check("holder").code == "subject_not_holder"
    assert "did:example:someone-else" in lenient.check("holder").message


# --- 7. DID documents -----------------------------------------------------------------------------


def test_a_did_document_with_two_methods_of_the_same_id_is_refused() -> None:
    did_doc = _web_doc(VICTIM, ISSUER)
    did_doc["verificationMethod"].append(
        {**did_doc["verificationMethod"][0], "publicKeyMultibase": ATTACKER.public_key.multibase}
    )
    signed = sign_credential(_reference(VICTIM), ISSUER, verification_method=f"{VICTIM}#k1")
    report = verify_credential(signed, policy=_policy(did_doc))
    assert report.status == "invalid"
    assert report.check("proof").code == "invalid_did_document"


# --- 9. "does not expire" -------------------------------------------------------------------------


def test_valid_until_9999_is_accepted_and_printed_with_four_digits() -> None:
    doc = _reference(ISSUER.did)
    doc["validUntil"] = "9999-12-31T23:59:59Z"
    doc["validFrom"] = "0999-01-01T00:00:00Z"
    report = verify_credential(sign_credential(doc, ISSUER), now=NOW)
    assert report.check("validity").status == "valid"
    assert (
        "from 0999-01-01T00:00:00Z until 9999-12-31T23:59:59Z" in report.check("validity").message
    )
    assert report.summary is not None and report.summary["valid_from"] == "0999-01-01T00:00:00Z"


# --- the design -----------------------------------------------------------------------------------


def test_checks_after_the_proof_step_take_the_checked_view_only() -> None:
    from skillpass import _verify

    for fn in (_verify._issuer_check, _verify._status_check, _verify._holder_check):
        hints = typing.get_type_hints(fn)
        first = next(iter(inspect.signature(fn).parameters))
        assert hints[first] in (skillpass.CheckedCredential, skillpass.CheckedPresentation), fn
        assert all(h is not dict and h is not Any for h in hints.values()), fn
    # Validity takes dates and proof views: nothing of the raw document.
    for name, hint in typing.get_type_hints(_verify._validity_check).items():
        assert hint is not Any and "dict" not in str(hint), name


def test_summary_and_headline_say_what_was_verified() -> None:
    report = verify_credential(
        sign_credential(_reference(ISSUER.did), ISSUER), now=NOW, trusted_issuers={ISSUER.did}
    )
    assert report.summary is not None
    assert report.summary["achievements"][0]["name"] == "Shielded Metal Arc Welding (SMAW) NC II"
    assert report.summary["achievements"][0]["type"] == "Certificate"
    assert report.summary["issuer"] == {
        "id": ISSUER.did,
        "name": "Regional Training Center Central Visayas",
        "name_source": "self_asserted",
    }
    assert report.summary["levels"] == [
        {
            "framework": "PH-PQF",
            "level": "2",
            "label": "Philippine Qualifications Framework level 2",
        }
    ]
    assert report.headline == (
        "UNKNOWN · Shielded Metal Arc Welding (SMAW) NC II · Maria Luz Dela Cruz · issued by "
        "Regional Training Center Central Visayas (self-asserted)"
    )


def test_a_trust_policy_names_the_issuer_in_the_summary() -> None:
    class Registry:
        def assess(
            self, credential: skillpass.CheckedCredential, *, at: datetime
        ) -> skillpass.TrustDecision:
            return skillpass.TrustDecision("valid", "ok", "accredited", name="RTC VII (TESDA)")

    report = verify_credential(
        sign_credential(_reference(ISSUER.did), ISSUER),
        policy=VerificationPolicy(now=NOW, trust=Registry()),
    )
    assert report.check("issuer").status == "valid"
    assert report.summary is not None
    assert report.summary["issuer"]["name"] == "RTC VII (TESDA)"
    assert report.summary["issuer"]["name_source"] == "trust_list"


def test_a_status_checker_decides_the_status() -> None:
    class Revoked:
        def check(
            self,
            entry: skillpass.StatusEntry,
            credential: skillpass.CheckedCredential,
            *,
            at: datetime,
        ) -> skillpass.StatusDecision:
            assert entry.purpose == "revocation" and entry.index == "94567"
            assert entry.list_credential == "https://rtc7.example.ph/status/3"
            return skillpass.StatusDecision("invalid", "revoked", "revoked on 2027-01-01")

    report = verify_credential(
        sign_credential(_reference(ISSUER.did), ISSUER),
        policy=VerificationPolicy(now=NOW, status=Revoked()),
    )
    assert report.check("status").code == "revoked"
    assert report.status == "invalid"


def test_the_builders_and_the_view_share_one_vocabulary() -> None:
    # The builder writes awardedDate on the credential (as OB 3.0 defines it); the summary and
    # the certificate read it there (the certificate once looked under credentialSubject).
    from skillpass import qr
    from skillpass.credentials import (
        EscoSkill,
        FrameworkLevel,
        Holder,
        IscedField,
        Issuer,
        QualificationInput,
        build_qualification,
    )

    credential = build_qualification(
        QualificationInput(
            issuer=Issuer(id=ISSUER.did, name="Instituto Técnico"),
            holder=Holder(name="Amina El Idrissi", passport={"number": "P7654321"}),
            name="Electricista",
            achievement_type="Certificate",
            description="Instalaciones eléctricas.",
            criteria="Examen práctico.",
            levels=(FrameworkLevel(framework="EQF", level="4"),),
            field_of_study=IscedField(code="0713", name="Electricity and energy"),
            skills=(
                EscoSkill(
                    uri="http://data.europa.eu/esco/skill/9b7d5f3a-1c8e-4a6b-b2d0-8e6c4a2f0d13",
                    name="apply health and safety standards",
                ),
            ),
            awarded_on=datetime(2026, 7, 1, tzinfo=UTC),
            valid_from=datetime(2026, 7, 1, tzinfo=UTC),
        )
    )
    signed = sign_credential(credential, ISSUER)
    report = verify_credential(signed, now=NOW, id_number="p7654321", frameworks=["EQF"])
    assert report.summary is not None
    assert report.summary["awarded"] == "2026-07-01T00:00:00Z"
    assert {"framework": "EQF", "level": "4"} in [
        {k: lvl[k] for k in ("framework", "level")} for lvl in report.summary["levels"]
    ]
    assert report.extras["identity"] == "match"
    assert report.extras["frameworks"][0]["candidates"] == ["4"]
    certificate = qr.make_certificate(signed, font_dirs=[])
    assert certificate.unverified_reason is None
    import pypdfium2

    page = pypdfium2.PdfDocument(certificate.pdf)[0]
    text = page.get_textpage().get_text_range()
    assert "Awarded" in text and "2026-07-01" in text
    assert "EQF level 4" in text
