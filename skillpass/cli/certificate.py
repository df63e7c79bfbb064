"""``skillpass certificate``: a printable A4 PDF with the credential's QR code."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Annotated

import typer

from skillpass.errors import MalformedValueError, ParsingError, SkillpassError

from . import _common as c
from ._group import PlainCommand
from ._input import load_document
from .qr import ErrorCorrection

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)

_DRAFT_MARK = "NOT VERIFIED — DRAFT"  # skillpass.qr.DRAFT_MARK; help text must not import qr


def _scripts(chars: str) -> str:
    names = sorted({unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0].title() for ch in chars})
    return ", ".join(names)


@app.command("certificate", cls=PlainCommand)
def certificate(
    credential: Annotated[
        str,
        typer.Argument(
            metavar="CREDENTIAL",
            help="Signed credential: JSON file, QR image, QR text (SP1:…) or - for stdin.",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="FILE.pdf", help="Write the PDF here."),
    ],
    ec: Annotated[
        ErrorCorrection | None,
        typer.Option(
            "--ec",
            metavar="M|Q",
            case_sensitive=False,
            help="QR error correction M or Q (default Q when it fits V30).",
        ),
    ] = None,
    no_qr: Annotated[
        bool,
        typer.Option(
            "--no-qr",
            help="Leave the QR code out (a credential too large for one); the page then says"
            " how to obtain and verify the credential file.",
        ),
    ] = False,
    font_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--font-dir",
            metavar="DIR",
            help="Look for fonts in this folder instead of the system's (repeatable).",
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
            help=f"Print a credential that does not verify (a draft); it is marked {_DRAFT_MARK}.",
        ),
    ] = False,
) -> None:
    """Make a printable A4 PDF certificate with the credential's QR code.

    It shows holder, qualification, levels, skills, issuer and dates, and a QR code (about
    62 mm) that holds the whole signed credential, so it can be verified offline from paper.
    The credential is verified first: one whose format or signature check fails is refused
    (exit 2, certificate_unverified) unless --allow-unverified prints it as a marked draft.
    A name that no installed font can print is refused (exit 2, font_missing): install the
    font package the message names, or point --font-dir at a folder with such a font.
    """
    from skillpass import VerificationPolicy, qr

    try:
        if out.suffix.lower() != ".pdf":
            raise ParsingError(
                f"--out must end in .pdf (the certificate is a PDF), not {out.name!r}",
                code="output_format",
            )
        doc = load_document(credential)
        try:
            cert = qr.make_certificate(
                doc,
                ec=ec.value if ec else None,
                policy=VerificationPolicy(resolver=c.load_resolver(did_document)),
                allow_unverified=allow_unverified,
                font_dirs=font_dir,
                qr=not no_qr,
            )
        except SkillpassError as exc:
            if exc.code == "qr_too_large":
                exc.message += (
                    "; print the certificate without a QR code with --no-qr (it then says how"
                    " to obtain the credential file)"
                )
            raise
        if cert.missing:
            shown = " ".join(cert.missing[:24]) + (" …" if len(cert.missing) > 24 else "")
            packages = " ".join(cert.packages)
            raise MalformedValueError(
                f"no installed font can print {shown} ({_scripts(cert.missing)} script);"
                f" install {packages} (Debian/Ubuntu: sudo apt-get install {packages}) or give"
                " a folder with such a font (--font-dir), then run this again",
                code="font_missing",
            )
        c.write_file(out, cert.pdf, force=force)
    except SkillpassError as exc:
        c.fail(exc)
    if cert.unverified_reason is not None:
        c.warn(f"{cert.unverified_reason}; the PDF is marked {qr.DRAFT_MARK}")
    c.stderr.print(f"certificate written to {out}", markup=False)
