#!/usr/bin/env python3
"""Cold start of the command line, whole process, beside the import floor, in one run.

The floor is what verification really needs to import:
``python3 -c "import json, hashlib; from cryptography.hazmat.primitives.asymmetric import
ed25519"``. Goals: ``skillpass verify <signed reference credential>`` at most 4x the floor,
``skillpass --help`` at most 3x. Each figure is the median of several cold process runs,
interleaved so that a busy machine slows all of them alike. The goals are judged on the CPU
time of the whole process (user + system, from the kernel's child accounting), as bench_core
judges on CPU time: on a shared machine wall time also counts the waits for a free core, which
swung the floor between 38 and 72 ms from one run to the next here. Wall-clock medians are
printed too. The processes run with bytecode
caching on and the package compiled first, as after ``pip install`` (with
``PYTHONDONTWRITEBYTECODE`` set, every run would also compile the whole package from source).

    python3 dev.py bench            # or: .venv/bin/python bench/bench_cli.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"verify": 4.0, "--help": 3.0}
FLOOR = "import json, hashlib; from cryptography.hazmat.primitives.asymmetric import ed25519"


def _signed_reference(folder: Path) -> Path:
    from skillpass import KeyPair, sign_credential

    doc = json.loads((ROOT / "examples" / "reference-qualification.json").read_text("utf-8"))
    key = KeyPair.generate()
    doc["issuer"]["id"] = key.did
    path = folder / "signed.json"
    path.write_text(json.dumps(sign_credential(doc, key)), encoding="utf-8")
    return path


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(argv: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run of ``argv``."""
    start, start_cpu = time.perf_counter(), _cpu()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV)
    return time.perf_counter() - start, _cpu() - start_cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=9, help="cold runs of each (median)")
    args = parser.parse_args()
    # The console script is what users run (python -m would add runpy's imports).
    script = Path(sys.executable).parent / "skillpass"
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "skillpass"]
    # What pip does at install time (a source checkout may have no bytecode yet).
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "skillpass")],
        stdout=subprocess.DEVNULL,
        check=False,
        env=ENV,
    )
    with tempfile.TemporaryDirectory() as tmp:
        signed = _signed_reference(Path(tmp))
        cases = {
            "floor": [sys.executable, "-c", FLOOR],
            "verify": [*cli, "verify", str(signed)],
            "--help": [*cli, "--help"],
        }
        walls: dict[str, list[float]] = {name: [] for name in cases}
        cpus: dict[str, list[float]] = {name: [] for name in cases}
        for argv in cases.values():  # warm the file cache once
            _time(argv)
        for _ in range(args.runs):
            for name, argv in cases.items():
                wall, cpu = _time(argv)
                walls[name].append(wall)
                cpus[name].append(cpu)
    wall_ms = {name: statistics.median(values) * 1000 for name, values in walls.items()}
    cpu_ms = {name: statistics.median(values) * 1000 for name, values in cpus.items()}
    print(f"cold start, median of {args.runs} runs, CPU time of the whole process (ms)")
    print(f"  import floor               {cpu_ms['floor']:7.1f}")
    status = 0
    for name, goal in GOALS.items():
        ratio = cpu_ms[name] / cpu_ms["floor"]
        verdict = "ok" if ratio <= goal else "ABOVE GOAL"
        label = f"skillpass {name}"
        print(
            f"  {label:<26} {cpu_ms[name]:7.1f}  {ratio:4.1f}x floor (goal {goal:.0f}x) {verdict}"
        )
        status |= ratio > goal
    print(
        "wall-clock medians, ms: "
        + ", ".join(
            f"{name} {ms:.1f} ({ms / wall_ms['floor']:.1f}x)" for name, ms in wall_ms.items()
        )
    )
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
