"""The wallet library: round trips, search, presentations, backup and restore, errors."""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import skillpass
from skillpass.sealing import WALLET_SCRYPT
from tests.wallet.common import FAST, NAMES, PASSPHRASE, MakeCredential
from wallet import Wallet, WalletError

pytest_plugins = ["tests.wallet.fixtures"]


def test_create_open_round_trip(wallet_path: Path, make_credential: MakeCredential) -> None:
    credential = make_credential()
    with Wallet.create(wallet_path, PASSPHRASE, kdf=FAST) as w:
        holder = w.holder_did
        entry = w.add(credential, label="for the embassy")
    assert holder.startswith("did:key:z6Mk")
    with Wallet.open(wallet_path, PASSPHRASE) as w:
        assert w.holder_did == holder
        [again] = w.list()
        assert again.id == entry.id
        assert again.credential == credential
        assert again.label == "for the embassy"
        assert w.get(entry.id[:6]).id == entry.id
        assert w.get(credential["id"]).id == entry.id
        assert w.kdf_params == FAST
        assert [e["event"] for e in w.history()] == ["created", "added"]


def test_default_kdf_parameters_are_stored(wallet_path: Path) -> None:
    with Wallet.create(wallet_path, PASSPHRASE) as w:
        assert w.kdf_params == WALLET_SCRYPT
    with Wallet.open(wallet_path, PASSPHRASE) as w:
        assert w.kdf_params == WALLET_SCRYPT


def test_wallet_file_is_private(wallet_path: Path, wallet: Wallet) -> None:
    assert wallet_path.stat().st_mode & 0o077 == 0
    assert [p.name for p in wallet_path.parent.iterdir()] == [wallet_path.name]


def test_untrusted_issuer_is_kept_and_marked(
    wallet: Wallet, make_credential: MakeCredential
) -> None:
    entry = wallet.add(make_credential())
    assert entry.status == "unknown"
    assert not entry.issuer_trusted
    assert "no_trust_configuration" in entry.marks
    assert entry.fits_qr


def test_trusted_issuer(
    wallet: Wallet, make_credential: MakeCredential, issuer_key: skillpass.KeyPair
) -> None:
    entry = wallet.add(make_credential(), trusted_issuers={issuer_key.did})
    assert entry.issuer_trusted
    assert "no_trust_configuration" not in entry.marks


def test_expired_credential_is_kept_and_marked(
    wallet: Wallet, make_credential: MakeCredential
) -> None:
    entry = wallet.add(make_credential(valid_until="2026-06-01T00:00:00Z"))
    assert entry.status == "invalid"
    assert "expired" in entry.marks


def test_same_credential_twice_is_stored_once(
    wallet: Wallet, make_credential: MakeCredential
) -> None:
    credential = make_credential()
    first = wallet.add(credential)
    assert wallet.add(copy.deepcopy(credential)).id == first.id
    assert len(wallet.list()) == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda c: c.update(name="Master Welder"), "invalid_signature"),
        (lambda c: c["proof"].update(proofValue="z" + "1" * 80), "invalid_proof_value"),
        (lambda c: c.pop("proof"), "no_proof"),
        (lambda c: c.update(unsignedExtra="x"), "undefined_term"),
    ],
)
def test_forged_credentials_are_refused_with_their_code(
    wallet: Wallet, make_credential: MakeCredential, change: Any, code: str
) -> None:
    credential = make_credential()
    change(credential)
    with pytest.raises(WalletError) as info:
        wallet.add(credential)
    assert info.value.code == code
    assert wallet.list() == []


def test_credential_signed_by_another_key_than_its_issuer_is_refused(
    wallet: Wallet, reference: dict[str, Any], issuer_key: skillpass.KeyPair
) -> None:
    forger = skillpass.KeyPair.generate()
    doc = copy.deepcopy(reference)
    doc["issuer"]["id"] = issuer_key.did
    forged = skillpass.sign_credential(doc, forger, verification_method=forger.verification_method)
    with pytest.raises(WalletError) as info:
        wallet.add(forged)
    assert info.value.code == "issuer_mismatch"


