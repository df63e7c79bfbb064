"""Data Integrity proofs with the eddsa-rdfc-2022 and eddsa-jcs-2022 cryptosuites (not public API).

Follows "Data Integrity EdDSA Cryptosuites v1.0" (W3C Recommendation, 2025): §3.2.x/§3.3.x. The
function names mirror the spec's algorithm steps: transformation (canonicalize), hashing
(``sha256(proof config) ‖ sha256(document)``), proof serialization (Ed25519) and verification.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Any

from . import _jcsfast
from ._canon import (
    DEFAULT_LIMITS,
    Limits,
    canonicalize_rdfc,
    check_and_expand,
    check_document,
    check_node_map_work,
    is_absolute_iri,
    node_map_work,
)
from ._dates import parse_datetime
from ._ecdsa import EcPublicKey
from ._keys import PublicKey
from ._multibase import ALPHABET, decode_multibase, encode_multibase
from ._records import record
from .errors import MalformedValueError, ParsingError

__all__ = [
    "CRYPTOSUITES",
    "ECDSA_SUITES",
    "ProofOutcome",
    "create_proof",
    "prepare",
    "proof_list",
    "unsecured_base",
    "validate_proof_shape",
    "verify_proof",
]

RDFC = "eddsa-rdfc-2022"
JCS = "eddsa-jcs-2022"
ECDSA_RDFC = "ecdsa-rdfc-2019"
ECDSA_JCS = "ecdsa-jcs-2019"
CRYPTOSUITES = (RDFC, JCS, ECDSA_RDFC, ECDSA_JCS)
# Suites that canonicalize with RDFC-1.0 (the others with JCS); the ECDSA ones need P-256/P-384.
_RDFC_SUITES = frozenset({RDFC, ECDSA_RDFC})
_JCS_SUITES = frozenset({JCS, ECDSA_JCS})
ECDSA_SUITES = frozenset({ECDSA_RDFC, ECDSA_JCS})

# Proof properties in the order the W3C vectors write them; anything else is refused, because
# an unknown property would not be covered by the proof configuration's canonical form.
_PROOF_FIELDS = (
    "type",
    "id",
    "cryptosuite",
    "created",
    "expires",
    "verificationMethod",
    "proofPurpose",
    "challenge",
    "domain",
    "nonce",
    "previousProof",
    "@context",
    "proofValue",
)
_STRING_FIELDS = ("id", "verificationMethod", "proofPurpose", "challenge", "nonce")
_PROOF_FIELD_SET = frozenset(_PROOF_FIELDS)
# "z" and base58btc digits only (\Z: no trailing newline).
_MULTIBASE_TEXT = re.compile("z[" + re.escape(ALPHABET) + "]*\\Z")
_CRYPTOSUITE_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*-[0-9]{4}\Z")


def proof_list(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's proofs as a list (a proof set may be one object or an array)."""
    proof = doc.get("proof")
    if proof is None:
        return []
    proofs = proof if isinstance(proof, list) else [proof]
    unique: list[dict[str, Any]] = []
    for i, item in enumerate(proofs):
        if not isinstance(item, dict):
            raise MalformedValueError(
                "a proof is a JSON object", code="invalid_proof", path=f"/proof/{i}"
            )
        if item in unique:
            # Ed25519 is deterministic: signing one document twice in the same second gives
            # the same proof twice. It is one proof (Data Integrity §2.1.1 proof sets are sets).
            continue
        proof_id = item.get("id")
        if proof_id is not None and any(p.get("id") == proof_id for p in unique):
            # Two different proofs under one id: a chain's previousProof could name either.
            raise MalformedValueError(
                f"the proof set holds two different proofs with the id {proof_id!r}",
                code="duplicate_proof",
                path=f"/proof/{i}",
            )
        unique.append(item)
    return unique


