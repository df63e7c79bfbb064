"""The VC-API verify routes: 200 with the report when valid, 400/422 problem+json carrying the
report when not, never 500; alone and mounted in the issuer service."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import skillpass
from tests.verifier.common import World, reference, tamper
from verifier import TrustList, VerifierSettings, create_app

PROBLEM = "application/problem+json"


def did_key_credential(*, suite: str = "eddsa-rdfc-2022", v1: bool = False) -> dict[str, Any]:
    key = skillpass.KeyPair.generate()
    doc = reference()
    doc["issuer"]["id"] = key.did
    del doc["credentialStatus"]
    if v1:
        doc["@context"] = [
            "https://www.w3.org/2018/credentials/v1",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://w3id.org/security/data-integrity/v2",
        ]
        doc["issuanceDate"] = doc.pop("validFrom")
        doc["expirationDate"] = doc.pop("validUntil")
    return skillpass.sign_credential(doc, key, cryptosuite=suite)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
@pytest.mark.parametrize("v1", [False, True], ids=["vcdm2", "vcdm1.1"])
def test_valid_credential_is_200_with_the_report(client: TestClient, suite: str, v1: bool) -> None:
    body = {"verifiableCredential": did_key_credential(suite=suite, v1=v1), "options": {"x": 1}}
    response = client.post("/credentials/verify", json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["verified"] is True and data["errors"] == []
    assert {"format", "proof", "validity", "status"} <= set(data["checks"])
    # Trust is reported (a warning), not required: no bundle, no trust required.
    assert data["warnings"][0]["code"] == "no_trust_configuration"
    assert data["report"]["status"] == "unknown"


def test_tampered_credential_is_422_problem_with_the_report(client: TestClient) -> None:
    body = {"verifiableCredential": tamper(did_key_credential())}
    response = client.post("/credentials/verify", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 422 and problem["code"] == "invalid_signature"
    assert problem["report"]["checks"][1]["status"] == "invalid"
    assert problem["type"].endswith("CRYPTOGRAPHIC_SECURITY_ERROR")


def test_expired_credential_is_422(client: TestClient) -> None:
    key = skillpass.KeyPair.generate()
    doc = reference()
    doc["issuer"]["id"] = key.did
    del doc["credentialStatus"]
    doc["validUntil"] = "2026-03-20T00:00:00Z"
    signed = skillpass.sign_credential(doc, key, created="2026-03-14T00:00:00Z")
    response = client.post("/credentials/verify", json={"verifiableCredential": signed})
    assert response.status_code == 422
    assert response.json()["code"] == "expired"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "not_json"),
        (b"[]", "not_an_object"),
        (b"{}", "missing_credential"),
        (b'{"verifiableCredential": 5}', "not_an_object"),
        (b'{"verifiableCredential": {}, "options": 5}', "invalid_options"),
        (b'{"verifiableCredential": {"a": 1}, "a": 1, "a": 2}', "duplicate_key"),
        (b"[" * 5000 + b"]" * 5000, "document_too_deep"),
    ],
)
def test_bad_bodies_are_400(client: TestClient, body: bytes, code: str) -> None:
    response = client.post(
        "/credentials/verify", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == code
    assert response.json()["report"]["checks"][0]["id"] == "format"


def test_too_large_is_413() -> None:
    client = TestClient(create_app(VerifierSettings(max_body_bytes=100)))
    response = client.post("/credentials/verify", content=b"{" + b" " * 200 + b"}")
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_unknown_routes_and_methods_are_problems(client: TestClient) -> None:
    assert client.get("/credentials/verify").status_code == 405
    assert client.get("/nowhere").headers["content-type"] == PROBLEM


def _presentation(
    challenge: str = "c-1", domain: str | None = "verifier.example"
) -> dict[str, Any]:
    holder = skillpass.KeyPair.generate()
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": [did_key_credential()],
    }
    return skillpass.sign_presentation(vp, holder, challenge=challenge, domain=domain)


def test_presentations(client: TestClient) -> None:
    vp = _presentation()
    ok = client.post(
        "/presentations/verify",
        json={
            "verifiablePresentation": vp,
            "options": {"challenge": "c-1", "domain": "verifier.example"},
        },
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["report"]["checks"][2]["id"] == "holder"
    wrong = client.post(
        "/presentations/verify",
        json={"verifiablePresentation": vp, "options": {"challenge": "c-2"}},
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "challenge_mismatch"
    # Without a challenge in the options the caller asked for none: verified, with a warning.
    plain = client.post("/presentations/verify", json={"verifiablePresentation": vp})
    assert plain.status_code == 200
    forged = copy.deepcopy(vp)
    forged["verifiableCredential"][0] = tamper(forged["verifiableCredential"][0])
    bad = client.post("/presentations/verify", json={"verifiablePresentation": forged})
    assert bad.status_code == 422


def test_trust_is_required_only_with_a_bundle_and_require_trust(tmp_path: Path) -> None:
    world = World()
    now = datetime.now(UTC)
    path = tmp_path / "bundle.json"
    world.bundle(at=now).save(path)
    signed = world.credential()
    stranger = did_key_credential()
    strict = TestClient(create_app(VerifierSettings(bundle=path, require_trust=True)))
    lenient = TestClient(create_app(VerifierSettings(bundle=path)))
    ok = strict.post("/credentials/verify", json={"verifiableCredential": signed})
    assert ok.status_code == 200, ok.text
    summary = ok.json()["report"]["summary"]
    assert summary["issuer"]["name"] == "Regional Training Center 7 (registry)"
    assert ok.json()["report"]["trust_bundle"]["expired"] is False
    refused = strict.post("/credentials/verify", json={"verifiableCredential": stranger})
    assert refused.status_code == 422
    assert refused.json()["code"] == "issuer_not_trusted"
    assert (
        lenient.post("/credentials/verify", json={"verifiableCredential": stranger}).status_code
        == 200
    )
    revoked = World(authority=world.authority, keys=world.keys, status_value=2)
    # A re-synced bundle file is picked up by the running service (saved by atomic replace).
    revoked.bundle(at=now).save(path)
    response = lenient.post("/credentials/verify", json={"verifiableCredential": signed})
    assert response.status_code == 422 and response.json()["code"] == "revoked"
    # A damaged file later keeps the last good bundle in use.
    path.write_text("{", encoding="utf-8")
    again = lenient.post("/credentials/verify", json={"verifiableCredential": signed})
    assert again.status_code == 422 and again.json()["code"] == "revoked"


def test_an_unreadable_bundle_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(skillpass.SkillpassError) as caught:
        create_app(VerifierSettings(bundle=tmp_path / "missing.json"))
    assert caught.value.code == "trust_bundle_unreadable"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
_VALID = did_key_credential()


def _mutations() -> st.SearchStrategy[Any]:
    keys = sorted(_VALID)

    def mutate(pair: tuple[str, Any]) -> dict[str, Any]:
        key, value = pair
        doc = copy.deepcopy(_VALID)
        doc[key] = value
        return doc

    return st.tuples(st.sampled_from(keys), json_values).map(mutate)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.binary(max_size=200),
        json_values.map(lambda v: json.dumps(v).encode()),
        json_values.map(lambda v: json.dumps({"verifiableCredential": v}).encode()),
        json_values.map(lambda v: json.dumps({"verifiablePresentation": v, "options": v}).encode()),
        _mutations().map(lambda d: json.dumps({"verifiableCredential": d}).encode()),
    ),
    route=st.sampled_from(["/credentials/verify", "/presentations/verify"]),
)
def test_garbage_never_500(client: TestClient, body: bytes, route: str) -> None:
    response = client.post(route, content=body, headers={"content-type": "application/json"})
    assert response.status_code in (200, 400, 413, 422), response.text
    if response.status_code != 200:
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"]


def test_mounted_in_the_issuer_service(tmp_path: Path) -> None:
    from issuer import Settings
    from issuer import create_app as issuer_app

    settings_ = Settings(
        database_url=f"sqlite:///{tmp_path / 'issuer.db'}",
        admin_token="admin",
        master_key=base64.urlsafe_b64encode(b"k" * 32).decode(),
        data_dir=tmp_path / "data",
    )
    with TestClient(issuer_app(settings_)) as issuer_client:
        ok = issuer_client.post(
            "/credentials/verify", json={"verifiableCredential": did_key_credential()}
        )
        assert ok.status_code == 200, ok.text
        bad = issuer_client.post("/presentations/verify", content=b"nope")
        assert bad.status_code == 400 and bad.json()["code"] == "not_json"


def test_trust_list_files_carry_no_unsigned_fields() -> None:
    # The route's verified report never reads the trust list's raw JSON outside the signed text.
    world = World()
    signed = world.signed_list()
    extra = copy.deepcopy(signed)
    extra["credentialSubject"]["name"] = "extra"
    with pytest.raises(skillpass.SkillpassError):
        TrustList.from_credential(extra)
