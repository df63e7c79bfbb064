"""The issuer's domain logic: institutes, keys, issuance, status, offers (no HTTP here)."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

import skillpass
from skillpass.errors import KeyFileError, MalformedValueError, ResolutionError, SkillpassError
from skillpass.status import (
    REVOCATION_AND_SUSPENSION_MESSAGES,
    Bitstring,
    StatusListChecker,
    build_status_entry,
    build_status_list_credential,
)

from .cohort import parse_cohort
from .errors import (
    ConflictError,
    ForbiddenError,
    GoneError,
    NotFoundError,
    ServiceBusyError,
    UnauthorizedError,
)
from .metrics import Metrics
from .models import (
    ApiKey,
    AuditEntry,
    Credential,
    Institute,
    InstituteKey,
    Meta,
    Offer,
    StatusAllocation,
    StatusList,
)
from .settings import Settings

__all__ = ["CRYPTOSUITES", "Actor", "IssueItem", "IssuerService", "OwnDids", "OwnStatusLists"]

CRYPTOSUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019", "ecdsa-jcs-2019")
KEY_TYPES = ("Ed25519", "P-256", "P-384")
SigningKey = skillpass.KeyPair | skillpass.EcdsaKeyPair
VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
STATUS_V1 = "https://www.w3.org/ns/credentials/status/v1"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CHECK_PLAINTEXT = b"skillpass-master-key-check-v1"
_KEY_PREFIX = "spk_"
# pyld's context caches are shared and not thread-safe, and signing is CPU-bound under the GIL
# anyway: one signature or verification at a time per process (processes give parallelism).
_CORE_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a request: the admin, or one institute through one of its API keys."""

    name: str
    institute_id: int | None = None
    slug: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.institute_id is None


@dataclass(slots=True)
class IssueItem:
    """One credential to issue and its VC-API options."""

    credential: Any
    options: Any = None


def _key_type(public_key_multibase: str) -> str:
    """``Ed25519``, ``P-256`` or ``P-384``, from a Multikey's multibase prefix."""
    if public_key_multibase.startswith("zDn"):
        return "P-256"
    if public_key_multibase.startswith("z82"):
        return "P-384"
    return "Ed25519"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _aware(value: datetime) -> datetime:
    # SQLite gives naive datetimes back; everything stored is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _with_path(exc: SkillpassError, prefix: str) -> SkillpassError:
    exc.path = prefix + (exc.path or "")
    return exc


def _check_offerable(status_value: int) -> None:
    """Refuse to hand out a revoked or suspended credential (any status bit set, whether the
    entry is one-bit revocation or two-bit revocation + suspension)."""
    if status_value:
        raise ConflictError(
            "the credential is revoked or suspended, so it cannot be offered to a wallet",
            code="credential_not_offerable",
        )


