"""``skillpass credential new``: the builders' input from options, an answers file or prompts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import skillpass
from skillpass.cli import app

runner = CliRunner()
ISSUER = "did:key:z6MktABH3CUgVVpjafe3j2f64ZWwKvTDZFdauB4SDxrMQZoh"
ESCO = "http://data.europa.eu/esco/skill/0a1c3e5b-7d9f-4b2e-8c6a-5f3d1b9e7a20"


def _new(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["credential", "new", *args], input=input)
    return result.exit_code, result.stdout, result.stderr


def test_a_qualification_from_options_signs_and_verifies(tmp_path: Path) -> None:
    key = skillpass.KeyPair.generate()
    code, out, err = _new(
        "qualification",
        *("--issuer", key.did, "--issuer-name", "Regional Training Center 7"),
        *("--holder-name", "Maria Luz Dela Cruz", "--name", "SMAW NC II"),
        *("--description", "Shielded metal arc welding.", "--criteria", "Passed the test."),
        *("--achievement-type", "Certificate", "--level", "PH-PQF:2", "--level", "AQRF:2"),
        *("--skill", f"{ESCO}=weld in shielded metal arc welding", "--no-interactive"),
    )
    assert code == 0, err
    doc = json.loads(out)
    assert "proof" not in doc and doc["issuer"]["id"] == key.did
    achievement = doc["credentialSubject"]["achievement"]
    assert achievement["name"] == "SMAW NC II"
    targets = [a["targetUrl"] for a in achievement["alignment"]]
    assert "urn:skillpass:framework:PH-PQF:2" in targets and ESCO in targets
    report = skillpass.verify_credential(skillpass.sign_credential(doc, key))
    assert report.check("format").status == "valid" and report.check("proof").status == "valid"


def test_an_answers_file_in_yaml_with_options_winning(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        f"""
issuer: {{id: "{ISSUER}", name: Sprachschule Köln}}
holder: {{name: Ana Reyes}}
description: German language examination.
criteria: Written and oral examination.
language: de
language_name: German
cefr_level: B1
"""
    )
    out = tmp_path / "lang.json"
    code, _, err = _new("language", "--answers", str(answers), "--cefr-level", "B2", "-o", str(out))
    assert code == 0, err
    assert f"written to {out}; sign it with: skillpass sign {out}" in " ".join(err.split())
    doc = json.loads(out.read_text())
    assert "B2" in json.dumps(doc) and "Sprachschule Köln" in json.dumps(doc, ensure_ascii=False)


def test_a_json_answers_file_for_work_experience(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(
            {
                "issuer": {"id": ISSUER, "name": "Acme Construction"},
                "holder": {"name": "Juan Cruz"},
                "description": "Welder on steel structures.",
                "role": "Welder",
                "start_date": "2022-01-10",
            }
        )
    )
    code, out, err = _new("experience", "--answers", str(answers), "--end-date", "2025-06-30")
    assert code == 0, err
    assert "Welder" in out


def test_missing_values_are_asked_for_in_a_terminal() -> None:
    answers = "\n".join([ISSUER, "RTC 7", "Maria", "Welding.", ESCO, "welding", "Practical test."])
    code, out, err = _new("skill", "--interactive", input=answers + "\n")
    assert code == 0, err
    assert "Issuer DID" in err and "ESCO skill URI" in err
    # The test runner echoes the typed answers to stdout, as a terminal would show them.
    assert json.loads(out[out.index("{\n") :])["issuer"]["id"] == ISSUER


def test_without_a_terminal_missing_values_are_named(tmp_path: Path) -> None:
    code, _, err = _new("qualification", "--no-interactive")
    assert code == 2
    assert err.startswith("error: invalid_credential_input:") and "in --answers" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["skill", "--role", "x"], "--role does not apply to a skill credential"),
        (["qualification", "--level", "PQF"], "--level 'PQF' must look like PH-PQF:2"),
        (["skill", "--skill", f"{ESCO}=a", "--skill", f"{ESCO}=b"], "give --skill once"),
        (["diploma"], "usage_error"),
    ],
)
def test_bad_options_are_refused(args: list[str], message: str) -> None:
    code, _, err = _new(*args, "--no-interactive")
    assert code == 2 and message in err


def test_a_bad_answers_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "a.yaml"
    bad.write_text("issuer: [unclosed\n")
    code, _, err = _new("skill", "--answers", str(bad), "--no-interactive")
    assert code == 2 and "error: not_yaml:" in err
    listed = tmp_path / "b.yml"
    listed.write_text("- a\n- b\n")
    code, _, err = _new("skill", "--answers", str(listed), "--no-interactive")
    assert code == 2 and "error: not_an_object:" in err
