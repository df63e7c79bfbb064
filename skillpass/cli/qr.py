"""``skillpass qr``: put a credential in a QR code and read it back."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .. import qr
from ..errors import ParsingError, SkillpassError
from . import _common as c
from ._input import load_document, load_documents

app = typer.Typer(
    help="Carry a whole signed credential in a QR code (SP2 format; up to four codes with"
    " Structured Append) and read it back offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class ErrorCorrection(StrEnum):
    """The QR error correction levels the CLI offers (``--ec``, any case): M is smaller, Q
    survives more damage (print). Shared by ``qr encode`` and ``certificate``."""

    M = "M"
    Q = "Q"


@app.command("encode")
def encode(
    input_file: Annotated[
        str,
        typer.Argument(metavar="INPUT", help="Credential or presentation: JSON file, - for stdin."),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the QR code to FILE.png or FILE.svg."),
    ] = None,
    ec_level: Annotated[
        ErrorCorrection,
        typer.Option("--ec", case_sensitive=False, help="Error correction: M (default) or Q."),
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
        sys.stdout.write(json.dumps(info, indent=2) + "\n")
    elif text:
        sys.stdout.write("\n".join(parts) + "\n")
    elif out is None:
        sys.stdout.write(qr.render_terminal(qr_text, ec=ec, max_version=max_version))
    codes = f"{len(parts)} QR codes of " if len(parts) > 1 else "QR "
    summary = f"{codes}version {version}-{ec}, {len(qr_text)} characters"
    c.stderr.print(f"{summary}; written to {out}" if out else summary, markup=False)


@app.command("decode")
def decode(
    source: Annotated[
        list[str],
        typer.Argument(
            metavar="IMAGE|TEXT...",
            help="A QR image (PNG/JPEG/TIFF/WebP photo), QR text (SP2:…), a file of QR text,"
            " or - for stdin. Several images or texts: the parts of one code split over"
            " several QR codes, in any order.",
        ),
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the JSON here instead of stdout.")
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
