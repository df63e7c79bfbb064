"""``skillpass certificate``: a printable A4 PDF with the credential's QR code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from .._did import OfflineResolver
from .._verify import verify_credential
from ..errors import CryptographicSecurityError, SkillpassError
from ..qr._certificate import DRAFT_MARK, build_certificate
from . import _common as c
from ._input import load_document
from .qr import ErrorCorrection

# The QR must verify where it is scanned: the document must be well formed and its signature
# right. Issuer trust and status may be unknown (an institute prints its own credential).
_REQUIRED_VALID = ("format", "proof")
_MUST_NOT_FAIL = ("issuer",)  # the key is not the issuer's: no verifier will accept the QR


def _unverified_reason(doc: dict[str, Any], resolver: OfflineResolver) -> str | None:
    report = verify_credential(doc, resolver=resolver)
    for check in report.checks:
        required = check.id in _REQUIRED_VALID and check.status != "valid"
        if required or (check.id in _MUST_NOT_FAIL and check.status == "invalid"):
            return f"the {check.id} check is {check.status} ({check.code}: {check.message})"
    return None


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
        reason = _unverified_reason(doc, c.load_resolver(did_document))
        if reason is not None and not allow_unverified:
            raise CryptographicSecurityError(
                f"{reason}; its QR code would not verify. Sign it first (skillpass sign), or"
                " print a marked draft with --allow-unverified",
                code="certificate_unverified",
            )
        cert = build_certificate(doc, ec=ec.value if ec else None, draft=reason is not None)
        c.write_file(out, cert.pdf, force=force)
    except SkillpassError as exc:
        c.fail(exc)
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
