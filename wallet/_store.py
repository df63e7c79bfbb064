"""The encrypted wallet file: SQLite holding sealed records (not public API).

Layout (docs/wallet.md has the full format)::

    meta(name, value)      format metadata in plain text: format, version, wallet_id, the sealed
                           data key (scrypt parameters inside), and a SHA-256 checksum of these
    records(rid, blob)     every record: AES-256-GCM under the data key, with the wallet id and
                           the record id as associated data; rids are random
    the record "manifest"  (encrypted too) the number of records and a keyed sum over every
                           (rid, blob), so removing, adding or rolling back a record is detected

Each change is one SQLite transaction (rollback journal, ``synchronous=FULL``), so a crash
leaves either the old or the new state. Records are JSON objects; their meaning belongs to the
caller (``_wallet.py``).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from skillpass import sealing
from skillpass.errors import SealingError

from ._errors import WalletError

FORMAT = "skillpass-wallet"
VERSION = "1"
APPLICATION_ID = 0x53505731  # "SPW1" in the SQLite header: `file` and tools can tell it apart
MANIFEST = "manifest"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_META_KEYS = ("format", "version", "wallet_id", "key_envelope")
_MODULUS = 2**256
_MAX_RECORD = 16 * 1024 * 1024
BUSY_TIMEOUT = 10.0  # seconds to wait for another program's transaction on the same wallet


def _damaged(what: str) -> WalletError:
    return WalletError(f"the wallet file is damaged: {what}", code="wallet_damaged")


def _meta_checksum(meta: dict[str, str]) -> str:
    text = json.dumps([meta.get(k) for k in _META_KEYS], ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


# Python's sqlite3 decodes SQLite's messages as UTF-8: a damaged schema can make the message
# itself undecodable, so that error is a sign of damage too.
_SQLITE_ERRORS = (sqlite3.Error, UnicodeDecodeError)


def _sqlite_error(exc: Exception, path: Path) -> WalletError:
    """Name what went wrong at the SQLite level without a traceback."""
    if isinstance(exc, UnicodeDecodeError):
        return _damaged("the database structure (unreadable text)")
    text = str(exc)
    if "locked" in text or "busy" in text:
        return WalletError(
            f"the wallet {path} is in use by another program; try again", code="wallet_busy"
        )
    if "readonly" in text or "disk is full" in text or "unable to open" in text:
        return WalletError(f"cannot write the wallet {path}: {text}", code="wallet_unwritable")
    if "not a database" in text:
        return WalletError(
            f"{path} is not a SkillPass wallet (or its file header is damaged)",
            code="not_a_wallet",
        )
    return _damaged(f"the database structure ({text})")


class Store:
    """An open wallet file. Use :meth:`create` or :meth:`open`; close with :meth:`close`."""

    def __init__(self, path: Path, conn: sqlite3.Connection, meta: dict[str, str], key: bytes):
        self.path = path
        self._conn = conn
        self._meta = meta
        self._wallet_id = meta["wallet_id"]
        self._key = key
        self._mac_key = hmac.new(key, b"skillpass-wallet manifest", hashlib.sha256).digest()
        self._records: dict[str, dict[str, Any]] = {}
        self._manifest_blob: bytes | None = None
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise WalletError("the wallet is closed; open it again", code="wallet_closed")

    # ----- creating and opening

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        records: list[dict[str, Any]],
        *,
        params: sealing.ScryptParams = sealing.WALLET_SCRYPT,
    ) -> Store:
        """Write a new wallet holding ``records`` at ``path`` (never over an existing file).

        The file is built under a temporary name and linked into place, so a crash never
        leaves half a wallet at ``path``."""
        if path.exists():
            raise WalletError(f"{path} exists already; not overwriting it", code="wallet_exists")
        wallet_id = secrets.token_hex(16)
        key = sealing.random_key()
        envelope = sealing.seal(
            key, passphrase, associated_data=cls._envelope_ad(wallet_id), params=params
        )
        meta = {
            "format": FORMAT,
            "version": VERSION,
            "wallet_id": wallet_id,
            "key_envelope": json.dumps(envelope, separators=(",", ":")),
        }
        meta["checksum"] = _meta_checksum(meta)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
        except OSError as exc:
            raise WalletError(
                f"cannot create the wallet {path}: {exc.strerror}", code="wallet_unwritable"
            ) from None
        store: Store | None = None
        try:
            conn = cls._connect(tmp)
            store = cls(tmp, conn, meta, key)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
                conn.execute("CREATE TABLE records (rid TEXT PRIMARY KEY, blob BLOB NOT NULL)")
                conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
                store._write_manifest({"count": 0, "sum": 0, "generation": 0})
                conn.execute("COMMIT")
            except _SQLITE_ERRORS as exc:
                raise _sqlite_error(exc, path) from None
            store.write(puts={secrets.token_hex(16): r for r in records})
            conn.close()
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise WalletError(
                    f"{path} exists already; not overwriting it", code="wallet_exists"
                ) from None
            except OSError as exc:
                raise WalletError(
                    f"cannot create the wallet {path}: {exc.strerror}", code="wallet_unwritable"
                ) from None
            _fsync_dir(path.parent)
        finally:
            tmp.unlink(missing_ok=True)
        opened = cls(path, cls._connect(path), meta, key)
        opened._load()
        return opened

    @classmethod
    def open(cls, path: Path, passphrase: str) -> Store:
        """Open ``path``: check its format and integrity, unwrap the data key, verify every
        record. Raises ``bad_passphrase``, ``wallet_damaged`` (naming the part),
        ``not_a_wallet``, ``wallet_not_found`` or ``unsupported_wallet_version``."""
        try:
            with path.open("rb") as fh:
                head = fh.read(len(_SQLITE_MAGIC))
        except FileNotFoundError:
            raise WalletError(f"no wallet at {path}", code="wallet_not_found") from None
        except OSError as exc:
            raise WalletError(
                f"cannot read the wallet {path}: {exc.strerror}", code="wallet_not_found"
            ) from None
        if head != _SQLITE_MAGIC:
            raise WalletError(
                f"{path} is not a SkillPass wallet (or its file header is damaged)",
                code="not_a_wallet",
            )
        conn = cls._connect(path)
        try:
            meta = cls._read_meta(conn, path)
            try:
                envelope = json.loads(meta["key_envelope"])
                key = sealing.unseal(
                    envelope, passphrase, associated_data=cls._envelope_ad(meta["wallet_id"])
                )
            except ValueError:
                raise _damaged("the sealed data key is not JSON") from None
            except SealingError as exc:
                if exc.code == "bad_passphrase":
                    raise WalletError(
                        "wrong passphrase for this wallet", code="bad_passphrase"
                    ) from None
                if exc.code == "empty_passphrase":
                    raise WalletError(exc.message, code="empty_passphrase") from None
                raise _damaged(f"the sealed data key ({exc.message})") from None
            if len(key) != 32:
                raise _damaged("the data key has the wrong length")
            store = cls(path, conn, meta, key)
            store._load()
            return store
        except BaseException:
            conn.close()
            raise

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                f"file:{path}?mode=rw", uri=True, isolation_level=None, timeout=BUSY_TIMEOUT
            )
            conn.text_factory = _text
            conn.execute("PRAGMA journal_mode = DELETE")  # one file at rest, no -wal beside it
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA secure_delete = ON")  # removed credentials leave no bytes
        except _SQLITE_ERRORS as exc:
            raise _sqlite_error(exc, path) from None
        return conn

    @staticmethod
    def _envelope_ad(wallet_id: str) -> bytes:
        return f"{FORMAT}/{VERSION}\x00{wallet_id}\x00data-key".encode()

    @classmethod
    def _read_meta(cls, conn: sqlite3.Connection, path: Path) -> dict[str, str]:
        try:
            check = conn.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:
                detail = "; ".join(str(row[0]) for row in check[:3])
                raise _damaged(f"the database structure ({detail})")
            (app_id,) = conn.execute("PRAGMA application_id").fetchone()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema")}
            if app_id != APPLICATION_ID or not {"meta", "records"} <= tables:
                raise WalletError(
                    f"{path} is an SQLite file but not a SkillPass wallet", code="not_a_wallet"
                )
            rows = conn.execute("SELECT name, value FROM meta").fetchall()
        except _SQLITE_ERRORS as exc:
            raise _sqlite_error(exc, path) from None
        meta = {str(k): v for k, v in rows if isinstance(v, str)}
        if meta.get("format") != FORMAT:
            if "checksum" in meta and meta.get("checksum") == _meta_checksum(meta):
                raise WalletError(f"{path} is not a SkillPass wallet", code="not_a_wallet")
            raise _damaged("the format metadata (format name)")
        if meta.get("checksum") != _meta_checksum(meta) or len(rows) != len(_META_KEYS) + 1:
            raise _damaged("the format metadata (its checksum does not match)")
        if meta["version"] != VERSION:
            raise WalletError(
                f"this wallet has format version {meta['version']}; this SkillPass reads "
                f"version {VERSION}",
                code="unsupported_wallet_version",
            )
        return meta

    # ----- records

    def _ad(self, rid: str) -> bytes:
        return f"{FORMAT}/{VERSION}\x00{self._wallet_id}\x00{rid}".encode()

    def _seal(self, rid: str, record: dict[str, Any]) -> bytes:
        data = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
        return sealing.encrypt(self._key, data, associated_data=self._ad(rid))

    def _unseal(self, rid: str, blob: object) -> dict[str, Any]:
        what = "the record list" if rid == MANIFEST else f"record {rid[:12]}"
        if not isinstance(blob, bytes) or len(blob) > _MAX_RECORD:
            raise _damaged(f"{what} (not an encrypted record)")
        try:
            data = sealing.decrypt(self._key, blob, associated_data=self._ad(rid))
        except SealingError:
            raise _damaged(f"{what} failed its integrity check (altered or corrupted)") from None
        try:
            value = json.loads(data)
        except ValueError:
            raise _damaged(f"{what} is not readable") from None
        if not isinstance(value, dict):
            raise _damaged(f"{what} is not readable")
        return value

    def _row_hash(self, rid: str, blob: bytes) -> int:
        mac = hmac.new(self._mac_key, rid.encode() + b"\x00" + blob, hashlib.sha256)
        return int.from_bytes(mac.digest(), "big")

    def _write_manifest(self, manifest: dict[str, int]) -> None:
        body = {"count": manifest["count"], "sum": format(manifest["sum"], "064x")}
        body["generation"] = manifest["generation"]
        blob = self._seal(MANIFEST, body)
        self._conn.execute(
            "INSERT INTO records VALUES (?, ?) "
            "ON CONFLICT (rid) DO UPDATE SET blob = excluded.blob",
            (MANIFEST, blob),
        )
        self._manifest_blob = blob

    def _read_manifest(self) -> tuple[dict[str, int], bytes]:
        row = self._conn.execute("SELECT blob FROM records WHERE rid = ?", (MANIFEST,)).fetchone()
        if row is None:
            raise _damaged("the record list is missing")
        body = self._unseal(MANIFEST, row[0])
        try:
            manifest = {
                "count": int(body["count"]),
                "sum": int(body["sum"], 16),
                "generation": int(body["generation"]),
            }
        except (KeyError, TypeError, ValueError):
            raise _damaged("the record list is not readable") from None
        return manifest, row[0]

    def _load(self) -> None:
        """Read and verify every record (the manifest first)."""
        try:
            manifest, manifest_blob = self._read_manifest()
            rows = self._conn.execute(
                "SELECT rid, blob FROM records WHERE rid != ?", (MANIFEST,)
            ).fetchall()
        except _SQLITE_ERRORS as exc:
            raise _sqlite_error(exc, self.path) from None
        total = 0
        records: dict[str, dict[str, Any]] = {}
        for rid, blob in rows:
            if not isinstance(rid, str) or not isinstance(blob, bytes):
                raise _damaged("a record has the wrong type")
            records[rid] = self._unseal(rid, blob)
            total = (total + self._row_hash(rid, blob)) % _MODULUS
        if len(rows) != manifest["count"] or total != manifest["sum"]:
            raise _damaged(
                f"the records do not match the record list ({len(rows)} stored, "
                f"{manifest['count']} listed): a record was removed, added or replaced outside "
                "the wallet"
            )
        self._records = records
        self._manifest_blob = manifest_blob

    def _refresh(self) -> None:
        """Reload when another program changed the wallet since we last read it."""
        try:
            row = self._conn.execute(
                "SELECT blob FROM records WHERE rid = ?", (MANIFEST,)
            ).fetchone()
        except _SQLITE_ERRORS as exc:
            raise _sqlite_error(exc, self.path) from None
        if row is None or row[0] != self._manifest_blob:
            self._load()

    def records(self) -> dict[str, dict[str, Any]]:
        """Every record by rid (decrypted, verified)."""
        self._check_open()
        self._refresh()
        return dict(self._records)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except _SQLITE_ERRORS as exc:
            raise _sqlite_error(exc, self.path) from None
        try:
            yield
            self._conn.execute("COMMIT")
        except _SQLITE_ERRORS as exc:
            self._rollback()
            raise _sqlite_error(exc, self.path) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute("ROLLBACK")
        self._manifest_blob = None  # reload from the file on the next read

    def write(
        self, *, puts: dict[str, dict[str, Any]] | None = None, deletes: list[str] | None = None
    ) -> None:
        """Insert or replace ``puts`` and delete ``deletes``, in one transaction."""
        puts, deletes = puts or {}, deletes or []
        self._check_open()
        with self._transaction():
            manifest, blob = self._read_manifest()
            if blob != self._manifest_blob:
                self._load()  # another program wrote: verify what we build on
            changed: dict[str, dict[str, Any] | None] = {}
            for rid in deletes:
                row = self._conn.execute(
                    "SELECT blob FROM records WHERE rid = ?", (rid,)
                ).fetchone()
                if row is None:
                    continue
                manifest["sum"] -= self._row_hash(rid, row[0])
                manifest["count"] -= 1
                self._conn.execute("DELETE FROM records WHERE rid = ?", (rid,))
                changed[rid] = None
            for rid, record in puts.items():
                row = self._conn.execute(
                    "SELECT blob FROM records WHERE rid = ?", (rid,)
                ).fetchone()
                if row is not None:
                    manifest["sum"] -= self._row_hash(rid, row[0])
                    manifest["count"] -= 1
                new = self._seal(rid, record)
                self._conn.execute(
                    "INSERT INTO records VALUES (?, ?) "
                    "ON CONFLICT (rid) DO UPDATE SET blob = excluded.blob",
                    (rid, new),
                )
                manifest["sum"] += self._row_hash(rid, new)
                manifest["count"] += 1
                changed[rid] = record
            manifest["sum"] %= _MODULUS
            manifest["generation"] += 1
            self._write_manifest(manifest)
        for rid, value in changed.items():
            if value is None:
                self._records.pop(rid, None)
            else:
                self._records[rid] = value

    def rewrap(self, passphrase: str, *, params: sealing.ScryptParams | None = None) -> None:
        """Seal the same data key under a new passphrase (fresh salt); records are untouched."""
        self._check_open()
        envelope = sealing.seal(
            self._key,
            passphrase,
            associated_data=self._envelope_ad(self._wallet_id),
            params=params or self.kdf_params,
        )
        meta = dict(self._meta)
        meta["key_envelope"] = json.dumps(envelope, separators=(",", ":"))
        meta["checksum"] = _meta_checksum(meta)
        with self._transaction():
            self._conn.executemany(
                "UPDATE meta SET value = ? WHERE name = ?",
                [(meta["key_envelope"], "key_envelope"), (meta["checksum"], "checksum")],
            )
        self._meta = meta

    @property
    def kdf_params(self) -> sealing.ScryptParams:
        """The scrypt parameters that protect the data key (stored in the file)."""
        return sealing.envelope_params(json.loads(self._meta["key_envelope"]))

    def close(self) -> None:
        """Close the file (idempotent)."""
        self._closed = True
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()


def _text(data: bytes) -> str:
    """SQLite TEXT values: a damaged byte must be reported as damage, not as a traceback."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _damaged("a stored text value is not valid UTF-8") from None


def _fsync_dir(directory: Path) -> None:
    # The new name must survive a power cut too; directories cannot be opened on Windows.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