def validate_proof_shape(proof: dict[str, Any], *, path: str = "/proof") -> None:
    """Check the proof's properties and their JSON types (not its signature)."""
    if not _PROOF_FIELD_SET.issuperset(proof):
        for key in proof:
            if key not in _PROOF_FIELD_SET:
                raise MalformedValueError(
                    f"unknown proof property {key!r}",
                    code="unknown_proof_field",
                    path=f"{path}/{key}",
                )
    if proof.get("type") != "DataIntegrityProof":
        raise MalformedValueError(
            f"proof type must be DataIntegrityProof, not {proof.get('type')!r}",
            code="unsupported_proof_type",
            path=f"{path}/type",
        )
    if not isinstance(proof.get("cryptosuite"), str):
        raise MalformedValueError("proof has no cryptosuite", code="invalid_proof", path=path)
    if not _CRYPTOSUITE_NAME.match(proof["cryptosuite"]):
        # Data Integrity cryptosuite identifiers are lowercase words ending in a year
        # (eddsa-rdfc-2022, ecdsa-sd-2023): anything else is not an unsupported suite but a
        # malformed proof, and must not pass as "could not be checked".
        raise MalformedValueError(
            f"{proof['cryptosuite']!r} is not a cryptosuite identifier (e.g. eddsa-rdfc-2022)",
            code="invalid_cryptosuite",
            path=f"{path}/cryptosuite",
        )
    for key in ("verificationMethod", "proofPurpose", "proofValue"):
        if key not in proof:
            raise MalformedValueError(f"proof has no {key}", code="invalid_proof", path=path)
    value = proof["proofValue"]
    if not (isinstance(value, str) and _MULTIBASE_TEXT.match(value)):
        raise MalformedValueError(
            "proofValue must be multibase base58btc text ('z…')",
            code="invalid_proof_value",
            path=f"{path}/proofValue",
        )
    for key in _STRING_FIELDS:
        if not isinstance(proof.get(key, ""), str):
            raise MalformedValueError(
                f"proof {key} must be a string", code="invalid_proof", path=f"{path}/{key}"
            )
    if "domain" in proof and not _is_str_or_str_list(proof["domain"]):
        raise MalformedValueError(
            "proof domain must be a string or list of strings",
            code="invalid_proof",
            path=f"{path}/domain",
        )
    if "previousProof" in proof and not _is_str_or_str_list(proof["previousProof"]):
        raise MalformedValueError(
            "previousProof must be a proof id or a list of them",
            code="invalid_proof",
            path=f"{path}/previousProof",
        )
    for key in ("created", "expires"):
        if key in proof:
            parse_datetime(proof[key], name=f"proof {key}")
    # eddsa-jcs-2022 signs these as plain JSON, so check here that they are IRIs for both suites.
    for key in ("id", "verificationMethod", "previousProof"):
        if key not in proof:
            continue
        for value in _ids(proof[key]):
            if not is_absolute_iri(value):
                raise MalformedValueError(
                    f"proof {key} {value!r} is not an absolute IRI",
                    code="invalid_iri",
                    path=f"{path}/{key}",
                )