def test_not_a_credential_is_refused(wallet: Wallet) -> None:
    with pytest.raises(WalletError) as info:
        wallet.add({"hello": "world"})
    assert info.value.code in {"missing_context", "invalid_context"}
    with pytest.raises(WalletError) as info:
        wallet.add("not an object")  # type: ignore[arg-type]
    assert info.value.code == "not_an_object"


def test_search(wallet: Wallet, make_credential: MakeCredential, issuer_key: Any) -> None:
    other_issuer = skillpass.KeyPair.generate()
    welder = wallet.add(make_credential())
    nurse = wallet.add(
        make_credential(
            holder=NAMES["arabic"],
            title="Caregiving NC II",
            level="4",
            key=other_issuer,
            issuer_name="Институт ухода",
        )
    )
    german = wallet.add(make_credential(title="Pflegefachkraft", framework="DE-DQR", level="4"))
    ids = lambda entries: {e.id for e in entries}  # noqa: E731
    assert ids(wallet.search(text="(smaw)")) == {welder.id}
    assert ids(wallet.search(text="CAREGIVING")) == {nurse.id}
    assert ids(wallet.search(text="الحسن")) == {nurse.id}
    assert ids(wallet.search(text="Philippine Qualifications")) == {welder.id, nurse.id}
    assert ids(wallet.search(framework="PH-PQF")) == {welder.id, nurse.id}
    assert ids(wallet.search(framework="de-dqr")) == {german.id}
    assert ids(wallet.search(level="4")) == {nurse.id, german.id}
    assert ids(wallet.search(framework="PH-PQF", level="4")) == {nurse.id}
    assert ids(wallet.search(issuer=other_issuer.did)) == {nurse.id}
    assert ids(wallet.search(issuer="институт")) == {nurse.id}
    assert ids(wallet.search(issuer=issuer_key.did)) == {welder.id, german.id}
    assert ids(wallet.search(type="OpenBadgeCredential")) == {welder.id, nurse.id, german.id}
    assert ids(wallet.search(type="certificate")) == {welder.id, nurse.id, german.id}
    assert wallet.search(type="VerifiablePresentation") == []
    assert wallet.search(text="nothing like this") == []


def test_get_and_remove(wallet: Wallet, make_credential: MakeCredential) -> None:
    a = wallet.add(make_credential())
    b = wallet.add(make_credential())
    with pytest.raises(WalletError) as info:
        wallet.get("nope")
    assert info.value.code == "credential_not_found"
    common = (
        next(a.id[:n] for n in range(16, 0, -1) if a.id[:n] == b.id[:n] and n >= 4)
        if a.id[:4] == b.id[:4]
        else None
    )
    if common:
        with pytest.raises(WalletError) as info:
            wallet.get(common)
        assert info.value.code == "ambiguous_id"
    removed = wallet.remove(a.id)
    assert removed.id == a.id
    assert [e.id for e in wallet.list()] == [b.id]
    with pytest.raises(WalletError) as info:
        wallet.remove(a.id)
    assert info.value.code == "credential_not_found"
    assert [e["event"] for e in wallet.history()][-1] == "removed"


def test_removed_credential_leaves_no_bytes(
    wallet_path: Path, wallet: Wallet, make_credential: MakeCredential
) -> None:
    entry = wallet.add(make_credential())
    with sqlite3.connect(wallet_path) as db:
        blobs = [row[0] for row in db.execute("SELECT blob FROM records")]
    db.close()
    wallet.remove(entry.id)
    raw = wallet_path.read_bytes()
    # secure_delete: the credential's ciphertext is overwritten, not left in a free page.
    gone = [b for b in blobs if b[:32] not in raw]
    assert gone, "the removed credential's ciphertext is still in the file"


