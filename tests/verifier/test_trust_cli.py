"""``skillpass trust …`` and ``skillpass verify --trust`` from the command line (offline)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from skillpass.cli import app as cli
from tests.verifier.common import NOW, World

runner = CliRunner()


def _cli(*args: str) -> Any:
    return runner.invoke(cli, list(args))


def test_help_lists_the_role_commands() -> None:
    listing = _cli("--help")
    assert "trust" in listing.stdout and "verifier" in listing.stdout
    assert "serve" in _cli("verifier", "--help").stdout
    for group in ("authority", "list", "bundle"):
        assert group in _cli("trust", "--help").stdout


def test_list_editing(tmp_path: Path) -> None:
    key = tmp_path / "a.key"
    assert _cli("trust", "authority", "init", "--out", str(key)).exit_code == 0
    again = _cli("trust", "authority", "init", "--out", str(key))
    assert again.exit_code == 2 and "output_exists" in again.stderr
    lst = tmp_path / "l.json"
    base = ["trust", "list", "add-issuer", "--list", str(lst), "--country", "PH"]
    for did, name in (("did:web:a.example", "A"), ("did:web:b.example", "B")):
        done = _cli(*base, "--did", did, "--name", name, "--framework", "PH-PQF", "--levels", "1-3")
        assert done.exit_code == 0, done.output
    shown = _cli("trust", "list", "show", str(lst))
    assert "A (PH)" in shown.stdout and "PH-PQF 1-3" in shown.stdout
    assert (
        _cli(
            "trust", "list", "remove-issuer", "--list", str(lst), "--did", "did:web:a.example"
        ).exit_code
        == 0
    )
    data = json.loads(_cli("trust", "list", "show", str(lst), "--json").stdout)
    assert [i["id"] for i in data["issuers"]] == ["did:web:b.example"]
    missing = _cli(
        "trust", "list", "remove-issuer", "--list", str(lst), "--did", "did:web:a.example"
    )
    assert missing.exit_code == 2 and "issuer_not_listed" in missing.stderr


def test_bad_options_are_clear_errors(tmp_path: Path) -> None:
    lst = str(tmp_path / "l.json")
    common = [
        "trust",
        "list",
        "add-issuer",
        "--list",
        lst,
        "--did",
        "did:web:a.example",
        "--name",
        "A",
    ]
    bad_level = _cli(*common, "--country", "PH", "--framework", "PH-PQF", "--levels", "7-9")
    assert bad_level.exit_code == 2 and "invalid_trust_list" in bad_level.stderr
    bad_country = _cli(
        *common, "--country", "Philippines", "--framework", "PH-PQF", "--levels", "1"
    )
    assert bad_country.exit_code == 2 and "ISO 3166" in bad_country.stderr
    unpaired = _cli(
        *common, "--country", "PH", "--framework", "PH-PQF", "--framework", "EQF", "--levels", "1"
    )
    assert unpaired.exit_code == 2 and "invalid_option" in unpaired.stderr
    not_bundle = tmp_path / "x.json"
    not_bundle.write_text("{}", encoding="utf-8")
    shown = _cli("trust", "bundle", "show", str(not_bundle))
    assert shown.exit_code == 2 and "invalid_trust_bundle" in shown.stderr
    verify = _cli("verify", str(not_bundle), "--trust", str(tmp_path / "none.json"))
    assert verify.exit_code == 2 and "trust_bundle_unreadable" in verify.stderr


def test_verify_with_a_bundle_exit_codes(tmp_path: Path) -> None:
    world = World()
    vc = tmp_path / "vc.json"
    vc.write_text(json.dumps(world.credential()), encoding="utf-8")
    bundle = tmp_path / "bundle.json"
    world.bundle(ttl=timedelta(days=30)).save(bundle)
    now = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    ok = _cli("verify", str(vc), "--trust", str(bundle), "--now", now)
    assert ok.exit_code == 0, ok.output
    assert "Regional Training Center 7 (registry)" in ok.stdout
    assert "trust bundle: created 2026-03-01" in ok.stdout
    expired = _cli("verify", str(vc), "--trust", str(bundle), "--now", "2026-05-01", "--json")
    assert expired.exit_code == 3
    assert json.loads(expired.stdout)["checks"][2]["code"] == "trust_bundle_expired"
    world.levels = "3-5"
    world.bundle().save(bundle)
    refused = _cli("verify", str(vc), "--trust", str(bundle), "--now", now, "--json")
    assert refused.exit_code == 1
    assert json.loads(refused.stdout)["checks"][2]["code"] == "level_not_accredited"
    shown = _cli("trust", "bundle", "show", str(bundle), "--now", now)
    assert "19 days old" in shown.stdout and "accredited issuers: 1" in shown.stdout
