"""VC Data Model 1.1 credentials (most Open Badges 3.0 in the wild) verify too."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from skillpass import KeyPair, sign_credential, verify_credential

V1_CONTEXTS = [
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    # VCDM 1.1's base context does not define DataIntegrityProof's terms.
    "https://w3id.org/security/data-integrity/v2",
]


@pytest.fixture
def key() -> KeyPair:
    return KeyPair.generate()


@pytest.fixture
def v11(reference_credential: dict[str, Any], key: KeyPair) -> dict[str, Any]:
    doc = dict(reference_credential)
    doc["@context"] = V1_CONTEXTS
    doc["issuer"] = {**doc["issuer"], "id": key.did}
    doc["issuanceDate"] = doc.pop("validFrom")
    doc["expirationDate"] = doc.pop("validUntil")
    del doc["credentialStatus"]
    return doc


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_vcdm11_open_badge_signs_and_verifies(
    v11: dict[str, Any], key: KeyPair, suite: str
) -> None:
    signed = sign_credential(v11, key, cryptosuite=suite)
    report = verify_credential(signed, trusted_issuers={key.did})
    assert report.status == "valid", report.to_dict()


def test_vcdm11_needs_issuance_date(v11: dict[str, Any], key: KeyPair) -> None:
    signed = sign_credential(v11, key)
    del signed["issuanceDate"]
    assert verify_credential(signed).check("format").code == "missing_issuance_date"


def test_vcdm11_expiration_is_enforced(v11: dict[str, Any], key: KeyPair) -> None:
    signed = sign_credential(v11, key)
    later = datetime(2031, 6, 1, tzinfo=UTC)
    report = verify_credential(signed, trusted_issuers={key.did}, now=later)
    assert report.check("validity").code == "expired"
    assert report.status == "invalid"
    earlier = datetime(2026, 1, 1, tzinfo=UTC)
    assert verify_credential(signed, now=earlier).check("validity").code == "not_yet_valid"
