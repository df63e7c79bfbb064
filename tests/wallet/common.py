"""Constants shared by the wallet tests (fixtures are in fixtures.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from skillpass.sealing import ScryptParams

ROOT = Path(__file__).resolve().parents[2]
# Tests run hundreds of key derivations; the default parameters are exercised by their own
# tests and by bench/bench_wallet.py.
FAST = ScryptParams(n=2**10, r=8, p=1)
PASSPHRASE = "correct horse battery staple"

NAMES = {
    "latin": "Maria Luz Dela Cruz",
    "arabic": "مريم عبد الله الحسن",
    "devanagari": "सुनीता कुमारी शर्मा",
    "cyrillic": "Олена Петрівна Коваленко",
}

MakeCredential = Callable[..., dict[str, Any]]
