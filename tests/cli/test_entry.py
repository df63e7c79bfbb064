"""The console script pauses the cyclic garbage collector for start-up and the short built-in
commands, and a lazily mounted command (which may run long: a server, the wallet) turns it back
on."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

PROBE = (
    "import atexit, gc, sys\n"
    "atexit.register(lambda: sys.stderr.write(f'gc enabled: {gc.isenabled()}\\n'))\n"
    "sys.argv = ['skillpass', *sys.argv[1:]]\n"
    "from skillpass._entry import main\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
)


@pytest.mark.parametrize(
    ("args", "enabled"),
    [
        (["keys", "--help"], False),  # built in: runs with the collector paused
        (["frameworks", "--help"], True),  # mounted lazily: the collector runs again
    ],
)
def test_the_collector_is_paused_only_for_built_in_commands(args: list[str], enabled: bool) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert "Usage" in result.stdout
    assert f"gc enabled: {enabled}" in result.stderr
