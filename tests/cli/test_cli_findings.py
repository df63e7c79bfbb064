"""The issue 7 findings through the command line: exit codes, headline, identity check."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import skillpass
from skillpass import KeyPair, qr
from skillpass._proofs import create_proof
from skillpass.cli import app
from skillpass.credentials import hash_identifier
from tests.conftest import EXAMPLES, ROOT, load_json

runner = CliRunner()
ISSUER = KeyPair.from_seed(bytes([41]) * 32)
ATTACKER = KeyPair.from_seed(bytes([42]) * 32)
VICTIM = "did:web:victim-college.example"
EVIL = "did:web:attacker.example"
NOW = "2027-06-01T00:00:00Z"


def run(*args: str, input: str | None = None) -> Any:
    return runner.invoke(app, list(args), input=input)


def _reference(issuer: str) -> dict[str, Any]:
    doc: dict[str, Any] = load_json(EXAMPLES / "reference-qualification.json")
    doc["issuer"]["id"] = issuer
    return doc


def _write(tmp_path: Path, name: str, value: Any) -> str:
    path = tmp_path / name
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return str(path)


def _forge(doc: dict[str, Any], method: str, purpose: str, **extra: Any) -> dict[str, Any]:
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2027-01-01T00:00:00Z",
        "verificationMethod": method,
        "proofPurpose": purpose,
        **extra,
    }
    signed = copy.deepcopy(doc)
    signed["proof"] = create_proof(doc, ATTACKER.sign, options)
    return signed


def test_the_controller_trick_exits_invalid(tmp_path: Path) -> None:
    evil_doc = {
        "id": EVIL,
        "verificationMethod": [
            {
                "id": f"{EVIL}#k1",
                "type": "Multikey",
                "controller": VICTIM,
                "publicKeyMultibase": ATTACKER.public_key.multibase,
            }
        ],
        "assertionMethod": [f"{EVIL}#k1"],
    }
    forged = _forge(_reference(VICTIM), f"{EVIL}#k1", "assertionMethod")
    result = run(
        "verify",
        _write(tmp_path, "forged.json", forged),
        "--did-document",
        _write(tmp_path, "evil.json", evil_doc),
        "--trust-issuer",
        VICTIM,
        "--now",
        NOW,
        "--json",
    )
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["checks"][1]["code"] == "controller_mismatch"


@pytest.mark.parametrize("as_qr", [False, True])
def test_a_hybrid_exits_invalid_from_json_and_from_a_qr(tmp_path: Path, as_qr: bool) -> None:
    doc = _reference(VICTIM)
    doc["type"] = ["VerifiableCredential", "VerifiablePresentation", "OpenBadgeCredential"]
    doc["holder"] = ATTACKER.did
    forged = _forge(doc, ATTACKER.verification_method, "authentication", challenge="c1")
    source = qr.encode(forged) if as_qr else forged
    path = _write(tmp_path, "hybrid.txt" if as_qr else "hybrid.json", source)
    result = run("verify", path, "--challenge", "c1", "--json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["checks"][0]["code"] == "ambiguous_type"


def test_an_unchecked_signature_is_said_in_the_headline(tmp_path: Path) -> None:
    forged = _forge(_reference(VICTIM), f"{VICTIM}#k1", "assertionMethod")
    path = _write(tmp_path, "forged.json", forged)
    result = run("verify", path, "--trust-issuer", VICTIM, "--now", NOW)
    assert result.exit_code == 3
    first = result.stdout.splitlines()[0]
    assert first.startswith("UNKNOWN · signature NOT checked")
    assert "The signature was NOT checked" in result.stdout
    data = json.loads(run("verify", path, "--now", NOW, "--json").stdout)
    assert data["reason"] == "proof_not_checked"
    assert "summary" not in data


def test_the_headline_says_whose_qualification_it_is(tmp_path: Path) -> None:
    signed = skillpass.sign_credential(_reference(ISSUER.did), ISSUER)
    result = run("verify", _write(tmp_path, "s.json", signed), "--now", NOW)
    assert result.exit_code == 3
    assert result.stdout.splitlines()[0] == (
        "UNKNOWN · Shielded Metal Arc Welding (SMAW) NC II · Maria Luz Dela Cruz · issued by "
        "Regional Training Center Central Visayas (self-asserted)"
    )
    data = json.loads(run("verify", _write(tmp_path, "s.json", signed), "--json").stdout)
    assert data["summary"]["subjects"][0]["name"] == "Maria Luz Dela Cruz"


def _with_passport(number: str) -> dict[str, Any]:
    doc = _reference(ISSUER.did)
    doc["credentialSubject"]["identifier"][1]["identityHash"] = hash_identifier(number, "s4lt")
    doc["credentialSubject"]["identifier"][1]["salt"] = "s4lt"
    return skillpass.sign_credential(doc, ISSUER)


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        (["--id-number", "p 1234567a"], None, "match"),
        (["--id-number", "X9999999"], None, "no_match"),
        (["--id-number-file", "-"], "P1234567A\n", "match"),
    ],
)
def test_the_id_number_is_checked_against_the_salted_hash(
    tmp_path: Path, args: list[str], stdin: str | None, expected: str
) -> None:
    path = _write(tmp_path, "s.json", _with_passport("P1234567A"))
    result = run("verify", path, "--json", *args, input=stdin)
    assert json.loads(result.stdout)["identity"] == expected
    human = run("verify", path, *args, input=stdin)
    assert f"identity: {expected}" in human.stdout


def test_an_id_number_file_and_a_credential_without_one(tmp_path: Path) -> None:
    doc = _reference(ISSUER.did)
    del doc["credentialSubject"]["identifier"][1]
    path = _write(tmp_path, "s.json", skillpass.sign_credential(doc, ISSUER))
    number = _write(tmp_path, "number.txt", "P1234567A\n")
    result = run("verify", path, "--json", "--id-number-file", number)
    assert json.loads(result.stdout)["identity"] == "not_present"
    both = run("verify", path, "--id-number", "1", "--id-number-file", number)
    assert both.exit_code == 2 and "error: invalid_option" in both.stderr


def test_the_framework_option_is_repeatable(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.json", skillpass.sign_credential(_reference(ISSUER.did), ISSUER))
    data = json.loads(
        run("verify", path, "--json", "--framework", "DE-DQR", "--framework", "EQF").stdout
    )
    assert [c["to"] for c in data["frameworks"]] == ["DE-DQR", "EQF"]


def test_a_presentation_without_a_challenge_is_at_best_unknown(tmp_path: Path) -> None:
    holder = KeyPair.from_seed(bytes([43]) * 32)
    doc = _reference(ISSUER.did)
    doc["credentialSubject"]["id"] = holder.did
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": [skillpass.sign_credential(doc, ISSUER)],
    }
    path = _write(tmp_path, "vp.json", skillpass.sign_presentation(vp, holder, challenge="n1"))
    data = json.loads(run("verify", path, "--json", "--trust-issuer", ISSUER.did).stdout)
    assert data["checks"][2]["code"] == "challenge_not_checked"
    with_challenge = run("verify", path, "--json", "--challenge", "n1")
    assert json.loads(with_challenge.stdout)["checks"][2]["code"] == "ok"


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"])
def test_a_verification_time_outside_the_calendar_is_a_usage_error(
    tmp_path: Path, when: str
) -> None:
    path = _write(tmp_path, "s.json", skillpass.sign_credential(_reference(ISSUER.did), ISSUER))
    result = run("verify", path, "--now", when)
    assert result.exit_code == 2
    assert "error: invalid_datetime" in result.stderr


def test_a_credential_valid_until_9999_verifies(tmp_path: Path) -> None:
    doc = _reference(ISSUER.did)
    doc["validUntil"] = "9999-12-31T23:59:59Z"
    path = _write(tmp_path, "s.json", skillpass.sign_credential(doc, ISSUER))
    data = json.loads(run("verify", path, "--json", "--trust-issuer", ISSUER.did).stdout)
    assert data["checks"][3]["status"] == "valid"


def test_a_passphrase_that_is_not_utf8_is_an_input_error(tmp_path: Path) -> None:
    # A real process: the variable's bytes are not UTF-8, as a misconfigured shell gives them.
    env = {k: v for k, v in os.environ.items() if k != "SKILLPASS_PASSPHRASE"}
    env_bytes = {k.encode(): v.encode("utf-8", "surrogateescape") for k, v in env.items()}
    env_bytes[b"SKILLPASS_PASSPHRASE"] = b"caf\xe9"
    result = subprocess.run(
        [sys.executable, "-m", "skillpass", "keys", "generate", "--out", str(tmp_path / "k.json")],
        env=env_bytes,  # type: ignore[arg-type]
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "error: invalid_passphrase" in result.stderr
    assert "Traceback" not in result.stderr


def test_presentation_about_someone_else_is_reported_or_refused_on_request(
    tmp_path: Path,
) -> None:
    """VCDM 2.0 lets a holder present credentials about others: reported by default, invalid
    with --require-holder-binding (a border officer who needs the holder's own credential)."""
    holder = KeyPair.from_seed(bytes([43]) * 32)
    doc = _reference(ISSUER.did)
    doc["credentialSubject"]["id"] = "did:example:the-worker"  # not the holder
    del doc["credentialStatus"]  # no status list offline: the status would be unknown
    vc = skillpass.sign_credential(doc, ISSUER, created=NOW)
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": [vc],
    }
    signed = skillpass.sign_presentation(vp, holder, challenge="c1", created=NOW)
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(signed))
    args = ["verify", str(path), "--json", "--challenge", "c1", "--now", NOW]
    args += ["--trust-issuer", ISSUER.did]
    lenient = run(*args)
    holder_check = next(c for c in json.loads(lenient.stdout)["checks"] if c["id"] == "holder")
    assert (holder_check["status"], holder_check["code"]) == ("valid", "subject_not_holder")
    assert lenient.exit_code == 0, lenient.stdout
    strict = run(*args, "--require-holder-binding")
    holder_check = next(c for c in json.loads(strict.stdout)["checks"] if c["id"] == "holder")
    assert (holder_check["status"], holder_check["code"]) == ("invalid", "subject_not_holder")
    assert strict.exit_code == 1
