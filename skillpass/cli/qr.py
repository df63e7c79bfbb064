"""``skillpass qr``: put a credential in a QR code and read it back."""

from __future__ import annotations

import json
import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from skillpass import qr
from skillpass.errors import ParsingError, SkillpassError

from . import _common as c
from ._group import PlainCommand
from ._input import load_document, load_documents

app = typer.Typer(
    help="Carry a whole signed credential in a QR code (SP2 format; up to four codes with"
    " Structured Append) and read it back offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class ErrorCorrection(StrEnum):
    """The QR error correction levels the CLI offers (``--ec``, any case): M is smaller, Q
    survives more damage (print). Shared by ``qr encode`` and ``certificate``."""

    M = "M"
    Q = "Q"


@app.command("encode", cls=PlainCommand)
def encode(
    input_file: Annotated[
        str,
        typer.Argument(
            metavar="INPUT",
            help="Credential or presentation: JSON file, QR image, certificate PDF, QR text"
            " (SP1:…), or - for stdin.",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", metavar="FILE", help="Write the QR code to FILE.png or FILE.svg."
        ),
    ] = None,
    ec_level: Annotated[
        ErrorCorrection,
        typer.Option(
            "--ec", metavar="M|Q", case_sensitive=False, help="Error correction: M (default) or Q."
        ),
    ] = ErrorCorrection.M,
    text: Annotated[
        bool,
        typer.Option(
            "--text", help="Print the QR text (SP2:…, one line per code) instead of the code."
        ),
    ] = False,
    max_version: Annotated[
        int,
        typer.Option(
            "--max-version",
            metavar="1-40",
            min=1,
            max=40,
            help="Largest QR version of one code; beyond, up to 4 codes side by side.",
        ),
    ] = qr.DEFAULT_MAX_VERSION,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print text, version and size as JSON.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out file if it exists.")
    ] = False,
) -> None:
    """Encode a credential as a QR code; without --out it is drawn in the terminal.

    A credential too large for one code of --max-version is split over up to four codes
    (QR Structured Append), drawn side by side; `skillpass qr decode` and `skillpass verify`
    read them back from one photo of all, or from several images given together.
    """
    ec = ec_level.value
    try:
        doc = load_document(input_file)
        qr_text = qr.encode(doc, max_version=max_version, ec=ec, max_symbols=qr.MAX_SYMBOLS)
        parts = qr.split(qr_text, ec=ec, max_version=max_version)
        version = max(qr.symbol_versions(qr_text, ec=ec, max_version=max_version))
        if out is not None:
            suffix = out.suffix.lower()
            if suffix == ".png":
                image = qr.render_png(qr_text, ec=ec, max_version=max_version)
                c.write_file(out, image, force=force)
            elif suffix == ".svg":
                image_svg = qr.render_svg(qr_text, ec=ec, max_version=max_version)
                c.write_file(out, image_svg, force=force)
            else:
                raise ParsingError(
                    f"--out must end in .png or .svg, not {out.name!r}", code="output_format"
                )
    except SkillpassError as exc:
        c.fail(exc)
    if as_json:
        info = {
            "text": qr_text,
            "chars": len(qr_text),
            "version": version,
            "ec": ec,
            "codes": len(parts),
            "parts": parts,
        }
        c.write_output(json.dumps(info, indent=2), None)
    elif text:
        c.write_output("\n".join(parts), None)
    elif out is None:
        drawing = qr.render_terminal(qr_text, ec=ec, max_version=max_version)
        width = len(drawing.split("\n", 1)[0])
        columns = shutil.get_terminal_size((0, 0)).columns
        if sys.stdout.isatty() and 0 < columns < width:
            c.warn(
                f"the QR code is {width} columns wide but the terminal has {columns}: it will"
                " not scan; widen the terminal, or write an image (--out code.png)"
            )
        c.write_output(drawing, None)
    codes = f"{len(parts)} QR codes of " if len(parts) > 1 else "QR "
    summary = f"{codes}version {version}-{ec}, {len(qr_text)} characters"
    c.stderr.print(f"{summary}; written to {out}" if out else summary, markup=False)


@app.command("decode", cls=PlainCommand)
def decode(
    source: Annotated[
        list[str],
        typer.Argument(
            metavar="SOURCE...",
            help="A QR image (PNG/JPEG/TIFF/WebP photo), a certificate PDF, QR text (SP2:…),"
            " a file of QR text, or - for stdin. Several images or texts: the parts of one"
            " code split over several QR codes, in any order.",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", help="Write the JSON here instead of stdout."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out file if it exists.")
    ] = False,
) -> None:
    """Decode a QR code back into the credential's JSON (exactly as it was signed)."""
    try:
        doc = load_documents(source)
        c.write_output(c.dump_json(doc), out, force=force)
    except SkillpassError as exc:
        c.fail(exc)
