"""The holder's wallet: credentials, holder keys, presentations, backups (see ``wallet``)."""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import secrets
import time
import zlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import skillpass
import skillpass.frameworks as frameworks
from skillpass import sealing
from skillpass.errors import SealingError

from ._errors import WalletError
from ._store import Store
from ._summary import Summary, fits_qr, fold, from_report

VC_V2 = "https://www.w3.org/ns/credentials/v2"
BACKUP_FORMAT = "skillpass-wallet-backup"
BACKUP_VERSION = 1
MAX_BACKUP_BYTES = 256 * 1024 * 1024
_BACKUP_AD = b"skillpass-wallet-backup/1"
# A worker's wallet holds tens of credentials; a backup that inflates beyond this is refused
# rather than exhausting a phone's memory.
_MAX_BACKUP_PLAINTEXT = 512 * 1024 * 1024
# A phone verifying (or signing) its first document, with cold caches, can need more than the
# core's one-second deadline: a genuine credential must not be refused for a slow device. The
# other caps still bound the work on a hostile document.
_ADD_LIMITS = skillpass.Limits(max_seconds=30.0)
# Checks whose failure means the credential is not authentic: refused. Validity and status
# failures (expired, revoked) describe a genuine credential: kept, and shown as such.
_AUTHENTICITY = ("format", "proof", "issuer")


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _content_id(credential: dict[str, Any]) -> str:
    """The wallet's id for a credential: a hash of its JSON (the same credential twice is
    stored once). Kept inside the encryption: a plain hash would let anyone holding a copy of
    a credential confirm that this wallet has it."""
    text = json.dumps(credential, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class StoredCredential:
    """One credential in the wallet.

    ``id`` is the wallet's short id (16 hex digits; any unique prefix of 4 or more selects
    it); ``credential`` is the signed JSON exactly as received; ``verification`` is the last
    verification (``status``, ``checks``, ``checked_at``); ``issuer_trusted`` is whether that
    verification found the issuer trusted (``False``: accepted but unknown or untrusted).
    """

    id: str
    credential: dict[str, Any]
    added: str
    label: str | None
    source: str | None
    verification: dict[str, Any]
    fits_qr: bool
    summary: Summary

    @property
    def credential_id(self) -> str | None:
        """The credential's own ``id`` (often ``urn:uuid:…``), if it has one."""
        value = self.credential.get("id")
        return value if isinstance(value, str) else None

    @property
    def status(self) -> str:
        """The last known verification status: ``valid``, ``invalid`` or ``unknown``."""
        return str(self.verification.get("status", "unknown"))

    @property
    def issuer_trusted(self) -> bool:
        """Whether the last verification found the issuer trusted."""
        return self._check_status("issuer") == "valid"

    @property
    def marks(self) -> list[str]:
        """Short reasons why the last known status is not ``valid`` (check codes)."""
        return [
            str(c.get("code"))
            for c in self.verification.get("checks", [])
            if isinstance(c, dict) and c.get("status") != "valid"
        ]

    def _check_status(self, check_id: str) -> str | None:
        for c in self.verification.get("checks", []):
            if isinstance(c, dict) and c.get("id") == check_id:
                return str(c.get("status"))
        return None

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON (what ``skillpass wallet list --json`` prints)."""
        s = self.summary
        return {
            "id": self.id,
            "credentialId": self.credential_id,
            "label": self.label,
            "added": self.added,
            "source": self.source,
            "title": s.title,
            "holder": s.holder,
            "issuer": {"id": s.issuer_id, "name": s.issuer_name, "trusted": self.issuer_trusted},
            "levels": [
                {"framework": lv.framework, "frameworkName": lv.framework_name, "level": lv.level}
                for lv in s.levels
            ],
            "validFrom": s.valid_from,
            "validUntil": s.valid_until,
            "status": self.status,
            "marks": self.marks,
            "checkedAt": self.verification.get("checked_at"),
            "fitsQr": self.fits_qr,
            "credential": self.credential,
        }


@dataclass(frozen=True, slots=True)
class HolderKey:
    """A holder key of the wallet (its private key stays inside the wallet)."""

    did: str
    label: str | None
    created: str
    primary: bool


def _report_record(report: skillpass.VerificationReport) -> dict[str, Any]:
    return {
        "status": report.status,
        "checks": [c.to_dict() for c in report.checks],
        "checked_at": _now(),
    }


class Wallet:
    """An encrypted, crash-safe store of a holder's credentials and keys.

    >>> w = Wallet.create("maria.wallet", "a long passphrase")   # doctest: +SKIP
    >>> entry = w.add(signed_credential)                          # doctest: +SKIP
    >>> vp = w.present([entry.id], challenge="c0ffee", domain="border.example")  # doctest: +SKIP

    Everything but format metadata is encrypted: credentials, holder keys, labels, history.
    Each change is one transaction. Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, store: Store) -> None:
        """Use :meth:`create`, :meth:`open` or :meth:`restore`."""
        self._store = store

    # ----- lifecycle

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        passphrase: str,
        *,
        kdf: sealing.ScryptParams = sealing.WALLET_SCRYPT,
    ) -> Wallet:
        """Create a new wallet file with a fresh holder key (``did:key``).

        ``kdf`` sets the scrypt cost (stored in the file); the default takes about 0.3 s.
        Raises ``wallet_exists`` rather than replace a file, ``empty_passphrase``.
        """
        _check_passphrase(passphrase)
        key = skillpass.KeyPair.generate()
        records = [
            _key_record(key, label="primary", primary=True),
            _history("created", detail=key.did),
        ]
        return cls(Store.create(Path(path), passphrase, records, params=kdf))

    @classmethod
    def open(cls, path: str | os.PathLike[str], passphrase: str) -> Wallet:
        """Open a wallet. Raises ``bad_passphrase``, ``wallet_not_found``, ``not_a_wallet``,
        ``wallet_damaged`` (the message names the damaged part) or
        ``unsupported_wallet_version``."""
        _check_passphrase(passphrase)
        return cls(Store.open(Path(path), passphrase))

    def close(self) -> None:
        """Close the wallet file."""
        self._store.close()

    def __enter__(self) -> Wallet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        """The wallet file."""
        return self._store.path

    @property
    def kdf_params(self) -> sealing.ScryptParams:
        """The key-derivation parameters protecting this wallet."""
        return self._store.kdf_params

    def change_passphrase(self, new_passphrase: str) -> None:
        """Protect the wallet with a new passphrase. Only the data key is re-wrapped: no record
        is rewritten, so this is as fast and as safe as one small transaction."""
        _check_passphrase(new_passphrase)
        self._store.rewrap(new_passphrase)
        self._store.write(puts={secrets.token_hex(16): _history("passphrase_changed")})

    # ----- records by kind

    def _by_kind(self, kind: str) -> dict[str, dict[str, Any]]:
        return {rid: r for rid, r in self._store.records().items() if r.get("kind") == kind}

    def _entries(self) -> list[tuple[str, StoredCredential]]:
        records = sorted(
            self._by_kind("credential").items(),
            key=lambda pair: (int(pair[1].get("order", 0)), str(pair[1].get("id"))),
        )
        return [(rid, _entry(record)) for rid, record in records]

    # ----- credentials

    def add(
        self,
        credential: dict[str, Any],
        *,
        label: str | None = None,
        source: str | None = None,
        now: datetime | None = None,
        resolver: skillpass.DidResolver | None = None,
        trusted_issuers: Collection[str] | None = None,
        policy: skillpass.VerificationPolicy | None = None,
    ) -> StoredCredential:
        """Verify ``credential`` and keep it.

        A credential whose format, proof or issuer binding is invalid is refused
        (:class:`WalletError` with that check's code, e.g. ``invalid_signature``). One that is
        authentic but expired, revoked, from an issuer no trust list vouches for, or whose
        proof cannot be checked offline is kept and marked (see
        :attr:`StoredCredential.marks`). Adding the same credential again returns the entry
        it already has.
        """
        report = skillpass.verify_credential(
            credential,
            policy=policy,
            now=now,
            resolver=resolver,
            trusted_issuers=trusted_issuers,
            limits=None if policy is not None else _ADD_LIMITS,
        )
        for check_id in _AUTHENTICITY:
            try:
                check = report.check(check_id)
            except KeyError:
                continue
            if check.status == "invalid":
                raise WalletError(
                    f"credential refused: {check.message}",
                    code=check.code if check.code != "not_checked" else "credential_refused",
                )
        entry_id = _content_id(credential)
        for record in self._by_kind("credential").values():
            if record.get("id") == entry_id:
                return _entry(record)
        summary = from_report(report, credential)
        record = {
            "kind": "credential",
            "id": entry_id,
            "credential": credential,
            "added": _now(),
            "order": time.time_ns(),
            "label": label,
            "source": source,
            "verification": _report_record(report),
            "fits_qr": fits_qr(credential),
            "summary": summary.to_dict(),
        }
        detail = summary.title
        self._store.write(
            puts={
                secrets.token_hex(16): record,
                secrets.token_hex(16): _history("added", entry=entry_id, detail=detail),
            }
        )
        return _entry(record)

    def list(self) -> builtins.list[StoredCredential]:
        """Every credential, oldest first."""
        return [entry for _, entry in self._entries()]

    def search(
        self,
        *,
        text: str | None = None,
        type: str | None = None,
        issuer: str | None = None,
        framework: str | None = None,
        level: str | None = None,
    ) -> builtins.list[StoredCredential]:
        """Credentials matching every given criterion (case-insensitive, any script):
        ``text`` in the title, holder, issuer, description, skills or levels; ``type`` among
        the credential's types or achievement type; ``issuer`` its DID or part of its name;
        ``framework`` (id or alias) and ``level`` a qualification level it states."""
        wanted_fw = _framework_id(framework) if framework else None
        out = []
        for entry in self.list():
            s = entry.summary
            if text and fold(text) not in s.search_text():
                continue
            if type and fold(type) not in {fold(t) for t in s.types}:
                continue
            if issuer and not (
                issuer == s.issuer_id or (s.issuer_name and fold(issuer) in fold(s.issuer_name))
            ):
                continue
            levels = s.levels
            if wanted_fw:
                levels = tuple(lv for lv in levels if fold(lv.framework) == fold(wanted_fw))
                if not levels:
                    continue
            if level is not None and not any(fold(lv.level) == fold(level) for lv in levels):
                continue
            out.append(entry)
        return out

    def get(self, id: str) -> StoredCredential:
        """The credential with this wallet id, a unique prefix of it (4+ characters), or the
        credential's own ``id``. Raises ``credential_not_found`` or ``ambiguous_id``."""
        return self._find(id)[1]

    def _find(self, key: str) -> tuple[str, StoredCredential]:
        entries = self._entries()
        exact = [p for p in entries if p[1].id == key or p[1].credential_id == key]
        if not exact and len(key) >= 4:
            exact = [p for p in entries if p[1].id.startswith(key.lower())]
        if not exact:
            raise WalletError(f"no credential {key!r} in this wallet", code="credential_not_found")
        if len(exact) > 1:
            ids = ", ".join(p[1].id for p in exact)
            raise WalletError(f"{key!r} matches several credentials: {ids}", code="ambiguous_id")
        return exact[0]

    def remove(self, id: str) -> StoredCredential:
        """Delete a credential (its bytes are overwritten in the file); returns what was
        removed."""
        rid, entry = self._find(id)
        self._store.write(
            puts={
                secrets.token_hex(16): _history(
                    "removed", entry=entry.id, detail=entry.summary.title
                )
            },
            deletes=[rid],
        )
        return entry

    def recheck(
        self,
        *,
        now: datetime | None = None,
        resolver: skillpass.DidResolver | None = None,
        trusted_issuers: Collection[str] | None = None,
        policy: skillpass.VerificationPolicy | None = None,
    ) -> builtins.list[StoredCredential]:
        """Verify every credential again (for example with a newer trust bundle) and store
        the result as each one's last known status, in one transaction."""
        puts: dict[str, dict[str, Any]] = {}
        for rid, record in self._by_kind("credential").items():
            report = skillpass.verify_credential(
                record["credential"],
                policy=policy,
                now=now,
                resolver=resolver,
                trusted_issuers=trusted_issuers,
                limits=None if policy is not None else _ADD_LIMITS,
            )
            puts[rid] = {
                **record,
                "verification": _report_record(report),
                "summary": from_report(report, record["credential"]).to_dict(),
            }
        if puts:
            self._store.write(puts=puts)
        return self.list()

    # ----- holder keys

    def _keys(self) -> builtins.list[tuple[str, dict[str, Any]]]:
        keys = list(self._by_kind("key").items())
        keys.sort(key=lambda pair: (not pair[1].get("primary"), pair[1].get("created", "")))
        return keys

    @property
    def holder_did(self) -> str:
        """The primary holder DID (``did:key``), created with the wallet."""
        return self.holder_keys()[0].did

    def holder_keys(self) -> builtins.list[HolderKey]:
        """Every holder key, the primary one first."""
        out = []
        for _, record in self._keys():
            key = _load_key(record)
            out.append(
                HolderKey(
                    did=key.did,
                    label=record.get("label"),
                    created=str(record.get("created")),
                    primary=bool(record.get("primary")),
                )
            )
        if not out:
            raise WalletError("the wallet has no holder key", code="holder_key_not_found")
        return out

    def add_holder_key(self, *, label: str | None = None) -> str:
        """Create another holder key (``did:key``) and return its DID; for example one per
        relationship, so that two verifiers cannot link the worker's presentations."""
        key = skillpass.KeyPair.generate()
        self._store.write(
            puts={
                secrets.token_hex(16): _key_record(key, label=label, primary=False),
                secrets.token_hex(16): _history("key_added", detail=key.did),
            }
        )
        return key.did

    def holder_key(self, did: str | None = None) -> skillpass.KeyPair:
        """The key pair of a holder DID (the primary one by default), for signing elsewhere.
        Raises ``holder_key_not_found``."""
        for _, record in self._keys():
            key = _load_key(record)
            if did is None or key.did == did:
                return key
        raise WalletError(f"no holder key {did} in this wallet", code="holder_key_not_found")

    # ----- presentations

    def present(
        self,
        ids: Iterable[str],
        *,
        challenge: str,
        domain: str | None,
        cryptosuite: str = "eddsa-rdfc-2022",
        holder: str | None = None,
    ) -> dict[str, Any]:
        """A Verifiable Presentation of the chosen credentials, signed by a holder key for
        ``authentication`` with the verifier's ``challenge`` and ``domain``.

        The key is ``holder`` when given, else the holder key the credentials' subjects name,
        else the primary key. A credential about a DID the wallet holds no key for cannot be
        presented (``subject_not_held``): a verifier would reject it as someone else's.
        """
        entries = [self.get(i) for i in ids]
        if not entries:
            raise WalletError(
                "choose at least one credential to present", code="nothing_to_present"
            )
        held = {k.did for k in self.holder_keys()}
        subjects = {e.summary.subject_id for e in entries} - {None}
        foreign = sorted(s for s in subjects if s not in held and s is not None)
        if foreign:
            raise WalletError(
                f"a credential is about {foreign[0]}, and this wallet holds no key for it",
                code="subject_not_held",
            )
        if holder is None:
            if len(subjects) > 1:
                raise WalletError(
                    "these credentials are about different holder keys of this wallet; present "
                    "them separately",
                    code="subject_not_held",
                )
            holder = next(iter(subjects), None) or self.holder_did
        elif subjects - {holder}:
            raise WalletError(
                f"a credential is about another holder key than {holder}", code="subject_not_held"
            )
        key = self.holder_key(holder)
        unsigned = {
            "@context": [VC_V2],
            "type": ["VerifiablePresentation"],
            "holder": key.did,
            "verifiableCredential": [e.credential for e in entries],
        }
        signed = skillpass.sign_presentation(
            unsigned,
            key,
            challenge=challenge,
            domain=domain,
            cryptosuite=cryptosuite,
            limits=_ADD_LIMITS,
        )
        self._store.write(
            puts={
                secrets.token_hex(16): _history(
                    "presented",
                    entry=",".join(e.id for e in entries),
                    detail=f"to {domain or 'no domain'}",
                )
            }
        )
        return signed

    def bind_holder(
        self, *, challenge: str, domain: str | None, holder: str | None = None
    ) -> dict[str, Any]:
        """An empty presentation proving control of a holder key (for an issuer that binds
        the credential it is about to issue to that key)."""
        key = self.holder_key(holder)
        unsigned = {"@context": [VC_V2], "type": ["VerifiablePresentation"], "holder": key.did}
        return skillpass.sign_presentation(
            unsigned, key, challenge=challenge, domain=domain, limits=_ADD_LIMITS
        )

    # ----- history

    def history(self) -> builtins.list[dict[str, Any]]:
        """What happened to this wallet (created, added, removed, presented…), oldest first."""
        events = [
            {k: v for k, v in r.items() if k != "kind"} for r in self._by_kind("history").values()
        ]
        events.sort(key=lambda e: (str(e.get("at")), int(e.get("seq", 0))))
        return events

    # ----- backup and restore

    def backup(self, path: str | os.PathLike[str], passphrase: str) -> None:
        """Write one encrypted, portable backup file (credentials, holder keys, labels,
        history) sealed with ``passphrase``. Never replaces an existing file."""
        _check_passphrase(passphrase)
        records = [r for r in self._store.records().values() if r.get("kind") != "history"]
        records += [{"kind": "history", **e} for e in self.history()]
        payload = zlib.compress(json.dumps({"records": records}, ensure_ascii=False).encode(), 9)
        envelope = sealing.seal(
            payload, passphrase, associated_data=_BACKUP_AD, params=self.kdf_params
        )
        text = json.dumps(
            {"format": BACKUP_FORMAT, "version": BACKUP_VERSION, "sealed": envelope}, indent=1
        )
        _write_new(Path(path), text.encode())
        self._store.write(puts={secrets.token_hex(16): _history("backed_up")})

    @classmethod
    def restore(
        cls,
        backup: str | os.PathLike[str],
        path: str | os.PathLike[str],
        passphrase: str,
        *,
        backup_passphrase: str | None = None,
        kdf: sealing.ScryptParams = sealing.WALLET_SCRYPT,
    ) -> Wallet:
        """Create a wallet at ``path`` from a backup file: the same credentials, holder keys,
        labels and history. The backup is opened with ``backup_passphrase`` (default:
        ``passphrase``, which protects the new wallet). Raises ``bad_passphrase``,
        ``backup_invalid``, ``wallet_exists``."""
        _check_passphrase(passphrase)
        try:
            with Path(backup).open("rb") as fh:
                raw = fh.read(MAX_BACKUP_BYTES + 1)
        except OSError as exc:
            raise WalletError(
                f"cannot read the backup {backup}: {exc.strerror}", code="backup_invalid"
            ) from None
        if len(raw) > MAX_BACKUP_BYTES:
            raise WalletError("the backup file is too large", code="backup_invalid")
        try:
            doc = json.loads(raw)
        except ValueError:
            raise WalletError(f"{backup} is not a wallet backup", code="backup_invalid") from None
        if not isinstance(doc, dict) or doc.get("format") != BACKUP_FORMAT:
            raise WalletError(f"{backup} is not a wallet backup", code="backup_invalid")
        if doc.get("version") != BACKUP_VERSION:
            raise WalletError(
                f"unsupported backup version {doc.get('version')!r}", code="backup_invalid"
            )
        try:
            payload = sealing.unseal(
                doc.get("sealed"), backup_passphrase or passphrase, associated_data=_BACKUP_AD
            )
        except SealingError as exc:
            if exc.code == "bad_passphrase":
                raise WalletError(
                    "wrong passphrase for this backup (or the backup was altered)",
                    code="bad_passphrase",
                ) from None
            raise WalletError(
                f"the backup is damaged: {exc.message}", code="backup_invalid"
            ) from None
        records = _backup_records(payload)
        records.append(_history("restored", detail=Path(backup).name))
        return cls(Store.create(Path(path), passphrase, records, params=kdf))


