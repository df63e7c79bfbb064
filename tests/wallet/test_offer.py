"""``add --offer``: the offer client against a real HTTP server on 127.0.0.1.

The server here plays the issuer side of the agreed contract (GET → credential, or GET → bind
request, POST presentation → 201 credential; 410 once used). It is a stand-in written from the
contract, not the issuer service: the end-to-end test against the real issuer comes with it.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import skillpass
from tests.wallet.common import MakeCredential
from wallet import OfferNotStoredError, Wallet, WalletError, fetch_offer

pytest_plugins = ["tests.wallet.fixtures"]


class Issuer:
    """The offers the loopback server knows, and what it saw."""

    def __init__(self, make_credential: MakeCredential, key: skillpass.KeyPair) -> None:
        self.make_credential = make_credential
        self.key = key
        self.used: set[str] = set()
        self.nonces: dict[str, str] = {}
        self.presentations: list[dict[str, Any]] = []


def _handler(issuer: Issuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: Any, kind: str = "application/json") -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError):  # the client gave up (timeout test)
                self.wfile.write(data)

        def _gone(self) -> None:
            problem = {"type": "about:blank", "title": "Gone", "status": 410, "code": "offer_used"}
            problem["detail"] = "this offer was collected already"
            self._send(410, problem, "application/problem+json")

        def do_GET(self) -> None:
            name = self.path.strip("/")
            if name in issuer.used:
                return self._gone()
            if name == "plain":
                issuer.used.add(name)
                return self._send(200, {"verifiableCredential": issuer.make_credential()})
            if name == "bind":
                issuer.nonces[name] = f"nonce-{time.monotonic_ns()}"
                return self._send(
                    200, {"bind_holder": True, "nonce": issuer.nonces[name], "domain": "rtc7.test"}
                )
            if name == "forged":
                credential = issuer.make_credential()
                credential["name"] = "Master Welder"
                return self._send(200, {"verifiableCredential": credential})
            if name == "huge":
                return self._send(200, {"verifiableCredential": {"x": "y" * 5_000_000}})
            if name == "slow":
                time.sleep(3)
                return self._send(200, {})
            if name == "not-json":
                self.send_response(200)
                self.send_header("Content-Length", "5")
                self.end_headers()
                self.wfile.write(b"hello")
                return None
            if name == "expired":
                problem = {"title": "Gone", "status": 410, "code": "offer_expired"}
                return self._send(410, problem, "application/problem+json")
            if name == "no-credential":
                return self._send(200, {"something": "else"})
            if name == "redirect":
                self.send_response(302)
                self.send_header("Location", "http://127.0.0.1:9/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self._send(500, {"title": "Internal Server Error", "status": 500})

        def do_POST(self) -> None:
            name = self.path.strip("/")
            if name in issuer.used or name not in issuer.nonces:
                return self._gone()
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            vp = body["presentation"]
            report = skillpass.verify_presentation(
                vp, challenge=issuer.nonces[name], domain="rtc7.test"
            )
            if report.check("proof").status != "valid":
                return self._send(400, {"title": "bad presentation", "status": 400})
            issuer.presentations.append(vp)
            issuer.used.add(name)
            credential = issuer.make_credential(subject_id=vp["holder"])
            return self._send(201, {"verifiableCredential": credential})

    return Handler


@pytest.fixture
def server(
    make_credential: MakeCredential, issuer_key: skillpass.KeyPair
) -> Iterator[tuple[str, Issuer]]:
    issuer = Issuer(make_credential, issuer_key)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(issuer))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", issuer
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def test_plain_offer_is_collected_once(server: tuple[str, Issuer], wallet: Wallet) -> None:
    base, _ = server
    entry = fetch_offer(wallet, f"{base}/plain")
    assert entry.source == "offer 127.0.0.1:" + base.rsplit(":", 1)[1]
    assert [e.id for e in wallet.list()] == [entry.id]
    with pytest.raises(WalletError) as info:
        fetch_offer(wallet, f"{base}/plain")
    assert info.value.code == "offer_used"
    assert "collected already" in info.value.message


def test_offer_bound_to_the_holder_key(server: tuple[str, Issuer], wallet: Wallet) -> None:
    base, issuer = server
    entry = fetch_offer(wallet, f"{base}/bind")
    [vp] = issuer.presentations
    assert vp["holder"] == wallet.holder_did
    assert "verifiableCredential" not in vp
    assert entry.credential["credentialSubject"]["id"] == wallet.holder_did
    # The bound credential can then be presented: the subject is the wallet's holder.
    presented = wallet.present([entry.id], challenge="c", domain="d")
    report = skillpass.verify_presentation(presented, challenge="c", domain="d")
    assert report.check("holder").status == "valid"


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("forged", "invalid_signature"),
        ("huge", "input_too_large"),
        ("not-json", "offer_failed"),
        ("no-credential", "offer_failed"),
        ("redirect", "offer_failed"),
        ("missing", "offer_failed"),
        ("expired", "offer_expired"),
    ],
)
def test_offer_errors(server: tuple[str, Issuer], wallet: Wallet, path: str, code: str) -> None:
    base, _ = server
    with pytest.raises(WalletError) as info:
        fetch_offer(wallet, f"{base}/{path}")
    assert info.value.code == code
    assert wallet.list() == []


def test_offer_timeout(server: tuple[str, Issuer], wallet: Wallet) -> None:
    base, _ = server
    with pytest.raises(WalletError) as info:
        fetch_offer(wallet, f"{base}/slow", timeout=0.5)
    assert info.value.code == "offer_failed"
    assert "in time" in info.value.message


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "not a url"])
def test_offer_urls_are_http(wallet: Wallet, url: str) -> None:
    with pytest.raises(WalletError) as info:
        fetch_offer(wallet, url)
    assert info.value.code == "offer_failed"


def test_unreachable_issuer(wallet: Wallet) -> None:
    with pytest.raises(WalletError) as info:
        fetch_offer(wallet, "http://127.0.0.1:9/offer", timeout=2)
    assert info.value.code == "offer_failed"


def test_a_received_credential_is_not_lost_when_it_cannot_be_stored(
    server: tuple[str, Issuer], wallet: Wallet
) -> None:
    base, _ = server
    wallet.close()  # stands for a wallet that cannot be written at that moment
    with pytest.raises(OfferNotStoredError) as info:
        fetch_offer(wallet, f"{base}/plain")
    assert info.value.code == "offer_not_stored"
    report = skillpass.verify_credential(info.value.credential)
    assert report.check("proof").status == "valid"