def test_presentation_verifies(wallet: Wallet, make_credential: MakeCredential) -> None:
    entry = wallet.add(make_credential(subject_id=wallet.holder_did))
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        vp = wallet.present(
            [entry.id], challenge="nonce-123", domain="border.example", cryptosuite=suite
        )
        assert vp["holder"] == wallet.holder_did
        assert vp["proof"]["proofPurpose"] == "authentication"
        assert vp["proof"]["cryptosuite"] == suite
        report = skillpass.verify_presentation(vp, challenge="nonce-123", domain="border.example")
        assert report.check("proof").status == "valid"
        assert report.check("holder").status == "valid"
        replay = skillpass.verify_presentation(vp, challenge="other", domain="border.example")
        assert replay.check("proof").code == "challenge_mismatch"
    assert wallet.history()[-1]["event"] == "presented"


def test_presentation_uses_the_key_the_subject_names(
    wallet: Wallet, make_credential: MakeCredential
) -> None:
    second = wallet.add_holder_key(label="employer")
    assert second != wallet.holder_did
    assert [k.did for k in wallet.holder_keys()] == [wallet.holder_did, second]
    entry = wallet.add(make_credential(subject_id=second))
    vp = wallet.present([entry.id], challenge="c", domain="d")
    assert vp["holder"] == second
    report = skillpass.verify_presentation(vp, challenge="c", domain="d")
    assert report.check("holder").status == "valid"
    with pytest.raises(WalletError) as info:
        wallet.present([entry.id], challenge="c", domain="d", holder=wallet.holder_did)
    assert info.value.code == "subject_not_held"


def test_presentation_refuses_someone_elses_credential(
    wallet: Wallet, make_credential: MakeCredential
) -> None:
    stranger = skillpass.KeyPair.generate().did
    entry = wallet.add(make_credential(subject_id=stranger))
    with pytest.raises(WalletError) as info:
        wallet.present([entry.id], challenge="c", domain="d")
    assert info.value.code == "subject_not_held"
    with pytest.raises(WalletError) as info:
        wallet.present([], challenge="c", domain="d")
    assert info.value.code == "nothing_to_present"


def test_change_passphrase_rewraps_only(
    wallet_path: Path, wallet: Wallet, make_credential: MakeCredential
) -> None:
    wallet.add(make_credential())

    def rows() -> dict[str, bytes]:
        with sqlite3.connect(wallet_path) as db:
            found = dict(db.execute("SELECT rid, blob FROM records").fetchall())
        db.close()
        return found

    before = rows()
    wallet.change_passphrase("a new passphrase")
    after = rows()
    # Every record is untouched; one history record is added and the manifest updated.
    assert {k: v for k, v in after.items() if k in before and k != "manifest"} == {
        k: v for k, v in before.items() if k != "manifest"
    }
    assert len(after) == len(before) + 1
    wallet.close()
    with pytest.raises(WalletError) as info:
        Wallet.open(wallet_path, PASSPHRASE)
    assert info.value.code == "bad_passphrase"
    with Wallet.open(wallet_path, "a new passphrase") as w:
        assert len(w.list()) == 1


def test_backup_restored_on_a_new_device(
    tmp_path: Path, wallet: Wallet, make_credential: MakeCredential
) -> None:
    second = wallet.add_holder_key()
    entries = [
        wallet.add(make_credential(holder=name, subject_id=wallet.holder_did), label=script)
        for script, name in NAMES.items()
    ]
    entries.append(wallet.add(make_credential(subject_id=second)))
    backup = tmp_path / "maria.backup"
    wallet.backup(backup, "backup passphrase")
    new_device = tmp_path / "new-phone"
    new_device.mkdir()
    with Wallet.restore(
        backup,
        new_device / "wallet",
        "new wallet passphrase",
        backup_passphrase="backup passphrase",
        kdf=FAST,
    ) as restored:
        assert restored.holder_did == wallet.holder_did
        assert [k.did for k in restored.holder_keys()] == [k.did for k in wallet.holder_keys()]
        assert [(e.id, e.credential, e.label) for e in restored.list()] == [
            (e.id, e.credential, e.label) for e in entries
        ]
        events = [e["event"] for e in restored.history()]
        assert events[0] == "created" and events[-1] == "restored"
        vp = restored.present([e.id for e in entries[:4]], challenge="n", domain="d")
        report = skillpass.verify_presentation(vp, challenge="n", domain="d")
        assert report.check("proof").status == "valid"
        assert report.check("holder").status == "valid"
        assert all(r.check("proof").status == "valid" for r in report.credentials)
        vp2 = restored.present([entries[4].id], challenge="n", domain="d")
        assert vp2["holder"] == second
    with Wallet.open(new_device / "wallet", "new wallet passphrase") as w:
        assert len(w.list()) == 5
    raw = backup.read_bytes()
    for name in NAMES.values():
        assert name.encode() not in raw


