"""Edge cases of verification found in review: odd DID documents, mismatched did:key fragments,
documents that carry both VCDM 2.0 and 1.1 validity dates, and the canonicalization budget."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from skillpass import KeyPair, Limits, OfflineResolver, sign_credential, verify_credential


@pytest.fixture
def key() -> KeyPair:
    return KeyPair.generate()


@pytest.fixture
def signed(reference_credential: dict[str, Any], key: KeyPair) -> dict[str, Any]:
    reference_credential["issuer"]["id"] = key.did
    del reference_credential["credentialStatus"]
    return sign_credential(reference_credential, key)


@pytest.mark.parametrize("methods", [{"id": "x"}, "not a list", 42])
def test_a_did_document_with_a_malformed_method_list_is_not_a_crash(
    reference_credential: dict[str, Any], key: KeyPair, methods: Any
) -> None:
    did = "did:web:rtc7.example.ph"
    reference_credential["issuer"]["id"] = did
    vm = f"{did}#key-1"
    doc = sign_credential(reference_credential, key, verification_method=vm)
    resolver = OfflineResolver(
        {did: {"id": did, "verificationMethod": methods, "assertionMethod": 7}}
    )
    report = verify_credential(doc, resolver=resolver)
    assert report.check("proof").status == "unknown"
    assert report.check("proof").code == "verification_method_not_found"
    assert report.status != "valid"


def test_a_did_key_fragment_naming_another_key_is_invalid(
    signed: dict[str, Any], key: KeyPair
) -> None:
    other = KeyPair.generate().public_key.multibase
    signed["proof"]["verificationMethod"] = f"{key.did}#{other}"
    report = verify_credential(signed)
    assert report.check("proof").status == "invalid"
    assert report.check("proof").code == "verification_method_not_found"


@pytest.mark.parametrize(
    ("dates", "code"),
    [
        (
            {"validUntil": "2030-01-01T00:00:00Z", "expirationDate": "2027-01-01T00:00:00Z"},
            "expired",
        ),
        (
            {"expirationDate": "2030-01-01T00:00:00Z", "validUntil": "2027-01-01T00:00:00Z"},
            "expired",
        ),
        (
            {"validFrom": "2020-01-01T00:00:00Z", "issuanceDate": "2029-01-01T00:00:00Z"},
            "not_yet_valid",
        ),
        ({"validFrom": "2020-01-01T00:00:00Z", "expirationDate": "2030-01-01T00:00:00Z"}, "ok"),
    ],
)
def test_every_validity_date_counts_when_both_vocabularies_are_present(
    dates: dict[str, str], code: str
) -> None:
    from datetime import timedelta

    from skillpass._dates import parse_datetime
    from skillpass._verify import _validity_check

    starts = [parse_datetime(dates[k]) for k in ("validFrom", "issuanceDate") if k in dates]
    ends = [parse_datetime(dates[k]) for k in ("validUntil", "expirationDate") if k in dates]
    when = datetime(2028, 1, 1, tzinfo=UTC)
    check = _validity_check(starts, ends, (), when, timedelta(minutes=5))
    assert check.code == code


def test_the_default_canonicalization_budget_is_one_second() -> None:
    assert Limits().max_seconds == 1.0