def _backup_records(payload: bytes) -> list[dict[str, Any]]:
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(payload, _MAX_BACKUP_PLAINTEXT)
    except zlib.error:
        raise WalletError("the backup's content is damaged", code="backup_invalid") from None
    if inflater.unconsumed_tail:
        raise WalletError("the backup's content is too large", code="backup_invalid")
    try:
        body = json.loads(data)
    except ValueError:
        raise WalletError("the backup's content is damaged", code="backup_invalid") from None
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list) or not all(
        isinstance(r, dict) and r.get("kind") in ("credential", "key", "history") for r in records
    ):
        raise WalletError("the backup's content is damaged", code="backup_invalid")
    if not any(r["kind"] == "key" for r in records):
        raise WalletError("the backup holds no holder key", code="backup_invalid")
    for r in records:
        if r["kind"] == "key":
            _load_key(r)
        elif r["kind"] == "credential":
            _entry(r)
    return cast(list[dict[str, Any]], records)


def _check_passphrase(passphrase: str) -> None:
    if not isinstance(passphrase, str):
        raise TypeError("the passphrase is a str")
    if not passphrase:
        raise WalletError("the passphrase is empty", code="empty_passphrase")


def _history(event: str, *, entry: str | None = None, detail: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": "history",
        "at": _now(),
        "seq": time.time_ns(),
        "event": event,
    }
    if entry is not None:
        record["entry"] = entry
    if detail is not None:
        record["detail"] = detail
    return record


