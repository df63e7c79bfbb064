"""Signing and verifying credentials and presentations (not public API; see ``skillpass``).

Verification is one pipeline::

    parse (strict JSON, caps) → format (safety rules, schemas, expansion, the view)
      → proof(s) → CheckedCredential (the view plus the proofs that verified over it)
      → issuer, validity, status, holder: functions of the checked view and the policy

No check after the proof step reads the raw JSON: the view is built from the expanded form,
where a key spelled as a term, an IRI or a compact IRI is the same property. One deadline
(``policy.limits.max_seconds``) covers the whole verification.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from ._canon import (
    DEFAULT_LIMITS,
    Limits,
    check_deadline,
    check_node_map_work,
    start_deadline,
)
from ._dates import format_datetime, parse_datetime
from ._did import DidResolver, parse_method_url, resolve_verification_method
from ._ecdsa import EcdsaKeyPair
from ._jsonio import types_of
from ._keys import KeyPair
from ._policy import StatusDecision, TrustDecision, TrustedIssuers, VerificationPolicy
from ._proofs import (
    CRYPTOSUITES,
    ECDSA_RDFC,
    ECDSA_SUITES,
    RDFC,
    DocumentCache,
    create_proof,
    prepare,
    proof_list,
    unsecured_base,
    validate_proof_shape,
    verify_proof,
)
from ._related import check_related_resources
from ._report import Check, Status, VerificationReport, combine
from ._summary import credential_summary, identity_result
from ._view import (
    CheckedCredential,
    CheckedPresentation,
    CredentialView,
    PresentationView,
    ProofView,
    credential_view,
    presentation_view,
)
from .errors import (
    CryptographicSecurityError,
    MalformedValueError,
    ResolutionError,
    SkillpassError,
)

__all__ = ["sign_credential", "sign_presentation", "verify_credential", "verify_presentation"]

_V1 = "https://www.w3.org/2018/credentials/v1"
_DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
# The verification relationships of Controlled Identifiers 1.0 that a proof may serve.
_PROOF_PURPOSES = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)


def _party_id(value: Any) -> str | None:
    """The id of an issuer or holder given as a string or as an object with ``id``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _as_ids(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _is_v1(doc: dict[str, Any]) -> bool:
    ctx = doc.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    return first == _V1


# --------------------------------------------------------------------------- signing


def _with_proof_context(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with the Data Integrity context appended when its contexts do not define the
    proof's terms (VCDM 1.1 does not): Data Integrity 1.0 §4.2 (Add Proof) says an issuer
    should add it rather than fail. VCDM 2.0's base context defines them already."""
    context = doc.get("@context")
    contexts = [context] if isinstance(context, str) else context
    if not _is_v1(doc) or not isinstance(contexts, list) or _DATA_INTEGRITY_V2 in contexts:
        return doc
    return {**doc, "@context": [*contexts, _DATA_INTEGRITY_V2]}


def _created_value(created: datetime | str | None, now: datetime | None) -> str:
    if created is None:
        return format_datetime(now or datetime.now(UTC))
    if isinstance(created, datetime):
        return format_datetime(created)
    parse_datetime(created, name="created")
    return created


def _sign(
    doc: dict[str, Any],
    key: KeyPair | EcdsaKeyPair,
    *,
    cryptosuite: str,
    created: datetime | str | None,
    verification_method: str | None,
    proof_purpose: str,
    previous_proof: str | list[str] | None,
    proof_id: str | None,
    extra: dict[str, Any],
    allow_test_contexts: bool,
    limits: Limits,
    now: datetime | None,
    kind: str,
) -> dict[str, Any]:
    if not isinstance(key, (KeyPair, EcdsaKeyPair)):
        raise TypeError("key must be a skillpass.KeyPair or skillpass.EcdsaKeyPair")
    if cryptosuite not in CRYPTOSUITES:
        raise MalformedValueError(
            f"unsupported cryptosuite {cryptosuite!r}; use one of {', '.join(CRYPTOSUITES)}",
            code="unsupported_cryptosuite",
        )
    if (cryptosuite in ECDSA_SUITES) != isinstance(key, EcdsaKeyPair):
        wanted = "an EcdsaKeyPair (P-256 or P-384)" if cryptosuite in ECDSA_SUITES else "a KeyPair"
        raise MalformedValueError(
            f"{cryptosuite} signs with {wanted}", code="key_cryptosuite_mismatch"
        )
    if proof_purpose not in _PROOF_PURPOSES:
        raise MalformedValueError(
            f"unknown proof purpose {proof_purpose!r}; use one of {', '.join(_PROOF_PURPOSES)}",
            code="unsupported_proof_purpose",
        )
    doc = _with_proof_context(doc)
    # The signer checks the same view a verifier will read: a document that could not be
    # verified (two issuers, a hybrid type, an unreadable date) is not signed.
    cache = DocumentCache(allow_test_contexts=allow_test_contexts, limits=limits)
    cache.check_document(doc)
    _check_document_rules(doc)
    existing_proofs = proof_list(doc)
    for i, existing in enumerate(existing_proofs):
        validate_proof_shape(existing, path=f"/proof/{i}")
    expanded = unsecured_base(doc, cache)
    if kind == "credential":
        view = credential_view(expanded, vcdm1=_is_v1(doc))
        check_related_resources(view, check_digests=False)
        named: str | None = view.issuer
        if any(start > end for start in view.valid_from for end in view.valid_until):
            # The verifier would call it invalid at every instant: nothing worth signing.
            raise MalformedValueError(
                "the credential's validity starts after it ends (validFrom is later than "
                "validUntil)",
                code="invalid_validity_period",
            )
    else:
        named = presentation_view(expanded).holder
    controller_field = "issuer" if kind == "credential" else "holder"
    if verification_method is None:
        # Refuse to sign a document whose named controller (issuer or holder) is someone else:
        # the result could never verify as theirs.
        if named is not None and named != key.did:
            raise CryptographicSecurityError(
                f"the document's {controller_field} is {named}, but this key is {key.did}: sign "
                f"with that {controller_field}'s key, or make this key's DID the "
                f"{controller_field}",
                code=f"{controller_field}_mismatch",
            )
        verification_method = key.verification_method
    options: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        "created": _created_value(created, now),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
        **extra,
    }
    if proof_id is not None:
        options["id"] = proof_id
    if previous_proof is not None:
        options["previousProof"] = previous_proof
    validate_proof_shape({**options, "proofValue": "z"}, path="/proof")
    proof = create_proof(
        doc,
        key.sign,
        options,
        hash_name=key.hash_name if isinstance(key, EcdsaKeyPair) else "sha256",
        allow_test_contexts=allow_test_contexts,
        limits=limits,
        json_checked=True,  # cache.check_document(doc) ran above
        cache=cache,  # the view's expansion is the document's: not expanded twice
    )
    plain = cache.jcs_plain
    signed: dict[str, Any] = _json_copy(doc, plain)
    # The proof's @context (JCS suites) is the caller's list: copied, as the rest is.
    proof = _json_copy(proof, plain)
    if existing_proofs:
        signed["proof"] = [*_json_copy(existing_proofs, plain), proof]
    else:
        signed["proof"] = proof
    return signed


# orjson refuses (TypeError) anything but exact JSON types, so what it copies is plain JSON.
_EXACT_JSON = (
    orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_STRICT_INTEGER
)


def _json_copy(value: Any, plain: bool = False) -> Any:
    """``copy.deepcopy`` of checked JSON data. ``plain`` (``check_json`` said so: no floats)
    data goes through orjson and back, which copies exactly when there are no floats; else
    only objects and arrays are copied (strings, numbers and booleans are immutable) and
    anything else is deep-copied."""
    if plain:
        try:
            return orjson.loads(orjson.dumps(value, option=_EXACT_JSON))
        except TypeError:
            pass  # a lone surrogate, a subclass: copied below
    kind = type(value)
    if kind is dict:
        return {key: _json_copy(item) for key, item in value.items()}
    if kind is list:
        return [_json_copy(item) for item in value]
    if kind is str or kind is int or kind is float or kind is bool:
        return value
    return copy.deepcopy(value)


def sign_credential(
    credential: dict[str, Any],
    key: KeyPair | EcdsaKeyPair,
    *,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: datetime | str | None = None,
    verification_method: str | None = None,
    proof_purpose: str = "assertionMethod",
    previous_proof: str | list[str] | None = None,
    proof_id: str | None = None,
    allow_test_contexts: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Add a ``DataIntegrityProof`` to a credential and return the signed copy.

    The credential must pass every safety rule first (defined terms, absolute IRIs, valid
    dates, JSON-safe numbers, a validity period that does not end before it starts). Without
    ``verification_method`` the key's ``did:key`` method is used, and a credential whose issuer
    is another DID is refused with ``issuer_mismatch``. ``key`` is a :class:`KeyPair` for the
    ``eddsa-*`` suites or an :class:`EcdsaKeyPair` for ``ecdsa-rdfc-2019`` /
    ``ecdsa-jcs-2019``. A VCDM 1.1 credential gets the Data Integrity context appended to its
    ``@context`` when it lacks it (the 1.1 context does not define the proof's terms).
    An existing proof makes a proof set; ``previous_proof`` (an id or ids) makes a chain.
    """
    if not isinstance(credential, dict):
        raise MalformedValueError("a credential is a JSON object", code="not_an_object")
    if "VerifiableCredential" not in types_of(credential):
        raise MalformedValueError(
            "the document's type must include VerifiableCredential", code="not_a_credential"
        )
    return _sign(
        credential,
        key,
        cryptosuite=cryptosuite,
        created=created,
        verification_method=verification_method,
        proof_purpose=proof_purpose,
        previous_proof=previous_proof,
        proof_id=proof_id,
        extra={},
        allow_test_contexts=allow_test_contexts,
        limits=limits,
        now=now,
        kind="credential",
    )


def sign_presentation(
    presentation: dict[str, Any],
    key: KeyPair | EcdsaKeyPair,
    *,
    challenge: str,
    domain: str | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: datetime | str | None = None,
    verification_method: str | None = None,
    proof_purpose: str = "authentication",
    allow_test_contexts: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Sign a Verifiable Presentation for one verifier: ``challenge`` (a nonce the verifier
    chose) and ``domain`` (who it is for) are signed, so the presentation cannot be replayed."""
    if not isinstance(presentation, dict):
        raise MalformedValueError("a presentation is a JSON object", code="not_an_object")
    if "VerifiablePresentation" not in types_of(presentation):
        raise MalformedValueError(
            "the document's type must include VerifiablePresentation", code="not_a_presentation"
        )
    if not isinstance(challenge, str) or not challenge:
        raise MalformedValueError("a presentation needs a challenge", code="missing_challenge")
    extra: dict[str, Any] = {"challenge": challenge}
    if domain is not None:
        extra["domain"] = domain
    return _sign(
        presentation,
        key,
        cryptosuite=cryptosuite,
        created=created,
        verification_method=verification_method,
        proof_purpose=proof_purpose,
        previous_proof=None,
        proof_id=None,
        extra=extra,
        allow_test_contexts=allow_test_contexts,
        limits=limits,
        now=now,
        kind="presentation",
    )


# --------------------------------------------------------------------------- format

_DATE_FIELDS = ("validFrom", "validUntil", "issuanceDate", "expirationDate")


def _check_document_rules(doc: dict[str, Any]) -> None:
    """JSON-level rules on the properties a verifier interprets, and the JSON Schemas.

    These read the JSON spelling; the facts the checks rely on are read again, from what was
    signed, when the view is built.
    """
    types = types_of(doc)
    credential = "VerifiableCredential" in types
    if credential and "VerifiablePresentation" in types:
        raise MalformedValueError(
            "the document is typed both VerifiableCredential and VerifiablePresentation",
            code="ambiguous_type",
        )
    for name in _DATE_FIELDS:
        if name in doc:
            parse_datetime(doc[name], name=name)
    if credential:
        if not _SCHEMA_CHECK:
            # Imported on first use (an import statement costs a microsecond every time it
            # runs): importing skillpass does not load the schemas or jsonschema-rs.
            from ._schemas import validate_credential_schemas

            _SCHEMA_CHECK.append(validate_credential_schemas)
        _SCHEMA_CHECK[0](doc)


_SCHEMA_CHECK: list[Callable[[dict[str, Any]], None]] = []


def _format_check(
    doc: dict[str, Any], kind: str, cache: DocumentCache
) -> tuple[Check, list[dict[str, Any]], CredentialView | PresentationView | None]:
    """Every document-level rule; on success the proofs and the (not yet checked) view."""
    try:
        cache.check_document(doc)
        wanted = "VerifiableCredential" if kind == "credential" else "VerifiablePresentation"
        if wanted not in types_of(doc):
            raise MalformedValueError(
                f"the document's type does not include {wanted}", code=f"not_a_{kind}"
            )
        if kind == "credential":
            # Clear codes for the commonest omissions, before the schemas' general one; the view
            # checks the same again on the signed meaning.
            if _party_id(doc.get("issuer")) is None:
                raise MalformedValueError("the credential has no issuer id", code="missing_issuer")
            if "credentialSubject" not in doc:
                raise MalformedValueError(
                    "the credential has no credentialSubject", code="missing_subject"
                )
            if _is_v1(doc) and "issuanceDate" not in doc:
                raise MalformedValueError(
                    "a VCDM 1.1 credential needs issuanceDate", code="missing_issuance_date"
                )
        _check_document_rules(doc)
        proofs = proof_list(doc)
        if not proofs:
            raise MalformedValueError("the document has no proof", code="no_proof")
        if len(proofs) > cache.limits.max_proofs:
            raise MalformedValueError(
                f"the document has {len(proofs)} proofs; at most {cache.limits.max_proofs} "
                "are verified",
                code="too_many_proofs",
            )
        for i, proof in enumerate(proofs):
            validate_proof_shape(
                proof, path=f"/proof/{i}" if isinstance(doc["proof"], list) else "/proof"
            )
        expanded = unsecured_base(doc, cache)
        # Every RDFC chain link (eddsa-rdfc-2022, ecdsa-rdfc-2019) canonicalizes the document
        # again: refuse at once what the node-map budget cannot cover, before any of that work.
        # (The JCS suites never build a node map: their cost is bounded by the JSON-level caps.)
        links = {
            tuple(_as_ids(p.get("previousProof")))
            for p in proofs
            if p["cryptosuite"] in (RDFC, ECDSA_RDFC)
        }
        if links:
            check_node_map_work(cache.work_of(()) * len(links), cache.limits)
        view: CredentialView | PresentationView
        if kind == "credential":
            view = credential_view(expanded, vcdm1=_is_v1(doc))
            check_related_resources(view, check_digests=True)
        else:
            view = presentation_view(expanded)
            embedded = doc.get("verifiableCredential", [])
            count = len(embedded) if isinstance(embedded, list) else 1
            if view.credential_count != count:
                # A credential under another spelling of the key would be signed, shown to
                # whoever reads the RDF, and never verified here.
                raise MalformedValueError(
                    f"the presentation signs {view.credential_count} credential(s), but "
                    f"{count} are under its verifiableCredential key",
                    code="hidden_credential",
                )
        # Expanding what each proof signs applies the JSON-LD rules (defined terms, IRIs…).
        for proof in proofs:
            prepare(doc, proof, cache)
    except SkillpassError as exc:
        where = f" at {exc.path}" if exc.path else ""
        return Check("format", _failed(exc), exc.code, exc.message + where), [], None
    return Check("format", "valid", "ok", "well-formed; every property is signed"), proofs, view


def _failed(exc: SkillpassError) -> Status:
    """Running out of time proves nothing about a document (a slow or busy device): the check
    is ``unknown`` and the report says the proof was not checked. Everything else is invalid."""
    return "unknown" if exc.code == "verification_timeout" else "invalid"


# --------------------------------------------------------------------------- proofs


def _proof_checks(
    doc: dict[str, Any],
    proofs: list[dict[str, Any]],
    cache: DocumentCache,
    resolver: DidResolver,
    purpose: str,
    not_before: datetime | None = None,
) -> tuple[Check, tuple[ProofView, ...]]:
    statuses: list[Status] = []
    messages: list[str] = []
    codes: list[str] = []
    verified: list[ProofView] = []
    for proof in proofs:
        label = proof.get("id") or proof["verificationMethod"]
        status, code, msg, view = _one_proof(doc, proof, cache, resolver, purpose, not_before)
        if view is not None:
            verified.append(view)
        statuses.append(status)
        codes.append(code)
        messages.append(msg if len(proofs) == 1 else f"{label}: {msg}")
    overall = combine(statuses)
    if overall == "valid":
        code = "ok"
    else:
        code = next(c for s, c in zip(statuses, codes, strict=True) if s == overall)
    return Check("proof", overall, code, "; ".join(messages)), tuple(verified)


def _one_proof(
    doc: dict[str, Any],
    proof: dict[str, Any],
    cache: DocumentCache,
    resolver: DidResolver,
    purpose: str,
    not_before: datetime | None,
) -> tuple[Status, str, str, ProofView | None]:
    if proof["proofPurpose"] != purpose:
        return (
            "invalid",
            "proof_purpose_mismatch",
            f"proof purpose is {proof['proofPurpose']!r}, expected {purpose!r}",
            None,
        )
    try:
        check_deadline(cache.deadline)
        # A method that is not a DID URL with a fragment can never be checked: invalid.
        parse_method_url(proof["verificationMethod"])
    except SkillpassError as exc:
        return _failed(exc), exc.code, exc.message, None
    if proof["cryptosuite"] not in CRYPTOSUITES:
        return (
            "unknown",
            "unsupported_cryptosuite",
            f"cryptosuite {proof['cryptosuite']!r} is not supported, so the signature was not "
            "checked",
            None,
        )
    try:
        method = resolve_verification_method(proof["verificationMethod"], resolver)
    except ResolutionError as exc:
        return "unknown", exc.code, f"{exc.message}; the signature was not checked", None
    except SkillpassError as exc:
        return _failed(exc), exc.code, exc.message, None
    except Exception as exc:
        return (
            "unknown",
            "resolver_error",
            f"the DID resolver failed ({type(exc).__name__}); the signature was not checked",
            None,
        )
    created = parse_datetime(proof["created"], name="created") if "created" in proof else None
    status, code, msg = _key_window(method.id, method.expires, method.revoked, created)
    expires = method.expires
    if (
        status == "valid"
        and expires is not None
        and not_before is not None
        and not_before > expires
    ):
        status, code, msg = (
            "invalid",
            "key_expired",
            f"the credential is valid only from {format_datetime(not_before)}, after key "
            f"{method.id} expired ({format_datetime(expires)}): it was not signed "
            "while the key was in use",
        )
    if status != "valid":
        return status, code, msg, None
    try:
        outcome = verify_proof(doc, proof, method.public_key, cache)
    except SkillpassError as exc:
        return _failed(exc), exc.code, exc.message, None
    if outcome.verified is None:
        return "unknown", outcome.code, outcome.message, None
    if not outcome.verified:
        return "invalid", outcome.code, outcome.message, None
    domain = proof.get("domain")
    view = ProofView(
        verification_method=method.id,
        controller=method.controller,
        relationships=method.relationships,
        cryptosuite=proof["cryptosuite"],
        created=created,
        expires=parse_datetime(proof["expires"], name="expires") if "expires" in proof else None,
        challenge=proof.get("challenge"),
        domains=tuple([domain] if isinstance(domain, str) else domain or ()),
    )
    return "valid", outcome.code, outcome.message, view


def _key_window(
    method_id: str, expires: datetime | None, revoked: datetime | None, created: datetime | None
) -> tuple[Status, str, str]:
    """A rotated key signs only before it expired; a revoked key no longer verifies at all."""
    if revoked is not None:
        return (
            "invalid",
            "key_revoked",
            f"key {method_id} was revoked on {format_datetime(revoked)}",
        )
    if expires is not None:
        if created is None:
            return (
                "invalid",
                "key_expired",
                f"key {method_id} has expired and the proof has no creation date",
            )
        if created > expires:
            return (
                "invalid",
                "key_expired",
                f"the proof was created after key {method_id} expired ({format_datetime(expires)})",
            )
    return "valid", "ok", ""


# --------------------------------------------------------------------------- checks on the view


def _controller_check(
    check_id: str, controller: str, proofs: tuple[ProofView, ...], relationship: str
) -> Check | None:
    """``None`` when a verified proof is by ``controller`` for ``relationship``, else why not."""
    own = [p for p in proofs if p.controller == controller]
    if not own:
        others = ", ".join(sorted({p.controller for p in proofs}))
        return Check(
            check_id,
            "invalid",
            f"{check_id}_mismatch",
            f"the {check_id} is {controller}, but the proof was made with a key of {others}",
        )
    if not any(relationship in p.relationships for p in own):
        return Check(
            check_id,
            "invalid",
            "verification_relationship",
            f"the key is not listed under {relationship} in the {check_id}'s DID document",
        )
    return None


def _issuer_check(
    checked: CheckedCredential, policy: VerificationPolicy, now: datetime
) -> tuple[Check, TrustDecision | None]:
    issuer = checked.view.issuer
    if not issuer.startswith("did:") and all(p.controller != issuer for p in checked.proofs):
        # An https issuer may list the key in a controller document SkillPass cannot fetch
        # offline: whether the key is the issuer's is unknown, not disproved.
        signers = ", ".join(sorted({p.controller for p in checked.proofs}))
        return (
            Check(
                "issuer",
                "unknown",
                "issuer_not_bound",
                f"the issuer {issuer} is not a DID, so nothing available offline says whether "
                f"the signing key ({signers}) is the issuer's",
            ),
            None,
        )
    failed = _controller_check("issuer", issuer, checked.proofs, "assertionMethod")
    if failed is not None:
        return failed, None
    try:
        decision = policy.trust.assess(checked, at=now)
    except Exception as exc:
        decision = TrustDecision(
            "unknown", "trust_policy_error", f"the trust policy failed ({type(exc).__name__})"
        )
    return Check("issuer", decision.status, decision.code, decision.message), decision


def _validity_check(
    starts: Iterable[datetime],
    ends: Iterable[datetime],
    proofs: tuple[ProofView, ...],
    now: datetime,
    skew: timedelta,
) -> Check:
    starts, ends = sorted(starts), sorted(ends)
    # Every start and end the signed data gives must hold (VCDM 2.0 and 1.1 names alike).
    for start in starts:
        if start > now + skew:
            return Check(
                "validity", "invalid", "not_yet_valid", f"not valid before {format_datetime(start)}"
            )
    for end in ends:
        if end < now - skew:
            return Check("validity", "invalid", "expired", f"expired on {format_datetime(end)}")
    for proof in proofs:
        if proof.expires is not None and proof.expires < now - skew:
            return Check(
                "validity",
                "invalid",
                "proof_expired",
                f"the proof expired on {format_datetime(proof.expires)}",
            )
        if proof.created is not None and proof.created > now + skew:
            return Check(
                "validity",
                "invalid",
                "proof_in_future",
                f"the proof was created in the future ({format_datetime(proof.created)})",
            )
    window = f"from {format_datetime(starts[-1])}" if starts else "with no start date"
    window += f" until {format_datetime(ends[0])}" if ends else ", with no end date"
    return Check("validity", "valid", "ok", f"valid {window}; checked at {format_datetime(now)}")


def _status_check(checked: CheckedCredential, policy: VerificationPolicy, now: datetime) -> Check:
    entries = checked.view.statuses
    if not entries:
        return Check(
            "status", "valid", "no_status_entry", "the credential has no status entry to check"
        )
    decisions: list[StatusDecision] = []
    for entry in entries:
        try:
            decisions.append(policy.status.check(entry, checked, at=now))
        except Exception as exc:
            decisions.append(
                StatusDecision(
                    "unknown",
                    "status_checker_error",
                    f"the status checker failed ({type(exc).__name__})",
                )
            )
    overall = combine([d.status for d in decisions])
    first = next(d for d in decisions if d.status == overall)
    message = "; ".join(dict.fromkeys(d.message for d in decisions))
    return Check("status", overall, first.code if overall != "valid" else "ok", message)


# --------------------------------------------------------------------------- the pipeline


def _why_not(proof: Check) -> str:
    return "the proof did not verify" if proof.status == "invalid" else "the proof was not checked"


def _not_checked(check_id: str, why: str = "the document is malformed") -> Check:
    return Check(check_id, "unknown", "not_checked", f"not checked: {why}")


_DEFAULT_POLICY: list[VerificationPolicy] = []


def _default_policy() -> VerificationPolicy:
    """``VerificationPolicy()``, made once: it is frozen, and its default resolver, trust policy
    and status checker hold no state, so every verification without a policy can share it."""
    if not _DEFAULT_POLICY:
        _DEFAULT_POLICY.append(VerificationPolicy())
    return _DEFAULT_POLICY[0]


def _policy_from(
    policy: VerificationPolicy | None,
    *,
    now: datetime | None,
    resolver: DidResolver | None,
    trusted_issuers: Collection[str] | None,
    allow_test_contexts: bool | None,
    limits: Limits | None,
    max_clock_skew: timedelta | None,
    challenge: str | None = None,
    domain: str | None = None,
) -> VerificationPolicy:
    """The policy, with any individually given option applied on top of it."""
    changes: dict[str, Any] = {}
    if now is not None:
        changes["now"] = now
    if resolver is not None:
        changes["resolver"] = resolver
    if trusted_issuers is not None:
        if isinstance(trusted_issuers, str):
            raise TypeError("trusted_issuers is a collection of DIDs, not one string")
        changes["trust"] = TrustedIssuers(trusted_issuers)
    if allow_test_contexts is not None:
        changes["allow_test_contexts"] = allow_test_contexts
    if limits is not None:
        changes["limits"] = limits
    if max_clock_skew is not None:
        changes["max_clock_skew"] = max_clock_skew
    if challenge is not None:
        changes["challenge"] = challenge
    if domain is not None:
        changes["domain"] = domain
    base = policy if policy is not None else _default_policy()
    if not isinstance(base, VerificationPolicy):
        raise TypeError("policy must be a skillpass.VerificationPolicy")
    return dataclasses.replace(base, **changes) if changes else base


def verify_credential(
    credential: dict[str, Any],
    *,
    policy: VerificationPolicy | None = None,
    frameworks: Iterable[str] = (),
    id_number: str | None = None,
    now: datetime | None = None,
    resolver: DidResolver | None = None,
    trusted_issuers: Collection[str] | None = None,
    allow_test_contexts: bool | None = None,
    limits: Limits | None = None,
    max_clock_skew: timedelta | None = None,
) -> VerificationReport:
    """Verify a credential offline and report every check; never raises on bad input.

    ``policy`` holds time, DID resolution, limits, trust and status; the other keyword options
    override single fields of it (``trusted_issuers`` is a quick :class:`TrustedIssuers`).
    ``frameworks``: also compare the credential's levels with these frameworks (only when the
    proof verified: a forged level is never compared). ``id_number``: check a passport or ID
    number against the credential's salted hash (``report.identity``). Unknown frameworks raise
    ``unknown_framework`` (a caller's mistake, not the document's).
    """
    policy = _policy_from(
        policy,
        now=now,
        resolver=resolver,
        trusted_issuers=trusted_issuers,
        allow_test_contexts=allow_test_contexts,
        limits=limits,
        max_clock_skew=max_clock_skew,
    )
    targets = _framework_targets(frameworks)
    deadline = start_deadline(policy.limits)
    report = _verify_credential(credential, policy, policy.instant(), deadline)
    return _finish(report, targets, id_number)


def _framework_targets(frameworks: Iterable[str]) -> tuple[str, ...]:
    if isinstance(frameworks, str):
        frameworks = (frameworks,)
    targets = tuple(dict.fromkeys(frameworks))
    if targets:
        from .frameworks import get_framework

        for target in targets:
            get_framework(target)  # unknown: the caller's error, raised before any work
    return targets


def _finish(
    report: VerificationReport, targets: tuple[str, ...], id_number: str | None
) -> VerificationReport:
    extras: dict[str, Any] = {}
    if targets:
        from ._summary import level_comparisons

        extras.update(level_comparisons(report, targets))
    if id_number is not None:
        extras["identity"] = identity_result(report, id_number)
    return report.with_extras(**extras) if extras else report


def _verify_credential(
    credential: Any, policy: VerificationPolicy, now: datetime, deadline: float
) -> VerificationReport:
    cache = DocumentCache(
        allow_test_contexts=policy.allow_test_contexts, limits=policy.limits, deadline=deadline
    )
    rest = ("proof", "issuer", "validity", "status")
    if not isinstance(credential, dict):
        fmt = Check("format", "invalid", "not_an_object", "a credential is a JSON object")
        return VerificationReport("credential", (fmt, *map(_not_checked, rest)))
    fmt, proofs, view = _format_check(credential, "credential", cache)
    if fmt.status != "valid" or not isinstance(view, CredentialView):
        raw_id = credential.get("id")
        return VerificationReport(
            "credential",
            (fmt, *map(_not_checked, rest)),
            raw_id if isinstance(raw_id, str) else None,
            _party_id(credential.get("issuer")),
            reason="proof_not_checked" if fmt.status == "unknown" else None,
        )
    # A key that expired before the credential's validity starts cannot have signed it then,
    # whatever `created` the signer wrote.
    not_before = max(view.valid_from) if view.valid_from else None
    proof, verified = _proof_checks(
        credential, proofs, cache, policy.resolver, "assertionMethod", not_before
    )
    if proof.status != "valid":
        why = _why_not(proof)
        return VerificationReport(
            "credential",
            (fmt, proof, *(_not_checked(c, why) for c in rest[1:])),
            view.id,
            view.issuer,
            reason="proof_not_checked" if proof.status == "unknown" else None,
        )
    checked = CheckedCredential(view, verified)
    issuer, decision = _issuer_check(checked, policy, now)
    checks = (
        fmt,
        proof,
        issuer,
        _validity_check(view.valid_from, view.valid_until, verified, now, policy.max_clock_skew),
        _status_check(checked, policy, now),
    )
    if issuer.status == "invalid" or issuer.code == "issuer_not_bound":
        # The signature is real but not (known to be) the issuer's: nothing it says is
        # summarised, compared or matched against an ID number.
        return VerificationReport("credential", checks, view.id, view.issuer)
    summary = credential_summary(checked, decision, policy.language)
    return VerificationReport(
        "credential", checks, view.id, view.issuer, summary=summary, checked=checked
    )


def verify_presentation(
    presentation: dict[str, Any],
    *,
    policy: VerificationPolicy | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    frameworks: Iterable[str] = (),
    id_number: str | None = None,
    now: datetime | None = None,
    resolver: DidResolver | None = None,
    trusted_issuers: Collection[str] | None = None,
    allow_test_contexts: bool | None = None,
    limits: Limits | None = None,
    max_clock_skew: timedelta | None = None,
) -> VerificationReport:
    """Verify a presentation and every credential in it; never raises on bad input.

    Pass the ``challenge`` (and ``domain``) you gave the holder: a presentation signed for
    another challenge is invalid (a replay); without one the ``holder`` check is ``unknown``
    (``challenge_not_checked``) unless the policy says ``require_challenge=False``. The
    ``holder`` check says whether the holder signed it and which credentials are about them.
    """
    policy = _policy_from(
        policy,
        now=now,
        resolver=resolver,
        trusted_issuers=trusted_issuers,
        allow_test_contexts=allow_test_contexts,
        limits=limits,
        max_clock_skew=max_clock_skew,
        challenge=challenge,
        domain=domain,
    )
    targets = _framework_targets(frameworks)
    deadline = start_deadline(policy.limits)
    report = _verify_presentation(presentation, policy, policy.instant(), deadline)
    if targets or id_number is not None:
        subs = tuple(_finish(sub, targets, id_number) for sub in report.credentials)
        report = dataclasses.replace(report, credentials=subs)
    return report


def _verify_presentation(
    presentation: Any, policy: VerificationPolicy, now: datetime, deadline: float
) -> VerificationReport:
    cache = DocumentCache(
        allow_test_contexts=policy.allow_test_contexts, limits=policy.limits, deadline=deadline
    )
    rest = ("proof", "holder", "validity")
    if not isinstance(presentation, dict):
        fmt = Check("format", "invalid", "not_an_object", "a presentation is a JSON object")
        return VerificationReport("presentation", (fmt, *map(_not_checked, rest)))
    fmt, proofs, view = _format_check(presentation, "presentation", cache)
    if fmt.status != "valid" or not isinstance(view, PresentationView):
        return VerificationReport(
            "presentation",
            (fmt, *map(_not_checked, rest)),
            holder=_party_id(presentation.get("holder")),
            reason="proof_not_checked" if fmt.status == "unknown" else None,
        )
    proof, verified = _proof_checks(presentation, proofs, cache, policy.resolver, "authentication")
    proof = _check_challenge(proof, verified, policy)
    vcs = presentation.get("verifiableCredential", [])
    reports = tuple(
        _verify_credential(vc, policy, now, deadline)
        for vc in (vcs if isinstance(vcs, list) else [vcs])
    )
    not_checked = proof.status == "unknown" or any(r.reason for r in reports)
    reason = "proof_not_checked" if not_checked else None
    if proof.status != "valid":
        why = _why_not(proof)
        checks = (fmt, proof, _not_checked("holder", why), _not_checked("validity", why))
        return VerificationReport(
            "presentation", checks, view.id, holder=view.holder, credentials=reports, reason=reason
        )
    checked = CheckedPresentation(view, verified)
    holder, holder_id = _holder_check(checked, reports, policy)
    validity = _validity_check((), (), verified, now, policy.max_clock_skew)
    summary = {
        "holder": holder_id,
        "credentials": [r.summary for r in reports],
    }
    return VerificationReport(
        "presentation",
        (fmt, proof, holder, validity),
        view.id,
        holder=holder_id,
        credentials=reports,
        summary=summary,
        reason=reason,
    )


def _check_challenge(
    proof: Check, verified: tuple[ProofView, ...], policy: VerificationPolicy
) -> Check:
    if proof.status != "valid":
        return proof
    for p in verified:
        if policy.challenge is not None and p.challenge != policy.challenge:
            return Check(
                "proof",
                "invalid",
                "challenge_mismatch",
                "the presentation was signed for another challenge (a replay?)",
            )
        if policy.domain is not None and policy.domain not in p.domains:
            return Check(
                "proof",
                "invalid",
                "domain_mismatch",
                f"the presentation was signed for another domain, not {policy.domain!r}",
            )
    return proof


def _holder_check(
    checked: CheckedPresentation,
    reports: tuple[VerificationReport, ...],
    policy: VerificationPolicy,
) -> tuple[Check, str | None]:
    holder = checked.view.holder
    if holder is None:
        signers = {p.controller for p in checked.proofs}
        if len(signers) != 1:
            return (
                Check("holder", "invalid", "missing_holder", "the presentation names no holder"),
                None,
            )
        holder = signers.pop()
    failed = _controller_check("holder", holder, checked.proofs, "authentication")
    if failed is not None:
        return failed, holder
    bound: list[int] = []
    unbound: list[int] = []
    unverified: list[int] = []
    others: list[tuple[int, list[str]]] = []
    for i, report in enumerate(reports, 1):
        if report.checked is None:
            unverified.append(i)  # it says nothing trustworthy about whom it is for
            continue
        ids = sorted({s.id for s in report.checked.view.subjects if s.id is not None})
        if holder in ids:
            bound.append(i)
        elif ids:
            others.append((i, ids))
        else:
            unbound.append(i)
    parts = [f"signed by the holder {holder}"]
    if bound:
        parts.append(f"credential(s) {_nums(bound)} are about the holder")
    if unbound:
        parts.append(f"credential(s) {_nums(unbound)} name no subject id, so nothing binds them")
    if unverified:
        parts.append(
            f"credential(s) {_nums(unverified)} did not verify, so their binding is unknown"
        )
    for i, ids in others:
        parts.append(f"credential {i} is about {', '.join(ids)}, not the holder")
    if policy.challenge is None and policy.require_challenge:
        parts.append(
            "no challenge was given, so this may be a replay of a presentation made for "
            "someone else"
        )
    message = "; ".join(parts)
    if others and policy.require_holder_binding:
        return Check("holder", "invalid", "subject_not_holder", message), holder
    if policy.challenge is None and policy.require_challenge:
        return Check("holder", "unknown", "challenge_not_checked", message), holder
    if unverified:
        return Check("holder", "unknown", "binding_not_checked", message), holder
    code = "subject_not_holder" if others else "subject_not_bound" if unbound else "ok"
    return Check("holder", "valid", code, message), holder


def _nums(items: list[int]) -> str:
    return ", ".join(str(i) for i in items)


def credential_check_failed(report: VerificationReport) -> str | None:
    """Why a credential's QR or certificate would not verify anywhere (None if it would).

    The format and the proof must be valid and the key must be the issuer's; trust and status
    may be unknown (an institute prints its own credentials before any trust list exists).
    """
    for check in report.checks:
        required = check.id in ("format", "proof") and check.status != "valid"
        # issuer_not_bound: nothing says the key is the issuer's (anyone can name an https
        # issuer), which is as bad for a printed page as a key known not to be.
        not_issuers = check.status == "invalid" or check.code == "issuer_not_bound"
        if required or (check.id == "issuer" and not_issuers):
            return f"the {check.id} check is {check.status} ({check.code}: {check.message})"
    return None
