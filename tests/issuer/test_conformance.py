"""What the W3C conformance suites need of the issuer service: ECDSA institutes, one issue
route per cryptosuite (``?cryptosuite=``), status entries the caller writes, VCDM 1.1 without a
status entry unless asked, the verify routes checking this service's own status lists live,
and a self-signed certificate for HTTPS on loopback."""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from typer.testing import CliRunner

import skillpass
from issuer.cli import app as cli
from issuer.tls import self_signed_certificate
from tests.conftest import ROOT
from tests.issuer.conftest import ADMIN, Running
from tests.issuer.test_issuer_api import assert_problem, issue
from tests.issuer.test_processes import free_port

V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"


def _plain(context: str = V2) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [context],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:worker"},
    }
    return doc


@pytest.mark.parametrize("key_type", ["P-256", "P-384"])
@pytest.mark.parametrize("did_method", ["key", "web"])
def test_ecdsa_institutes_issue_with_both_ecdsa_suites(
    running: Running, key_type: str, did_method: str
) -> None:
    inst = running.institute("ec", did_method=did_method, key_type=key_type)
    assert inst["key_type"] == key_type and inst["default_cryptosuite"] == "ecdsa-rdfc-2019"
    resolver = skillpass.OfflineResolver(
        {inst["did"]: running.client.get("/institutes/ec/did.json").json()}
        if did_method == "web"
        else {}
    )
    for suite in ("ecdsa-rdfc-2019", "ecdsa-jcs-2019"):
        response = running.client.post(
            f"/credentials/issue?cryptosuite={suite}",
            json={"credential": _plain()},
            headers=running.auth("ec"),
        )
        assert response.status_code == 201, response.text
        vc = response.json()["verifiableCredential"]
        assert vc["proof"]["cryptosuite"] == suite
        report = skillpass.verify_credential(vc, resolver=resolver, trusted_issuers=[inst["did"]])
        assert report.check("proof").status == "valid", report.to_dict()
        assert report.check("issuer").status == "valid"
    # An Ed25519 suite cannot sign with an ECDSA key.
    wrong = issue(running, "ec", credential=_plain(), cryptosuite="eddsa-rdfc-2022")
    assert_problem(wrong, 422, "key_cryptosuite_mismatch")


def test_ecdsa_did_web_institute_rotates_to_a_key_of_the_same_curve(running: Running) -> None:
    running.institute("ec", key_type="P-384")
    rotated = running.client.post("/institutes/ec/keys/rotate", headers=running.admin)
    assert rotated.status_code == 200, rotated.text
    keys = rotated.json()["keys"]
    assert [k["publicKeyMultibase"][:3] for k in keys] == ["z82", "z82"]
    response = issue(running, "ec", credential=_plain())
    assert response.status_code == 201, response.text
    assert response.json()["verifiableCredential"]["proof"]["verificationMethod"].endswith("#key-2")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            {"key_type": "P-256", "default_cryptosuite": "eddsa-rdfc-2022"},
            "key_cryptosuite_mismatch",
        ),
        ({"default_cryptosuite": "ecdsa-jcs-2019"}, "key_cryptosuite_mismatch"),
    ],
)
def test_institute_key_type_and_suite_must_agree(
    running: Running, body: dict[str, Any], code: str
) -> None:
    full = {"name": "X", "country": "PH", "slug": "xy", "did_method": "key", **body}
    assert_problem(running.client.post("/institutes", json=full, headers=running.admin), 422, code)


def test_caller_status_entries_are_kept_and_ours_added(running: Running) -> None:
    running.institute("rtc7", did_method="key")
    credential = _plain()
    credential["@context"].append({"ExampleStatus": "https://example.org/vocab#ExampleStatus"})
    credential["credentialStatus"] = {"id": "https://example.org/status/1", "type": "ExampleStatus"}
    response = issue(running, "rtc7", credential=credential)
    assert response.status_code == 201, response.text
    entries = response.json()["verifiableCredential"]["credentialStatus"]
    assert entries[0] == credential["credentialStatus"]
    assert entries[1]["type"] == "BitstringStatusListEntry"
    # A status entry without a type is still refused.
    del credential["credentialStatus"]["type"]
    assert issue(running, "rtc7", credential=credential).status_code in (400, 422)


