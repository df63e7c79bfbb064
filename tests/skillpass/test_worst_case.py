"""Bounded work: the documents that took 85 s (10,000 tags; 20 chained proofs; an 8 KB QR text)
are refused at once by a cap with its own code, and the worst documents within the caps finish
or are refused within the one deadline (``Limits.max_seconds``) over the whole verification.

The bounds asserted here are far from the goal on purpose (a slow CI machine must not fail
them); ``bench/bench_limits.py`` prints the real figures.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

import pytest

import skillpass
from skillpass import KeyPair, Limits, sign_credential, verify_credential
from skillpass._proofs import create_proof
from tests.conftest import EXAMPLES, load_json

KEY = KeyPair.from_seed(bytes([21]) * 32)
UNCAPPED = Limits(
    max_values=10**7,
    max_bytes=10**9,
    max_blank_nodes=10**6,
    max_values_per_property=10**6,
    max_proofs=1000,
    max_seconds=10**4,
)
FAR_FROM_THE_GOAL = 10.0  # seconds; the default deadline is 1 s


def _reference() -> dict[str, Any]:
    doc: dict[str, Any] = load_json(EXAMPLES / "reference-qualification.json")
    doc["issuer"]["id"] = KEY.did
    return doc


def _forge(doc: dict[str, Any], **options: Any) -> dict[str, Any]:
    """Sign with no cap at all, as an attacker's own code would."""
    proof = create_proof(
        doc,
        KEY.sign,
        {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2026-01-01T00:00:00Z",
            "verificationMethod": KEY.verification_method,
            "proofPurpose": "assertionMethod",
            **options,
        },
        limits=UNCAPPED,
    )
    signed = copy.deepcopy(doc)
    existing = signed.get("proof")
    signed["proof"] = (
        proof
        if existing is None
        else [*existing, proof]
        if isinstance(existing, list)
        else [existing, proof]
    )
    return signed


def _timed(fn: Callable[[], skillpass.VerificationReport]) -> tuple[float, Any]:
    start = time.perf_counter()
    report = fn()
    return time.perf_counter() - start, report


def test_ten_thousand_values_of_one_property_are_refused_at_once() -> None:
    doc = _reference()
    doc["credentialSubject"]["achievement"]["tag"] = [f"tag {i}" for i in range(10_000)]
    # eddsa-jcs-2022 signs without pyld's quadratic node map, so the forgery is quick to make.
    signed = _forge(doc, cryptosuite="eddsa-jcs-2022")
    seconds, report = _timed(lambda: verify_credential(signed))
    assert report.check("format").code == "too_many_values"
    assert seconds < FAR_FROM_THE_GOAL


def test_values_of_one_node_spread_over_the_document_are_counted_together() -> None:
    # One node described in several places: pyld's node map merges its values, so the cap
    # counts them together, not per JSON array.
    from skillpass._canon import _ExpandedChecker

    per = Limits().max_values_per_property
    name = "https://schema.org/name"
    half = [{"@value": f"n{i}"} for i in range(per // 2 + 1)]
    other = [{"@value": f"m{i}"} for i in range(per // 2 + 1)]
    expanded = [{"@id": "urn:x:a", name: half}, {"@id": "urn:x:a", name: other}]
    with pytest.raises(skillpass.SkillpassError) as info:
        _ExpandedChecker(Limits()).check(expanded)
    assert info.value.code == "too_many_values"
    _ExpandedChecker(Limits()).check([{"@id": "urn:x:a", name: half}])  # half is fine


def test_twenty_chained_proofs_are_refused_at_once() -> None:
    doc = _reference()
    signed = _forge(doc, id="urn:uuid:00000000-0000-4000-8000-000000000000")
    for i in range(1, 20):
        signed = _forge(
            signed,
            id=f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
            previousProof=f"urn:uuid:00000000-0000-4000-8000-{i - 1:012d}",
        )
    seconds, report = _timed(lambda: verify_credential(signed))
    assert report.check("format").code == "too_many_proofs"
    assert seconds < FAR_FROM_THE_GOAL


def test_a_chain_at_the_cap_finishes_or_is_refused_within_the_deadline() -> None:
    doc = _reference()
    achievement = doc["credentialSubject"]["achievement"]
    achievement["tag"] = [f"tag {i}" for i in range(Limits().max_values_per_property)]
    signed = _forge(doc, id="urn:uuid:00000000-0000-4000-8000-000000000000")
    for i in range(1, Limits().max_proofs):
        signed = _forge(
            signed,
            id=f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
            previousProof=f"urn:uuid:00000000-0000-4000-8000-{i - 1:012d}",
        )
    seconds, report = _timed(lambda: verify_credential(signed))
    assert report.check("proof").status == "valid" or report.check("format").code == (
        "verification_timeout"
    )
    assert seconds < FAR_FROM_THE_GOAL


def test_the_deadline_covers_the_whole_verification() -> None:
    signed = sign_credential(_reference(), KEY)
    report = verify_credential(signed, limits=Limits(max_seconds=1e-9))
    assert report.status == "invalid"
    assert report.check("format").code == "verification_timeout"


def test_a_presentation_shares_one_deadline_with_its_credentials() -> None:
    credential = sign_credential(_reference(), KEY)
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": KEY.did,
        "verifiableCredential": [credential] * 1,
    }
    signed = skillpass.sign_presentation(vp, KEY, challenge="c")
    clock = iter([0.0] + [10.0] * 1000)
    # A deadline that has passed by the time the credentials are reached refuses them too.
    import skillpass._canon as canon

    real = canon.time.monotonic
    try:
        canon.time.monotonic = lambda: next(clock)  # type: ignore[assignment]
        report = skillpass.verify_presentation(
            signed, challenge="c", limits=Limits(max_seconds=5.0)
        )
    finally:
        canon.time.monotonic = real  # type: ignore[assignment]
    assert report.status == "invalid"
    assert report.check("format").code == "verification_timeout"


def test_an_eight_kilobyte_qr_text_is_refused_quickly() -> None:
    from skillpass import qr

    text = "SP1:" + "0" * 8192
    start = time.perf_counter()
    with pytest.raises(skillpass.SkillpassError):
        qr.decode(text)
    assert time.perf_counter() - start < FAR_FROM_THE_GOAL


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Limits(max_seconds=0)
    with pytest.raises(ValueError):
        Limits(max_proofs=-1)
