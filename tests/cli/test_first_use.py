"""What a first-time user meets: errors in one format, help without Python types, and the
small fixes of the command line issue."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from skillpass.cli import app
from tests.conftest import EXAMPLES, load_json

runner = CliRunner()


@pytest.fixture
def signed(tmp_path: Path) -> Path:
    key = tmp_path / "k.key.json"
    assert runner.invoke(app, ["keys", "generate", "--out", str(key)]).exit_code == 0
    doc = load_json(EXAMPLES / "reference-qualification.json")
    (tmp_path / "u.json").write_text(json.dumps(doc))
    out = tmp_path / "signed.json"
    result = runner.invoke(
        app, ["sign", str(tmp_path / "u.json"), "--key", str(key), "--set-issuer", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"signed credential written to {out}" in result.stderr
    return out


def test_parser_errors_use_the_error_format_and_exit_2() -> None:
    result = runner.invoke(app, ["verify", "--no-such-option", "x"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: usage_error: No such option: --no-such-option")
    missing = runner.invoke(app, ["sign", "x.json"])
    assert missing.exit_code == 2 and missing.stderr.startswith("error: usage_error:")


def _commands(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    found = []
    for name in getattr(command, "list_commands", lambda ctx: [])(None):
        sub = command.get_command(None, name)
        found.append(([*path, name], sub))
        found += _commands(sub, [*path, name])
    return found


def test_help_names_values_not_python_types_and_every_option_has_help() -> None:
    commands = _commands(typer.main.get_command(app), [])
    assert len(commands) > 12
    for path, command in commands:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "80"})
        assert result.exit_code == 0, path
        text = result.stdout
        assert "<" not in text.replace("<=x<=", "") and "{" not in text, (path, text)
        for param in command.params:
            assert getattr(param, "help", None), (path, param.name)


def test_key_files_are_never_overwritten_and_say_so(tmp_path: Path) -> None:
    key = tmp_path / "k.key.json"
    first = runner.invoke(app, ["keys", "generate", "--out", str(key)])
    assert "warning: the private key" in first.stderr and "not encrypted" in first.stderr
    again = runner.invoke(app, ["keys", "generate", "--out", str(key)])
    assert again.exit_code == 2
    assert "never overwritten" in again.stderr and "--force" not in again.stderr


def test_a_file_that_is_not_a_key_is_named_so(tmp_path: Path) -> None:
    (tmp_path / "doc.json").write_text(json.dumps({"hello": "world"}))
    result = runner.invoke(
        app, ["sign", str(tmp_path / "doc.json"), "--key", str(tmp_path / "doc.json")]
    )
    assert result.exit_code == 2 and "error: not_a_key_file:" in result.stderr


def test_verify_option_checks(signed: Path) -> None:
    bad = runner.invoke(app, ["verify", str(signed), "--trust-issuer", "notadid"])
    assert bad.exit_code == 2 and "error: invalid_did:" in bad.stderr
    dated = runner.invoke(app, ["verify", str(signed), "--now", "2027-01-01", "--json"])
    assert dated.exit_code == 3, dated.output
    assert "2027-01-01T00:00:00Z" in dated.stdout
    url = runner.invoke(app, ["verify", "https://example.org/cred.json"])
    assert url.exit_code == 2 and "error: input_is_url:" in url.stderr and "offline" in url.stderr
    two = runner.invoke(
        app, ["verify", str(signed), "--framework", "DE-DQR", "--framework", "EQF", "--json"]
    )
    targets = {item.get("to") for item in json.loads(two.stdout)["frameworks"]}
    assert {"DE-DQR", "EQF"} <= targets


def test_re_signing_warns_and_replace_proof_signs_anew(tmp_path: Path, signed: Path) -> None:
    key = tmp_path / "k.key.json"
    again = runner.invoke(app, ["sign", str(signed), "--key", str(key)])
    assert again.exit_code == 0 and "--replace-proof" in again.stderr
    assert isinstance(json.loads(again.stdout)["proof"], list)
    anew = runner.invoke(app, ["sign", str(signed), "--key", str(key), "--replace-proof"])
    assert anew.exit_code == 0 and "warning" not in anew.stderr
    assert isinstance(json.loads(anew.stdout)["proof"], dict)


def test_a_closed_pipe_keeps_the_verdicts_exit_code(signed: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "skillpass", "verify", str(signed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before anything is written
    error = process.stderr.read()
    process.stderr.close()
    assert process.wait() == 3
    assert b"Error" not in error and b"Traceback" not in error


def test_certificate_pdf_reads_back_and_out_must_be_pdf(tmp_path: Path, signed: Path) -> None:
    wrong = runner.invoke(app, ["certificate", str(signed), "--out", str(tmp_path / "c.png")])
    assert wrong.exit_code == 2 and "error: output_format:" in wrong.stderr
    pdf = tmp_path / "c.pdf"
    made = runner.invoke(app, ["certificate", str(signed), "--out", str(pdf)])
    if made.exit_code == 2 and "font_missing" in made.stderr:
        pytest.skip("fonts for the reference credential are not installed")
    assert made.exit_code == 0, made.output
    assert runner.invoke(app, ["verify", str(pdf)]).exit_code == 3
    decoded = runner.invoke(app, ["qr", "decode", str(pdf)])
    assert json.loads(decoded.stdout) == load_json(signed)
    no_qr = tmp_path / "n.pdf"
    plain = runner.invoke(app, ["certificate", str(signed), "--out", str(no_qr), "--no-qr"])
    assert plain.exit_code == 0
    unreadable = runner.invoke(app, ["verify", str(no_qr)])
    assert unreadable.exit_code == 2 and "qr_not_found" in unreadable.stderr


@pytest.mark.parametrize("columns", [80, 60, 200])
def test_report_tables_never_split_a_did(signed: Path, columns: int) -> None:
    result = runner.invoke(app, ["verify", str(signed)], env={"COLUMNS": str(columns)})
    assert result.exit_code == 3
    did = load_json(signed)["issuer"]["id"]
    lines = result.stdout.splitlines()
    assert sum(did in line for line in lines) >= 2  # the issuer line and the issuer check
    if columns <= 80:  # the checks fit the width, but for a DID that is wider itself
        checks = lines[2:]
        assert all(len(line.rstrip()) <= columns for line in checks if did not in line)


def test_a_terminal_too_narrow_for_the_qr_code_gets_a_warning(signed: Path) -> None:
    import os
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "80", "LINES": "24"}
    try:
        process = subprocess.run(
            [sys.executable, "-m", "skillpass", "qr", "encode", str(signed)],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env,
            check=False,
            timeout=120,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert process.returncode == 0
    error = process.stderr.decode()
    assert "warning: the QR code is" in error and "the terminal has 80" in error


def test_a_credential_too_large_for_a_qr_code_can_be_printed_without_one(
    tmp_path: Path,
) -> None:
    import skillpass

    key = skillpass.KeyPair.generate()
    doc = load_json(EXAMPLES / "reference-qualification.json")
    doc["issuer"]["id"] = key.did
    # Incompressible text: more than four QR codes can hold.
    doc["credentialSubject"]["achievement"]["description"] = " ".join(
        hashlib.sha256(str(i).encode()).hexdigest() for i in range(200)
    )
    big = tmp_path / "big.json"
    big.write_text(json.dumps(skillpass.sign_credential(doc, key)))
    refused = runner.invoke(app, ["certificate", str(big), "--out", str(tmp_path / "a.pdf")])
    assert refused.exit_code == 2
    assert "error: qr_too_large:" in refused.stderr and "--no-qr" in refused.stderr
    made = runner.invoke(
        app, ["certificate", str(big), "--out", str(tmp_path / "b.pdf"), "--no-qr"]
    )
    if made.exit_code == 2 and "font_missing" in made.stderr:
        pytest.skip("fonts for the reference credential are not installed")
    assert made.exit_code == 0, made.output
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")


def test_gitignore_covers_key_and_passphrase_files() -> None:
    from fnmatch import fnmatch

    from tests.conftest import ROOT

    patterns = [
        line.strip()
        for line in (ROOT / ".gitignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for name in ("institute.key.json", "holder.key", "pass.txt"):
        assert any(fnmatch(name, pattern) for pattern in patterns), name


def test_markup_is_rendered_without_rich_and_matches_richs_escaping() -> None:
    from rich.markup import escape as rich_escape
    from rich.text import Text

    from skillpass.cli import _common as c

    for text in ["plain", "a [b] c", "[bold]x[/]", "did:key:z6Mk", "\\[x]", "[/] [red]"]:
        assert c.escape(text) == rich_escape(text)
        marked = f"[bold red]{c.escape(text)}[/] tail"
        assert c.render_markup(marked, color=False) == Text.from_markup(marked, emoji=False).plain
    assert c.render_markup("[bold green]VALID[/]", color=True) == "\x1b[1;32mVALID\x1b[0m"
