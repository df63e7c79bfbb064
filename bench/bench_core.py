#!/usr/bin/env python3
"""Sign and verify the reference qualification with both cryptosuites, next to the floor.

The floor is the bare cryptography of the same proof with no checks at all: pyld URDNA2015
(for eddsa-rdfc-2022) or rfc8785 (for eddsa-jcs-2022) over the document and the proof
configuration, SHA-256, Ed25519. Full verification (safety rules, schemas, DID resolution,
validity, report) should cost at most 1.3x the floor for eddsa-rdfc-2022.

    python3 dev.py bench            # or: .venv/bin/python bench/bench_core.py [--runs N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import rfc8785
from pyld import jsonld

from skillpass import KeyPair, sign_credential, verify_credential
from skillpass._contexts import document_loader
from skillpass._multibase import decode_multibase

ROOT = Path(__file__).resolve().parent.parent
GOAL_RDFC = 1.3


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    for _ in range(max(10, runs // 10)):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def floor_verify(signed: dict[str, Any], key: KeyPair, cryptosuite: str) -> Callable[[], None]:
    doc = {k: v for k, v in signed.items() if k != "proof"}
    config = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
    config["@context"] = signed["@context"]
    signature = decode_multibase(signed["proof"]["proofValue"])
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": document_loader(),
    }

    def canon(value: dict[str, Any]) -> bytes:
        if cryptosuite == "eddsa-rdfc-2022":
            return str(jsonld.normalize(value, options)).encode()
        return bytes(rfc8785.dumps(value))

    def run() -> None:
        data = hashlib.sha256(canon(config)).digest() + hashlib.sha256(canon(doc)).digest()
        if not key.public_key.verify(signature, data):
            raise AssertionError("floor verification failed")

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()

    credential = json.loads((ROOT / "examples" / "reference-qualification.json").read_text())
    key = KeyPair.generate()
    credential["issuer"]["id"] = key.did
    print(f"reference qualification, median of {args.runs} runs, one core, times in ms")
    print(f"{'cryptosuite':<17}{'sign':>8}{'verify':>8}{'floor':>8}{'ratio':>7}  goal")
    ok = True
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        signed = sign_credential(credential, key, cryptosuite=suite)
        report = verify_credential(signed)
        if report.check("proof").status != "valid" or report.check("format").status != "valid":
            print(f"{suite}: verification failed: {report.to_dict()}")
            return 1
        sign_ms = median_ms(
            lambda s=suite: sign_credential(credential, key, cryptosuite=s),  # type: ignore[misc]
            args.runs,
        )
        verify_ms = median_ms(lambda d=signed: verify_credential(d), args.runs)  # type: ignore[misc]
        floor_ms = median_ms(floor_verify(signed, key, suite), args.runs)
        ratio = verify_ms / floor_ms
        if suite == "eddsa-rdfc-2022":
            passed = ratio <= GOAL_RDFC
            ok &= passed
            goal = f"<= {GOAL_RDFC}x  {'PASS' if passed else 'FAIL'}"
        else:
            goal = "(none: the JCS floor has no JSON-LD processing, ours does)"
        print(f"{suite:<17}{sign_ms:>8.2f}{verify_ms:>8.2f}{floor_ms:>8.2f}{ratio:>6.2f}x  {goal}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
