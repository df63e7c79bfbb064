"""``skillpass certificate``: a printable A4 PDF with the credential's QR code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from .. import VerificationPolicy
from ..errors import SkillpassError
from ..qr import DRAFT_MARK, make_certificate
from . import _common as c
from ._input import load_document
from .qr import ErrorCorrection


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
        ErrorCorrection | None,
        typer.Option(
            "--ec",
            case_sensitive=False,
            help="QR error correction M or Q (default Q when it fits V30).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out file if it exists.")
    ] = False,
    did_document: c.DidDocumentOption = None,
    allow_unverified: Annotated[
        bool,
        typer.Option(
            "--allow-unverified",
            help=f"Print a credential that does not verify (a draft); it is marked {DRAFT_MARK}.",
        ),
    ] = False,
) -> None:
    """Make a printable A4 PDF certificate with the credential's QR code.

    It shows holder, qualification, levels, skills, issuer and dates, and a QR code (about
    62 mm) that holds the whole signed credential, so it can be verified offline from paper.
    The credential is verified first: one whose format or signature check fails is refused
    (exit 2, certificate_unverified) unless --allow-unverified prints it as a marked draft.
    """
    try:
        doc = load_document(credential)
        cert = make_certificate(
            doc,
            ec=ec.value if ec else None,
            policy=VerificationPolicy(resolver=c.load_resolver(did_document)),
            allow_unverified=allow_unverified,
        )
        c.write_file(out, cert.pdf, force=force)
    except SkillpassError as exc:
        c.fail(exc)
    reason = cert.unverified_reason
    if reason is not None:
        c.stderr.print(f"[bold yellow]warning:[/] {escape(reason)}; the PDF is marked {DRAFT_MARK}")
    if cert.missing:
        shown = " ".join(cert.missing[:24]) + (" …" if len(cert.missing) > 24 else "")
        how = "printed as '?'" if cert.fonts else "printed without accents or as '?'"
        c.stderr.print(
            "[bold yellow]warning:[/] "
            + escape(
                f"no installed font has {shown}: {how}. Install {' and '.join(cert.packages)}"
                f" (Debian: apt-get install {' '.join(cert.packages)}) and print again;"
                " the QR code holds the exact text."
            )
        )
    c.stderr.print(f"certificate written to {out}", markup=False)
