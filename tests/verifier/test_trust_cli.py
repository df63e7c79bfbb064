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


def test_verify_a_presentation_with_a_bundle(tmp_path: Path) -> None:
    import skillpass

    world = World()
    holder = skillpass.KeyPair.generate()
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": [world.credential()],
    }
    signed = skillpass.sign_presentation(
        vp, holder, challenge="n-1", domain="border.example", created=NOW - timedelta(hours=1)
    )
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(signed), encoding="utf-8")
    bundle = tmp_path / "bundle.json"
    world.bundle().save(bundle)
    now = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    args = ["verify", str(path), "--trust", str(bundle), "--now", now]
    ok = _cli(*args, "--challenge", "n-1", "--domain", "border.example", "--json")
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.stdout)
    assert report["credentials"][0]["summary"]["issuer"]["name_source"] == "trust_list"
    assert _cli(*args, "--challenge", "other").exit_code == 1
    assert _cli(*args).exit_code == 3  # no challenge: could be a replay


def test_verify_with_a_bundle_loads_no_web_stack(tmp_path: Path) -> None:
    import ast
    import subprocess
    import sys

    from tests.conftest import ROOT

    world = World()
    vc = tmp_path / "vc.json"
    vc.write_text(json.dumps(world.credential()), encoding="utf-8")
    bundle = tmp_path / "bundle.json"
    world.bundle().save(bundle)
    code = (
        "import sys\n"
        "from skillpass.cli import main\n"
        f"sys.argv = ['skillpass', 'verify', {str(vc)!r}, '--trust', {str(bundle)!r},"
        " '--now', '2026-03-20']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code\n"
        "heavy = ('fastapi', 'starlette', 'uvicorn', 'httpx', 'sqlalchemy', 'issuer', 'wallet')\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & set(heavy))\n"
        "sys.stderr.write(repr((code, loaded)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert ast.literal_eval(result.stderr.strip().splitlines()[-1]) == (0, [])


def test_recording_a_compromised_key_from_the_cli(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    import verifier
    from tests.verifier.common import DID
    from verifier import TrustBundle, TrustList

    world = World()
    lst = tmp_path / "l.json"
    lst.write_text(json.dumps(world.trust_list().to_json()), encoding="utf-8")
    key = ["trust", "list", "key", "--list", str(lst), "--did", DID, "--id", world.vm(0)]
    missing = _cli(*key)
    assert missing.exit_code == 2 and "publicKeyMultibase" in missing.stderr
    public = world.keys[0].public_key.multibase
    assert _cli(*key, "--public-key", public).exit_code == 0
    assert _cli(*key, "--compromised", "2026-03-12").exit_code == 0  # updates the same record
    other = _cli("trust", "list", "key", "--list", str(lst), "--did", DID, "--id", "did:web:x#k")
    assert other.exit_code == 2
    shown = _cli("trust", "list", "show", str(lst))
    assert "COMPROMISED 2026-03-12" in shown.stdout
    trust_list = TrustList.from_json(json.loads(lst.read_text(encoding="utf-8")))
    authority = world.authority
    signed = trust_list.sign(authority, now=datetime(2026, 2, 1, tzinfo=UTC))
    bundle = TrustBundle.build(
        anchors=[authority.did],
        trust_lists=[signed],
        did_documents=[world.did_document()],
        status_lists=[world.status_list()],
        now=datetime(2026, 3, 1, tzinfo=UTC),
        ttl=timedelta(days=30),
        status_ttl=timedelta(days=30),
    )
    late = world.credential(created=datetime(2026, 3, 14, tzinfo=UTC))
    report = verifier.verify(late, bundle=bundle, now=NOW)
    assert report.check("issuer").code == "key_compromised"
    early = world.credential(
        created=datetime(2026, 3, 11, tzinfo=UTC), valid_from=datetime(2026, 3, 11, tzinfo=UTC)
    )
    assert verifier.verify(early, bundle=bundle, now=NOW).verified
