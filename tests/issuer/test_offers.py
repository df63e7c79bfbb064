"""Credential offers: single use, expiry, holder binding with a signed presentation, QR."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image

import skillpass
from issuer import create_app
from tests.issuer.conftest import PUBLIC_URL, Running, make_settings, unsigned_qualification
from tests.issuer.test_issuer_api import assert_problem, assert_verified, issue, resolver


def local(url: str) -> str:
    assert url.startswith(PUBLIC_URL + "/offers/")
    return url.removeprefix(PUBLIC_URL)


def test_plain_offer_is_collected_once(running: Running, tmp_path: Path) -> None:
    running.institute("rtc7")
    vc = issue(running, "rtc7").json()["verifiableCredential"]
    response = running.client.post(f"/credentials/{vc['id']}/offer", headers=running.auth("rtc7"))
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"offer_url", "expires"}
    first = running.client.get(local(body["offer_url"]))
    assert first.status_code == 200 and first.json() == {"verifiableCredential": vc}
    assert_problem(running.client.get(local(body["offer_url"])), 410, "offer_used")
    assert_problem(running.client.get("/offers/unknown-token"), 404, "offer_not_found")
    png = running.client.post(
        f"/credentials/{vc['id']}/offer?format=png", headers=running.auth("rtc7")
    )
    assert png.status_code == 201 and png.headers["content-type"] == "image/png"
    (tmp_path / "offer.png").write_bytes(png.content)
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "offer.png"))
    assert [f.text for f in found] == [png.headers["location"]]
    svg = running.client.post(
        f"/credentials/{vc['id']}/offer?format=svg", headers=running.auth("rtc7")
    )
    assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content


def test_a_revoked_or_suspended_credential_is_not_offered(running: Running) -> None:
    """A wallet must not collect a dead credential: refused when the offer is made, and when
    an offer made earlier is collected after the status changed."""
    running.institute("rtc7")
    auth = running.auth("rtc7")
    vc = issue(running, "rtc7").json()["verifiableCredential"]
    early = running.client.post(f"/credentials/{vc['id']}/offer", headers=auth).json()
    change = {
        "credentialId": vc["id"],
        "credentialStatus": {"type": "BitstringStatusList", "statusPurpose": "revocation"},
        "status": True,
    }
    assert running.client.post("/credentials/status", json=change, headers=auth).status_code == 200
    refused = running.client.post(f"/credentials/{vc['id']}/offer", headers=auth)
    assert_problem(refused, 409, "credential_not_offerable")
    assert_problem(running.client.get(local(early["offer_url"])), 409, "credential_not_offerable")
    # A live credential of the same institute is still offered.
    second = unsigned_qualification()
    second["id"] = "urn:uuid:6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
    other = issue(running, "rtc7", second).json()["verifiableCredential"]
    fine = running.client.post(f"/credentials/{other['id']}/offer", headers=auth)
    assert fine.status_code == 201


def _holder_presentation(holder: skillpass.KeyPair, challenge: Any, domain: Any) -> Any:
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
    }
    return skillpass.sign_presentation(vp, holder, challenge=challenge, domain=domain)


def test_binding_offer(running: Running) -> None:
    inst = running.institute("rtc7")
    unsigned = unsigned_qualification()
    response = running.client.post(
        "/offers",
        json={"credential": unsigned, "bind_holder": True},
        headers=running.auth("rtc7"),
    )
    assert response.status_code == 201, response.text
    url = local(response.json()["offer_url"])
    challenge = running.client.get(url).json()
    assert challenge["bind_holder"] is True and challenge["domain"] == PUBLIC_URL
    holder = skillpass.KeyPair.generate()
    # A presentation for another nonce, or signed by someone else for this holder, fails.
    wrong = _holder_presentation(holder, "other-nonce", challenge["domain"])
    assert_problem(
        running.client.post(url, json={"presentation": wrong}), 422, "holder_proof_invalid"
    )
    impostor = skillpass.KeyPair.generate()
    forged = _holder_presentation(impostor, challenge["nonce"], challenge["domain"])
    forged["holder"] = holder.did
    assert_problem(
        running.client.post(url, json={"presentation": forged}), 422, "holder_proof_invalid"
    )
    vp = _holder_presentation(holder, challenge["nonce"], challenge["domain"])
    collected = running.client.post(url, json={"presentation": vp})
    assert collected.status_code == 201, collected.text
    vc = collected.json()["verifiableCredential"]
    assert vc["credentialSubject"]["id"] == holder.did
    assert vc["credentialSubject"]["achievement"] == unsigned["credentialSubject"]["achievement"]
    assert_verified(
        skillpass.verify_credential(
            vc, resolver=resolver(running, "rtc7"), trusted_issuers=[inst["did"]]
        )
    )
    assert_problem(running.client.post(url, json={"presentation": vp}), 410, "offer_used")
    assert_problem(running.client.get(url), 410, "offer_used")
    stored = running.client.get(f"/credentials/{vc['id']}", headers=running.auth("rtc7"))
    assert stored.json()["verifiableCredential"] == vc


def test_offer_errors(running: Running) -> None:
    running.institute("rtc7")
    auth = running.auth("rtc7")
    assert_problem(
        running.client.post("/offers", json={"credential": {}}, headers=auth), 422, "invalid_offer"
    )
    bad = {"credential": {**unsigned_qualification(), "proof": {}}, "bind_holder": True}
    assert_problem(running.client.post("/offers", json=bad, headers=auth), 422, "already_signed")
    assert_problem(
        running.client.post("/credentials/urn:x/offer", headers=auth), 404, "credential_not_found"
    )
    plain = issue(running, "rtc7").json()["verifiableCredential"]
    url = local(
        running.client.post(f"/credentials/{plain['id']}/offer", headers=auth).json()["offer_url"]
    )
    assert_problem(running.client.post(url, json={"presentation": {}}), 409, "offer_not_binding")


def test_offers_expire(database_url: str, tmp_path: Path) -> None:
    app = create_app(make_settings(database_url, tmp_path, offer_ttl_seconds=0))
    with TestClient(app) as client:
        running = Running(client, app.state.service.settings)
        running.institute("rtc7")
        vc = issue(running, "rtc7").json()["verifiableCredential"]
        offer = client.post(f"/credentials/{vc['id']}/offer", headers=running.auth("rtc7"))
        assert_problem(client.get(local(offer.json()["offer_url"])), 410, "offer_expired")
