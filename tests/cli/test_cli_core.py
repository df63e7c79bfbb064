"""`skillpass keys`, `skillpass sign`, `skillpass verify`: the CLI contract of DESIGN.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from skillpass.cli import app
from tests.conftest import EXAMPLES, VECTORS, load_json

V = VECTORS / "vc-di-eddsa"
runner = CliRunner()


def run(*args: str, input: str | None = None) -> Any:
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def institute(tmp_path: Path) -> tuple[Path, str]:
    key_file = tmp_path / "institute.key.json"
    result = run("keys", "generate", "--out", str(key_file))
    assert result.exit_code == 0, result.output
    return key_file, result.stdout.strip()


@pytest.fixture
def unsigned(tmp_path: Path, institute: tuple[Path, str]) -> Path:
    doc = load_json(EXAMPLES / "reference-qualification.json")
    doc["issuer"]["id"] = institute[1]
    path = tmp_path / "qualification.json"
    path.write_text(json.dumps(doc))
    return path


def test_keys_generate_prints_the_did_and_keeps_the_file_private(
    institute: tuple[Path, str],
) -> None:
    key_file, did = institute
    assert did.startswith("did:key:z6Mk")
    assert load_json(key_file)["controller"] == did
    assert key_file.stat().st_mode & 0o077 == 0


def test_keys_generate_refuses_to_overwrite(institute: tuple[Path, str]) -> None:
    key_file, _ = institute
    before = key_file.read_text()
    result = run("keys", "generate", "--out", str(key_file))
    assert result.exit_code == 2
    assert "output_exists" in result.stderr
    assert key_file.read_text() == before


def test_encrypted_key_file_needs_its_passphrase(tmp_path: Path, unsigned: Path) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text("correct horse battery staple\n")
    key_file = tmp_path / "enc.json"
    result = run("keys", "generate", "--out", str(key_file), "--passphrase-file", str(secret))
    assert result.exit_code == 0
    assert "secretKeyMultibase" not in key_file.read_text()
    assert "encryptedSecretKey" in key_file.read_text()
    shown = run("keys", "show", str(key_file), "--passphrase-file", str(secret))
    assert result.stdout.strip() in shown.stdout
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("incorrect\n")
    bad = run("sign", str(unsigned), "--key", str(key_file), "--passphrase-file", str(wrong))
    assert bad.exit_code == 2
    assert "wrong_passphrase" in bad.stderr
    missing = run("sign", str(unsigned), "--key", str(key_file))
    assert missing.exit_code == 2
    assert "passphrase_required" in missing.stderr


def test_sign_then_verify_is_unknown_until_trust_is_configured(
    tmp_path: Path, institute: tuple[Path, str], unsigned: Path
) -> None:
    signed = tmp_path / "signed.json"
    result = run("sign", str(unsigned), "--key", str(institute[0]), "--out", str(signed))
    assert result.exit_code == 0, result.output
    verified = run("verify", str(signed), "--json")
    assert verified.exit_code == 3
    report = json.loads(verified.stdout)
    assert report["status"] == "unknown"
    assert report["verified"] is False
    checks = {c["id"]: c for c in report["checks"]}
    assert list(checks) == ["format", "proof", "issuer", "validity", "status"]
    assert checks["proof"]["status"] == "valid"
    assert checks["issuer"]["code"] == "no_trust_configuration"
    for check in report["checks"]:
        assert set(check) == {"id", "status", "code", "message"}


def test_verify_valid_when_the_issuer_is_trusted(
    tmp_path: Path, institute: tuple[Path, str]
) -> None:
    doc = load_json(EXAMPLES / "reference-qualification.json")
    doc["issuer"]["id"] = institute[1]
    del doc["credentialStatus"]
    unsigned = tmp_path / "u.json"
    unsigned.write_text(json.dumps(doc))
    signed = run("sign", str(unsigned), "--key", str(institute[0]))
    path = tmp_path / "s.json"
    path.write_text(signed.stdout)
    result = run("verify", str(path), "--trust-issuer", institute[1])
    assert result.exit_code == 0, result.output
    assert "VALID" in result.stdout


def test_verify_tampered_is_invalid(
    tmp_path: Path, institute: tuple[Path, str], unsigned: Path
) -> None:
    signed = json.loads(run("sign", str(unsigned), "--key", str(institute[0])).stdout)
    signed["credentialSubject"]["achievement"]["name"] = "Doctor of Medicine"
    path = tmp_path / "t.json"
    path.write_text(json.dumps(signed))
    result = run("verify", str(path), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["status"] == "invalid"


def test_verify_expired_with_now(
    tmp_path: Path, institute: tuple[Path, str], unsigned: Path
) -> None:
    path = tmp_path / "s.json"
    path.write_text(run("sign", str(unsigned), "--key", str(institute[0])).stdout)
    result = run("verify", str(path), "--json", "--now", "2032-01-01T00:00:00Z")
    assert result.exit_code == 1
    checks = {c["id"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["validity"]["code"] == "expired"


def test_sign_refuses_another_issuers_credential(institute: tuple[Path, str]) -> None:
    # The reference fixture names the W3C vector key's DID, not this institute's.
    result = run("sign", str(EXAMPLES / "reference-qualification.json"), "--key", str(institute[0]))
    assert result.exit_code == 2
    assert "issuer_mismatch" in result.stderr


def test_sign_reproduces_the_w3c_vector_exactly(tmp_path: Path) -> None:
    key = tmp_path / "vector-key.json"
    key.write_text((V / "keyPair.json").read_text())
    config = load_json(V / "eddsa-rdfc-2022/proofConfigDataInt.json")
    result = run(
        "sign",
        str(V / "unsigned.json"),
        "--key",
        str(key),
        "--created",
        config["created"],
        "--verification-method",
        config["verificationMethod"],
        "--allow-test-contexts",
    )
    assert result.exit_code == 0, result.output
    expected = (V / "eddsa-rdfc-2022/signedDataInt.json").read_text()
    assert json.loads(result.stdout) == json.loads(expected)
    assert result.stdout.strip() == expected.strip()  # byte for byte, as the vector is written


def test_sign_jcs_reproduces_the_w3c_vector(tmp_path: Path) -> None:
    key = tmp_path / "vector-key.json"
    key.write_text((V / "keyPair.json").read_text())
    config = load_json(V / "eddsa-jcs-2022/proofConfigJCS.json")
    result = run(
        "sign",
        str(V / "unsigned.json"),
        "--key",
        str(key),
        "--cryptosuite",
        "eddsa-jcs-2022",
        "--created",
        config["created"],
        "--verification-method",
        config["verificationMethod"],
        "--allow-test-contexts",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == load_json(V / "eddsa-jcs-2022/signedJCS.json")


def test_verify_w3c_vector_reports_the_issuer_mismatch() -> None:
    result = run(
        "verify",
        str(V / "eddsa-rdfc-2022/employ/signedDataInt.json"),
        "--json",
        "--allow-test-contexts",
    )
    assert result.exit_code == 1
    checks = {c["id"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["proof"]["status"] == "valid"
    assert checks["issuer"]["code"] == "issuer_mismatch"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("not json at all", "not_json"),
        ('{"a": 1, "a": 2}', "duplicate_key"),
    ],
)
def test_unreadable_input_exits_2(tmp_path: Path, content: str, code: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = run("verify", str(path))
    assert result.exit_code == 2
    assert code in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("verify", str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert "error:" in result.stderr


def test_json_that_is_not_an_object_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2, 3]")
    result = run("verify", str(path), "--json")
    assert result.exit_code == 2
    assert "not_an_object" in result.stderr


def test_an_object_that_is_not_a_credential_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "obj.json"
    path.write_text('{"hello": "world"}')
    result = run("verify", str(path), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["checks"][0]["id"] == "format"


def test_usage_error_exits_2() -> None:
    assert run("verify").exit_code == 2
    assert run("sign", "x.json").exit_code == 2  # --key missing


def test_console_script_runs_in_a_subprocess(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "skillpass", "keys", "generate", "--out", str(tmp_path / "k.json")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("did:key:z6Mk")


def test_verify_with_framework_adds_the_level_comparison(
    tmp_path: Path, institute: tuple[Path, str], unsigned: Path
) -> None:
    path = tmp_path / "s.json"
    path.write_text(run("sign", str(unsigned), "--key", str(institute[0])).stdout)
    result = run("verify", str(path), "--json", "--framework", "DE-DQR")
    assert result.exit_code == 3
    (comparison,) = json.loads(result.stdout)["frameworks"]
    assert comparison["alignment"] == {"framework": "PH-PQF", "level": "2"}
    assert comparison["to"] == "DE-DQR"
    assert comparison["candidates"] == ["2"]
    assert comparison["routes"][0]["path"] == ["PH-PQF 2", "AQRF 2", "EQF 2", "DE-DQR 2"]
    assert "not recognition" in comparison["caveat"]
    human = run("verify", str(path), "--framework", "DE-DQR")
    assert "DE-DQR 2" in human.stdout


def test_verify_with_an_unknown_framework_exits_2(
    tmp_path: Path, institute: tuple[Path, str], unsigned: Path
) -> None:
    path = tmp_path / "s.json"
    path.write_text(run("sign", str(unsigned), "--key", str(institute[0])).stdout)
    result = run("verify", str(path), "--framework", "XX-NOPE")
    assert result.exit_code == 2
    assert "unknown_framework" in result.stderr


def test_presentation_sign_and_verify_on_the_cli(
    tmp_path: Path, institute: tuple[Path, str], unsigned: Path
) -> None:
    credential = json.loads(run("sign", str(unsigned), "--key", str(institute[0])).stdout)
    holder_key = tmp_path / "holder.json"
    holder_did = run("keys", "generate", "--out", str(holder_key)).stdout.strip()
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder_did,
        "verifiableCredential": [credential],
    }
    vp_path = tmp_path / "vp.json"
    vp_path.write_text(json.dumps(vp))
    no_challenge = run("sign", str(vp_path), "--key", str(holder_key))
    assert no_challenge.exit_code == 2
    assert "missing_challenge" in no_challenge.stderr
    signed = run(
        "sign",
        str(vp_path),
        "--key",
        str(holder_key),
        "--challenge",
        "n-0S6",
        "--domain",
        "x.example",
    )
    assert signed.exit_code == 0, signed.output
    assert json.loads(signed.stdout)["proof"]["proofPurpose"] == "authentication"
    signed_path = tmp_path / "vp-signed.json"
    signed_path.write_text(signed.stdout)
    ok = run("verify", str(signed_path), "--json", "--challenge", "n-0S6", "--domain", "x.example")
    report = json.loads(ok.stdout)
    assert report["kind"] == "presentation"
    assert {c["id"]: c["status"] for c in report["checks"]}["holder"] == "valid"
    assert report["credentials"][0]["checks"][1]["status"] == "valid"
    assert ok.exit_code == 3  # the credential's issuer is untrusted and its status unknown
    replay = run("verify", str(signed_path), "--json", "--challenge", "another")
    assert replay.exit_code == 1
    assert {c["id"]: c["code"] for c in json.loads(replay.stdout)["checks"]}["proof"] == (
        "challenge_mismatch"
    )


def test_sign_set_issuer_puts_the_key_in_the_credential(
    tmp_path: Path, institute: tuple[Path, str]
) -> None:
    result = run(
        "sign",
        str(EXAMPLES / "reference-qualification.json"),
        "--key",
        str(institute[0]),
        "--set-issuer",
    )
    assert result.exit_code == 0, result.output
    signed = json.loads(result.stdout)
    assert signed["issuer"]["id"] == institute[1]
    assert signed["issuer"]["name"] == "Regional Training Center Central Visayas"


def test_sign_out_keeps_an_existing_file_unless_forced(
    tmp_path: Path, institute: tuple[Path, str], unsigned: Path
) -> None:
    out = tmp_path / "signed.json"
    out.write_text("precious")
    kept = run("sign", str(unsigned), "--key", str(institute[0]), "--out", str(out))
    assert kept.exit_code == 2
    assert "output_exists" in kept.stderr
    assert out.read_text() == "precious"
    forced = run("sign", str(unsigned), "--key", str(institute[0]), "--out", str(out), "--force")
    assert forced.exit_code == 0
    assert json.loads(out.read_text())["proof"]["type"] == "DataIntegrityProof"


def test_keys_show_reads_the_public_key_without_the_passphrase(tmp_path: Path) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text("s3cret\n")
    key_file = tmp_path / "enc.json"
    did = run("keys", "generate", "--out", str(key_file), "--passphrase-file", str(secret)).stdout
    shown = run("keys", "show", str(key_file), "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["did"] == did.strip()
    assert "secret" not in shown.stdout.lower()


def test_verify_does_not_compare_levels_of_a_forged_credential(
    tmp_path: Path, institute: tuple[Path, str], unsigned: Path
) -> None:
    signed = json.loads(run("sign", str(unsigned), "--key", str(institute[0])).stdout)
    alignment = signed["credentialSubject"]["achievement"]["alignment"][0]
    alignment["targetCode"] = "5"  # PH-PQF 2 → 5, without re-signing
    alignment["targetUrl"] = "urn:skillpass:framework:PH-PQF:5"
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(signed))
    result = run("verify", str(path), "--json", "--framework", "DE-DQR")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["frameworks"] == []
    assert "not compared" in report["frameworks_skipped"]
    human = run("verify", str(path), "--framework", "DE-DQR")
    assert "DE-DQR 5" not in human.stdout
    assert "not compared" in human.stdout


def test_verify_now_at_the_end_of_time_is_an_input_error(
    tmp_path: Path, institute: tuple[Path, str], unsigned: Path
) -> None:
    path = tmp_path / "s.json"
    path.write_text(run("sign", str(unsigned), "--key", str(institute[0])).stdout)
    result = run("verify", str(path), "--now", "9999-12-31T23:59:59Z")
    assert result.exit_code == 2
    assert "invalid_datetime" in result.stderr
