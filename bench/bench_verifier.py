#!/usr/bin/env python3
"""Full offline verification of the reference qualification with a trust bundle, beside the
core floor measured in the same run.

"Full" is every check valid: format, proof (the issuer's did:web key from the bundle), issuer
(accredited by a trust list signed by the anchor, level within its accreditation, key pinned),
validity, status (the bundle's status-list snapshot), as ``verifier.verify`` does it from the
credential's JSON and from its QR text (``SP2:…``).

The floor is the core pipeline in the same run: ``skillpass.verify_credential`` with the
bundle's resolver and no trust or status (for QR text: ``skillpass.qr.decode`` then the same).
Goal: the verifier at most 1.3x that floor (what trust lists, key history and status snapshots
add). Also printed, for reference: ``bench_core.py``'s bare-cryptography floor (pyld URDNA2015
or JCS, SHA-256, Ed25519, no checks at all), and the time to load a bundle and verify once
(its trust lists and status lists are verified once per bundle).

    python3 dev.py bench            # or: .venv/bin/python bench/bench_verifier.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_core import floor_verify, medians_ms

import skillpass
import skillpass.qr
import verifier
from skillpass.status import (
    REVOCATION_AND_SUSPENSION_MESSAGES,
    Bitstring,
    build_status_entry,
    build_status_list_credential,
)

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.3
DID = "did:web:rtc7.example.ph"
LIST_URL = "https://rtc7.example.ph/status-lists/1"


def world(suite: str) -> tuple[dict[str, Any], skillpass.KeyPair, verifier.TrustBundle]:
    key, authority = skillpass.KeyPair.generate(), skillpass.KeyPair.generate()
    vm = f"{DID}#key-1"
    credential = json.loads((ROOT / "examples" / "reference-qualification.json").read_text())
    credential["issuer"]["id"] = DID
    credential["credentialStatus"] = build_status_entry(
        LIST_URL, 94567, "message", status_size=2, messages=REVOCATION_AND_SUSPENSION_MESSAGES
    )
    signed = skillpass.sign_credential(credential, key, cryptosuite=suite, verification_method=vm)
    document = skillpass.did_web_document(
        DID, [skillpass.WebKey(key.public_key.multibase, key_id="key-1")]
    )
    status = skillpass.sign_credential(
        build_status_list_credential(
            LIST_URL, issuer=DID, bitstring=Bitstring(status_size=2), purpose="message"
        ),
        key,
        verification_method=vm,
    )
    entry = verifier.ListedIssuer(
        DID,
        "Regional Training Center 7",
        "PH",
        (verifier.Accreditation.parse("PH-PQF", "1-5"),),
        keys=(verifier.KeyRecord(vm, key.public_key.multibase),),
    )
    bundle = verifier.TrustBundle.build(
        anchors=[authority.did],
        trust_lists=[verifier.TrustList().with_issuer(entry).sign(authority)],
        did_documents=[document],
        status_lists=[status],
    )
    return signed, key, bundle


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    print(
        f"reference qualification with a trust bundle, median of {args.runs} interleaved runs, "
        "CPU time in ms"
    )
    print(
        f"{'cryptosuite':<17}{'crypto':>7}{'core':>7}{'coreqr':>7}{'json':>7}{'qr':>7}"
        "  json/core  qr/coreqr  json/crypto  goal"
    )
    ok = True
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        signed, key, bundle = world(suite)
        text = skillpass.qr.encode(signed)
        now = datetime.now(UTC)
        for source in (signed, text):
            report = verifier.verify(source, bundle=bundle, now=now)
            if not report.verified:
                print(f"{suite}: not every check is valid: {report.to_dict()['checks']}")
                return 1
        resolver = bundle.resolver()
        ms = medians_ms(
            {
                "crypto": floor_verify(signed, key, suite),
                "core": lambda d=signed, r=resolver: skillpass.verify_credential(d, resolver=r),  # type: ignore[misc]
                "coreqr": lambda t=text, r=resolver: skillpass.verify_credential(  # type: ignore[misc]
                    skillpass.qr.decode(t), resolver=r
                ),
                "json": lambda d=signed, b=bundle: verifier.verify(d, bundle=b),  # type: ignore[misc]
                "qr": lambda t=text, b=bundle: verifier.verify(t, bundle=b),  # type: ignore[misc]
            },
            args.runs,
        )
        crypto, core, core_qr, from_json, from_qr = (
            ms[k][0] for k in ("crypto", "core", "coreqr", "json", "qr")
        )
        passed = from_json / core <= GOAL and from_qr / core_qr <= GOAL
        ok &= passed
        print(
            f"{suite:<17}{crypto:>7.2f}{core:>7.2f}{core_qr:>7.2f}{from_json:>7.2f}{from_qr:>7.2f}"
            f"{from_json / core:>10.2f}x{from_qr / core_qr:>10.2f}x{from_json / crypto:>12.2f}x"
            f"  <= {GOAL}x  {'PASS' if passed else 'FAIL'}"
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.json"
        bundle.save(path)
        start = time.perf_counter()
        loaded = verifier.TrustBundle.load(path)
        verifier.verify(signed, bundle=loaded)
        first = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        verifier.verify(signed, bundle=loaded)
        again = (time.perf_counter() - start) * 1000
        size = path.stat().st_size
    print(
        f"load a bundle ({size:,} bytes) and verify once: "
        f"{first:.1f} ms wall (its trust and status lists are verified then); the next "
        f"verification with the same bundle: {again:.1f} ms"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
