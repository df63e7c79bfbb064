"""Property tests: corrupting a wallet file is always detected, never read as other content.

Two properties. (1) Any bytes of the file changed anywhere: opening it either fails with a
:class:`WalletError` (a clear code, no traceback) or — when the change fell in space SQLite does
not use — yields exactly the original credentials, keys and history. (2) Any change to a stored
value (a record, the record list, the metadata) is always reported.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.wallet.common import FAST, NAMES, PASSPHRASE, MakeCredential
from wallet import Wallet, WalletError

pytest_plugins = ["tests.wallet.fixtures"]

CODES = {"wallet_damaged", "not_a_wallet", "bad_passphrase", "unsupported_wallet_version"}


def _contents(w: Wallet) -> Any:
    return (
        [(e.id, e.credential, e.label, e.verification) for e in w.list()],
        [k.did for k in w.holder_keys()],
        w.history(),
    )


class Original(tuple[Path, bytes, Any]):
    """The wallet under test: (path, file bytes, contents), with a short repr for reports."""

    def __repr__(self) -> str:
        return f"Original({self[0].name}, {len(self[1])} bytes)"


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory, make_credential: MakeCredential) -> Any:
    path = tmp_path_factory.mktemp("corrupt") / "w.wallet"
    with Wallet.create(path, PASSPHRASE, kdf=FAST) as w:
        for name in NAMES.values():
            w.add(make_credential(holder=name), label="x")
        contents = _contents(w)
    return Original((path, path.read_bytes(), contents))


def _open_corrupted(data: bytes, expected: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "w.wallet"
        path.write_bytes(data)
        try:
            w = Wallet.open(path, PASSPHRASE)
        except WalletError as exc:
            assert exc.code in CODES, exc
            return
        with w:
            try:
                contents = _contents(w)
            except WalletError as exc:
                assert exc.code in CODES, exc
                return
        assert contents == expected


@settings(
    max_examples=300,
    deadline=None,
    database=None,  # the file differs run to run (random keys): replaying old draws misleads
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    changes=st.lists(st.tuples(st.integers(0, 2**31), st.integers(1, 255)), min_size=1, max_size=8)
)
def test_any_byte_corruption_is_detected_or_harmless(
    original: Any, changes: list[tuple[int, int]]
) -> None:
    _, raw, expected = original
    corrupted = bytearray(raw)
    for position, xor in changes:
        corrupted[position % len(raw)] ^= xor
    _open_corrupted(bytes(corrupted), expected)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(0, 100_000))
def test_truncated_file_is_detected_or_harmless(original: Any, cut: int) -> None:
    _, raw, expected = original
    _open_corrupted(raw[: cut % len(raw)], expected)


def _stored_values(path: Path) -> list[tuple[str, str, Any]]:
    with sqlite3.connect(path) as db:
        rows = [("records", rid, blob) for rid, blob in db.execute("SELECT rid, blob FROM records")]
        rows += [
            ("meta", name, value) for name, value in db.execute("SELECT name, value FROM meta")
        ]
    db.close()
    return rows


@settings(
    max_examples=200,
    deadline=None,
    database=None,  # the file differs run to run (random keys): replaying old draws misleads
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_changed_stored_value_is_reported(original: Any, data: st.DataObject) -> None:
    path, _, _ = original
    table, key, value = data.draw(st.sampled_from(_stored_values(path)))
    raw = value if isinstance(value, bytes) else value.encode()
    position = data.draw(st.integers(0, len(raw) - 1))
    xor = data.draw(st.integers(1, 255))
    changed = bytearray(raw)
    changed[position] ^= xor
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "w.wallet"
        shutil.copyfile(path, copy)
        new: Any = bytes(changed) if isinstance(value, bytes) else bytes(changed).decode("latin-1")
        column = "blob" if table == "records" else "value"
        where = "rid" if table == "records" else "name"
        with sqlite3.connect(copy) as db:
            db.execute(f"UPDATE {table} SET {column} = ? WHERE {where} = ?", (new, key))
        db.close()
        with pytest.raises(WalletError) as info, Wallet.open(copy, PASSPHRASE) as w:
            _contents(w)
        assert info.value.code in CODES