def test_backup_errors(tmp_path: Path, wallet: Wallet, make_credential: MakeCredential) -> None:
    wallet.add(make_credential())
    backup = tmp_path / "b.json"
    wallet.backup(backup, "backup passphrase")
    with pytest.raises(WalletError) as info:
        wallet.backup(backup, "backup passphrase")
    assert info.value.code == "output_exists"

    def restore(path: Path, passphrase: str = "backup passphrase") -> str:
        with pytest.raises(WalletError) as info:
            Wallet.restore(path, tmp_path / "new.wallet", passphrase, kdf=FAST)
        assert not (tmp_path / "new.wallet").exists()
        return info.value.code

    assert restore(backup, "wrong") == "bad_passphrase"
    doc = json.loads(backup.read_text())
    text = doc["sealed"]["ciphertext"]
    doc["sealed"]["ciphertext"] = ("A" if text[5] != "A" else "B").join([text[:5], text[6:]])
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(doc))
    assert restore(tampered) == "bad_passphrase"
    (tmp_path / "junk").write_bytes(b"\x00\x01junk")
    assert restore(tmp_path / "junk") == "backup_invalid"
    (tmp_path / "other.json").write_text('{"format": "something else"}')
    assert restore(tmp_path / "other.json") == "backup_invalid"
    doc = json.loads(backup.read_text())
    doc["version"] = 99
    (tmp_path / "v99.json").write_text(json.dumps(doc))
    assert restore(tmp_path / "v99.json") == "backup_invalid"
    assert restore(tmp_path / "missing.json") == "backup_invalid"
    with pytest.raises(WalletError) as info:
        Wallet.restore(backup, wallet.path, "backup passphrase", kdf=FAST)
    assert info.value.code == "wallet_exists"


def test_open_errors(tmp_path: Path, wallet_path: Path, wallet: Wallet) -> None:
    wallet.close()

    def code(path: Path, passphrase: str = PASSPHRASE) -> str:
        with pytest.raises(WalletError) as info:
            Wallet.open(path, passphrase)
        return info.value.code

    assert code(wallet_path, "wrong passphrase") == "bad_passphrase"
    assert code(wallet_path, "") == "empty_passphrase"
    assert code(tmp_path / "missing") == "wallet_not_found"
    (tmp_path / "text").write_text("hello")
    assert code(tmp_path / "text") == "not_a_wallet"
    (tmp_path / "empty").write_bytes(b"")
    assert code(tmp_path / "empty") == "not_a_wallet"
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    db.close()
    assert code(other) == "not_a_wallet"
    with pytest.raises(WalletError) as info:
        Wallet.create(wallet_path, PASSPHRASE, kdf=FAST)
    assert info.value.code == "wallet_exists"
    with pytest.raises(WalletError) as info:
        Wallet.create(tmp_path / "x", "", kdf=FAST)
    assert info.value.code == "empty_passphrase"
    with pytest.raises(WalletError) as info:
        Wallet.create(tmp_path / "no" / "such" / "dir", PASSPHRASE, kdf=FAST)
    assert info.value.code == "wallet_unwritable"


def _edit(path: Path, sql: str, *params: Any) -> None:
    with sqlite3.connect(path) as db:
        db.execute(sql, params)
    db.close()


def _damage(wallet_path: Path) -> str:
    with pytest.raises(WalletError) as info:
        Wallet.open(wallet_path, PASSPHRASE)
    assert info.value.code in {"wallet_damaged", "unsupported_wallet_version"}
    return info.value.message


