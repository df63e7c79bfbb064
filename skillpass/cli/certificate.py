"""``skillpass certificate``: a printable A4 PDF with the credential's QR code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import qr
from ..errors import ParsingError, SkillpassError
from . import _common as c
from ._input import load_document


def certificate(
    credential: Annotated[
        str,
        typer.Argument(
            metavar="CREDENTIAL",
            help="Signed credential: JSON file, QR image, QR text (SP1:…) or - for stdin.",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Write the PDF here (cert.pdf).")],
    ec: Annotated[
        str | None,
        typer.Option("--ec", help="QR error correction M or Q (default Q when it fits V30)."),
    ] = None,
) -> None:
    """Make a printable A4 PDF certificate with the credential's QR code.

    It shows holder, qualification, levels, skills, issuer and dates, and a QR code (about
    62 mm) that holds the whole signed credential, so it can be verified offline from paper.
    """
    if ec is not None and ec.upper() not in ("M", "Q"):
        raise typer.BadParameter("use M or Q", param_hint="--ec")
    try:
        doc = load_document(credential)
        pdf = qr.render_certificate_pdf(doc, ec=ec.upper() if ec else None)
        try:
            out.write_bytes(pdf)
        except OSError as exc:
            raise ParsingError(
                f"cannot write {out}: {exc.strerror}", code="output_unwritable"
            ) from None
    except SkillpassError as exc:
        c.fail(exc)
    c.stderr.print(f"certificate written to {out}", markup=False)
