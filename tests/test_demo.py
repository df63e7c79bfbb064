"""The README's demo command runs end to end (offline) and shows each step's outcome."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo.py"), "--out-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "signature verified" in out
    assert "QR version" in out
    assert "encrypted wallet worker.wallet: 1 credential" in out
    assert b"Maria" not in (tmp_path / "worker.wallet").read_bytes()  # encrypted at rest
    assert "passport number P1234567A: match" in out
    assert "PH-PQF 2 ≈ DE-DQR 2" in out
    assert "INVALID" in out  # the forged copy
    # Steps 7-9: issued by the issuer service over HTTP, valid, then revoked.
    assert "POST /credentials/issue -> 201" in out
    assert "the issuer has revoked the credential" in out
    # Step 8: the trust bundle's registry name, not the self-asserted one, and the pinned key.
    assert "issued by Regional Training Center VII, Cebu (TESDA-accredited)" in out
    assert "its key is pinned by the list" in out
    assert (tmp_path / "trust-bundle.json").is_file()
    served = json.loads((tmp_path / "credential-from-service.json").read_text())
    assert served["credentialStatus"]["type"] == "BitstringStatusListEntry"
    signed = json.loads((tmp_path / "credential.json").read_text())
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert (tmp_path / "credential-qr.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "certificate.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "institute.key.json").stat().st_mode & 0o077 == 0
