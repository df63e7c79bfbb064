"""QR benchmark: sizes at each stage, QR versions (SP1 vs SP2) and timings per credential.

Run: .venv/bin/python bench/bench_qr.py [--runs N]
The credentials are those of the tests (tests/skillpass/qr_samples.py: built with
skillpass.credentials, signed, never in the dictionary's training corpus). Compares to the goals
of issue 16 in the same run: the reference at V18-M or better, every other credential at V22-M
or better (FAIL otherwise), and an oversized one over at most four Structured Append codes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import skillpass  # noqa: E402
import skillpass.qr as qr  # noqa: E402
from skillpass.qr import _codec  # noqa: E402
from tests.skillpass import qr_samples  # noqa: E402


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
    print(f"SP2 dictionary: {len(_codec.sp2_dictionary_bytes())} bytes")
    ok = True
    cases = {name: (build(), goal) for name, (build, goal) in qr_samples.GOALS.items()}
    for name, (doc, goal) in cases.items():
        s = qr.info(doc)
        text = qr.encode(doc)
        png = qr.render_png(text)
        print(f"\n== {name}")
        print(
            f"  bytes: JSON {s['json_bytes']} -> CBOR {s['cbor_bytes']} (binary values"
            f" {s['binary_bytes']}) -> payload {s['payload_bytes']} -> text {s['chars']} chars"
        )
        print(
            f"  QR version: SP1 {s['sp1_version_m']}-M ({s['sp1_chars']} chars) ->"
            f" SP2 {s['version_m']}-M, {s['version_q']}-Q"
        )
        sp1 = _codec.encode_text_sp1(doc)
        timings = {
            "encode": median_ms(lambda doc=doc: qr.encode(doc), runs),
            "encode SP1": median_ms(lambda doc=doc: _codec.encode_text_sp1(doc), runs),
            "decode text": median_ms(lambda text=text: qr.decode(text), runs),
            "decode SP1 text": median_ms(lambda sp1=sp1: qr.decode(sp1), runs),
            "render PNG": median_ms(lambda text=text: qr.render_png(text), runs),
            "decode from PNG": median_ms(lambda png=png: qr.decode(qr.read_image(png)), runs),
            "verify": median_ms(lambda doc=doc: skillpass.verify_credential(doc), runs),
        }
        print("  median ms: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
        version = int(s["version_m"])
        verdict = "PASS" if version <= goal else "FAIL"
        print(f"  goal: V{version}-M vs V{goal}-M: {verdict}")
        ok = ok and version <= goal
    big = qr_samples.oversized()
    text = qr.encode(big, max_symbols=qr.MAX_SYMBOLS)
    versions = qr.symbol_versions(text)
    png = qr.render_png(text, max_version=qr.DEFAULT_MAX_VERSION)
    read = median_ms(lambda: qr.decode(qr.read_image(png)), max(3, runs // 4))
    print(
        f"\n== oversized (40 skills): {len(text)} chars, {len(versions)} Structured Append codes"
        f" of version {max(versions)}-M; decode from one PNG {read:.1f} ms"
    )
    ok = ok and len(versions) <= qr.MAX_SYMBOLS
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
