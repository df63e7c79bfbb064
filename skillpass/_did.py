"""DIDs: ``did:key`` (Ed25519, P-256 and P-384 Multikeys) and ``did:web`` with key history (not
public API).

Resolution is offline by default: ``did:key`` documents are derived from the identifier itself,
``did:web`` documents come from a cache the caller provides (for example a trust bundle).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol

from ._dates import format_datetime, parse_datetime
from ._ecdsa import EcPublicKey, public_key_from_multibase
from ._keys import PublicKey
from ._records import record
from .errors import (
    CryptographicSecurityError,
    MalformedValueError,
    ParsingError,
    ResolutionError,
    SkillpassError,
)

__all__ = [
    "DidResolver",
    "OfflineResolver",
    "ResolvedMethod",
    "WebKey",
    "did_key_document",
    "did_web_document",
    "parse_method_url",
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
    """The DID document of an Ed25519, P-256 or P-384 ``did:key``, derived offline from the
    identifier."""
    if not did.startswith("did:key:"):
        raise ResolutionError(f"{did!r} is not a did:key", code="invalid_did")
    fragment = did[len("did:key:") :]
    try:
        public_key_from_multibase(fragment)
    except SkillpassError as exc:
        # Not a ResolutionError: the identifier itself is bad (e.g. a small-order key), which
        # a verifier can tell for certain, so a proof made with it is invalid, not unknown.
        raise type(exc)(f"{did!r} is not a valid did:key: {exc.message}", code=exc.code) from exc
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


@record
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
        public = public_key_from_multibase(key.public_key_multibase)
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


@record
class ResolvedMethod:
    """A verification method found in its own DID's document.

    ``controller`` is the DID whose document lists the method (the DID of the method URL): the
    only DID the key may speak for. A method whose ``controller`` property names another DID is
    refused while resolving, so a document cannot lend its keys to someone else.
    """

    id: str
    controller: str
    public_key: PublicKey | EcPublicKey
    relationships: frozenset[str]
    expires: datetime | None
    revoked: datetime | None


# A verification method URL: a DID, then a fragment (DID Core §3.2); nothing else names a key.
_METHOD_URL = re.compile(r"^(did:[a-z0-9]+:[A-Za-z0-9._:%-]*[A-Za-z0-9._%-])#([^#\s]+)\Z")


def parse_method_url(url: object) -> tuple[str, str]:
    """``(did, "#fragment")`` of a verification method URL; anything else is malformed.

    Raises :class:`~skillpass.errors.MalformedValueError` (``invalid_verification_method``):
    a proof whose method is not a DID URL with a fragment can never be checked, so it is
    invalid rather than unknown.
    """
    if type(url) is str:
        return _parse_method_url(url)
    return _parse_method_url.__wrapped__(url)


@lru_cache(maxsize=256)
def _parse_method_url(url: object) -> tuple[str, str]:
    # A pure function of an issuer's method URL, which a verifier sees again and again; a
    # malformed one raises every time (exceptions are not remembered).
    match = _METHOD_URL.match(url) if isinstance(url, str) else None
    if match is None:
        raise MalformedValueError(
            f"verification method {url!r} is not a DID URL with a fragment (did:…#key)",
            code="invalid_verification_method",
        )
    return match.group(1), "#" + match.group(2)


def resolve_verification_method(url: str, resolver: DidResolver) -> ResolvedMethod:
    """Dereference a verification method URL (``did:…#fragment``) to its public key.

    The method must be listed in the document of the DID it is named under, that document's
    ``id`` must be that DID, and the method's ``controller`` must be that DID too (or one that
    the document itself names in its ``controller`` property). A DID document that lists two
    methods with the same id is refused (``invalid_did_document``).
    """
    if type(resolver) is OfflineResolver and isinstance(url, str) and url.startswith("did:key:"):
        # The plain offline resolver derives a did:key document from the DID alone (it never
        # reads its cache of documents for one), so the method is a pure function of the URL.
        return _did_key_method(url)
    return _resolve(url, resolver)


@lru_cache(maxsize=256)
def _did_key_method(url: str) -> ResolvedMethod:
    """A did:key method as the plain offline resolver gives it; remembered for the few issuer
    keys a verifier sees again and again (decoding and checking the key is most of the work).
    Failures are not remembered: they raise every time."""
    return _resolve(url, _OFFLINE)


def _resolve(url: str, resolver: DidResolver) -> ResolvedMethod:
    did, fragment = parse_method_url(url)
    doc = resolver.resolve(did)
    if not isinstance(doc, Mapping) or doc.get("id") != did:
        other = doc.get("id") if isinstance(doc, Mapping) else None
        raise CryptographicSecurityError(
            f"the DID document for {did} names another subject {other!r}",
            code="did_document_mismatch",
        )
    methods = doc.get("verificationMethod")
    methods = methods if isinstance(methods, list) else []
    # Relationships may embed methods as objects: they are methods of the document too.
    candidates = [m for m in methods if isinstance(m, Mapping)]
    for rel in _RELATIONSHIPS:
        refs = doc.get(rel)
        candidates += [r for r in refs if isinstance(r, Mapping)] if isinstance(refs, list) else []
    seen: set[str] = set()
    found: Mapping[str, Any] | None = None
    for method in candidates:
        mid = method.get("id")
        if not isinstance(mid, str):
            raise CryptographicSecurityError(
                f"the DID document of {did} has a verification method without an id",
                code="invalid_did_document",
            )
        absolute = did + mid if mid.startswith("#") else mid
        if absolute in seen:
            raise CryptographicSecurityError(
                f"the DID document of {did} lists verification method {absolute} twice",
                code="invalid_did_document",
            )
        seen.add(absolute)
        if absolute == url:
            found = method
    if found is None:
        message = f"verification method {url} is not in the DID document of {did}"
        if did.startswith("did:key:"):
            # A did:key document is derived from the DID itself: nothing more could be learned.
            raise CryptographicSecurityError(message, code="verification_method_not_found")
        raise ResolutionError(message, code="verification_method_not_found")
    if found.get("type") not in ("Multikey", "Ed25519VerificationKey2020"):
        raise CryptographicSecurityError(
            f"verification method {url} has unsupported type {found.get('type')!r}",
            code="unsupported_key_type",
        )
    controller = found.get("controller")
    if controller != did and not _lists_value(doc.get("controller"), controller):
        raise CryptographicSecurityError(
            f"verification method {url} claims the controller {controller!r}, but it is listed "
            f"in the document of {did}: a key speaks only for the DID whose document lists it",
            code="controller_mismatch",
        )
    public = public_key_from_multibase(found.get("publicKeyMultibase"))
    rels = frozenset(rel for rel in _RELATIONSHIPS if _lists(doc.get(rel), (url, fragment)))
    return ResolvedMethod(
        id=url,
        controller=did,
        public_key=public,
        relationships=rels,
        expires=_optional_datetime(found.get("expires"), "expires"),
        revoked=_optional_datetime(found.get("revoked"), "revoked"),
    )


_OFFLINE = OfflineResolver()


def _lists_value(value: object, wanted: object) -> bool:
    """Whether ``value`` (a string or a list of strings) contains ``wanted``."""
    if isinstance(value, str):
        return value == wanted
    return isinstance(value, list) and isinstance(wanted, str) and wanted in value


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