def _key_record(key: skillpass.KeyPair, *, label: str | None, primary: bool) -> dict[str, Any]:
    return {
        "kind": "key",
        "key": key.to_json(),
        "label": label,
        "created": _now(),
        "primary": primary,
    }


def _load_key(record: dict[str, Any]) -> skillpass.KeyPair:
    try:
        return skillpass.KeyPair.from_json(record.get("key"))  # type: ignore[arg-type]
    except skillpass.SkillpassError as exc:
        raise WalletError(
            f"a holder key is unreadable: {exc.message}", code="wallet_damaged"
        ) from None


def _entry(record: dict[str, Any]) -> StoredCredential:
    try:
        credential = record["credential"]
        verification = record["verification"]
        if not isinstance(credential, dict) or not isinstance(verification, dict):
            raise TypeError
        return StoredCredential(
            id=str(record["id"]),
            credential=credential,
            added=str(record["added"]),
            label=record.get("label"),
            source=record.get("source"),
            verification=verification,
            fits_qr=bool(record.get("fits_qr")),
            summary=Summary.from_dict(record["summary"]),
        )
    except (KeyError, TypeError, ValueError):
        raise WalletError("a credential record is unreadable", code="wallet_damaged") from None


def _framework_id(framework: str) -> str:
    try:
        return frameworks.get_framework(framework).id
    except skillpass.SkillpassError:
        return framework  # a credential may name a framework SkillPass does not ship


def _write_new(path: Path, data: bytes) -> None:
    """Write a new file completely (temporary name, fsync, link), never over an existing one."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)
    except FileExistsError:
        raise WalletError(
            f"{path} exists already; not overwriting it", code="output_exists"
        ) from None
    except OSError as exc:
        raise WalletError(
            f"cannot write {path}: {exc.strerror}", code="output_unwritable"
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