@pytest.fixture
def full_wallet(wallet_path: Path, make_credential: MakeCredential) -> Path:
    with Wallet.create(wallet_path, PASSPHRASE, kdf=FAST) as w:
        w.add(make_credential())
        w.add(make_credential(holder=NAMES["cyrillic"]))
    return wallet_path


def _rows(path: Path) -> list[tuple[str, bytes]]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT rid, blob FROM records WHERE rid != 'manifest'").fetchall()
    db.close()
    return rows


def test_tampered_record_is_named(full_wallet: Path) -> None:
    rid, blob = _rows(full_wallet)[0]
    flipped = blob[:20] + bytes([blob[20] ^ 1]) + blob[21:]
    _edit(full_wallet, "UPDATE records SET blob = ? WHERE rid = ?", flipped, rid)
    assert f"record {rid[:12]} failed its integrity check" in _damage(full_wallet)


def test_removed_record_is_detected(full_wallet: Path) -> None:
    rid, _ = _rows(full_wallet)[0]
    _edit(full_wallet, "DELETE FROM records WHERE rid = ?", rid)
    assert "a record was removed, added or replaced" in _damage(full_wallet)


def test_swapped_records_are_detected(full_wallet: Path) -> None:
    (rid1, _), (_, blob2) = _rows(full_wallet)[:2]
    _edit(full_wallet, "UPDATE records SET blob = ? WHERE rid = ?", blob2, rid1)
    assert "integrity check" in _damage(full_wallet)


def test_rolled_back_record_is_detected(full_wallet: Path, make_credential: MakeCredential) -> None:
    """An old copy of the file cannot lend a record to the new one unnoticed."""
    old_rows = dict(_rows(full_wallet))
    with Wallet.open(full_wallet, PASSPHRASE) as w:
        w.recheck()
    new_rows = dict(_rows(full_wallet))
    changed = [rid for rid in old_rows if new_rows.get(rid) != old_rows[rid]]
    assert changed
    _edit(
        full_wallet, "UPDATE records SET blob = ? WHERE rid = ?", old_rows[changed[0]], changed[0]
    )
    assert "a record was removed, added or replaced" in _damage(full_wallet)


def test_copied_record_from_another_wallet_is_detected(
    tmp_path: Path, full_wallet: Path, make_credential: MakeCredential
) -> None:
    other = tmp_path / "other.wallet"
    with Wallet.create(other, PASSPHRASE, kdf=FAST) as w:
        w.add(make_credential())
    rid, blob = _rows(other)[0]
    _edit(full_wallet, "INSERT INTO records VALUES (?, ?)", rid, blob)
    assert "integrity check" in _damage(full_wallet)


@pytest.mark.parametrize("name", ["format", "wallet_id", "key_envelope", "checksum"])
def test_damaged_metadata_is_named(full_wallet: Path, name: str) -> None:
    with sqlite3.connect(full_wallet) as db:
        (value,) = db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
    db.close()
    damaged = value[:10] + ("x" if value[10] != "x" else "y") + value[11:]
    _edit(full_wallet, "UPDATE meta SET value = ? WHERE name = ?", damaged, name)
    assert "format metadata" in _damage(full_wallet)


def test_newer_format_version(full_wallet: Path) -> None:
    from wallet._store import _meta_checksum

    with sqlite3.connect(full_wallet) as db:
        meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
    db.close()
    meta["version"] = "2"
    _edit(full_wallet, "UPDATE meta SET value = '2' WHERE name = 'version'")
    _edit(full_wallet, "UPDATE meta SET value = ? WHERE name = 'checksum'", _meta_checksum(meta))
    with pytest.raises(WalletError) as info:
        Wallet.open(full_wallet, PASSPHRASE)
    assert info.value.code == "unsupported_wallet_version"


