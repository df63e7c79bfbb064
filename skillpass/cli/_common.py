"""Shared CLI plumbing: exit codes, error printing, reading files (not public API)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from .._jsonio import parse_json
from .._keys import KeyPair
from ..errors import KeyFileError, ParsingError, SkillpassError

# Exit codes fixed by DESIGN.md.
EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_UNKNOWN = 3

# No emoji codes (":key:" in "did:key:" would become a picture) and no highlighting.
stdout = Console(highlight=False, soft_wrap=True, emoji=False)
stderr = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def fail(error: SkillpassError) -> NoReturn:
    """Print ``error: <code>: <message>`` on stderr and exit 2."""
    where = f" (at {error.path})" if error.path else ""
    stderr.print(f"[bold red]error:[/] {escape(f'{error.code}: {error.message}{where}')}")
    raise typer.Exit(EXIT_USAGE)


def read_text(path: str, *, what: str = "file", limit: int = 4_000_000) -> str:
    """Read a UTF-8 text file (``-`` is standard input), bounded in size."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with Path(path).open("rb") as fh:
                data = fh.read(limit + 1)
    except OSError as exc:
        raise ParsingError(
            f"cannot read {what} {path}: {exc.strerror}", code="input_unreadable"
        ) from None
    if len(data) > limit:
        raise ParsingError(f"{what} {path} is larger than {limit:,} bytes", code="input_too_large")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ParsingError(f"{what} {path} is not UTF-8 text", code="input_unreadable") from None


def read_json_file(path: str, *, what: str = "input") -> Any:
    """Parse a JSON file strictly (duplicate keys refused)."""
    return parse_json(read_text(path, what=what), what=f"{what} {path}")


def read_passphrase(passphrase_file: Path | None) -> str | None:
    """The passphrase from a file (first line) or ``SKILLPASS_PASSPHRASE``."""
    if passphrase_file is not None:
        text = read_text(str(passphrase_file), what="passphrase file", limit=4096)
        passphrase = text.splitlines()[0] if text else ""
        if not passphrase:
            raise KeyFileError("the passphrase file is empty", code="empty_passphrase")
        return passphrase
    return os.environ.get("SKILLPASS_PASSPHRASE") or None


def load_key(path: Path, passphrase_file: Path | None) -> KeyPair:
    """Load a key file written by ``skillpass keys generate``."""
    data = read_json_file(str(path), what="key file")
    return KeyPair.from_json(data, passphrase=read_passphrase(passphrase_file))


def write_output(text: str, out: Path | None, *, force: bool = True) -> None:
    """Write ``text`` to ``out`` (or stdout)."""
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        mode = "w" if force else "x"
        with out.open(mode, encoding="utf-8") as fh:
            fh.write(text if text.endswith("\n") else text + "\n")
    except FileExistsError:
        raise ParsingError(
            f"{out} exists already; not overwriting it", code="output_exists"
        ) from None
    except OSError as exc:
        raise ParsingError(
            f"cannot write {out}: {exc.strerror}", code="output_unwritable"
        ) from None


def dump_json(value: Any) -> str:
    """Pretty JSON with the key order kept (signed documents print as the W3C vectors do)."""
    return json.dumps(value, indent=2, ensure_ascii=False)
