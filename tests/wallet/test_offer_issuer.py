"""End to end: the wallet collects offers from the real issuer service, over HTTP on loopback.

The issuer runs in uvicorn on 127.0.0.1 (a free port) with embedded SQLite; the wallet's offer
client talks to it as it would to an institute's server. A plain offer is collected once; a
holder-bound offer gets the wallet's holder DID as its subject.
"""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

import skillpass
from issuer import Settings, create_app
from tests.issuer.conftest import unsigned_qualification
from tests.wallet.common import FAST, PASSPHRASE
from wallet import Wallet, WalletError, fetch_offer

ADMIN = "admin-token-for-the-offer-test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def issuer_url(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'issuer.db'}",
        public_url=url,
        admin_token=ADMIN,
        master_key=base64.urlsafe_b64encode(b"m" * 32).decode(),
        data_dir=tmp_path / "data",
    )
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the issuer did not start")
        time.sleep(0.05)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _institute(url: str) -> tuple[str, dict[str, str]]:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    body = {"name": "RTC VII", "country": "PH", "slug": "rtc7", "did_method": "key"}
    created = httpx.post(f"{url}/institutes", json=body, headers=admin)
    assert created.status_code == 201, created.text
    key = httpx.post(f"{url}/institutes/rtc7/api-keys", headers=admin)
    assert key.status_code == 201, key.text
    return str(created.json()["did"]), {"Authorization": f"Bearer {key.json()['api_key']}"}


def _issue(url: str, auth: dict[str, str]) -> dict[str, Any]:
    response = httpx.post(
        f"{url}/credentials/issue", json={"credential": unsigned_qualification()}, headers=auth
    )
    assert response.status_code == 201, response.text
    vc: dict[str, Any] = response.json()["verifiableCredential"]
    return vc


def test_the_wallet_collects_a_plain_offer_once(issuer_url: str, tmp_path: Path) -> None:
    did, auth = _institute(issuer_url)
    vc = _issue(issuer_url, auth)
    offer = httpx.post(f"{issuer_url}/credentials/{vc['id']}/offer", headers=auth)
    assert offer.status_code == 201, offer.text
    with Wallet.create(tmp_path / "w.wallet", PASSPHRASE, kdf=FAST) as wallet:
        stored = fetch_offer(wallet, offer.json()["offer_url"], trusted_issuers=[did])
        assert wallet.get(stored.id).credential == vc
        with pytest.raises(WalletError) as used:
            fetch_offer(wallet, offer.json()["offer_url"])
        assert used.value.code == "offer_used"
        assert len(wallet.list()) == 1


def test_a_holder_bound_offer_names_the_wallets_holder(issuer_url: str, tmp_path: Path) -> None:
    did, auth = _institute(issuer_url)
    offer = httpx.post(
        f"{issuer_url}/offers",
        json={"credential": unsigned_qualification(), "bind_holder": True},
        headers=auth,
    )
    assert offer.status_code == 201, offer.text
    with Wallet.create(tmp_path / "w.wallet", PASSPHRASE, kdf=FAST) as wallet:
        stored = fetch_offer(wallet, offer.json()["offer_url"], trusted_issuers=[did])
        credential = wallet.get(stored.id).credential
        assert credential["credentialSubject"]["id"] == wallet.holder_did
        report = skillpass.verify_credential(credential, trusted_issuers=[did])
        assert report.check("proof").status == "valid"
        assert report.check("issuer").status == "valid"
        # The worker presents it, bound to the holder key the issuer saw.
        vp = wallet.present([stored.id], challenge="n-1", domain="border.example")
        checked = skillpass.verify_presentation(
            vp, challenge="n-1", domain="border.example", trusted_issuers=[did]
        )
        assert checked.check("holder").status == "valid"
        assert checked.check("holder").code == "ok"
