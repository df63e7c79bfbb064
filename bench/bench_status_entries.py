#!/usr/bin/env python3
"""Status checks against a large status list: one entry versus the most a credential may carry.

A list may decode to 16 MB (``DEFAULT_MAX_DECODED_BYTES``) and a credential may carry 128
status entries. Before the checker kept decoded lists and read values straight from the bytes,
each entry decompressed and copied the whole list: 128 entries took 21 s (one: 0.2 s). Goal:
128 entries at most 3x one entry.

    .venv/bin/python bench/bench_status_entries.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import skillpass
from skillpass.status import (
    DEFAULT_MAX_DECODED_BYTES,
    Bitstring,
    StatusListChecker,
    build_status_entry,
    build_status_list_credential,
)

GOAL = 3.0
KEY = skillpass.KeyPair.from_seed(bytes([7]) * 32)
URL = "https://example.org/status/1"
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _credential(entries: int) -> dict[str, Any]:
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": KEY.did,
        "validFrom": "2026-03-10T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder"},
        "credentialStatus": [build_status_entry(URL, i, "revocation") for i in range(entries)],
    }
    return skillpass.sign_credential(doc, KEY, now=T0 + timedelta(days=10))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    bits = Bitstring(DEFAULT_MAX_DECODED_BYTES * 8, status_size=1)
    listed = skillpass.sign_credential(
        build_status_list_credential(
            URL, issuer=KEY.did, bitstring=bits, purpose="revocation", valid_from=T0
        ),
        KEY,
        now=T0,
    )
    now = T0 + timedelta(days=20)
    figures = {}
    for entries in (1, 128):
        credential = _credential(entries)
        times = []
        for _ in range(runs):
            checker = StatusListChecker([listed], now=now)  # a fresh one: nothing kept yet
            policy = skillpass.VerificationPolicy(now=now, status=checker)
            start = time.perf_counter()
            report = skillpass.verify_credential(credential, policy=policy)
            times.append(time.perf_counter() - start)
            assert report.checks[-1].status == "valid", report.to_dict()
        figures[entries] = statistics.median(times)
        print(f"{entries:>4} status entries, 16 MB list: {figures[entries] * 1000:8.1f} ms")
    ratio = figures[128] / figures[1]
    print(f"128 entries / 1 entry: {ratio:.2f}x (goal: at most {GOAL}x)")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