def _is_str_or_str_list(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def _ids(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


class DocumentCache:
    """Expanded and canonical forms of the unsecured document, shared by the proofs of one
    proof set, and the deadline of the verification they belong to."""

    def __init__(
        self, *, allow_test_contexts: bool, limits: Limits, deadline: float | None = None
    ) -> None:
        self.allow_test_contexts = allow_test_contexts
        self.limits = limits
        self.deadline = deadline
        # Set once check_json() passed on the whole secured document: every unsecured form is
        # a part of it (minus proofs), so the JSON-level rules need not run again.
        self.json_checked = False
        # Set with json_checked when check_json() found the document plain for the C JSON
        # encoder (no floats, ASCII keys): its JCS bytes then need no walk of their own.
        self.jcs_plain = False
        self._expanded: dict[tuple[str, ...], list[Any]] = {}
        self._work: dict[tuple[str, ...], int] = {}
        self.work = 0
        self._cache: dict[tuple[str, tuple[str, ...]], bytes] = {}
        self._unsecured: dict[tuple[str, ...], tuple[dict[str, Any], tuple[str, ...]]] = {}

    def check_document(self, doc: dict[str, Any]) -> None:
        """The JSON-level rules on the whole secured document (``check_json``); on the fast
        engine also, in the same pass, the checked expansion :func:`unsecured_base` returns."""
        self.jcs_plain, expanded = check_document(
            doc,
            allow_test_contexts=self.allow_test_contexts,
            limits=self.limits,
            deadline=self.deadline,
        )
        self.json_checked = True
        if expanded is not None:
            self._expanded[()] = expanded

    def expand(self, unsecured: dict[str, Any], key: tuple[str, ...]) -> list[Any]:
        """The checked expanded form of the unsecured document (``key``: its chained proofs)."""
        if key not in self._expanded:
            self._expanded[key] = check_and_expand(
                unsecured,
                allow_test_contexts=self.allow_test_contexts,
                limits=self.limits,
                json_checked=self.json_checked,
                deadline=self.deadline,
            )
        return self._expanded[key]

    def work_of(self, key: tuple[str, ...]) -> int:
        """pyld node-map work of the expansion cached under ``key`` (see ``node_map_work``)."""
        if key not in self._work:
            self._work[key] = node_map_work(self._expanded[key])
        return self._work[key]

    def transform(self, unsecured: dict[str, Any], cryptosuite: str, key: tuple[str, ...]) -> bytes:
        """VC-DI-EdDSA §3.x.3 Transformation: canonical bytes of the unsecured document."""
        # ecdsa-rdfc-2019 and eddsa-rdfc-2022 transform alike (RDFC-1.0), as do the JCS suites.
        cache_key = ("rdfc" if cryptosuite in _RDFC_SUITES else "jcs", key)
        if cache_key not in self._cache:
            # Both suites expand: for eddsa-jcs-2022 that applies the JSON-LD safety rules.
            expanded = self.expand(unsecured, key)
            if cryptosuite in _RDFC_SUITES:
                # Every canonicalization of the document (one per chain link) counts against
                # one budget of node-map work.
                self.work += self.work_of(key)
                check_node_map_work(self.work, self.limits)
                canonical = canonicalize_rdfc(
                    expanded, limits=self.limits, deadline=self.deadline, work_checked=True
                ).encode()
            else:
                canonical = _jcsfast.dumps_plain(unsecured) if self.jcs_plain else _jcs(unsecured)
            self._cache[cache_key] = canonical
        return self._cache[cache_key]

    def unsecured(
        self, doc: dict[str, Any], previous: list[str]
    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        """The document without its proofs, plus the proofs ``previous`` names (see
        :func:`_unsecured`), made once per chain: the view, the transformation and the
        verification of a proof all read it."""
        key = tuple(previous)
        if key not in self._unsecured:
            # Only a chained proof signs other proofs: the proof list is read only for one.
            proofs = proof_list(doc) if previous else ()
            self._unsecured[key] = _unsecured(doc, proofs, previous, doc.get("@context"))
        return self._unsecured[key]


def _jcs(value: Any) -> bytes:
    fast = _jcsfast.dumps(value)
    if fast is not None:
        return fast
    import rfc8785  # the reference, for what the C encoder cannot write (see _jcsfast)

    try:
        out: bytes = rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, ValueError, TypeError) as exc:
        raise MalformedValueError(
            f"cannot canonicalize as JCS: {exc}", code="invalid_json"
        ) from None
    return out


def unsecured_base(doc: dict[str, Any], cache: DocumentCache) -> list[Any]:
    """The checked expanded form of the document without any proof: what every proof of a
    proof set covers, and the first link of every chain. The checked view is read from it."""
    unsecured, key = cache.unsecured(doc, [])
    return cache.expand(unsecured, key)


def prepare(doc: dict[str, Any], proof: dict[str, Any], cache: DocumentCache) -> None:
    """Transform the unsecured document for ``proof`` ahead of verification, so that the
    safety rules report in the ``format`` check and the ``proof`` check reuses the result."""
    previous = _ids(proof["previousProof"]) if "previousProof" in proof else []
    unsecured, key = cache.unsecured(doc, previous)
    if proof["cryptosuite"] in CRYPTOSUITES:
        cache.transform(unsecured, proof["cryptosuite"], key)
    else:
        # An unsupported suite cannot be checked, but the document's JSON-LD safety rules
        # still apply to everything such a proof would cover.
        cache.expand(unsecured, key)


def _proof_config(proof: dict[str, Any], context: Any) -> dict[str, Any]:
    config = dict(proof)  # a copy in C, then the one member it leaves out
    config.pop("proofValue", None)
    config["@context"] = context
    return config


def _hash_config(
    config: dict[str, Any],
    cryptosuite: str,
    cache: DocumentCache,
    hash_name: str,
    plain: bool = False,
) -> bytes:
    """Hash of the canonical proof configuration; ``plain``: the configuration is part of a
    document ``check_json`` found JCS-plain (a verified proof's is: the proof and the
    document's @context), so its JCS bytes need no walk of their own."""
    if cryptosuite in _RDFC_SUITES:
        expanded = check_and_expand(
            config,
            allow_test_contexts=cache.allow_test_contexts,
            limits=cache.limits,
            deadline=cache.deadline,
        )
        canonical = canonicalize_rdfc(
            expanded, limits=cache.limits, deadline=cache.deadline
        ).encode()
    else:
        canonical = _jcsfast.dumps_plain(config) if plain else _jcs(config)
    return _digest(hash_name, canonical)


def _digest(hash_name: str, data: bytes) -> bytes:
    # hashlib.sha256 directly: hashlib.new looks the name up on every call.
    return (
        hashlib.sha256(data).digest()
        if hash_name == "sha256"
        else hashlib.new(hash_name, data).digest()
    )


def _unsecured(
    doc: dict[str, Any], proofs: Sequence[dict[str, Any]], previous: list[str], context: Any
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The document without its proofs, plus the proofs a chained proof signs over."""
    unsecured = dict(doc)  # a copy in C, then the one member it leaves out
    unsecured.pop("proof", None)
    unsecured["@context"] = context
    if previous:
        by_id = {p.get("id"): p for p in proofs if isinstance(p.get("id"), str)}
        chained = []
        for pid in previous:
            if pid not in by_id:
                raise MalformedValueError(
                    f"previousProof {pid!r} names no proof in this document",
                    code="previous_proof_missing",
                )
            chained.append(by_id[pid])
        unsecured["proof"] = chained[0] if len(chained) == 1 else chained
    return unsecured, tuple(previous)


def create_proof(
    doc: dict[str, Any],
    sign: Callable[[bytes], bytes],
    options: dict[str, Any],
    *,
    hash_name: str = "sha256",
    allow_test_contexts: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    json_checked: bool = False,
    cache: DocumentCache | None = None,
) -> dict[str, Any]:
    """VC-DI-EdDSA §3.x.1 Create Proof: the signed proof object for ``options``.

    ``hash_name`` is the cryptosuite's hash (``sha384`` for ecdsa with P-384).
    ``json_checked`` says the caller has already applied the JSON-level rules to ``doc``.
    ``cache`` reuses the forms a caller already computed for ``doc`` (for example its
    :func:`unsecured_base`), instead of expanding the document again; it must have been made
    with the same ``allow_test_contexts`` and ``limits``.
    """
    cryptosuite = options["cryptosuite"]
    if cache is None:
        cache = DocumentCache(allow_test_contexts=allow_test_contexts, limits=limits)
        cache.json_checked = json_checked
    existing = proof_list(doc)
    previous = _ids(options["previousProof"]) if "previousProof" in options else []
    unsecured, key = _unsecured(doc, existing, previous, doc.get("@context"))
    proof = {k: options[k] for k in _PROOF_FIELDS if k in options}
    if cryptosuite in _JCS_SUITES:
        proof["@context"] = doc.get("@context")
    doc_canonical = cache.transform(unsecured, cryptosuite, key)
    config = _proof_config(proof, doc.get("@context"))
    config_hash = _hash_config(config, cryptosuite, cache, hash_name)
    signature = sign(config_hash + hashlib.new(hash_name, doc_canonical).digest())
    proof["proofValue"] = encode_multibase(signature)
    return proof


@record
class ProofOutcome:
    """Whether one proof's signature verified (``None`` when it could not be checked)."""

    verified: bool | None
    code: str
    message: str


def verify_proof(
    doc: dict[str, Any],
    proof: dict[str, Any],
    public_key: PublicKey | EcPublicKey,
    cache: DocumentCache,
) -> ProofOutcome:
    """VC-DI-EdDSA / VC-DI-ECDSA §3.x.2 Verify Proof for one proof of ``doc`` (shape already
    validated)."""
    cryptosuite = proof["cryptosuite"]
    if cryptosuite not in CRYPTOSUITES:
        return ProofOutcome(
            None, "unsupported_cryptosuite", f"cryptosuite {cryptosuite!r} is not supported"
        )
    if (cryptosuite in ECDSA_SUITES) != isinstance(public_key, EcPublicKey):
        kind = "a P-256 or P-384" if cryptosuite in ECDSA_SUITES else "an Ed25519"
        return ProofOutcome(
            False,
            "key_cryptosuite_mismatch",
            f"{cryptosuite} needs {kind} key, and the verification method has another kind",
        )
    context = doc.get("@context")
    # §3.3.2 step 4: the proof's context must be the document's (a prefix of it); we require
    # equality, which every conforming signer produces.
    if "@context" in proof and proof["@context"] != context:
        return ProofOutcome(
            False, "proof_context_mismatch", "the proof's @context differs from the document's"
        )
    try:
        signature = decode_multibase(proof["proofValue"], what="proofValue")
    except ParsingError as exc:
        return ProofOutcome(False, "invalid_proof_value", exc.message)
    size = public_key.signature_size if isinstance(public_key, EcPublicKey) else 64
    if len(signature) != size:
        return ProofOutcome(
            False, "invalid_proof_value", f"proofValue is not a {size}-byte signature"
        )
    hash_name = public_key.hash_name if isinstance(public_key, EcPublicKey) else "sha256"
    previous = _ids(proof["previousProof"]) if "previousProof" in proof else []
    unsecured, key = cache.unsecured(doc, previous)
    doc_canonical = cache.transform(unsecured, cryptosuite, key)
    config = _proof_config(proof, context)
    config_hash = _hash_config(config, cryptosuite, cache, hash_name, cache.jcs_plain)
    if public_key.verify(signature, config_hash + _digest(hash_name, doc_canonical)):
        return ProofOutcome(True, "ok", f"{cryptosuite} signature verified")
    return ProofOutcome(False, "invalid_signature", "the signature does not match the document")
