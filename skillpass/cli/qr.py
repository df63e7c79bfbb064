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
from ._input import load_document

app = typer.Typer(
    help="Carry a whole signed credential in one QR code (SP1 format) and read it back offline.",
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
        bool, typer.Option("--text", help="Print the QR text (SP1:…) instead of the code.")
    ] = False,
    max_version: Annotated[
        int,
        typer.Option(
            "--max-version",
            metavar="1-40",
            min=1,
            max=40,
            help="Refuse texts above this QR version at M (default 22).",
        ),
    ] = qr.DEFAULT_MAX_VERSION,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print text, version and size as JSON.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out file if it exists.")
    ] = False,
) -> None:
    """Encode a credential as one QR code; without --out it is drawn in the terminal."""
    ec = ec_level.value
    try:
        doc = load_document(input_file)
        # The budget is defined at M; Q is a sturdier rendering of the same text (a larger code).
        qr_text = qr.encode(doc, max_version=max_version)
        version = qr.qr_version(qr_text, ec)
        if out is not None:
            suffix = out.suffix.lower()
            if suffix == ".png":
                c.write_file(out, qr.render_png(qr_text, ec=ec), force=force)
            elif suffix == ".svg":
                c.write_file(out, qr.render_svg(qr_text, ec=ec), force=force)
            else:
                raise ParsingError(
                    f"--out must end in .png or .svg, not {out.name!r}", code="output_format"
                )
    except SkillpassError as exc:
        c.fail(exc)
    if as_json:
        info = {"text": qr_text, "chars": len(qr_text), "version": version, "ec": ec}
        c.write_output(json.dumps(info, indent=2), None)
    elif text:
        c.write_output(qr_text, None)
    elif out is None:
        drawing = qr.render_terminal(qr_text, ec=ec)
        width = len(drawing.split("\n", 1)[0])
        columns = shutil.get_terminal_size((0, 0)).columns
        if sys.stdout.isatty() and 0 < columns < width:
            c.warn(
                f"the QR code is {width} columns wide but the terminal has {columns}: it will"
                " not scan; widen the terminal, or write an image (--out code.png)"
            )
        c.write_output(drawing, None)
    summary = f"QR version {version}-{ec}, {len(qr_text)} characters"
    c.stderr.print(f"{summary}; written to {out}" if out else summary, markup=False)


@app.command("decode", cls=PlainCommand)
def decode(
    source: Annotated[
        str,
        typer.Argument(
            metavar="SOURCE",
            help="A QR image (PNG/JPEG/TIFF/WebP photo), a certificate PDF, QR text (SP1:…),"
            " a file of QR text, or - for stdin.",
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
        doc = load_document(source)
        c.write_output(c.dump_json(doc), out, force=force)
    except SkillpassError as exc:
        c.fail(exc)
