"""DIDs: ``did:key`` (Ed25519 Multikey) and ``did:web`` with key history (not public API).

Resolution is offline by default: ``did:key`` documents are derived from the identifier itself,
``did:web`` documents come from a cache the caller provides (for example a trust bundle).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ._dates import format_datetime, parse_datetime
from ._keys import PublicKey
from .errors import CryptographicSecurityError, ParsingError, ResolutionError, SkillpassError

__all__ = [
    "DidResolver",
    "OfflineResolver",
    "ResolvedMethod",
    "WebKey",
    "did_key_document",
    "did_web_document",
    "resolve_verification_method",
]

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
_RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)
# did:web method-specific id: host (with optional %3A-encoded port), then ':'-separated path.
_DID_WEB = re.compile(r"^did:web:[A-Za-z0-9.-]+(%3A[0-9]{1,5})?(:[A-Za-z0-9._~%-]+)*$")


class DidResolver(Protocol):
    """Anything that turns a DID into its DID document (a JSON object)."""

    def resolve(self, did: str) -> Mapping[str, Any]:
        """Return the DID document or raise :class:`~skillpass.errors.ResolutionError`."""
        ...


def did_key_document(did: str) -> dict[str, Any]:
    """The DID document of an Ed25519 ``did:key``, derived offline from the identifier."""
    if not did.startswith("did:key:"):
        raise ResolutionError(f"{did!r} is not a did:key", code="invalid_did")
    fragment = did[len("did:key:") :]
    try:
        PublicKey.from_multibase(fragment)
    except SkillpassError as exc:
        # Not a ResolutionError: the identifier itself is bad (e.g. a small-order key), which
        # a verifier can tell for certain, so a proof made with it is invalid, not unknown.
        raise type(exc)(
            f"{did!r} is not a valid Ed25519 did:key: {exc.message}", code=exc.code
        ) from exc
    vm_id = f"{did}#{fragment}"
    doc: dict[str, Any] = {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": fragment}
        ],
    }
    for rel in _RELATIONSHIPS:
        doc[rel] = [vm_id]
    return doc


@dataclass(frozen=True, slots=True)
class WebKey:
    """One key of a ``did:web`` identity and its validity window.

    ``expires`` ends a rotated key's signing window: proofs created before it still verify.
    ``revoked`` marks a compromised key: no proof verifies with it from that moment on.
    """

    public_key_multibase: str
    key_id: str | None = None
    expires: datetime | None = None
    revoked: datetime | None = None


def did_web_document(did: str, keys: Iterable[WebKey]) -> dict[str, Any]:
    """Build the DID document of a ``did:web`` institute, current and earlier keys alike.

    Every key stays listed so that credentials signed before a rotation keep verifying; only keys
    that are neither expired nor revoked could sign new credentials (the issuer enforces that).
    """
    if not _DID_WEB.match(did):
        raise ParsingError(f"{did!r} is not a valid did:web identifier", code="invalid_did")
    methods: list[dict[str, Any]] = []
    ids: list[str] = []
    for key in keys:
        public = PublicKey.from_multibase(key.public_key_multibase)
        vm_id = f"{did}#{key.key_id or public.multibase}"
        if vm_id in ids:
            raise ParsingError(f"duplicate verification method {vm_id}", code="invalid_did")
        method: dict[str, Any] = {
            "id": vm_id,
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": public.multibase,
        }
        if key.expires is not None:
            method["expires"] = format_datetime(key.expires)
        if key.revoked is not None:
            method["revoked"] = format_datetime(key.revoked)
        methods.append(method)
        ids.append(vm_id)
    if not methods:
        raise ParsingError("a did:web document needs at least one key", code="invalid_did")
    doc: dict[str, Any] = {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
    }
    for rel in _RELATIONSHIPS:
        doc[rel] = list(ids)
    return doc


class OfflineResolver:
    """Resolves ``did:key`` natively and any other DID from a provided cache of documents."""

    def __init__(self, documents: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._documents = dict(documents or {})

    def resolve(self, did: str) -> Mapping[str, Any]:
        """The DID document for ``did``, never touching the network."""
        if did.startswith("did:key:"):
            return did_key_document(did)
        doc = self._documents.get(did)
        if doc is None:
            raise ResolutionError(
                f"cannot resolve {did} offline: it is not in the local DID cache "
                "(add the issuer's DID document or a trust bundle)",
                code="did_not_found",
            )
        return doc


@dataclass(frozen=True, slots=True)
class ResolvedMethod:
    """A verification method taken from a DID document."""

    id: str
    controller: str
    public_key: PublicKey
    relationships: frozenset[str]
    expires: datetime | None
    revoked: datetime | None


def resolve_verification_method(url: str, resolver: DidResolver) -> ResolvedMethod:
    """Dereference a verification method URL (``did:…#fragment``) to its public key."""
    if not isinstance(url, str) or not url.startswith("did:") or "#" not in url:
        raise ResolutionError(
            f"verification method {url!r} is not a DID URL with a fragment",
            code="invalid_verification_method",
        )
    did = url.split("#", 1)[0]
    doc = resolver.resolve(did)
    if doc.get("id") != did:
        raise ResolutionError(
            f"the DID document for {did} names another subject {doc.get('id')!r}",
            code="did_document_mismatch",
        )
    fragment = "#" + url.split("#", 1)[1]
    methods = doc.get("verificationMethod")
    for method in methods if isinstance(methods, list) else []:
        if not isinstance(method, Mapping) or method.get("id") not in (url, fragment):
            continue
        if method.get("type") not in ("Multikey", "Ed25519VerificationKey2020"):
            raise CryptographicSecurityError(
                f"verification method {url} has unsupported type {method.get('type')!r}",
                code="unsupported_key_type",
            )
        controller = method.get("controller")
        if not isinstance(controller, str):
            raise ResolutionError(f"{url} has no controller", code="invalid_verification_method")
        public = PublicKey.from_multibase(method.get("publicKeyMultibase"))
        rels = frozenset(rel for rel in _RELATIONSHIPS if _lists(doc.get(rel), (url, fragment)))
        return ResolvedMethod(
            id=url,
            controller=controller,
            public_key=public,
            relationships=rels,
            expires=_optional_datetime(method.get("expires"), "expires"),
            revoked=_optional_datetime(method.get("revoked"), "revoked"),
        )
    message = f"verification method {url} is not in the DID document of {did}"
    if did.startswith("did:key:"):
        # A did:key document is derived from the DID itself: nothing more could be learned online.
        raise CryptographicSecurityError(message, code="verification_method_not_found")
    raise ResolutionError(message, code="verification_method_not_found")


def _lists(refs: object, ids: tuple[str, str]) -> bool:
    """Whether a verification relationship (a list of ids or embedded methods) names ``ids``."""
    if not isinstance(refs, list):
        return False
    for ref in refs:
        ref_id = (
            ref if isinstance(ref, str) else ref.get("id") if isinstance(ref, Mapping) else None
        )
        if ref_id in ids:
            return True
    return False


def _optional_datetime(value: object, name: str) -> datetime | None:
    if value is None:
        return None
    return parse_datetime(value, name=name)
