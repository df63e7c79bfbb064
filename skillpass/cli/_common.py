"""Shared CLI plumbing: exit codes, error printing, reading files (not public API)."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from skillpass import printable
from skillpass.errors import (
    KeyFileError,
    MalformedValueError,
    ParsingError,
    RangeError,
    SkillpassError,
)

if TYPE_CHECKING:
    from rich.console import Console

    from skillpass import KeyPair, OfflineResolver

# Exit codes fixed by DESIGN.md.
EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_UNKNOWN = 3


class _PipeSafeStdout:
    """Standard output that survives a closed pipe (``skillpass verify x | head -1``).

    Once the reader has gone, output is dropped: the command finishes and exits with its own
    code (the verdict), never 1 for a broken pipe. Resolves ``sys.stdout`` on each write, so
    test runners that swap it keep working.
    """

    closed_pipe = False

    def write(self, text: str) -> int:
        if not _PipeSafeStdout.closed_pipe:
            try:
                sys.stdout.write(text)
            except BrokenPipeError:
                _drop_stdout()
        return len(text)

    def flush(self) -> None:
        if not _PipeSafeStdout.closed_pipe:
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                _drop_stdout()

    def isatty(self) -> bool:
        return sys.stdout.isatty()

    def fileno(self) -> int:
        return sys.stdout.fileno()

    @property
    def encoding(self) -> str:
        return getattr(sys.stdout, "encoding", None) or "utf-8"


def _drop_stdout() -> None:
    _PipeSafeStdout.closed_pipe = True
    try:
        # Python flushes stdout at exit: point it at /dev/null so that flush cannot fail.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (a test runner's buffer)
        pass


safe_stdout = _PipeSafeStdout()


_TAG = re.compile(r"(\\*)\[([a-z#/@][^[]*?)]")
_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33"}


def escape(text: str) -> str:
    """Escape text for :meth:`TextConsole.print` (the same rule as ``rich.markup.escape``),
    with control and formatting characters shown as escapes: documents are untrusted text."""
    return _TAG.sub(lambda m: f"{m[1]}{m[1]}\\[{m[2]}]", printable(text))


def render_markup(text: str, *, color: bool) -> str:
    """The small subset of rich markup the CLI writes (``[bold red]…[/]``) as ANSI colours,
    or as plain text when ``color`` is false. Escapes follow rich: an odd number of
    backslashes before ``[`` makes it literal, each pair of backslashes prints one."""
    out: list[str] = []
    position = 0
    for match in _TAG.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        slashes, tag = match[1], match[2]
        out.append("\\" * (len(slashes) // 2))
        if len(slashes) % 2:
            out.append(f"[{tag}]")
        elif color and tag.startswith("/"):
            out.append("\x1b[0m")
        elif color:
            codes = [_SGR[word] for word in tag.split() if word in _SGR]
            out.append(f"\x1b[{';'.join(codes)}m" if codes else "")
    out.append(text[position:])
    return "".join(out)


class TextConsole:
    """A console for text with rich-style markup, without importing rich (start-up time).

    Strings are written directly (colours only on a terminal, and never with ``NO_COLOR``);
    anything else, such as a ``rich.table.Table``, is handed to a rich console made on first use.
    """

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._rich: Console | None = None

    @property
    def file(self) -> Any:
        return sys.stderr if self._stderr else safe_stdout

    @property
    def width(self) -> int:
        """Columns: the terminal's, ``COLUMNS``, or 80."""
        return shutil.get_terminal_size((80, 24)).columns

    def _color(self) -> bool:
        if "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
            return False
        try:
            return bool(self.file.isatty())
        except (AttributeError, ValueError, OSError):
            return False

    def print(self, *objects: Any, markup: bool = True, **kwargs: Any) -> None:
        if all(isinstance(item, str) for item in objects) and not kwargs:
            text = " ".join(objects)
            if markup:
                text = render_markup(text, color=self._color())
            self.file.write(text + "\n")
            self.file.flush()
            return
        if self._rich is None:
            from rich.console import Console

            # No emoji codes (":key:" in "did:key:" would become a picture), no highlighting.
            self._rich = Console(file=self.file, highlight=False, soft_wrap=True, emoji=False)
        self._rich.print(*objects, markup=markup, **kwargs)


stdout = TextConsole(stderr=False)
stderr = TextConsole(stderr=True)


def fail(error: SkillpassError) -> NoReturn:
    """Print ``error: <code>: <message>`` on stderr and exit 2."""
    where = f" (at {error.path})" if error.path else ""
    typer.echo(printable(f"error: {error.code}: {error.message}{where}"), err=True)
    raise typer.Exit(EXIT_USAGE)


def warn(message: str) -> None:
    """Print ``warning: <message>`` on stderr."""
    typer.echo(printable(f"warning: {message}"), err=True)


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
        raise RangeError(
            f"{what} {path} is larger than {limit // (1024 * 1024)} MB, the limit for an input"
            " file (photos of up to 120 megapixels are read: take or export a smaller one)",
            code="input_too_large",
        )
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
    from skillpass import parse_json

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


_KEY_MEMBERS = ("secretKeyMultibase", "encryptedSecretKey", "publicKeyMultibase")


def load_key(path: Path, passphrase_file: Path | None) -> KeyPair:
    """Load a key file written by ``skillpass keys generate``."""
    from skillpass import KeyPair

    try:
        data = read_json_file(str(path), what="key file")
    except ParsingError as exc:
        if exc.code == "input_unreadable":
            raise
        raise KeyFileError(
            f"{path} is not a key file (not JSON); make one with skillpass keys generate",
            code="not_a_key_file",
        ) from None
    check_key_file(data, path)
    return KeyPair.from_json(data, passphrase=read_passphrase(passphrase_file))


def check_key_file(data: Any, path: Path) -> None:
    """Refuse JSON that is not a key file with ``not_a_key_file`` (not a multibase error)."""
    if not isinstance(data, dict) or not any(member in data for member in _KEY_MEMBERS):
        raise KeyFileError(
            f"{path} is not a key file (no key in it); make one with skillpass keys generate",
            code="not_a_key_file",
        )


def load_resolver(paths: list[Path] | None) -> OfflineResolver:
    """An offline DID resolver holding the DID documents in ``paths`` (``did:key`` needs none)."""
    from skillpass import OfflineResolver

    documents: dict[str, dict[str, Any]] = {}
    for path in paths or []:
        doc = read_json_file(str(path), what="DID document")
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            raise MalformedValueError(f"{path} is not a DID document", code="invalid_did_document")
        documents[doc["id"]] = doc
    return OfflineResolver(documents)


_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DID = re.compile(r"did:[a-z0-9]+:[A-Za-z0-9._:%-]*[A-Za-z0-9._%-]")


def as_datetime(value: str) -> str:
    """A date alone (``2026-01-01``) means its start, in UTC; anything else is left as is."""
    return f"{value}T00:00:00Z" if _DATE_ONLY.fullmatch(value.strip()) else value


def check_did(value: str, option: str) -> str:
    """``value`` if it is a DID (``did:method:id``), else a clear error naming ``option``."""
    if not _DID.fullmatch(value):
        raise MalformedValueError(
            f"{option} {value!r} is not a DID (e.g. did:key:z6Mk… or did:web:example.org)",
            code="invalid_did",
        )
    return value


DidDocumentOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--did-document",
        help="A DID document (e.g. an institute's did:web) to resolve offline (repeatable).",
    ),
]


