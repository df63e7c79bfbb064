"""Signing and verifying credentials and presentations (not public API; see ``skillpass``)."""

from __future__ import annotations

import copy
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from ._canon import DEFAULT_LIMITS, Limits, check_json
from ._dates import format_datetime, parse_datetime
from ._did import DidResolver, OfflineResolver, ResolvedMethod, resolve_verification_method
from ._jsonio import types_of
from ._keys import KeyPair
from ._proofs import (
    CRYPTOSUITES,
    DocumentCache,
    create_proof,
    prepare,
    proof_list,
    validate_proof_shape,
    verify_proof,
)
from ._report import Check, Status, VerificationReport, combine
from .errors import (
    CryptographicSecurityError,
    MalformedValueError,
    ResolutionError,
    SkillpassError,
)

__all__ = ["sign_credential", "sign_presentation", "verify_credential", "verify_presentation"]

_V1 = "https://www.w3.org/2018/credentials/v1"
# The verification relationships of Controlled Identifiers 1.0 that a proof may serve.
_PROOF_PURPOSES = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)
_DEFAULT_SKEW = timedelta(minutes=5)


def _party_id(value: Any) -> str | None:
    """The id of an issuer or holder given as a string or as an object with ``id``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _is_v1(doc: dict[str, Any]) -> bool:
    ctx = doc.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    return first == _V1


# --------------------------------------------------------------------------- signing


def _created_value(created: datetime | str | None, now: datetime | None) -> str:
    if created is None:
        return format_datetime(now or datetime.now(UTC))
    if isinstance(created, datetime):
        return format_datetime(created)
    parse_datetime(created, name="created")
    return created


def _sign(
    doc: dict[str, Any],
    key: KeyPair,
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
    controller_field: str,
) -> dict[str, Any]:
    if not isinstance(key, KeyPair):
        raise TypeError("key must be a skillpass.KeyPair")
    if cryptosuite not in CRYPTOSUITES:
        raise MalformedValueError(
            f"unsupported cryptosuite {cryptosuite!r}; use one of {', '.join(CRYPTOSUITES)}",
            code="unsupported_cryptosuite",
        )
    if proof_purpose not in _PROOF_PURPOSES:
        raise MalformedValueError(
            f"unknown proof purpose {proof_purpose!r}; use one of {', '.join(_PROOF_PURPOSES)}",
            code="unsupported_proof_purpose",
        )
    check_json(doc, allow_test_contexts=allow_test_contexts, limits=limits)
    _check_document_rules(doc)
    for i, existing in enumerate(proof_list(doc)):
        validate_proof_shape(existing, path=f"/proof/{i}")
    if verification_method is None:
        # Refuse to sign a document whose named controller (issuer or holder) is someone else:
        # the result could never verify as theirs.
        named = _party_id(doc.get(controller_field))
        if named is not None and named != key.did:
            raise CryptographicSecurityError(
                f"the document's {controller_field} is {named}, but this key is {key.did}: sign "
                f"with that {controller_field}'s key, or make this key's DID the "
                f"{controller_field}",
                code="issuer_mismatch" if controller_field == "issuer" else "holder_mismatch",
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
        allow_test_contexts=allow_test_contexts,
        limits=limits,
        json_checked=True,  # check_json(doc) ran above
    )
    signed = copy.deepcopy(doc)
    existing_proofs = proof_list(doc)
    if existing_proofs:
        signed["proof"] = [*copy.deepcopy(existing_proofs), proof]
    else:
        signed["proof"] = proof
    return signed


def sign_credential(
    credential: dict[str, Any],
    key: KeyPair,
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
    dates, JSON-safe numbers). Without ``verification_method`` the key's ``did:key`` method is
    used, and a credential whose issuer is another DID is refused with ``issuer_mismatch``.
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
        controller_field="issuer",
    )


def sign_presentation(
    presentation: dict[str, Any],
    key: KeyPair,
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
        controller_field="holder",
    )


# --------------------------------------------------------------------------- verifying

_DATE_FIELDS = ("validFrom", "validUntil", "issuanceDate", "expirationDate")


def _check_document_rules(doc: dict[str, Any]) -> None:
    """Rules on the properties a verifier interprets (dates) and, for OB/VC, the schemas."""
    for name in _DATE_FIELDS:
        if name in doc:
            parse_datetime(doc[name], name=name)
    from ._schemas import validate_credential_schemas

    if "VerifiableCredential" in types_of(doc):
        validate_credential_schemas(doc)


def _format_check(
    doc: dict[str, Any], kind: str, cache: DocumentCache
) -> tuple[Check, list[dict[str, Any]]]:
    """Every document-level rule; on success also prepares the canonical forms for the proofs."""
    try:
        check_json(doc, allow_test_contexts=cache.allow_test_contexts, limits=cache.limits)
        cache.json_checked = True
        wanted = "VerifiableCredential" if kind == "credential" else "VerifiablePresentation"
        if wanted not in types_of(doc):
            raise MalformedValueError(
                f"the document's type does not include {wanted}", code=f"not_a_{kind}"
            )
        if kind == "credential":
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
        for i, proof in enumerate(proofs):
            validate_proof_shape(
                proof, path=f"/proof/{i}" if isinstance(doc["proof"], list) else "/proof"
            )
        # Expanding the signed data applies the JSON-LD rules (defined terms, IRIs, literals).
        for proof in proofs:
            if proof["cryptosuite"] in CRYPTOSUITES:
                prepare(doc, proof, cache)
    except SkillpassError as exc:
        where = f" at {exc.path}" if exc.path else ""
        return Check("format", "invalid", exc.code, exc.message + where), []
    return Check("format", "valid", "ok", "well-formed; every property is signed"), proofs


def _proof_checks(
    doc: dict[str, Any],
    proofs: list[dict[str, Any]],
    cache: DocumentCache,
    resolver: DidResolver,
    purpose: str,
) -> tuple[Check, list[ResolvedMethod]]:
    statuses: list[Status] = []
    messages: list[str] = []
    codes: list[str] = []
    methods: list[ResolvedMethod] = []
    for proof in proofs:
        label = proof.get("id") or proof["verificationMethod"]
        status: Status
        if proof["proofPurpose"] != purpose:
            status, code, msg = (
                "invalid",
                "proof_purpose_mismatch",
                (f"proof purpose is {proof['proofPurpose']!r}, expected {purpose!r}"),
            )
        else:
            try:
                method = resolve_verification_method(proof["verificationMethod"], resolver)
            except ResolutionError as exc:
                status, code, msg = "unknown", exc.code, exc.message
            except SkillpassError as exc:
                status, code, msg = "invalid", exc.code, exc.message
            else:
                status, code, msg = _key_window(method, proof)
                if status == "valid":
                    try:
                        outcome = verify_proof(doc, proof, method.public_key, cache)
                    except SkillpassError as exc:
                        status, code, msg = "invalid", exc.code, exc.message
                    else:
                        code, msg = outcome.code, outcome.message
                        status = (
                            "unknown"
                            if outcome.verified is None
                            else "valid"
                            if outcome.verified
                            else "invalid"
                        )
                    if status == "valid":
                        methods.append(method)
        statuses.append(status)
        codes.append(code)
        messages.append(msg if len(proofs) == 1 else f"{label}: {msg}")
    overall = combine(statuses)
    if overall == "valid":
        code = "ok"
    else:
        code = next(c for s, c in zip(statuses, codes, strict=True) if s == overall)
    return Check("proof", overall, code, "; ".join(messages)), methods


def _key_window(method: ResolvedMethod, proof: dict[str, Any]) -> tuple[Status, str, str]:
    """A rotated key signs only before it expired; a revoked key no longer verifies at all."""
    if method.revoked is not None:
        return (
            "invalid",
            "key_revoked",
            f"key {method.id} was revoked on {format_datetime(method.revoked)}",
        )
    if method.expires is not None:
        created = proof.get("created")
        if created is None:
            return (
                "invalid",
                "key_expired",
                f"key {method.id} has expired and the proof has no creation date",
            )
        if parse_datetime(created, name="created") > method.expires:
            return (
                "invalid",
                "key_expired",
                (
                    f"the proof was created after key {method.id} expired "
                    f"({format_datetime(method.expires)})"
                ),
            )
    return "valid", "ok", ""


def _controller_check(
    check_id: str,
    controller: str | None,
    methods: list[ResolvedMethod],
    relationship: str,
    proof_status: Status,
    trusted: Collection[str] | None,
) -> Check:
    role = check_id  # "issuer" or "holder"
    if proof_status != "valid":
        return Check(check_id, "unknown", "not_checked", "not checked: the proof did not verify")
    if controller is None:
        return Check(check_id, "invalid", f"missing_{role}", f"the document names no {role}")
    own = [m for m in methods if m.controller == controller]
    if not own:
        others = ", ".join(sorted({m.controller for m in methods}))
        return Check(
            check_id,
            "invalid",
            f"{role}_mismatch",
            f"the {role} is {controller}, but the proof was made with a key of {others}",
        )
    if not any(relationship in m.relationships for m in own):
        return Check(
            check_id,
            "invalid",
            "verification_relationship",
            f"the key is not listed under {relationship} in the {role}'s DID document",
        )
    if check_id == "holder":
        return Check(check_id, "valid", "ok", f"signed by the holder {controller}")
    if trusted is None:
        return Check(
            check_id,
            "unknown",
            "no_trust_configuration",
            f"the proof is by the issuer {controller}, but no trust list says whether it is an "
            "accredited institution",
        )
    if controller in trusted:
        return Check(check_id, "valid", "ok", f"{controller} is a trusted issuer")
    return Check(
        check_id, "unknown", "issuer_not_trusted", f"{controller} is not in the trust list"
    )


def _validity_check(
    doc: dict[str, Any], proofs: list[dict[str, Any]], now: datetime, skew: timedelta
) -> Check:
    try:
        # A document may carry both the VCDM 2.0 and the 1.1 names; every one of them must hold.
        starts = [doc[k] for k in ("validFrom", "issuanceDate") if k in doc]
        ends = [doc[k] for k in ("validUntil", "expirationDate") if k in doc]
        for start in starts:
            if parse_datetime(start, name="validFrom") > now + skew:
                return Check("validity", "invalid", "not_yet_valid", f"not valid before {start}")
        for end in ends:
            if parse_datetime(end, name="validUntil") < now - skew:
                return Check("validity", "invalid", "expired", f"expired on {end}")
        start = starts[0] if starts else None
        end = ends[0] if ends else None
        for proof in proofs:
            if "expires" in proof and parse_datetime(proof["expires"], name="expires") < now - skew:
                return Check(
                    "validity",
                    "invalid",
                    "proof_expired",
                    f"the proof expired on {proof['expires']}",
                )
            if "created" in proof and parse_datetime(proof["created"], name="created") > now + skew:
                return Check(
                    "validity",
                    "invalid",
                    "proof_in_future",
                    f"the proof was created in the future ({proof['created']})",
                )
    except SkillpassError as exc:
        return Check("validity", "invalid", exc.code, exc.message)
    window = f"from {start}" if start else "with no start date"
    window += f" until {end}" if end else ", with no end date"
    return Check("validity", "valid", "ok", f"valid {window}; checked at {format_datetime(now)}")


def _status_check(doc: dict[str, Any]) -> Check:
    entries = doc.get("credentialStatus")
    if entries is None:
        return Check(
            "status", "valid", "no_status_entry", "the credential has no status entry to check"
        )
    return Check(
        "status",
        "unknown",
        "status_not_checked",
        "the credential has a status entry, but no status list is available offline to check "
        "revocation or suspension",
    )


def _aware(now: datetime | None) -> datetime:
    """The verification time: the clock by default; a caller's time must carry its zone."""
    if now is None:
        return datetime.now(UTC)
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise TypeError("now must be a timezone-aware datetime (e.g. datetime.now(UTC))")
    if not datetime(2, 1, 1, tzinfo=UTC) <= now <= datetime(9998, 12, 31, tzinfo=UTC):
        raise ValueError("now is outside the years 0002-9998")
    return now


