"""The README's console session runs as written (so it cannot drift from the CLI again)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _session() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for each ``$`` line of the README's first console
    block after "## Command line"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Command line") :]
    block = section[section.index("```console\n") + 11 :]
    block = block[: block.index("```")]
    steps: list[tuple[str, list[str]]] = []
    lines = block.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        assert line.startswith("$ "), line
        command = line[2:]
        while command.endswith("\\"):
            i += 1
            command = command[:-1] + " " + lines[i].strip()
        i += 1
        output = []
        while i < len(lines) and not lines[i].startswith("$ "):
            output.append(lines[i])
            i += 1
        steps.append((command, output))
    return steps


def _pattern(expected: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in expected.split("…")))


def test_the_readme_session_runs_as_written(tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("SKILLPASS_PASSPHRASE", None)
    steps = _session()
    assert len(steps) >= 4
    for command, expected in steps:
        result = subprocess.run(
            ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        wanted_exit = 3 if command.startswith("skillpass verify") else 0  # 3: unknown
        assert result.returncode == wanted_exit, (command, result.stderr)
        if expected:
            # The first line is compared ("…" stands for anything): tables wrap by terminal.
            shown = (result.stdout + result.stderr).splitlines()
            assert any(_pattern(expected[0]).fullmatch(line) for line in shown), (
                command,
                expected[0],
                shown[:3],
            )
