"""Verifiable Presentations: holder binding, challenge and domain, embedded credentials."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from skillpass import (
    KeyPair,
    SkillpassError,
    VerificationPolicy,
    sign_credential,
    sign_presentation,
    verify_presentation,
)

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "examples" / "reference-qualification.json"
NOW = datetime(2027, 1, 1, tzinfo=UTC)
ISSUED = datetime(2026, 3, 14, tzinfo=UTC)
SUITES = ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
CHALLENGE = "f1c8e0b2-6a47-4d7e-9a55-0c3b7d2e91aa"
DOMAIN = "border.example.de"

ISSUER = KeyPair.from_seed(bytes([21]) * 32)
HOLDER = KeyPair.from_seed(bytes([22]) * 32)
STRANGER = KeyPair.from_seed(bytes([23]) * 32)


def _credential(subject: str, cryptosuite: str, number: int = 0) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    if number:
        doc["id"] = f"urn:uuid:00000000-0000-4000-8000-{number:012d}"
    doc["issuer"]["id"] = ISSUER.did
    doc["credentialSubject"]["id"] = subject
    del doc["credentialStatus"]
    return sign_credential(doc, ISSUER, cryptosuite=cryptosuite, created=ISSUED)


def _presentation(vcs: list[dict[str, Any]], holder: str = HOLDER.did) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": vcs,
    }


@pytest.fixture(scope="module", params=SUITES)
def suite(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture(scope="module")
def signed_vp(suite: str) -> dict[str, Any]:
    # The embedded credential uses the other suite too, to mix them.
    vc_suite = SUITES[1 - SUITES.index(suite)]
    vp = _presentation([_credential(HOLDER.did, vc_suite)])
    return sign_presentation(
        vp, HOLDER, challenge=CHALLENGE, domain=DOMAIN, cryptosuite=suite, created=ISSUED
    )


def _verify(vp: dict[str, Any], **kwargs: Any) -> Any:
    options: dict[str, Any] = {
        "challenge": CHALLENGE,
        "domain": DOMAIN,
        "now": NOW,
        "trusted_issuers": {ISSUER.did},
    }
    options.update(kwargs)
    return verify_presentation(vp, **options)


def _codes(report: Any) -> dict[str, tuple[str, str]]:
    return {c.id: (c.status, c.code) for c in report.checks}


def test_presentation_verifies(signed_vp: dict[str, Any]) -> None:
    report = _verify(signed_vp)
    assert report.status == "valid", _codes(report)
    assert report.verified
    assert report.check("holder").status == "valid"
    assert report.holder == HOLDER.did
    assert len(report.credentials) == 1
    assert report.credentials[0].status == "valid"
    assert report.credentials[0].issuer == ISSUER.did
    out = report.to_dict()
    assert out["kind"] == "presentation"
    assert out["credentials"][0]["status"] == "valid"


def test_presentation_unknown_when_issuer_untrusted(signed_vp: dict[str, Any]) -> None:
    report = _verify(signed_vp, trusted_issuers=None)
    assert report.check("holder").status == "valid"
    assert report.credentials[0].check("issuer").status == "unknown"
    assert report.status == "unknown"


def test_wrong_challenge(signed_vp: dict[str, Any]) -> None:
    report = _verify(signed_vp, challenge="another-nonce")
    assert (report.check("proof").status, report.check("proof").code) == (
        "invalid",
        "challenge_mismatch",
    )
    assert report.status == "invalid"


def test_wrong_domain(signed_vp: dict[str, Any]) -> None:
    report = _verify(signed_vp, domain="employer.example.ph")
    assert (report.check("proof").status, report.check("proof").code) == (
        "invalid",
        "domain_mismatch",
    )
    assert report.status == "invalid"


@pytest.mark.parametrize(
    ("field", "value"), [("challenge", "another-nonce"), ("domain", "employer.example.ph")]
)
def test_rewriting_challenge_or_domain_breaks_the_proof(
    signed_vp: dict[str, Any], field: str, value: str
) -> None:
    vp = copy.deepcopy(signed_vp)
    vp["proof"][field] = value
    report = _verify(vp, **{field: value})
    assert report.check("proof").status == "invalid"
    assert report.status == "invalid"


def test_replay_with_altered_credential(signed_vp: dict[str, Any]) -> None:
    vp = copy.deepcopy(signed_vp)
    vc = vp["verifiableCredential"][0]
    vc["credentialSubject"]["achievement"]["alignment"][0]["targetCode"] = "5"
    report = _verify(vp)
    assert report.check("proof").status == "invalid"  # the presentation's own proof
    assert report.credentials[0].check("proof").status == "invalid"  # and the credential's
    assert report.status == "invalid"


def test_replay_with_swapped_credential(signed_vp: dict[str, Any], suite: str) -> None:
    """Another valid credential of the same holder cannot be slipped into a signed VP."""
    vp = copy.deepcopy(signed_vp)
    other = _credential(HOLDER.did, suite)
    other["name"] = "Other"
    vp["verifiableCredential"] = [_credential(HOLDER.did, "eddsa-jcs-2022"), other]
    report = _verify(vp)
    assert report.check("proof").status == "invalid"
    assert report.status == "invalid"


def test_removing_a_credential_breaks_the_proof(suite: str) -> None:
    """Two credentials about the same holder repeat statements (the holder's achievement), each
    in its own named graph: that is not a duplicate (it was refused as duplicate_value)."""
    vcs = [
        _credential(HOLDER.did, "eddsa-rdfc-2022", 1),
        _credential(HOLDER.did, "eddsa-jcs-2022", 2),
    ]
    vp = sign_presentation(
        _presentation(vcs), HOLDER, challenge=CHALLENGE, cryptosuite=suite, created=ISSUED
    )
    report = _verify(vp, domain=None)
    assert report.status == "valid", _codes(report)
    assert len(report.credentials) == 2
    vp["verifiableCredential"] = vp["verifiableCredential"][:1]
    assert _verify(vp, domain=None).check("proof").status == "invalid"


def test_signed_by_a_key_that_is_not_the_holders(suite: str) -> None:
    vp = _presentation([_credential(HOLDER.did, suite)])
    with pytest.raises(SkillpassError) as info:
        sign_presentation(vp, STRANGER, challenge=CHALLENGE)
    assert info.value.code == "holder_mismatch"
    forged = sign_presentation(
        vp,
        STRANGER,
        challenge=CHALLENGE,
        domain=DOMAIN,
        cryptosuite=suite,
        verification_method=STRANGER.verification_method,
        created=ISSUED,
    )
    report = _verify(forged)
    assert report.check("proof").status == "valid"  # a good signature ...
    assert (report.check("holder").status, report.check("holder").code) == (
        "invalid",
        "holder_mismatch",
    )  # ... by the wrong party
    assert report.status == "invalid"


def test_credential_about_someone_else(suite: str) -> None:
    vp = _presentation([_credential(STRANGER.did, suite)])
    signed = sign_presentation(
        vp, HOLDER, challenge=CHALLENGE, domain=DOMAIN, cryptosuite=suite, created=ISSUED
    )
    report = _verify(signed)
    assert report.check("proof").status == "valid"
    assert report.credentials[0].status == "valid"
    # VCDM 2.0 lets a holder present credentials about others: reported, not refused ...
    assert (report.check("holder").status, report.check("holder").code) == (
        "valid",
        "subject_not_holder",
    )
    assert f"credential 1 is about {STRANGER.did}, not the holder" in report.check("holder").message
    # ... unless the verifier's policy requires the holder to be the subject.
    strict = _verify(signed, policy=VerificationPolicy(require_holder_binding=True))
    assert (strict.check("holder").status, strict.check("holder").code) == (
        "invalid",
        "subject_not_holder",
    )
    assert strict.status == "invalid"


def test_credential_proof_purpose_is_not_authentication(suite: str) -> None:
    """A credential's assertion proof cannot stand in for the holder's authentication."""
    vc = _credential(HOLDER.did, suite)
    vp = _presentation([vc])
    vp["proof"] = copy.deepcopy(vc["proof"])
    report = _verify(vp)
    assert report.check("proof").status == "invalid"
    assert report.status == "invalid"


def test_presentation_needs_a_challenge() -> None:
    vp = _presentation([_credential(HOLDER.did, "eddsa-jcs-2022")])
    with pytest.raises(SkillpassError) as info:
        sign_presentation(vp, HOLDER, challenge="")
    assert info.value.code == "missing_challenge"


def test_unsafe_content_in_embedded_credential_is_refused(signed_vp: dict[str, Any]) -> None:
    vp = copy.deepcopy(signed_vp)
    vp["verifiableCredential"][0]["credentialSubject"]["skill"] = "welding"
    report = _verify(vp)
    assert report.status == "invalid"
    assert report.credentials == () or report.credentials[0].status == "invalid"


def test_embedded_credential_context_must_be_allowed(signed_vp: dict[str, Any]) -> None:
    vp = copy.deepcopy(signed_vp)
    vp["verifiableCredential"][0]["@context"].append("https://evil.example/ctx")
    report = _verify(vp)
    assert (report.check("format").status, report.check("format").code) == (
        "invalid",
        "context_not_allowed",
    )


@pytest.mark.parametrize("value", [None, [], "text", 42])
def test_verify_never_raises(value: Any) -> None:
    report = verify_presentation(value, challenge=CHALLENGE)
    assert report.status == "invalid"