def write_file(
    path: Path,
    data: str | bytes,
    *,
    force: bool = False,
    mode: int = 0o644,
    if_exists: str = "use --force to replace it",
) -> None:
    """Write ``data`` to ``path``; an existing file is kept unless ``force`` (stored data is
    never lost by accident), and ``if_exists`` says what to do instead. The one file writer
    of the CLI."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    try:
        fd = os.open(path, flags, mode)
    except FileExistsError:
        raise ParsingError(
            f"{path} exists already; not overwriting it ({if_exists})",
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
        safe_stdout.write(text)
        safe_stdout.flush()
    else:
        write_file(out, text, force=force)


def dump_json(value: Any) -> str:
    """Pretty JSON with the key order kept (signed documents print as the W3C vectors do)."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    """Print a table of markup cells whose last column is free text, on stdout.

    Words are never split (a DID must stay copyable): the last column is wrapped between
    words; when it is too narrow for its longest word at the console's width (80 columns is
    common), each row's text goes on its own lines below the row instead.
    """
    import textwrap

    def plain(cell: str) -> str:
        return render_markup(cell, color=False)

    width = stdout.width
    leading = [
        max(len(plain(row[i])) for row in [headers, *rows]) + 1 for i in range(len(headers) - 1)
    ]
    room = width - sum(leading) - 2
    longest = max((len(word) for row in rows for word in plain(row[-1]).split()), default=0)
    below = room < max(longest, 20)
    bold_headers = [f"[bold]{header}[/]" for header in headers]
    for row in [bold_headers, *rows]:
        cells = "".join(
            cell + " " * (size - len(plain(cell))) for cell, size in zip(row, leading, strict=False)
        )
        text = plain(row[-1])
        if below:
            stdout.print(" " + cells.rstrip())
            lines = textwrap.wrap(
                text if row is not bold_headers else "",
                width=max(width - 4, 20),
                break_long_words=False,
                break_on_hyphens=False,
            )
            for line in lines:
                stdout.print("    " + line, markup=False)
            continue
        lines = textwrap.wrap(text, width=room, break_long_words=False, break_on_hyphens=False) or [
            ""
        ]
        last = row[-1] if row is bold_headers else escape(lines[0])
        stdout.print((" " + cells + last).rstrip())
        indent = " " * (1 + sum(leading))
        for line in lines[1:]:
            stdout.print(indent + line, markup=False)