def test_vcdm11_gets_a_status_entry_only_when_asked(running: Running) -> None:
    running.institute("old", did_method="key")
    plain = issue(running, "old", credential=_plain(V1)).json()["verifiableCredential"]
    assert "credentialStatus" not in plain
    assert plain["@context"] == [V1, "https://w3id.org/security/data-integrity/v2"]
    body = {"credentialId": plain["id"], "credentialStatus": {"statusPurpose": "revocation"}}
    no_entry = running.client.post(
        "/credentials/status", json={**body, "status": True}, headers=running.auth("old")
    )
    assert_problem(no_entry, 409, "no_status_entry")
    asked = issue(
        running,
        "old",
        credential=_plain(V1),
        credentialStatus={"type": "BitstringStatusList", "statusPurpose": "revocation"},
    )
    vc = asked.json()["verifiableCredential"]
    assert vc["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert "https://www.w3.org/ns/credentials/status/v1" in vc["@context"]


@pytest.mark.parametrize("issuer", [None, {"id": None, "name": "X"}])
def test_an_explicit_null_issuer_is_refused(running: Running, issuer: Any) -> None:
    running.institute("rtc7", did_method="key")
    credential = {**_plain(), "issuer": issuer}
    assert issue(running, "rtc7", credential=credential).status_code == 422


@pytest.mark.parametrize("did_method", ["key", "web"])
def test_verify_route_checks_this_services_status_lists_live(
    running: Running, did_method: str
) -> None:
    running.institute("rtc7", did_method=did_method)
    vc = issue(running, "rtc7", credential=_plain()).json()["verifiableCredential"]
    first = running.client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert first.status_code == 200, first.text
    status = next(c for c in first.json()["report"]["checks"] if c["id"] == "status")
    assert (status["status"], status["code"]) == ("valid", "ok")
    revoke = {
        "credentialId": vc["id"],
        "credentialStatus": {"statusPurpose": "revocation"},
        "status": True,
    }
    changed = running.client.post("/credentials/status", json=revoke, headers=running.auth("rtc7"))
    assert changed.status_code == 200, changed.text
    after = running.client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert after.status_code == 422
    assert after.json()["code"] == "revoked"


# --------------------------------------------------------------------------- HTTPS


def test_self_signed_certificate_names_the_loopback_address() -> None:
    cert_pem, key_pem = self_signed_certificate("127.0.0.1", days=3)
    cert = x509.load_pem_x509_certificate(cert_pem)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    life = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert life.days == 3
    assert cert.not_valid_before_utc <= datetime.now(UTC)
    assert b"PRIVATE KEY" in key_pem and b"ENCRYPTED" not in key_pem


@pytest.mark.parametrize(("host", "days"), [("127.0.0.1", 0), ("127.0.0.1", 2000), ("a b", 3)])
def test_self_signed_certificate_refuses_bad_input(host: str, days: int) -> None:
    with pytest.raises(skillpass.SkillpassError):
        self_signed_certificate(host, days=days)


def test_tls_cert_command_writes_owner_only_key_and_never_overwrites(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    args = ["tls-cert", "--cert", str(cert), "--key", str(key)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert key.stat().st_mode & 0o777 == 0o600
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 2 and "output_exists" in again.output


def test_issuer_serves_https_on_loopback_with_the_certificate(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    assert (
        CliRunner().invoke(cli, ["tls-cert", "--cert", str(cert), "--key", str(key)]).exit_code == 0
    )
    port = free_port()
    env = {
        **os.environ,
        "SKILLPASS_PUBLIC_URL": f"https://127.0.0.1:{port}",
        "SKILLPASS_ADMIN_TOKEN": ADMIN,
        "SKILLPASS_DATA_DIR": str(tmp_path / "data"),
        "SKILLPASS_DATABASE_URL": f"sqlite:///{tmp_path / 'issuer.db'}",
    }
    env.pop("SKILLPASS_MASTER_KEY", None)
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from issuer.cli import app; app()",
            "serve",
            "--port",
            str(port),
            "--ssl-certfile",
            str(cert),
            "--ssl-keyfile",
            str(key),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        trusted = ssl.create_default_context(cafile=str(cert))  # trust exactly this certificate
        base = f"https://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(base + "/health", verify=trusted, timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail((tmp_path / "server.log").read_text()[-2000:])
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        with pytest.raises(httpx.TransportError):
            httpx.get(base + "/health", timeout=2)  # an unknown certificate is refused
        body = {
            "name": "X",
            "country": "PH",
            "slug": "xy",
            "did_method": "key",
            "key_type": "P-256",
        }
        admin = {"Authorization": f"Bearer {ADMIN}"}
        created = httpx.post(base + "/institutes", json=body, headers=admin, verify=trusted)
        assert created.status_code == 201 and created.json()["did"].startswith("did:key:zDn")
        assert json.loads(created.text)["key_type"] == "P-256"
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
