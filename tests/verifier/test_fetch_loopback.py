"""Real HTTP over loopback: a real issuer service (uvicorn, started and stopped by process id)
publishes its did:web document and status lists; ``skillpass trust bundle build --fetch``
gathers them, ``skillpass verify --trust`` uses them offline, ``--online`` fetches them itself;
``skillpass verifier serve`` answers the VC-API routes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

import skillpass
import verifier
from skillpass.cli import app as cli
from tests.conftest import ROOT
from tests.issuer.conftest import ADMIN, unsigned_qualification
from tests.issuer.test_processes import Server, _setup, free_port
from verifier import Accreditation, ListedIssuer, TrustList

runner = CliRunner()


@pytest.fixture
def issuer_server(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    server = Server(
        f"sqlite:///{tmp_path / 'issuer.db'}", port, f"http://127.0.0.1:{port}", tmp_path / "data"
    )
    yield server
    assert server.stop() in (0, -signal.SIGTERM)


def _issue(base: str, key: str, purpose: str) -> dict[str, Any]:
    credential = unsigned_qualification()
    del credential["id"]  # the service gives each one its own
    body = {
        "credential": credential,
        "options": {"credentialStatus": {"type": "BitstringStatusList", "statusPurpose": purpose}},
    }
    response = httpx.post(
        base + "/credentials/issue", json=body, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 201, response.text
    return dict(response.json()["verifiableCredential"])


def _set_status(base: str, key: str, cid: str, purpose: str, value: bool) -> None:
    body = {
        "credentialId": cid,
        "credentialStatus": {"type": "BitstringStatusList", "statusPurpose": purpose},
        "status": value,
    }
    response = httpx.post(
        base + "/credentials/status", json=body, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text


def _cli(*args: str) -> Any:
    return runner.invoke(cli, list(args))


def test_bundle_build_fetch_and_verify(issuer_server: Server, tmp_path: Path) -> None:
    base = issuer_server.base
    did, key = _setup(base)
    vc = _issue(base, key, "suspension")
    status_url = vc["credentialStatus"]["statusListCredential"]
    assert status_url.startswith(base)
    credential = tmp_path / "vc.json"
    credential.write_text(json.dumps(vc), encoding="utf-8")
    index = httpx.get(base + "/institutes/rtc7/status-lists")
    assert index.json() == {"statusLists": [status_url]}
    assert httpx.get(base + "/institutes/nope/status-lists").status_code == 404

    authority = tmp_path / "authority.key"
    made = _cli("trust", "authority", "init", "--out", str(authority))
    assert made.exit_code == 0, made.output
    anchor = made.stdout.strip()
    list_file = tmp_path / "list.json"
    added = _cli(
        "trust", "list", "add-issuer", "--list", str(list_file), "--did", did,
        "--name", "Cebu RTC (TESDA register)", "--country", "PH",
        "--framework", "PH-PQF", "--levels", "1-4",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    signed_list = tmp_path / "list.vc.json"
    signed = _cli(
        "trust", "list", "sign", "--list", str(list_file), "--key", str(authority),
        "--out", str(signed_list),
    )  # fmt: skip
    assert signed.exit_code == 0, signed.output

    bundle = tmp_path / "bundle.json"

    def build() -> Any:
        return _cli(
            "trust", "bundle", "build", "--anchor", anchor, "--trust-list", str(signed_list),
            "--fetch", "--out", str(bundle),
        )  # fmt: skip

    built = build()
    assert built.exit_code == 0, built.output
    parts = json.loads(bundle.read_text(encoding="utf-8"))["parts"]
    # --fetch followed the listed issuer's did:web document, and its status-list index, itself.
    assert sorted(p["kind"] for p in parts) == ["did-document", "status-list", "trust-list"]
    assert [p["source"] for p in parts if p["kind"] == "status-list"] == [status_url]
    shown = _cli("trust", "bundle", "show", str(bundle))
    assert shown.exit_code == 0 and "Cebu RTC (TESDA register)" in shown.stdout

    ok = _cli("verify", str(credential), "--trust", str(bundle), "--json")
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.stdout)
    assert report["summary"]["issuer"]["name"] == "Cebu RTC (TESDA register)"
    assert report["trust_bundle"]["expired"] is False

    _set_status(base, key, vc["id"], "suspension", True)
    # The old bundle still says active (its snapshot is older): a re-sync shows the suspension.
    assert _cli("verify", str(credential), "--trust", str(bundle)).exit_code == 0
    assert build().exit_code == 0
    suspended = _cli("verify", str(credential), "--trust", str(bundle), "--json")
    assert suspended.exit_code == 1
    assert json.loads(suspended.stdout)["checks"][4]["code"] == "suspended"
    _set_status(base, key, vc["id"], "suspension", False)
    assert build().exit_code == 0
    assert _cli("verify", str(credential), "--trust", str(bundle)).exit_code == 0
    _set_status(base, key, vc["id"], "revocation", True)
    assert build().exit_code == 0
    revoked = _cli("verify", str(credential), "--trust", str(bundle), "--json")
    assert json.loads(revoked.stdout)["checks"][4]["code"] == "revoked"

    # --online: the did:web document and the status list are fetched at verification time
    # (this machine's own addresses only when the caller allows it: a local issuer under test).
    online = verifier.verify(vc, online=True, trusted_issuers=[did], online_loopback=True)
    assert online.check("proof").status == "valid"
    assert online.check("status").code == "revoked"
    bare = verifier.verify(vc, online=True, online_loopback=True)
    assert bare.check("issuer").code == "no_trust_configuration"
    # By default the document's loopback URLs are not fetched: nothing to check the proof with.
    refused = verifier.verify(vc, online=True, trusted_issuers=[did])
    assert refused.check("proof").code == "did_not_found"
    offline = verifier.verify(vc, trusted_issuers=[did])
    assert offline.check("proof").code == "did_not_found"


def test_key_rotation_at_the_issuer_keeps_old_credentials_valid(
    issuer_server: Server, tmp_path: Path
) -> None:
    base = issuer_server.base
    did, key = _setup(base)
    old = _issue(base, key, "revocation")
    rotated = httpx.post(
        base + "/institutes/rtc7/keys/rotate", headers={"Authorization": f"Bearer {ADMIN}"}
    )
    assert rotated.status_code == 200, rotated.text
    new = _issue(base, key, "revocation")
    assert old["proof"]["verificationMethod"] != new["proof"]["verificationMethod"]
    document = httpx.get(base + "/institutes/rtc7/did.json").json()
    doc_file = tmp_path / "did.json"
    doc_file.write_text(json.dumps(document), encoding="utf-8")
    authority = skillpass.KeyPair.generate()
    list_file = tmp_path / "list.json"
    added = _cli(
        "trust", "list", "add-issuer", "--list", str(list_file), "--did", did,
        "--name", "Cebu RTC", "--country", "PH", "--framework", "PH-PQF", "--levels", "1-5",
        "--keys-from", str(doc_file),
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    entry = TrustList.from_json(json.loads(list_file.read_text(encoding="utf-8"))).issuers[0]
    assert len(entry.keys) == 2 and entry.keys[0].valid_until is not None
    bundle = verifier.TrustBundle.build(
        anchors=[authority.did],
        trust_lists=[TrustList().with_issuer(entry).sign(authority)],
        did_documents=[document],
        status_lists=[httpx.get(old["credentialStatus"]["statusListCredential"]).json()],
    )
    for vc in (old, new):
        report = verifier.verify(vc, bundle=bundle)
        assert report.verified, report.to_dict()


def test_fetch_rules(tmp_path: Path) -> None:
    from verifier._fetch import check_url, did_web_url

    assert did_web_url("did:web:127.0.0.1%3A8000:institutes:a") == (
        "http://127.0.0.1:8000/institutes/a/did.json"
    )
    assert did_web_url("did:web:example.org") == "https://example.org/.well-known/did.json"
    for bad in ("http://example.org/x", "ftp://127.0.0.1/x", "https://u:p@example.org/", "x"):
        with pytest.raises(skillpass.SkillpassError) as caught:
            check_url(bad)
        assert caught.value.code == "url_not_allowed"
    result = _cli(
        "trust", "bundle", "build", "--anchor", "did:key:z6MkTest", "--trust-list",
        "http://127.0.0.1:9/list", "--out", str(tmp_path / "b.json"),
    )  # fmt: skip
    assert result.exit_code == 2 and "fetch_not_allowed" in result.stderr
    refused = _cli(
        "trust", "bundle", "build", "--anchor", "did:key:z6MkTest", "--trust-list",
        f"http://127.0.0.1:{free_port()}/list", "--fetch", "--timeout", "2",
        "--out", str(tmp_path / "b.json"),
    )  # fmt: skip
    assert refused.exit_code == 2 and "fetch_failed" in refused.stderr


def test_verifier_serve_runs_alone(tmp_path: Path) -> None:
    world_key = skillpass.KeyPair.generate()
    authority = skillpass.KeyPair.generate()
    doc = json.loads((ROOT / "examples" / "reference-qualification.json").read_text("utf-8"))
    doc["issuer"]["id"] = world_key.did
    del doc["credentialStatus"]
    vc = skillpass.sign_credential(doc, world_key)
    entry = ListedIssuer(world_key.did, "Listed", "PH", (Accreditation.parse("PH-PQF", "1-5"),))
    bundle = verifier.TrustBundle.build(
        anchors=[authority.did],
        trust_lists=[TrustList().with_issuer(entry).sign(authority, now=datetime.now(UTC))],
    )
    path = tmp_path / "bundle.json"
    bundle.save(path)
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from skillpass.cli import main; main()",
            "verifier",
            "serve",
            "--trust",
            str(path),
            "--require-trust",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
        env={**os.environ},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (
                tmp_path / "serve.log"
            ).read_text()
            time.sleep(0.2)
        url = f"http://127.0.0.1:{port}/credentials/verify"
        ok = httpx.post(url, json={"verifiableCredential": vc})
        assert ok.status_code == 200, ok.text
        assert ok.json()["report"]["summary"]["issuer"]["name"] == "Listed"
        stranger = skillpass.KeyPair.generate()
        doc["issuer"]["id"] = stranger.did
        other = httpx.post(
            url, json={"verifiableCredential": skillpass.sign_credential(doc, stranger)}
        )
        assert other.status_code == 422 and other.json()["code"] == "issuer_not_trusted"
    finally:
        log.close()
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