def _not_checked(check_id: str) -> Check:
    return Check(check_id, "unknown", "not_checked", "not checked: the document is malformed")


def verify_credential(
    credential: dict[str, Any],
    *,
    now: datetime | None = None,
    resolver: DidResolver | None = None,
    trusted_issuers: Collection[str] | None = None,
    allow_test_contexts: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    max_clock_skew: timedelta = _DEFAULT_SKEW,
) -> VerificationReport:
    """Verify a credential offline and report every check; never raises on bad input.

    ``resolver`` defaults to offline ``did:key`` resolution. ``trusted_issuers`` (issuer DIDs)
    stands in for trust lists until a trust bundle is given; without it the ``issuer`` check is
    ``unknown`` even when the key is the issuer's.
    """
    return _verify_credential(
        credential,
        now=now,
        resolver=resolver,
        trusted_issuers=trusted_issuers,
        allow_test_contexts=allow_test_contexts,
        limits=limits,
        max_clock_skew=max_clock_skew,
    )


def _verify_credential(
    credential: Any,
    *,
    now: datetime | None,
    resolver: DidResolver | None,
    trusted_issuers: Collection[str] | None,
    allow_test_contexts: bool,
    limits: Limits,
    max_clock_skew: timedelta,
) -> VerificationReport:
    now = _aware(now)
    resolver = resolver or OfflineResolver()
    cache = DocumentCache(allow_test_contexts=allow_test_contexts, limits=limits)
    if not isinstance(credential, dict):
        fmt = Check("format", "invalid", "not_an_object", "a credential is a JSON object")
        return VerificationReport(
            "credential", (fmt, *map(_not_checked, ("proof", "issuer", "validity", "status")))
        )
    doc_id = credential.get("id") if isinstance(credential.get("id"), str) else None
    issuer = _party_id(credential.get("issuer"))
    fmt, proofs = _format_check(credential, "credential", cache)
    if fmt.status != "valid":
        checks = (fmt, *map(_not_checked, ("proof", "issuer", "validity", "status")))
        return VerificationReport("credential", checks, doc_id, issuer)
    proof, methods = _proof_checks(credential, proofs, cache, resolver, "assertionMethod")
    issuer_check = _controller_check(
        "issuer", issuer, methods, "assertionMethod", proof.status, trusted_issuers
    )
    checks = (
        fmt,
        proof,
        issuer_check,
        _validity_check(credential, proofs, now, max_clock_skew),
        _status_check(credential),
    )
    return VerificationReport("credential", checks, doc_id, issuer)


