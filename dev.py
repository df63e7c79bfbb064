#!/usr/bin/env python3
"""One entry point for people and CI: sets up ``.venv`` on first use, then runs a task.

    python3 dev.py demo    # the end-to-end demo on embedded SQLite-free core (no network)
    python3 dev.py test    # ruff, mypy and the whole pytest suite
    python3 dev.py bench   # the benchmarks in bench/

Needs only Python 3.11+. The virtual environment is rebuilt when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".skillpass-installed"


def _say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def ensure_venv() -> None:
    """Create the virtual environment and install the project with every extra it needs."""
    if sys.version_info < (3, 11):  # noqa: UP036 - a clear message on an old Python
        sys.exit("SkillPass needs Python 3.11 or newer")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        _say(f"creating a virtual environment in {VENV.name}/")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    _say("installing SkillPass and its dependencies (first run only; about a minute)")
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[issuer,dev]"],
        check=True,
    )
    STAMP.write_text(wanted)


def run(*args: str) -> int:
    return subprocess.run([str(PYTHON), *args], cwd=ROOT, check=False).returncode


def task_demo(argv: list[str]) -> int:
    return run(str(ROOT / "examples" / "demo.py"), *argv)


def task_test(argv: list[str]) -> int:
    steps = [
        ("ruff check", ["-m", "ruff", "check", "."]),
        ("ruff format --check", ["-m", "ruff", "format", "--check", "."]),
        ("mypy (strict)", ["-m", "mypy"]),
    ]
    for name, args in steps:
        _say(name)
        if run(*args) != 0:
            _say(f"{name} failed")
            return 1
    _say("pytest")
    return run("-m", "pytest", *argv)


def task_bench(argv: list[str]) -> int:
    status = 0
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        _say(f"{script.name}")
        status |= run(str(script), *argv)
    return status


TASKS = {"demo": task_demo, "test": task_test, "bench": task_bench}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        print(__doc__)
        return 2
    ensure_venv()
    return TASKS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