def test_nothing_readable_in_the_raw_file(
    tmp_path: Path, wallet_path: Path, make_credential: MakeCredential
) -> None:
    """No holder name, credential field, label, DID or history in plain text."""
    secrets_in_wallet: list[str] = []
    with Wallet.create(wallet_path, PASSPHRASE, kdf=FAST) as w:
        secrets_in_wallet.append(w.holder_did)
        for script, name in NAMES.items():
            credential = make_credential(holder=name, subject_id=w.holder_did)
            entry = w.add(credential, label=f"label-{script}-Qz")
            secrets_in_wallet += [name, credential["id"], credential["proof"]["proofValue"]]
            secrets_in_wallet.append(entry.id)
            secrets_in_wallet.append(f"label-{script}-Qz")
        w.add_holder_key(label="second-key-label")
        secrets_in_wallet += ["second-key-label", "Regional Training Center", "Welding"]
        secrets_in_wallet += ["PH-PQF", "alignment", "credentialSubject", "presented", "added"]
        w.present([w.list()[0].id], challenge="c", domain="consulate.example")
        secrets_in_wallet.append("consulate.example")
    raw = wallet_path.read_bytes()
    for secret in secrets_in_wallet:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert secret.encode(encoding) not in raw, (secret, encoding)
        assert secret.lower().encode() not in raw.lower(), secret


def test_closed_wallet(wallet: Wallet) -> None:
    wallet.close()
    wallet.close()  # idempotent
    for action in (wallet.list, lambda: wallet.holder_did, lambda: wallet.add_holder_key()):
        with pytest.raises(WalletError) as info:
            action()
        assert info.value.code == "wallet_closed"


def test_did_web_issuer_proof_checked_when_its_document_is_given(
    wallet: Wallet, reference: dict[str, Any]
) -> None:
    """Offline, a did:web proof cannot be checked: the credential is kept and marked (an offer
    is single use); with the DID document it verifies, and recheck() updates the mark."""
    key = skillpass.KeyPair.generate()
    did = "did:web:rtc7.example.ph"
    document = skillpass.did_web_document(did, [skillpass.WebKey(key.public_key.multibase, "k1")])
    doc = copy.deepcopy(reference)
    doc["issuer"]["id"] = did
    signed = skillpass.sign_credential(doc, key, verification_method=f"{did}#k1")
    entry = wallet.add(signed)
    assert wallet.get(entry.id).summary.verified is False
    assert wallet.get(entry.id).credential == signed
    assert "did_not_found" in entry.marks or "proof_not_checked" in entry.marks
    resolver = skillpass.OfflineResolver({did: document})
    [rechecked] = wallet.recheck(resolver=resolver, trusted_issuers={did})
    assert rechecked.issuer_trusted
    assert rechecked.summary.verified
    assert rechecked.summary.levels[0].framework == "PH-PQF"
    other = copy.deepcopy(reference)
    other["issuer"]["id"] = did
    other["id"] = "urn:uuid:0d4f1a3e-3a33-4b7e-8f0e-6b1f0c2d9e11"
    second = wallet.add(
        skillpass.sign_credential(other, key, verification_method=f"{did}#k1"), resolver=resolver
    )
    assert second.summary.verified
    assert "did_not_found" not in second.marks


def test_wallet_imports_no_server_frameworks() -> None:
    import subprocess
    import sys

    code = (
        "import sys, wallet, wallet.cli\n"
        "bad = [m for m in ('fastapi', 'sqlalchemy', 'uvicorn') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def test_wallet_in_use_by_another_program(
    wallet_path: Path, wallet: Wallet, make_credential: MakeCredential, monkeypatch: Any
) -> None:
    from wallet import _store

    monkeypatch.setattr(_store, "BUSY_TIMEOUT", 0.2)
    credential = make_credential()
    with Wallet.open(wallet_path, PASSPHRASE) as other:
        other_db = sqlite3.connect(wallet_path, isolation_level=None)
        other_db.execute("BEGIN EXCLUSIVE")  # another program is writing
        try:
            with pytest.raises(WalletError) as info:
                other.add(credential)
            assert info.value.code == "wallet_busy"
        finally:
            other_db.execute("ROLLBACK")
            other_db.close()
        assert other.add(credential).credential == credential