def verify_presentation(
    presentation: dict[str, Any],
    *,
    challenge: str | None = None,
    domain: str | None = None,
    now: datetime | None = None,
    resolver: DidResolver | None = None,
    trusted_issuers: Collection[str] | None = None,
    allow_test_contexts: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    max_clock_skew: timedelta = _DEFAULT_SKEW,
) -> VerificationReport:
    """Verify a presentation and every credential in it; never raises on bad input.

    Pass the ``challenge`` (and ``domain``) you gave the holder: a presentation signed for
    another challenge is invalid (a replay). The ``holder`` check says whether the holder
    signed it and whether the credentials' subjects are that holder.
    """
    now = _aware(now)
    resolver = resolver or OfflineResolver()
    cache = DocumentCache(allow_test_contexts=allow_test_contexts, limits=limits)
    names = ("proof", "holder", "validity")
    untrusted: Any = presentation  # callers outside mypy may pass any JSON value
    if not isinstance(untrusted, dict):
        fmt = Check("format", "invalid", "not_an_object", "a presentation is a JSON object")
        return VerificationReport("presentation", (fmt, *map(_not_checked, names)))
    doc_id = presentation.get("id") if isinstance(presentation.get("id"), str) else None
    holder = _party_id(presentation.get("holder"))
    fmt, proofs = _format_check(presentation, "presentation", cache)
    if fmt.status != "valid":
        return VerificationReport(
            "presentation", (fmt, *map(_not_checked, names)), doc_id, holder=holder
        )
    proof, methods = _proof_checks(presentation, proofs, cache, resolver, "authentication")
    proof = _check_challenge(proof, proofs, challenge, domain)
    signer = holder if holder is not None else (methods[0].controller if methods else None)
    holder_check = _controller_check(
        "holder", signer, methods, "authentication", proof.status, None
    )
    vcs = presentation.get("verifiableCredential", [])
    vcs = vcs if isinstance(vcs, list) else [vcs]
    reports = tuple(
        _verify_credential(
            vc,
            now=now,
            resolver=resolver,
            trusted_issuers=trusted_issuers,
            allow_test_contexts=allow_test_contexts,
            limits=limits,
            max_clock_skew=max_clock_skew,
        )
        for vc in vcs
    )
    if holder_check.status == "valid":
        holder_check = _subject_binding(holder_check, signer, vcs)
    checks = (fmt, proof, holder_check, _validity_check(presentation, proofs, now, max_clock_skew))
    return VerificationReport("presentation", checks, doc_id, holder=signer, credentials=reports)


def _check_challenge(
    proof: Check, proofs: list[dict[str, Any]], challenge: str | None, domain: str | None
) -> Check:
    if proof.status == "invalid":
        return proof
    for p in proofs:
        if challenge is not None and p.get("challenge") != challenge:
            return Check(
                "proof",
                "invalid",
                "challenge_mismatch",
                "the presentation was signed for another challenge (a replay?)",
            )
        if domain is not None:
            signed = p.get("domain")
            domains = signed if isinstance(signed, list) else [signed]
            if domain not in domains:
                return Check(
                    "proof",
                    "invalid",
                    "domain_mismatch",
                    f"the presentation was signed for another domain, not {domain!r}",
                )
    return proof


def _subject_binding(check: Check, holder: str | None, vcs: list[Any]) -> Check:
    for vc in vcs:
        if not isinstance(vc, dict):
            continue
        subjects = vc.get("credentialSubject")
        for subject in subjects if isinstance(subjects, list) else [subjects]:
            sid = _party_id(subject)
            if sid is not None and sid != holder:
                return Check(
                    "holder",
                    "invalid",
                    "subject_not_holder",
                    f"a credential is about {sid}, not the holder {holder}",
                )
    return check
