"""The built wheel works on its own: installed in a fresh virtual environment, with no
checkout present, it finds its pinned contexts and schemas and verifies a W3C vector."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT, VECTORS

SCRIPT = """
import json, sys, skillpass
from pathlib import Path
assert "site-packages" in skillpass.__file__, skillpass.__file__
signed = json.loads(Path(sys.argv[1]).read_text())
report = skillpass.verify_credential(signed, allow_test_contexts=True)
assert report.check("proof").status == "valid", report.to_dict()
print("proof", report.check("proof").status)
"""


@pytest.mark.timeout(600)
def test_wheel_installs_and_verifies_without_a_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(dist),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("skillpass-*.whl")

    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # Third-party dependencies come from the test environment (no network here), but the
    # project's own editable install does not: a plain path line in a .pth file is not
    # processed for further .pth files, so only the wheel provides `skillpass`.
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            "--target",
            site,
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    vector = VECTORS / "vc-di-eddsa" / "eddsa-rdfc-2022" / "signedDataInt.json"
    run = subprocess.run(
        [str(python), "-I", "-c", SCRIPT, str(vector)],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "proof valid" in run.stdout
