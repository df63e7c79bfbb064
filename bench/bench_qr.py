"""QR benchmark: sizes at each stage and timings for the reference credential and a larger one.

Run: .venv/bin/python bench/bench_qr.py [--runs N]
Compares to the budget in the same run: the reference credential must fit V22 at M (FAIL
otherwise); V20 at M is the aim.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import skillpass  # noqa: E402
import skillpass.qr as qr  # noqa: E402

LIMIT, AIM = 22, 20
SKILLS = [
    "weld in shielded metal arc welding",
    "interpret welding symbols",
    "apply health and safety standards",
    "operate cutting equipment",
    "inspect weld quality",
    "prepare metal surfaces for welding",
    "use personal protective equipment",
    "read technical drawings",
    "perform metal active gas welding",
    "maintain welding equipment",
]


def larger(doc: dict[str, Any]) -> dict[str, Any]:
    """The reference with 10 ESCO skills and an EQF level: a rich but realistic credential."""
    doc = copy.deepcopy(doc)
    alignments = doc["credentialSubject"]["achievement"]["alignment"]
    alignments[:] = [a for a in alignments if a["targetType"] != "ceasn:Competency"]
    alignments.append(
        {
            "type": ["Alignment"],
            "targetType": "ext:QualificationLevel",
            "targetFramework": "EQF",
            "targetCode": "3",
            "targetName": "European Qualifications Framework level 3",
            "targetUrl": "http://data.europa.eu/snb/eqf/3",
        }
    )
    for name in SKILLS:
        skill_id = uuid.uuid5(uuid.NAMESPACE_URL, name)
        alignments.append(
            {
                "type": ["Alignment"],
                "targetType": "ceasn:Competency",
                "targetFramework": "ESCO",
                "targetName": name,
                "targetUrl": f"http://data.europa.eu/esco/skill/{skill_id}",
            }
        )
    return doc


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs

    base = json.loads((ROOT / "examples" / "reference-qualification.json").read_text("utf-8"))
    key = skillpass.KeyPair.generate()
    base["issuer"]["id"] = key.did
    cases = {
        "reference (rdfc + status)": skillpass.sign_credential(base, key),
        "larger (10 ESCO skills)": skillpass.sign_credential(larger(base), key),
    }
    ok = True
    for name, doc in cases.items():
        minified = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
        sizes = qr.info(doc)
        text = qr.encode(doc, max_version=40)
        png = qr.render_png(text)
        print(f"\n== {name}")
        print(
            f"  bytes: JSON {len(minified)} -> CBOR {sizes['cbor_bytes']} -> payload"
            f" {sizes['payload_bytes']} -> base45 text {sizes['chars']} chars"
        )
        print(f"  QR version: {sizes['version_m']}-M, {sizes['version_q']}-Q")
        timings = {
            "encode": median_ms(lambda doc=doc: qr.encode(doc, max_version=40), runs),
            "render PNG": median_ms(lambda text=text: qr.render_png(text), runs),
            "decode from PNG": median_ms(lambda png=png: qr.decode(qr.read_image(png)), runs),
            "verify": median_ms(lambda doc=doc: skillpass.verify_credential(doc), runs),
        }
        print("  median ms: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
        if name.startswith("reference"):
            version = int(sizes["version_m"])
            verdict = "PASS" if version <= LIMIT else "FAIL"
            aim = "met" if version <= AIM else "missed"
            print(f"  budget: V{version}-M vs limit V{LIMIT}-M: {verdict} (aim V{AIM}-M {aim})")
            ok = ok and version <= LIMIT
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
