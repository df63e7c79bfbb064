"""``skillpass wallet``: the command line, through typer's runner (the app is mounted in the
core CLI by the registry)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

import skillpass
import skillpass.qr as qr
from tests.wallet.common import FAST, NAMES, PASSPHRASE, MakeCredential
from tests.wallet.test_offer import Issuer, server  # noqa: F401 - the loopback issuer fixture
from wallet import Wallet
from wallet.cli import PASSPHRASE_ENV, app

pytest_plugins = ["tests.wallet.fixtures"]

runner = CliRunner()


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, list(args), input=input, env=env)


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def wpath(tmp_path: Path) -> Path:
    path = tmp_path / "w.wallet"
    Wallet.create(path, PASSPHRASE, kdf=FAST).close()
    return path


def _file(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_init_and_passphrase_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "sub" / "new.wallet"
    result = run("init", "--wallet", str(path))
    assert result.exit_code == 0, result.output
    assert "holder: did:key:z6Mk" in result.stdout
    again = run("init", "--wallet", str(path))
    assert again.exit_code == 2
    assert "wallet_exists" in again.stderr
    monkeypatch.delenv(PASSPHRASE_ENV)
    pw_file = _file(tmp_path, "pw.txt", PASSPHRASE + "\n")
    listed = run("list", "--wallet", str(path), "--passphrase-file", str(pw_file))
    assert listed.exit_code == 0, listed.output
    prompted = run("list", "--wallet", str(path), input=PASSPHRASE + "\n")
    assert prompted.exit_code == 0, prompted.output
    assert PASSPHRASE not in prompted.stdout
    no_input = run("list", "--wallet", str(path))
    assert no_input.exit_code == 2
    assert "passphrase_required" in no_input.stderr
    created = run("init", "--wallet", str(tmp_path / "p.wallet"), input="abc\nabc\n")
    assert created.exit_code == 0, created.output
    empty = _file(tmp_path, "empty.txt", "")
    bad = run("list", "--wallet", str(path), "--passphrase-file", str(empty))
    assert bad.exit_code == 2
    assert "empty_passphrase" in bad.stderr


def test_wrong_passphrase_exits_2(wpath: Path, tmp_path: Path) -> None:
    result = run("list", "--wallet", str(wpath), env={PASSPHRASE_ENV: "wrong"})
    assert result.exit_code == 2
    assert "error: bad_passphrase:" in result.stderr
    assert "Traceback" not in result.output


def test_missing_and_damaged_wallets(tmp_path: Path) -> None:
    result = run("list", "--wallet", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert "wallet_not_found" in result.stderr
    junk = _file(tmp_path, "junk", b"SQLite format 3\x00" + bytes(2000))
    result = run("list", "--wallet", str(junk))
    assert result.exit_code == 2
    assert "error:" in result.stderr
    assert "Traceback" not in result.output


def test_add_from_every_source(
    wpath: Path, tmp_path: Path, make_credential: MakeCredential
) -> None:
    w = ["--wallet", str(wpath)]
    json_file = _file(tmp_path, "c.json", make_credential(title="From JSON"))
    assert run("add", str(json_file), *w).exit_code == 0
    text = qr.encode(make_credential(title="From QR text"))
    result = run("add", text, *w)
    assert result.exit_code == 0, result.output
    text_file = _file(tmp_path, "qr.txt", qr.encode(make_credential(title="From QR file")) + "\n")
    assert run("add", str(text_file), *w).exit_code == 0
    png = _file(tmp_path, "qr.png", qr.render_png(qr.encode(make_credential(title="From PNG"))))
    result = run("add", str(png), *w)
    assert result.exit_code == 0, result.output
    pdf = _file(tmp_path, "cert.pdf", qr.render_certificate_pdf(make_credential(title="From PDF")))
    result = run("add", str(pdf), *w, "--label", "printed certificate")
    assert result.exit_code == 0, result.output
    stdin = json.dumps(make_credential(title="From stdin"))
    assert run("add", "-", *w, input=stdin).exit_code == 0
    with Wallet.open(wpath, PASSPHRASE) as wallet:
        titles = [e.summary.title for e in wallet.list()]
        assert titles == [
            "From JSON",
            "From QR text",
            "From QR file",
            "From PNG",
            "From PDF",
            "From stdin",
        ]
        assert wallet.list()[4].label == "printed certificate"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"not json at all", "not_json"),
        (b'{"a": 1, "a": 2}', "duplicate_key"),
        (b"[1, 2]", "not_an_object"),
        (b"SP1:NOT-BASE45!", "qr_malformed"),
        (b"%PDF-1.4 broken", "pdf_unreadable"),
        (b"\xff\xfe\x00binary", "input_unreadable"),
    ],
)
def test_add_unreadable_input(wpath: Path, tmp_path: Path, content: bytes, code: str) -> None:
    result = run("add", str(_file(tmp_path, "in", content)), "--wallet", str(wpath))
    assert result.exit_code == 2
    assert f"error: {code}" in result.stderr, result.stderr


def test_add_refuses_forgeries_and_bad_usage(
    wpath: Path, tmp_path: Path, make_credential: MakeCredential
) -> None:
    forged = make_credential()
    forged["name"] = "Master Welder"
    result = run("add", str(_file(tmp_path, "f.json", forged)), "--wallet", str(wpath))
    assert result.exit_code == 2
    assert "invalid_signature" in result.stderr
    assert run("add", "--wallet", str(wpath)).exit_code == 2
    missing = run("add", "no-such-file.json", "--wallet", str(wpath))
    assert missing.exit_code == 2
    assert "input_unreadable" in missing.stderr
    blank = _file(tmp_path, "blank.pdf", qr.render_certificate_pdf(make_credential())[:0] or b"")
    assert run("add", str(blank), "--wallet", str(wpath)).exit_code == 2


def _fill(wpath: Path, make_credential: MakeCredential) -> list[str]:
    with Wallet.open(wpath, PASSPHRASE) as w:
        ids = [
            w.add(
                make_credential(
                    holder=NAMES["arabic"],
                    title="Caregiving NC II",
                    subject_id=w.holder_did,
                    level="4",
                )
            ).id,
            w.add(make_credential(holder=NAMES["devanagari"], title="Electrical Installation")).id,
            w.add(
                make_credential(
                    holder=NAMES["cyrillic"],
                    title="Pflegefachkraft",
                    framework="DE-DQR",
                    level="4",
                    valid_until="2026-06-01T00:00:00Z",
                )
            ).id,
        ]
    return ids


def test_list_is_readable_in_80_columns(wpath: Path, make_credential: MakeCredential) -> None:
    _fill(wpath, make_credential)
    result = run("list", "--wallet", str(wpath))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80, result.stdout
    joined = " ".join(lines)
    for name in (NAMES["arabic"], NAMES["devanagari"], NAMES["cyrillic"]):
        for word in name.split():
            assert word in joined, word  # in its own script, not transliterated
    words = joined.split()
    for word in ("PH-PQF", "(Philippine", "Qualifications", "DE-DQR"):
        assert word in words, word
    assert "expired" in joined
    assert "trust" in joined
    assert "yes" in joined  # fits a QR code


def test_list_json_and_filters(wpath: Path, make_credential: MakeCredential) -> None:
    ids = _fill(wpath, make_credential)
    result = run("list", "--wallet", str(wpath), "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [e["id"] for e in listed] == ids
    assert listed[0]["holder"] == NAMES["arabic"]
    assert listed[0]["levels"][0]["frameworkName"] == "Philippine Qualifications Framework"
    assert listed[0]["credential"]["proof"]["type"] == "DataIntegrityProof"
    assert listed[2]["marks"][:1] == ["no_trust_configuration"] or "expired" in listed[2]["marks"]
    found = run("list", "--wallet", str(wpath), "--json", "--framework", "DE-DQR")
    assert [e["id"] for e in json.loads(found.stdout)] == [ids[2]]
    found = run("list", "--wallet", str(wpath), "--json", "--search", "सुनीता")
    assert [e["id"] for e in json.loads(found.stdout)] == [ids[1]]
    none = run("list", "--wallet", str(wpath), "--search", "nothing like it")
    assert "no credentials match" in none.stdout


def test_show_and_remove(wpath: Path, make_credential: MakeCredential) -> None:
    ids = _fill(wpath, make_credential)
    shown = run("show", ids[0][:6], "--wallet", str(wpath))
    assert shown.exit_code == 0, shown.output
    assert max(cell_len(line) for line in shown.stdout.splitlines()) <= 80
    for word in NAMES["arabic"].split():
        assert word in shown.stdout
    assert "Philippine Qualifications Framework" in shown.stdout
    assert "fits one QR code" in shown.stdout
    as_json = json.loads(run("show", ids[0], "--wallet", str(wpath), "--json").stdout)
    assert as_json["id"] == ids[0]
    missing = run("show", "ffff0000", "--wallet", str(wpath))
    assert missing.exit_code == 2
    assert "credential_not_found" in missing.stderr
    cancelled = run("remove", ids[1], "--wallet", str(wpath), input="n\n")
    assert cancelled.exit_code == 2
    assert "cancelled" in cancelled.stderr
    removed = run("remove", ids[1], "--wallet", str(wpath), "--yes")
    assert removed.exit_code == 0, removed.output
    with Wallet.open(wpath, PASSPHRASE) as w:
        assert [e.id for e in w.list()] == [ids[0], ids[2]]


def test_present(wpath: Path, tmp_path: Path, make_credential: MakeCredential) -> None:
    ids = _fill(wpath, make_credential)
    args = ["--wallet", str(wpath), "--challenge", "n-1", "--domain", "border.example"]
    result = run("present", ids[0], *args)
    assert result.exit_code == 0, result.output
    vp = json.loads(result.stdout)
    report = skillpass.verify_presentation(vp, challenge="n-1", domain="border.example")
    assert report.check("proof").status == "valid"
    assert report.check("holder").status == "valid"
    out, png = tmp_path / "vp.json", tmp_path / "vp.png"
    result = run("present", ids[0], *args, "--out", str(out), "--qr", str(png))
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["holder"] == vp["holder"]
    from_qr = qr.decode(qr.read_image(png.read_bytes()))
    report = skillpass.verify_presentation(from_qr, challenge="n-1", domain="border.example")
    assert report.check("proof").status == "valid"
    shown = run("present", ids[0], *args, "--show-qr")
    assert shown.exit_code == 0
    assert "█" in shown.stdout or "▀" in shown.stdout
    again = run("present", ids[0], *args, "--out", str(out))
    assert again.exit_code == 2
    assert "output_exists" in again.stderr
    too_many = run("present", *ids, *args, "--qr", str(tmp_path / "big.png"))
    assert too_many.exit_code == 2
    assert "qr_too_large" in too_many.stderr or "subject_not_held" in too_many.stderr
    bad_format = run("present", ids[0], *args, "--qr", str(tmp_path / "x.gif"))
    assert "output_format" in bad_format.stderr


def test_backup_restore_passwd(
    wpath: Path, tmp_path: Path, make_credential: MakeCredential
) -> None:
    ids = _fill(wpath, make_credential)
    backup_pw = _file(tmp_path, "backup-pw.txt", "backup passphrase\n")
    backup = tmp_path / "maria.backup"
    result = run(
        "backup",
        "--out",
        str(backup),
        "--backup-passphrase-file",
        str(backup_pw),
        "--wallet",
        str(wpath),
    )
    assert result.exit_code == 0, result.output
    new_device = tmp_path / "other-laptop"
    new_device.mkdir()
    target = new_device / "restored.wallet"
    wrong = run("restore", str(backup), "--wallet", str(target))
    assert wrong.exit_code == 2
    assert "bad_passphrase" in wrong.stderr
    assert not target.exists()
    result = run(
        "restore", str(backup), "--wallet", str(target), "--backup-passphrase-file", str(backup_pw)
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(run("list", "--wallet", str(target), "--json").stdout)
    assert [e["id"] for e in listed] == ids
    with Wallet.open(wpath, PASSPHRASE) as a, Wallet.open(target, PASSPHRASE) as b:
        assert a.holder_did == b.holder_did
    new_pw = _file(tmp_path, "new-pw.txt", "a brand new passphrase\n")
    result = run("passwd", "--wallet", str(target), "--new-passphrase-file", str(new_pw))
    assert result.exit_code == 0, result.output
    assert run("list", "--wallet", str(target)).exit_code == 2
    ok = run("list", "--wallet", str(target), "--passphrase-file", str(new_pw))
    assert ok.exit_code == 0


def test_keys_and_history(wpath: Path) -> None:
    result = run("keys", "--add", "--label", "work", "--wallet", str(wpath), "--json")
    assert result.exit_code == 0, result.output
    keys = json.loads(result.stdout)
    assert [k["primary"] for k in keys] == [True, False]
    assert keys[1]["label"] == "work"
    history = json.loads(run("history", "--wallet", str(wpath), "--json").stdout)
    assert [e["event"] for e in history] == ["created", "key_added"]
    assert run("history", "--wallet", str(wpath)).exit_code == 0


def test_add_offer(server: tuple[str, Issuer], wpath: Path) -> None:  # noqa: F811
    base, _ = server
    result = run("add", "--offer", f"{base}/bind", "--wallet", str(wpath), "--json")
    assert result.exit_code == 0, result.output
    entry = json.loads(result.stdout)
    with Wallet.open(wpath, PASSPHRASE) as w:
        assert entry["credential"]["credentialSubject"]["id"] == w.holder_did
    again = run("add", "--offer", f"{base}/bind", "--wallet", str(wpath))
    assert again.exit_code == 2
    assert "offer_used" in again.stderr


def test_default_wallet_is_in_the_user_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("SKILLPASS_WALLET", raising=False)
    result = run("init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "skillpass" / "wallet.skillpass").is_file()
    assert run("list").exit_code == 0


def test_mounted_as_skillpass_wallet(wpath: Path, make_credential: MakeCredential) -> None:
    from skillpass.cli import app as skillpass_app

    _fill(wpath, make_credential)
    result = runner.invoke(skillpass_app, ["wallet", "list", "--wallet", str(wpath), "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 3
    wrong = runner.invoke(
        skillpass_app, ["wallet", "list", "--wallet", str(wpath)], env={PASSPHRASE_ENV: "no"}
    )
    assert wrong.exit_code == 2
    assert "bad_passphrase" in wrong.stderr


def test_recheck(wpath: Path, make_credential: MakeCredential, issuer_key: Any) -> None:
    _fill(wpath, make_credential)
    result = run("recheck", "--wallet", str(wpath), "--trust-issuer", issuer_key.did)
    assert result.exit_code == 0, result.output
    listed = json.loads(run("list", "--wallet", str(wpath), "--json").stdout)
    assert all(e["issuer"]["trusted"] for e in listed)
