#!/usr/bin/env python3
"""Worst cases of bounded verification: how long hostile documents take to verify or be refused.

Each case is forged with no limits (an attacker's own code), then verified with the default
``skillpass.Limits``; the goal is that every one finishes or is refused well within the
deadline (``Limits.max_seconds``, one budget over the whole verification). The first three
cases took 85 s, 85 s and 3.8 s before the caps existed.

    python3 dev.py bench            # or: .venv/bin/python bench/bench_limits.py [--runs N]
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import skillpass
from skillpass import KeyPair, Limits, qr
from skillpass._proofs import create_proof

ROOT = Path(__file__).resolve().parent.parent
KEY = KeyPair.from_seed(bytes([5]) * 32)
UNCAPPED = Limits(
    max_values=10**7,
    max_bytes=10**9,
    max_blank_nodes=10**6,
    max_values_per_property=10**6,
    max_proofs=1000,
    max_node_map_work=10**12,
    max_seconds=10**4,
)


def reference() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(
        (ROOT / "examples" / "reference-qualification.json").read_text()
    )
    doc["issuer"]["id"] = KEY.did
    return doc


def forge(doc: dict[str, Any], suite: str = "eddsa-rdfc-2022", **options: Any) -> dict[str, Any]:
    proof = create_proof(
        doc,
        KEY.sign,
        {
            "type": "DataIntegrityProof",
            "cryptosuite": suite,
            "created": "2026-01-01T00:00:00Z",
            "verificationMethod": KEY.verification_method,
            "proofPurpose": "assertionMethod",
            **options,
        },
        limits=UNCAPPED,
    )
    out = copy.deepcopy(doc)
    existing = out.get("proof")
    if existing is None:
        out["proof"] = proof
    else:
        out["proof"] = [*(existing if isinstance(existing, list) else [existing]), proof]
    return out


def chain(doc: dict[str, Any], links: int) -> dict[str, Any]:
    signed = forge(doc, id="urn:uuid:00000000-0000-4000-8000-000000000000")
    for i in range(1, links):
        signed = forge(
            signed,
            id=f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
            previousProof=f"urn:uuid:00000000-0000-4000-8000-{i - 1:012d}",
        )
    return signed


def cases() -> list[tuple[str, Callable[[], str]]]:
    caps = Limits()
    tags = reference()
    tags["credentialSubject"]["achievement"]["tag"] = [f"tag {i}" for i in range(10_000)]
    tags_signed = forge(tags, "eddsa-jcs-2022")

    at_cap = reference()
    at_cap["credentialSubject"]["achievement"]["tag"] = [
        f"tag {i}" for i in range(caps.max_values_per_property)
    ]
    chain20 = chain(reference(), 20)
    chain_at_cap = chain(at_cap, caps.max_proofs)
    plain = forge(at_cap)
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": KEY.did,
        "verifiableCredential": [plain] * 20,
    }
    vp_signed = forge(vp, proofPurpose="authentication", challenge="c")
    qr_text = "SP1:" + "0" * 8192
    within = reference()
    within["credentialSubject"]["achievement"]["tag"] = [f"tag {i}" for i in range(100)]
    within_signed = forge(within)
    vp_within = forge(
        {**vp, "verifiableCredential": [within_signed] * 4},
        proofPurpose="authentication",
        challenge="c",
    )

    def verify(doc: dict[str, Any]) -> Callable[[], str]:
        def run() -> str:
            report = skillpass.verify_credential(doc)
            return f"{report.status} ({report.check('format').code}/{report.check('proof').code})"

        return run

    def verify_vp(doc: dict[str, Any]) -> Callable[[], str]:
        def run() -> str:
            report = skillpass.verify_presentation(doc, challenge="c")
            return f"{report.status} ({report.check('format').code}/{report.check('proof').code})"

        return run

    def decode_qr() -> str:
        try:
            qr.decode(qr_text)
        except skillpass.SkillpassError as exc:
            return f"refused ({exc.code})"
        return "decoded"

    return [
        ("10,000 tags (took 85 s)", verify(tags_signed)),
        ("20 chained proofs (took 85 s with 1,500 alignments)", verify(chain20)),
        ("8 KB QR text (took 3.8 s)", decode_qr),
        (f"{caps.max_values_per_property} tags, the cap", verify(plain)),
        (f"{caps.max_proofs} chained proofs over them, the cap", verify(chain_at_cap)),
        ("presentation of 20 such credentials", verify_vp(vp_signed)),
        (
            "presentation of 4 credentials with 100 tags each (within the caps)",
            verify_vp(vp_within),
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    deadline = Limits().max_seconds
    print(f"worst cases, median of {args.runs} runs; deadline {deadline * 1000:.0f} ms")
    print("| case | result | ms | within the deadline |\n|---|---|---:|---|")
    ok = True
    for name, fn in cases():
        times = []
        result = ""
        for _ in range(args.runs):
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        ms = statistics.median(times) * 1000
        # A small margin: the last uninterruptible step may run past the deadline.
        within = ms <= deadline * 1000 * 1.5
        ok &= within
        print(f"| {name} | {result} | {ms:,.0f} | {'PASS' if within else 'FAIL'} |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