class IssuerService:
    """Everything the HTTP layer calls. One per process; thread-safe (one session per call)."""

    def __init__(self, settings: Settings, engine: Engine, master_key: bytes, metrics: Metrics):
        self.settings = settings
        self.engine = engine
        self.metrics = metrics
        self._aead = AESGCM(master_key)
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._lists_lock = threading.Lock()
        self._list_cache: OrderedDict[tuple[int, int, str], tuple[dict[str, Any], str]] = (
            OrderedDict()
        )
        parts = urlsplit(settings.public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise MalformedValueError(
                "SKILLPASS_PUBLIC_URL must be an http(s) URL", code="invalid_public_url"
            )
        self.public_url = settings.public_url.rstrip("/")
        host = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
        path = [quote(p, safe="") for p in parts.path.split("/") if p]
        self._did_web_base = ":".join(["did:web", host, *path])
        self._root_allowed = not path

    # -- sessions ---------------------------------------------------------------------------

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on any error."""
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            # A locked or unreachable database is the client's cue to retry, not a 500.
            raise ServiceBusyError(
                "the database is busy or unreachable; retry shortly", code="service_busy"
            ) from exc

    def _audit(
        self, session: Session, actor: Actor, action: str, target: str, **detail: Any
    ) -> None:
        session.add(
            AuditEntry(at=_now(), actor=actor.name, action=action, target=target, detail=detail)
        )

    # -- master key -------------------------------------------------------------------------

    def check_master_key(self) -> None:
        """Fail at start, clearly, when the master key is not the one this database was set
        up with (a check value encrypted with it is kept in the database)."""
        for _ in range(3):
            with self.session() as session:
                row = session.get(Meta, "master_key_check")
                if row is not None:
                    try:
                        plain = self._aead.decrypt(row.value[:12], row.value[12:], b"check")
                    except InvalidTag:
                        plain = b""
                    if plain != _CHECK_PLAINTEXT:
                        raise KeyFileError(
                            "the master key is not the one this database was created with "
                            "(check SKILLPASS_MASTER_KEY or the master.key file)",
                            code="wrong_master_key",
                        )
                    return
            try:
                with self.session() as session:
                    nonce = os.urandom(12)
                    blob = nonce + self._aead.encrypt(nonce, _CHECK_PLAINTEXT, b"check")
                    session.add(Meta(name="master_key_check", value=blob))
                return
            except IntegrityError:
                continue  # another process stored its check value first: verify against it

    def _encrypt_seed(self, seed: bytes, aad: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, seed, aad.encode())

    def _key_pair(self, row: InstituteKey) -> SigningKey:
        blob = row.encrypted_seed
        seed = self._aead.decrypt(blob[:12], blob[12:], f"{row.institute_id}:{row.key_id}".encode())
        # An Ed25519 key is stored as its 32-byte seed; a P-256/P-384 key as the ASCII text of
        # its Multikey secretKeyMultibase (longer than 32 bytes).
        if len(seed) != 32:
            return skillpass.EcdsaKeyPair.from_secret_multibase(seed.decode("ascii"))
        return skillpass.KeyPair.from_seed(seed)

    def _new_key(
        self, institute_id: int, key_id: str, key_type: str = "Ed25519"
    ) -> tuple[InstituteKey, SigningKey]:
        pair: SigningKey
        if key_type == "Ed25519":
            seed = os.urandom(32)
            pair = skillpass.KeyPair.from_seed(seed)
        else:
            pair = skillpass.EcdsaKeyPair.generate(key_type)
            seed = str(pair.to_json()["secretKeyMultibase"]).encode("ascii")
        row = InstituteKey(
            institute_id=institute_id,
            key_id=key_id,
            public_key_multibase=pair.public_key.multibase,
            encrypted_seed=self._encrypt_seed(seed, f"{institute_id}:{key_id}"),
            created_at=_now(),
        )
        return row, pair

    # -- authentication ---------------------------------------------------------------------

    def authenticate(self, token: str | None) -> Actor:
        """The actor a bearer token stands for (admin token or an institute API key)."""
        if not token:
            raise UnauthorizedError("a bearer token is required", code="unauthorized")
        admin = self.settings.admin_token
        if admin and hmac.compare_digest(_sha256(token), _sha256(admin)):
            return Actor("admin")
        if token.startswith(_KEY_PREFIX) and token.count("_") >= 2:
            lookup, _, secret = token[len(_KEY_PREFIX) :].partition("_")
            with self.session() as session:
                row = session.execute(
                    select(ApiKey, Institute.slug)
                    .join(Institute, Institute.id == ApiKey.institute_id)
                    .where(ApiKey.lookup == lookup)
                ).first()
            # Compare even when the lookup failed, so timing says nothing about which part
            # of the key was wrong.
            stored = row[0].secret_hash if row else _sha256("no key")
            if hmac.compare_digest(stored, _sha256(secret)) and row is not None:
                return Actor(f"institute:{row[1]}/key:{lookup}", row[0].institute_id, row[1])
        raise UnauthorizedError("the bearer token is not valid", code="unauthorized")

    @staticmethod
    def require_admin(actor: Actor) -> None:
        if not actor.is_admin:
            raise ForbiddenError("this needs the admin token", code="admin_only")

    # -- institutes -------------------------------------------------------------------------

    def _institute(self, session: Session, slug: str) -> Institute:
        row = session.execute(select(Institute).where(Institute.slug == slug)).scalar_one_or_none()
        if row is None:
            raise NotFoundError(f"no institute {slug!r}", code="institute_not_found")
        return row

    def _institute_json(self, session: Session, inst: Institute) -> dict[str, Any]:
        keys = list(
            session.execute(
                select(InstituteKey)
                .where(InstituteKey.institute_id == inst.id)
                .order_by(InstituteKey.id)
            ).scalars()
        )
        return {
            "slug": inst.slug,
            "name": inst.name,
            "country": inst.country,
            "did": inst.did,
            "did_method": inst.did_method,
            "default_cryptosuite": inst.default_cryptosuite,
            "key_type": _key_type(keys[-1].public_key_multibase) if keys else None,
            "root": inst.is_root,
            "did_document_url": self._did_url(inst),
            "keys": [self._key_json(inst, k) for k in keys],
        }

    def _did_url(self, inst: Institute) -> str | None:
        if inst.did_method != "web":
            return None
        if inst.is_root:
            return f"{self.public_url}/.well-known/did.json"
        return f"{self.public_url}/institutes/{inst.slug}/did.json"

    @staticmethod
    def _key_json(inst: Institute, key: InstituteKey) -> dict[str, Any]:
        vm = (
            f"{inst.did}#{key.key_id}"
            if inst.did_method == "web"
            else f"{inst.did}#{key.public_key_multibase}"
        )
        out: dict[str, Any] = {
            "id": vm,
            "publicKeyMultibase": key.public_key_multibase,
            "created": _aware(key.created_at).isoformat(),
        }
        if key.expires:
            out["expires"] = _aware(key.expires).isoformat()
        if key.revoked:
            out["revoked"] = _aware(key.revoked).isoformat()
        return out

    def create_institute(self, actor: Actor, data: Mapping[str, Any]) -> dict[str, Any]:
        """Register an institute with a fresh signing key and its DID."""
        self.require_admin(actor)
        slug, name, country = data["slug"], data["name"], data["country"]
        method = data["did_method"]
        key_type = data.get("key_type") or "Ed25519"
        ecdsa_default = "ecdsa-rdfc-2019" if key_type != "Ed25519" else CRYPTOSUITES[0]
        suite = data.get("default_cryptosuite") or ecdsa_default
        root = bool(data.get("root"))
        if not _SLUG.match(slug):
            raise MalformedValueError(
                "slug: 2-63 lowercase letters, digits and hyphens",
                code="invalid_slug",
                path="/slug",
            )
        if not _COUNTRY.match(country):
            raise MalformedValueError(
                "country: an ISO 3166-1 alpha-2 code such as 'PH'",
                code="invalid_country",
                path="/country",
            )
        if suite not in CRYPTOSUITES:
            raise MalformedValueError(
                f"default_cryptosuite must be one of {', '.join(CRYPTOSUITES)}",
                code="unsupported_cryptosuite",
                path="/default_cryptosuite",
            )
        if key_type not in KEY_TYPES:
            raise MalformedValueError(
                f"key_type must be one of {', '.join(KEY_TYPES)}",
                code="unsupported_key_type",
                path="/key_type",
            )
        if suite.startswith("ecdsa-") != (key_type != "Ed25519"):
            raise MalformedValueError(
                f"{suite} does not sign with a {key_type} key (eddsa-* needs Ed25519, ecdsa-* "
                "needs P-256 or P-384)",
                code="key_cryptosuite_mismatch",
                path="/default_cryptosuite",
            )
        if root and (method != "web" or not self._root_allowed):
            raise MalformedValueError(
                "only a did:web institute can be the root, and only when SKILLPASS_PUBLIC_URL "
                "has no path",
                code="invalid_root",
                path="/root",
            )
        try:
            with self.session() as session:
                if (
                    root
                    and session.execute(
                        select(Institute.id).where(Institute.is_root.is_(True))
                    ).first()
                ):
                    raise ConflictError("another institute is already the root", code="root_exists")
                inst = Institute(
                    slug=slug,
                    name=name,
                    country=country,
                    did_method=method,
                    did=f"pending:{uuid.uuid4()}",
                    default_cryptosuite=suite,
                    is_root=root,
                    created_at=_now(),
                )
                session.add(inst)
                session.flush()
                key_row, pair = self._new_key(inst.id, "key-1", key_type)
                session.add(key_row)
                if method == "web":
                    inst.did = (
                        self._did_web_base if root else (f"{self._did_web_base}:institutes:{slug}")
                    )
                else:
                    inst.did = pair.did
                self._audit(session, actor, "institute.create", slug, did=inst.did)
                session.flush()
                return self._institute_json(session, inst)
        except IntegrityError as exc:
            raise ConflictError(f"an institute {slug!r} exists already", code="slug_taken") from exc

    def get_institute(self, actor: Actor, slug: str) -> dict[str, Any]:
        """An institute as JSON (the admin, or the institute itself)."""
        self._own(actor, slug)
        with self.session() as session:
            return self._institute_json(session, self._institute(session, slug))

    @staticmethod
    def _own(actor: Actor, slug: str) -> None:
        if not actor.is_admin and actor.slug != slug:
            raise ForbiddenError("an institute can only touch its own data", code="forbidden")

    def create_api_key(self, actor: Actor, slug: str) -> str:
        """A new API key for an institute; only its hash is stored."""
        self.require_admin(actor)
        lookup = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        with self.session() as session:
            inst = self._institute(session, slug)
            session.add(
                ApiKey(
                    institute_id=inst.id,
                    lookup=lookup,
                    secret_hash=_sha256(secret),
                    created_at=_now(),
                )
            )
            self._audit(session, actor, "api_key.create", slug, lookup=lookup)
        return f"{_KEY_PREFIX}{lookup}_{secret}"

    def rotate_key(
        self, actor: Actor, slug: str, *, compromised: bool = False, since: datetime | None = None
    ) -> dict[str, Any]:
        """A new signing key. The old one stays in the DID document: ``expires`` (after a short
        grace) for a rotation, ``revoked`` (from ``since``, default now) when compromised."""
        self.require_admin(actor)
        now = _now()
        with self.session() as session:
            inst = self._institute(session, slug)
            if inst.did_method != "web":
                raise ConflictError(
                    "a did:key institute cannot rotate: its DID is its key (use did:web)",
                    code="rotation_not_supported",
                )
            # Serialise rotations of one institute across processes (PostgreSQL row lock;
            # SQLite's write transaction is exclusive already).
            session.execute(select(Institute.id).where(Institute.id == inst.id).with_for_update())
            keys = list(
                session.execute(
                    select(InstituteKey)
                    .where(InstituteKey.institute_id == inst.id)
                    .order_by(InstituteKey.id)
                ).scalars()
            )
            grace = timedelta(seconds=self.settings.rotation_grace_seconds)
            for key in keys:
                if compromised:
                    if key.revoked is None:
                        key.revoked = since or now
                elif key.expires is None and key.revoked is None:
                    key.expires = now + grace
            key_type = _key_type(keys[-1].public_key_multibase) if keys else "Ed25519"
            key_row, _ = self._new_key(inst.id, f"key-{len(keys) + 1}", key_type)
            session.add(key_row)
            self._audit(
                session, actor, "key.rotate", slug, key_id=key_row.key_id, compromised=compromised
            )
            session.flush()
            return self._institute_json(session, inst)

    def _signing_key(self, session: Session, inst: Institute) -> tuple[SigningKey, str]:
        row = session.execute(
            select(InstituteKey)
            .where(
                InstituteKey.institute_id == inst.id,
                InstituteKey.expires.is_(None),
                InstituteKey.revoked.is_(None),
            )
            .order_by(InstituteKey.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if row is None:
            raise ConflictError("the institute has no usable signing key", code="no_signing_key")
        pair = self._key_pair(row)
        vm = f"{inst.did}#{row.key_id}" if inst.did_method == "web" else pair.verification_method
        return pair, vm

    def resolver_for(self, did: object) -> skillpass.DidResolver:
        """An offline resolver that knows the did:web document of this service's institute
        ``did`` (did:key needs none)."""
        documents: dict[str, dict[str, Any]] = {}
        if isinstance(did, str) and did.startswith("did:web:"):
            with self.session() as session:
                inst = session.execute(
                    select(Institute).where(Institute.did == did)
                ).scalar_one_or_none()
                slug = None if inst is None or inst.is_root else inst.slug
            if inst is not None:
                documents[did] = self.did_document(slug)
        return skillpass.OfflineResolver(documents)

    def did_document(self, slug: str | None) -> dict[str, Any]:
        """The did:web document of an institute (``None``: the root institute)."""
        with self.session() as session:
            if slug is None:
                inst = session.execute(
                    select(Institute).where(Institute.is_root.is_(True))
                ).scalar_one_or_none()
                if inst is None:
                    raise NotFoundError("no institute is configured as the root", code="not_found")
            else:
                inst = self._institute(session, slug)
                if inst.is_root or inst.did_method != "web":
                    raise NotFoundError(f"{slug!r} has no did:web document here", code="not_found")
            keys = session.execute(
                select(InstituteKey)
                .where(InstituteKey.institute_id == inst.id)
                .order_by(InstituteKey.id)
            ).scalars()
            web_keys = [
                skillpass.WebKey(
                    k.public_key_multibase,
                    key_id=k.key_id,
                    expires=_aware(k.expires) if k.expires else None,
                    revoked=_aware(k.revoked) if k.revoked else None,
                )
                for k in keys
            ]
            document = skillpass.did_web_document(inst.did, web_keys)
            # Where a verifier building a trust bundle finds this institute's status lists.
            document["service"] = [
                {
                    "id": f"{inst.did}#status-lists",
                    "type": "BitstringStatusListIndex",
                    "serviceEndpoint": f"{self.public_url}/institutes/{inst.slug}/status-lists",
                }
            ]
            return document

    def status_list_urls(self, slug: str) -> list[str]:
        """The URLs of every status list of an institute (public: they are in its credentials)."""
        with self.session() as session:
            inst = self._institute(session, slug)
            ids = session.execute(
                select(StatusList.public_id)
                .where(StatusList.institute_id == inst.id)
                .order_by(StatusList.id)
            ).scalars()
            return [f"{self.public_url}/status-lists/{public_id}" for public_id in ids]

    # -- issuance ---------------------------------------------------------------------------

    def _suite(self, inst: Institute, options: Mapping[str, Any], query: str | None) -> str:
        suite = query or options.get("cryptosuite") or inst.default_cryptosuite
        if suite not in CRYPTOSUITES:
            raise MalformedValueError(
                f"cryptosuite must be one of {', '.join(CRYPTOSUITES)}",
                code="unsupported_cryptosuite",
                path="/options/cryptosuite",
            )
        return str(suite)

    @staticmethod
    def _purpose(options: Mapping[str, Any]) -> str:
        """``revocation`` (a one-bit entry) or ``message`` (revocation and suspension)."""
        wanted = options.get("credentialStatus")
        if wanted is None:
            return "revocation"
        purpose = wanted.get("statusPurpose") if isinstance(wanted, Mapping) else None
        if purpose == "revocation":
            return "revocation"
        if purpose == "suspension":
            return "message"
        raise MalformedValueError(
            "options.credentialStatus.statusPurpose must be 'revocation' or 'suspension'",
            code="invalid_status_option",
            path="/options/credentialStatus",
        )

    def _prepare(self, inst: Institute, item: IssueItem, now: datetime) -> dict[str, Any]:
        credential = item.credential
        if not isinstance(credential, dict):
            raise MalformedValueError(
                "credential must be a JSON object", code="not_an_object", path="/credential"
            )
        doc = copy.deepcopy(credential)
        contexts = doc.get("@context")
        first = contexts[0] if isinstance(contexts, list) and contexts else contexts
        if first not in (VC_V1, VC_V2):
            raise MalformedValueError(
                f"@context must start with {VC_V2} (or {VC_V1})",
                code="unsupported_context",
                path="/credential/@context",
            )
        if "proof" in doc:
            raise MalformedValueError(
                "the credential is signed already", code="already_signed", path="/credential/proof"
            )
        issuer = doc.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        # Only an absent issuer (or issuer id) is filled in: an explicit null is refused below.
        if "issuer" not in doc:
            doc["issuer"] = inst.did
        elif isinstance(issuer, dict) and "id" not in issuer:
            issuer["id"] = inst.did
        elif issuer_id != inst.did:
            raise MalformedValueError(
                f"the issuer must be the institute's DID {inst.did}",
                code="conflicting_issuer",
                path="/credential/issuer",
            )
        if "id" not in doc:
            doc["id"] = f"urn:uuid:{uuid.uuid4()}"
        elif not isinstance(doc["id"], str) or not doc["id"] or len(doc["id"]) > 500:
            raise MalformedValueError(
                "id must be an IRI of at most 500 characters",
                code="invalid_credential_id",
                path="/credential/id",
            )
        stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        if first == VC_V2:
            doc.setdefault("validFrom", stamp)
        else:
            doc.setdefault("issuanceDate", stamp)
        return doc

    @staticmethod
    def _wants_status(doc: Mapping[str, Any], options: Mapping[str, Any]) -> bool:
        """VCDM 2.0 credentials always get the service's status entry; VCDM 1.1 ones only when
        ``options.credentialStatus`` asks, because the 1.1 base context does not define the
        entry's terms and the status context it then needs is one many verifiers lack."""
        contexts = doc.get("@context")
        first = contexts[0] if isinstance(contexts, list) and contexts else contexts
        return first == VC_V2 or options.get("credentialStatus") is not None

    def _open_list(self, session: Session, inst: Institute, purpose: str) -> StatusList:
        row = session.execute(
            select(StatusList)
            .where(
                StatusList.institute_id == inst.id,
                StatusList.purpose == purpose,
                StatusList.full.is_(False),
            )
            .order_by(StatusList.id)
            .limit(1)
        ).scalar_one_or_none()
        if row is None:
            row = StatusList(
                public_id=uuid.uuid4().hex,
                institute_id=inst.id,
                purpose=purpose,
                status_size=1 if purpose == "revocation" else 2,
                entries=self.settings.status_list_entries,
                capacity=self.settings.status_list_capacity,
                allocated=0,
                full=False,
                version=0,
                created_at=_now(),
            )
            session.add(row)
            session.flush()
        return row

    def _reserve(self, inst_id: int, purpose: str, count: int) -> list[tuple[StatusList, int]]:
        """Reserve ``count`` random unused indices in a short transaction of their own, so the
        slow signing happens outside any lock. A reservation whose request fails later stays
        unused (its bit stays 0): an index is never handed out twice."""
        out: list[tuple[StatusList, int]] = []
        for _attempt in range(20):
            if len(out) == count:
                break
            try:
                with self.session() as session:
                    inst = session.get(Institute, inst_id)
                    assert inst is not None
                    lst = self._open_list(session, inst, purpose)
                    room = max(lst.capacity - lst.allocated, 0)
                    want = min(count - len(out), room)
                    if want == 0:
                        lst.full = True
                        continue
                    chosen: set[int] = set()
                    while len(chosen) < want:
                        candidates = {
                            secrets.randbelow(lst.entries) for _ in range(want - len(chosen))
                        } - chosen
                        taken: set[int] = set()
                        for chunk in _chunks(sorted(candidates), 500):
                            taken.update(
                                session.execute(
                                    select(StatusAllocation.status_index).where(
                                        StatusAllocation.status_list_id == lst.id,
                                        StatusAllocation.status_index.in_(chunk),
                                    )
                                ).scalars()
                            )
                        chosen |= candidates - taken
                    picked = sorted(chosen)
                    session.execute(
                        insert(StatusAllocation),
                        [{"status_list_id": lst.id, "status_index": i} for i in picked],
                    )
                    session.execute(
                        update(StatusList)
                        .where(StatusList.id == lst.id)
                        .values(
                            allocated=StatusList.allocated + len(picked),
                            full=StatusList.allocated + len(picked) >= StatusList.capacity,
                        )
                    )
                    out.extend((lst, i) for i in picked)
            except IntegrityError:
                # Another process took one of these indices between our look and our insert:
                # nothing of this attempt was kept; draw again.
                continue
        if len(out) != count:
            raise ServiceBusyError("could not allocate status indices; retry", code="service_busy")
        return out

    def issue(
        self,
        actor: Actor,
        items: Sequence[IssueItem],
        *,
        cryptosuite: str | None = None,
        action: str = "credential.issue",
    ) -> list[dict[str, Any]]:
        """Issue credentials, all or nothing: validate, reserve status indices, sign, store."""
        if actor.institute_id is None:
            raise ForbiddenError("issuing needs an institute's API key", code="institute_only")
        if not items:
            raise MalformedValueError("nothing to issue", code="empty_batch")
        if len(items) > self.settings.max_batch:
            raise MalformedValueError(
                f"at most {self.settings.max_batch} credentials per request", code="batch_too_large"
            )
        now = _now()
        batch = len(items) > 1 or action != "credential.issue"
        with self.session() as session:
            inst = session.get(Institute, actor.institute_id)
            if inst is None:
                raise UnauthorizedError("the institute no longer exists", code="unauthorized")
            session.expunge(inst)
            key, vm = self._signing_key(session, inst)
        prepared: list[tuple[dict[str, Any], str, str]] = []
        options_of: list[dict[str, Any]] = []
        seen: set[str] = set()
        for n, item in enumerate(items):
            prefix = f"/{n}" if batch else ""
            try:
                options = item.options if item.options is not None else {}
                if not isinstance(options, dict):
                    raise MalformedValueError(
                        "options must be a JSON object", code="not_an_object", path="/options"
                    )
                doc = self._prepare(inst, item, now)
                suite = self._suite(inst, options, cryptosuite)
                purpose = self._purpose(options)
            except SkillpassError as exc:
                raise _with_path(exc, prefix) from None
            if doc["id"] in seen:
                raise ConflictError(
                    f"{prefix or 'the'} credential id repeats in the batch",
                    code="credential_id_taken",
                    path=f"{prefix}/credential/id",
                )
            seen.add(doc["id"])
            prepared.append((doc, suite, purpose))
            options_of.append(options)
        with self.session() as session:
            ids = [d["id"] for d, _, _ in prepared]
            for chunk in _chunks(ids, 500):
                clash = session.execute(
                    select(Credential.credential_id).where(
                        Credential.institute_id == inst.id, Credential.credential_id.in_(chunk)
                    )
                ).first()
                if clash:
                    raise ConflictError(
                        f"a credential {clash[0]!r} exists already", code="credential_id_taken"
                    )
        # A request that fails after this point (a safety rule at signing) leaves its reserved
        # indices unused: harmless, their bits stay 0 and they are never handed out again.
        slots: dict[str, list[tuple[StatusList, int]]] = {}
        for purpose in {p for _, _, p in prepared}:
            slots[purpose] = self._reserve(
                inst.id, purpose, sum(1 for _, _, p in prepared if p == purpose)
            )
        signed: list[dict[str, Any]] = []
        rows: list[dict[str, Any]] = []
        for n, (doc, suite, purpose) in enumerate(prepared):
            lst, index = slots[purpose].pop()
            url = f"{self.public_url}/status-lists/{lst.public_id}"
            if purpose == "revocation":
                entry = build_status_entry(url, index)
            else:
                entry = build_status_entry(
                    url,
                    index,
                    "message",
                    status_size=2,
                    messages=REVOCATION_AND_SUSPENSION_MESSAGES,
                )
            given = doc.get("credentialStatus")
            if not self._wants_status(doc, options_of[n]):
                pass  # the reserved index stays unused (its bit stays 0)
            elif given is None:
                doc["credentialStatus"] = entry
            else:
                # Status entries the caller wrote are signed as given (VCDM 2.0 §4.10 allows
                # any status type); the service's own entry is added, so revocation still works.
                listed = given if isinstance(given, list) else [given]
                doc["credentialStatus"] = [*listed, entry]
            listed = doc["@context"] if isinstance(doc["@context"], list) else [doc["@context"]]
            ours = self._wants_status(doc, options_of[n])
            if listed[0] == VC_V1 and ours and STATUS_V1 not in listed:
                # VCDM 1.1's base context does not define the status entry's terms.
                doc["@context"] = [*listed, STATUS_V1]
            try:
                with _CORE_LOCK:
                    result = skillpass.sign_credential(
                        doc,
                        key,
                        cryptosuite=suite,
                        verification_method=vm,
                        now=now,
                        allow_test_contexts=self.settings.allow_test_contexts,
                    )
            except SkillpassError as exc:
                raise _with_path(exc, (f"/{n}" if batch else "") + "/credential") from None
            signed.append(result)
            rows.append(
                {
                    "institute_id": inst.id,
                    "credential_id": result["id"],
                    "document": json.dumps(result, ensure_ascii=False, separators=(",", ":")),
                    "status_list_id": lst.id,
                    "status_index": index,
                    "status_value": 0,
                    "created_at": now,
                }
            )
        try:
            with self.session() as session:
                session.execute(insert(Credential), rows)
                self._audit(
                    session,
                    actor,
                    action,
                    inst.slug,
                    count=len(rows),
                    ids=[r["credential_id"] for r in rows[:20]],
                )
        except IntegrityError as exc:
            raise ConflictError(
                "a credential with this id exists already", code="credential_id_taken"
            ) from exc
        self.metrics.issued(len(signed))
        return signed

    def issue_cohort(
        self, actor: Actor, slug: str, csv_text: str, options: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Issue a cohort CSV (see :mod:`issuer.cohort`), all rows or none."""
        self._own(actor, slug)
        with self.session() as session:
            inst = self._institute(session, slug)
            issuer = {"id": inst.did, "name": inst.name, "country_code": inst.country}
        credentials = parse_cohort(csv_text, issuer=issuer, max_rows=self.settings.max_batch)
        items = [IssueItem(c, dict(options)) for c in credentials]
        return self.issue(actor, items, action="cohort.upload")

    # -- status -----------------------------------------------------------------------------

    def set_status(
        self,
        actor: Actor,
        credential_id: str,
        purpose: str,
        status: bool,
        *,
        reason: str | None = None,
    ) -> dict[str, Any]:
        """Revoke (for good), suspend or reinstate one of the institute's credentials;
        ``reason`` (what staff typed) is kept in the audit entry, never in the public list."""
        if actor.institute_id is None:
            raise ForbiddenError(
                "status changes need an institute's API key", code="institute_only"
            )
        with self.session() as session:
            row = session.execute(
                select(Credential)
                .where(
                    Credential.institute_id == actor.institute_id,
                    Credential.credential_id == credential_id,
                )
                .with_for_update()
            ).scalar_one_or_none()
            if row is None:
                raise NotFoundError("no such credential", code="credential_not_found")
            lst = session.get(StatusList, row.status_list_id)
            assert lst is not None
            if f"/status-lists/{lst.public_id}" not in row.document:
                raise ConflictError(
                    "the credential carries no status entry of this service (a VCDM 1.1 "
                    "credential issued without options.credentialStatus)",
                    code="no_status_entry",
                )
            value = row.status_value
            if purpose == "revocation":
                if status:
                    new = 1 if lst.status_size == 1 else value | 2
                elif value & (1 if lst.status_size == 1 else 2):
                    raise ConflictError(
                        "revocation cannot be undone", code="revocation_irreversible"
                    )
                else:
                    new = value
            else:
                if lst.status_size == 1:
                    raise ConflictError(
                        "this credential was issued without suspension (issue it with "
                        'options.credentialStatus.statusPurpose "suspension")',
                        code="not_suspendable",
                    )
                new = value | 1 if status else value & ~1
            if new != value:
                row.status_value = new
                session.execute(
                    update(StatusList)
                    .where(StatusList.id == lst.id)
                    .values(version=StatusList.version + 1)
                )
                detail: dict[str, Any] = {"status": status}
                if reason:
                    detail["reason"] = reason[:500]
                self._audit(session, actor, f"status.{purpose}", credential_id, **detail)
                self.metrics.status_changed(purpose, status)
            revoked = bool(new & (1 if lst.status_size == 1 else 2))
            return {
                "credentialId": credential_id,
                "revoked": revoked,
                "suspended": lst.status_size == 2 and bool(new & 1) and not revoked,
            }

    def status_list(self, public_id: str) -> tuple[dict[str, Any], str, int]:
        """The signed list credential, its ETag and its cache lifetime (seconds)."""
        with self.session() as session:
            lst = session.execute(
                select(StatusList).where(StatusList.public_id == public_id)
            ).scalar_one_or_none()
            if lst is None:
                raise NotFoundError("no such status list", code="status_list_not_found")
            inst = session.get(Institute, lst.institute_id)
            assert inst is not None
            key, vm = self._signing_key(session, inst)
            cache_key = (lst.id, lst.version, vm)
            with self._lists_lock:
                hit = self._list_cache.get(cache_key)
            if hit is not None:
                return hit[0], hit[1], self.settings.status_list_ttl_seconds
            bits = Bitstring(lst.entries, status_size=lst.status_size)
            for index, value in session.execute(
                select(Credential.status_index, Credential.status_value).where(
                    Credential.status_list_id == lst.id, Credential.status_value != 0
                )
            ):
                bits.set(index, value)
            version = lst.version
        ttl = self.settings.status_list_ttl_seconds
        url = f"{self.public_url}/status-lists/{public_id}"
        unsigned = build_status_list_credential(
            url, issuer=inst.did, bitstring=bits, purpose=lst.purpose, ttl_ms=ttl * 1000
        )
        with _CORE_LOCK:
            signed = skillpass.sign_credential(
                unsigned, key, cryptosuite=inst.default_cryptosuite, verification_method=vm
            )
        etag = f'"{public_id}-{version}-{hashlib.sha256(vm.encode()).hexdigest()[:8]}"'
        with self._lists_lock:
            self._list_cache[cache_key] = (signed, etag)
            while len(self._list_cache) > 64:
                self._list_cache.popitem(last=False)
        return signed, etag, ttl

    # -- reading credentials ----------------------------------------------------------------

    def get_credential(self, actor: Actor, credential_id: str) -> dict[str, Any]:
        """One of the institute's credentials with its current status."""
        if actor.institute_id is None:
            raise ForbiddenError(
                "reading credentials needs an institute's API key", code="institute_only"
            )
        with self.session() as session:
            row = session.execute(
                select(Credential).where(
                    Credential.institute_id == actor.institute_id,
                    Credential.credential_id == credential_id,
                )
            ).scalar_one_or_none()
            if row is None:
                raise NotFoundError("no such credential", code="credential_not_found")
            return self._credential_json(session, row)

    @staticmethod
    def _credential_json(session: Session, row: Credential) -> dict[str, Any]:
        lst = session.get(StatusList, row.status_list_id)
        assert lst is not None
        revoked_bit = 1 if lst.status_size == 1 else 2
        return {
            "verifiableCredential": json.loads(row.document),
            "revoked": bool(row.status_value & revoked_bit),
            "suspended": lst.status_size == 2 and row.status_value == 1,
            "issued": _aware(row.created_at).isoformat(),
        }

    def list_credentials(
        self, actor: Actor, *, page: int, per_page: int, query: str | None = None
    ) -> dict[str, Any]:
        """A page of the institute's credentials, newest first; ``query`` keeps those whose
        stored JSON contains it (a holder's name, a qualification, a credential id)."""
        if actor.institute_id is None:
            raise ForbiddenError(
                "listing credentials needs an institute's API key", code="institute_only"
            )
        where = [Credential.institute_id == actor.institute_id]
        if query:
            # autoescape: a % or _ typed by staff is a literal character, not a wildcard.
            where.append(Credential.document.contains(query, autoescape=True))
        with self.session() as session:
            total = session.execute(
                select(func.count()).select_from(Credential).where(*where)
            ).scalar_one()
            rows = session.execute(
                select(Credential)
                .where(*where)
                .order_by(Credential.id.desc())
                .offset((page - 1) * per_page)
                .limit(per_page)
            ).scalars()
            items = [self._credential_json(session, r) for r in rows]
        return {"page": page, "per_page": per_page, "total": total, "items": items}

    # -- offers -----------------------------------------------------------------------------

    def _new_offer(self, session: Session, inst_id: int, **fields: Any) -> tuple[str, datetime]:
        token = secrets.token_urlsafe(32)
        expires = _now() + timedelta(seconds=self.settings.offer_ttl_seconds)
        session.add(
            Offer(token_hash=_sha256(token), institute_id=inst_id, expires=expires, **fields)
        )
        return token, expires

    def offer_credential(self, actor: Actor, credential_id: str) -> tuple[str, datetime]:
        """A single-use, expiring offer of a stored credential."""
        if actor.institute_id is None:
            raise ForbiddenError("offers need an institute's API key", code="institute_only")
        with self.session() as session:
            row = session.execute(
                select(Credential.id, Credential.status_value).where(
                    Credential.institute_id == actor.institute_id,
                    Credential.credential_id == credential_id,
                )
            ).first()
            if row is None:
                raise NotFoundError("no such credential", code="credential_not_found")
            _check_offerable(row[1])
            token, expires = self._new_offer(session, actor.institute_id, credential_pk=row[0])
            self._audit(session, actor, "offer.create", credential_id)
        return token, expires

    def offer_unsigned(self, actor: Actor, credential: Any, options: Any) -> tuple[str, datetime]:
        """An offer of an unsigned credential that is signed for the holder who collects it."""
        if actor.institute_id is None:
            raise ForbiddenError("offers need an institute's API key", code="institute_only")
        with self.session() as session:
            inst = session.get(Institute, actor.institute_id)
            assert inst is not None
            opts = options if isinstance(options, dict) else {}
            # Validate now, so a bad credential fails here and not in the holder's wallet.
            try:
                self._prepare(inst, IssueItem(credential, opts), _now())
                self._suite(inst, opts, None)
                self._purpose(opts)
            except SkillpassError as exc:
                raise exc from None
            subject = credential.get("credentialSubject")
            if not isinstance(subject, dict):
                raise MalformedValueError(
                    "a holder-bound offer needs one credentialSubject object",
                    code="invalid_offer",
                    path="/credential/credentialSubject",
                )
            token, expires = self._new_offer(
                session,
                inst.id,
                unsigned=json.dumps(credential),
                options=json.dumps(opts),
                nonce=secrets.token_urlsafe(24),
            )
            self._audit(session, actor, "offer.create", "unsigned", bind_holder=True)
        return token, expires

    def _live_offer(self, session: Session, token: str) -> Offer:
        offer = session.execute(
            select(Offer).where(Offer.token_hash == _sha256(token)).with_for_update()
        ).scalar_one_or_none()
        if offer is None:
            raise NotFoundError("no such offer", code="offer_not_found")
        if offer.used_at is not None:
            raise GoneError("this offer has been collected already", code="offer_used")
        if _aware(offer.expires) <= _now():
            raise GoneError("this offer has expired", code="offer_expired")
        return offer

    def open_offer(self, token: str) -> dict[str, Any]:
        """GET on an offer: the credential (once), or the binding challenge."""
        with self.session() as session:
            offer = self._live_offer(session, token)
            if offer.credential_pk is None:
                return {"bind_holder": True, "nonce": offer.nonce, "domain": self.public_url}
            row = session.get(Credential, offer.credential_pk)
            assert row is not None
            # Revoked or suspended since the offer was made: the wallet would keep a dead
            # credential, and the worker would learn it only at a border.
            _check_offerable(row.status_value)
            offer.used_at = _now()
            self._audit(session, Actor("holder"), "offer.collect", row.credential_id)
            return {"verifiableCredential": json.loads(row.document)}

    def redeem_offer(self, token: str, presentation: Any) -> dict[str, Any]:
        """POST on a binding offer: check the holder's proof of control, then sign for it."""
        with self.session() as session:
            offer = self._live_offer(session, token)
            if offer.credential_pk is not None or offer.nonce is None:
                raise ConflictError("this offer is collected with GET", code="offer_not_binding")
            nonce, inst_id = offer.nonce, offer.institute_id
            unsigned = json.loads(offer.unsigned or "{}")
            options = json.loads(offer.options or "{}")
        if not isinstance(presentation, dict):
            raise MalformedValueError(
                "presentation must be a JSON object", code="not_an_object", path="/presentation"
            )
        with _CORE_LOCK:
            report = skillpass.verify_presentation(
                presentation, challenge=nonce, domain=self.public_url
            )
        holder = presentation.get("holder")
        holder_id = holder.get("id") if isinstance(holder, dict) else holder
        proof_ok = any(c.id == "proof" and c.status == "valid" for c in report.checks)
        holder_ok = any(c.id == "holder" and c.status == "valid" for c in report.checks)
        if not (proof_ok and holder_ok) or not isinstance(holder_id, str):
            raise MalformedValueError(
                "the presentation does not prove control of the holder DID for this offer",
                code="holder_proof_invalid",
                path="/presentation",
            )
        # Mark the offer used first: two concurrent redemptions cannot both pass this.
        with self.session() as session:
            offer = self._live_offer(session, token)
            offer.used_at = _now()
            slug = session.get(Institute, inst_id)
            assert slug is not None
            actor = Actor(f"holder:{holder_id}", inst_id, slug.slug)
        unsigned["credentialSubject"]["id"] = holder_id
        signed = self.issue(actor, [IssueItem(unsigned, options)], action="offer.redeem")
        return {"verifiableCredential": signed[0]}


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class OwnStatusLists:
    """Answers status entries that point at this service's ``/status-lists/…`` URLs from the
    lists themselves (the signed list credential, verified like any other); any other entry
    is ``unknown`` here, for the next checker to decide."""

    def __init__(self, service: IssuerService | None = None) -> None:
        self._service = service

    def bind(self, service: IssuerService) -> None:
        """Answer from ``service``'s lists (the verify routes are made before the service)."""
        self._service = service

    def check(
        self, entry: Any, credential: skillpass.CheckedCredential, *, at: datetime
    ) -> skillpass.StatusDecision:
        url = entry.list_credential
        prefix = f"{self._service.public_url}/status-lists/" if self._service else None
        if self._service is None or not isinstance(url, str) or not url.startswith(prefix or ""):
            return skillpass.StatusDecision(
                "unknown", "status_not_checked", f"{url} is not one of this service's lists"
            )
        try:
            document, _etag, _ttl = self._service.status_list(url[len(prefix or "") :])
            resolver = self._service.resolver_for(document.get("issuer"))
        except SkillpassError as exc:
            return skillpass.StatusDecision("unknown", exc.code, exc.message)
        checker = StatusListChecker([document], resolver=resolver, now=at)
        return checker.check(entry, credential, at=at)


class OwnDids:
    """Resolves the did:web DIDs of this service's institutes from its database (the verify
    routes are made before the service: :meth:`bind` it once it exists)."""

    def __init__(self, service: IssuerService | None = None) -> None:
        self._service = service

    def bind(self, service: IssuerService) -> None:
        """Resolve from ``service``'s institutes."""
        self._service = service

    def resolve(self, did: str) -> Mapping[str, Any]:
        """The DID document of one of this service's did:web institutes."""
        if self._service is not None and did.startswith("did:web:"):
            try:
                return self._service.resolver_for(did).resolve(did)
            except NotFoundError:
                pass
        raise ResolutionError(f"{did} is not an institute of this service", code="did_not_found")
