"""Shared CLI plumbing: exit codes, error printing, reading files (not public API)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from .._did import OfflineResolver
from .._jsonio import parse_json
from .._keys import KeyPair
from ..errors import KeyFileError, MalformedValueError, ParsingError, RangeError, SkillpassError

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


MAX_INPUT_BYTES = 32 * 1024 * 1024  # a 48-megapixel phone photo can take 10-20 MB


def read_bytes(path: str, *, what: str = "file", limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a file (``-`` is standard input), bounded in size. The one file reader of
    the CLI, so every input error has the same codes."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with Path(path).open("rb") as fh:
                data = fh.read(limit + 1)
    except FileNotFoundError:
        raise ParsingError(f"{what} {path} does not exist", code="input_unreadable") from None
    except OSError as exc:
        raise ParsingError(
            f"cannot read {what} {path}: {exc.strerror}", code="input_unreadable"
        ) from None
    if len(data) > limit:
        raise RangeError(f"{what} {path} is larger than {limit:,} bytes", code="input_too_large")
    return data


def read_text(path: str, *, what: str = "file", limit: int = 4_000_000) -> str:
    """Read a UTF-8 text file (``-`` is standard input), bounded in size."""
    data = read_bytes(path, what=what, limit=limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParsingError(f"{what} {path} is not UTF-8 text", code="input_unreadable") from None


def read_json_file(path: str, *, what: str = "input") -> Any:
    """Parse a JSON file strictly (duplicate keys refused)."""
    return parse_json(read_text(path, what=what), what=f"{what} {path}")


def read_passphrase(passphrase_file: Path | None) -> str | None:
    """The passphrase from a file (first line) or ``SKILLPASS_PASSPHRASE``."""
    if passphrase_file is not None:
        text = read_text(str(passphrase_file), what="passphrase file", limit=4096)
        first = text.splitlines()[0] if text else ""
        if not first:
            raise KeyFileError("the passphrase file is empty", code="empty_passphrase")
        return first
    passphrase = os.environ.get("SKILLPASS_PASSPHRASE") or None
    if passphrase is not None:
        try:
            passphrase.encode("utf-8")
        except UnicodeEncodeError:
            # os.environ keeps undecodable bytes as lone surrogates.
            raise KeyFileError(
                "SKILLPASS_PASSPHRASE is not valid UTF-8 text; set it in UTF-8 or use "
                "--passphrase-file",
                code="invalid_passphrase",
            ) from None
    return passphrase


def load_key(path: Path, passphrase_file: Path | None) -> KeyPair:
    """Load a key file written by ``skillpass keys generate``."""
    data = read_json_file(str(path), what="key file")
    return KeyPair.from_json(data, passphrase=read_passphrase(passphrase_file))


def load_resolver(paths: list[Path] | None) -> OfflineResolver:
    """An offline DID resolver holding the DID documents in ``paths`` (``did:key`` needs none)."""
    documents: dict[str, dict[str, Any]] = {}
    for path in paths or []:
        doc = read_json_file(str(path), what="DID document")
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            raise MalformedValueError(f"{path} is not a DID document", code="invalid_did_document")
        documents[doc["id"]] = doc
    return OfflineResolver(documents)


DidDocumentOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--did-document",
        help="A DID document (e.g. an institute's did:web) to resolve offline (repeatable).",
    ),
]


def write_file(path: Path, data: str | bytes, *, force: bool = False, mode: int = 0o644) -> None:
    """Write ``data`` to ``path``; an existing file is kept unless ``force`` (stored data is
    never lost by accident). The one file writer of the CLI."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    try:
        fd = os.open(path, flags, mode)
    except FileExistsError:
        raise ParsingError(
            f"{path} exists already; not overwriting it (use --force to replace it)",
            code="output_exists",
        ) from None
    except OSError as exc:
        raise ParsingError(
            f"cannot write {path}: {exc.strerror}", code="output_unwritable"
        ) from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(raw)


def write_output(text: str, out: Path | None, *, force: bool = False) -> None:
    """Write ``text`` to ``out`` (or standard output), ending with a newline."""
    text = text if text.endswith("\n") else text + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        write_file(out, text, force=force)


def dump_json(value: Any) -> str:
    """Pretty JSON with the key order kept (signed documents print as the W3C vectors do)."""
    return json.dumps(value, indent=2, ensure_ascii=False)
