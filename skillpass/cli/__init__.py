"""The ``skillpass`` command line.

Exit codes: 0 success / valid, 1 invalid, 2 usage or input error, 3 unknown.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from .._dates import parse_datetime
from .._jsonio import types_of
from .._keys import KeyPair, PublicKey
from .._report import VerificationReport
from .._verify import sign_credential, sign_presentation, verify_credential, verify_presentation
from ..errors import MalformedValueError, SkillpassError
from . import _common as c
from ._input import load_documents

app = typer.Typer(
    name="skillpass",
    help="SkillPass: issue, carry and verify skills credentials offline (W3C VCs).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Docstrings are wrapped at 100 columns: let the help formatter reflow their paragraphs.
    rich_markup_mode=None,
)
keys_app = typer.Typer(
    help="Institute and holder keys (Ed25519 Multikey, did:key).", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")

AllowTest = Annotated[
    bool,
    typer.Option(
        "--allow-test-contexts",
        help="Accept the W3C test-only contexts (examples/v2, citizenship); "
        "never for real credentials.",
    ),
]


@keys_app.command("generate")
def keys_generate(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write the key file here (mode 600); refuses to overwrite."
        ),
    ] = None,
    passphrase_file: Annotated[
        Path | None,
        typer.Option(
            "--passphrase-file",
            help="Encrypt the private key with the passphrase in this file (scrypt + AES-256-GCM).",
        ),
    ] = None,
) -> None:
    """Generate an Ed25519 key pair and print its DID.

    Without --out the key file JSON goes to standard output and the DID to standard error.
    """
    try:
        passphrase = c.read_passphrase(passphrase_file)
        key = KeyPair.generate()
        text = c.dump_json(key.to_json(passphrase=passphrase))
        if out is None:
            c.write_output(text, None)
            c.stderr.print(key.did)
            return
        # A key file is never overwritten, even with --force elsewhere: a lost key is lost.
        c.write_file(out, text + "\n", mode=0o600)
        c.stdout.print(key.did)
    except SkillpassError as exc:
        c.fail(exc)


@keys_app.command("show")
def keys_show(
    key_file: Annotated[Path, typer.Argument(help="A key file.")],
    passphrase_file: Annotated[Path | None, typer.Option("--passphrase-file")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Print a key's DID and public key (never the private key).

    An encrypted key file is only decrypted when a passphrase is given (to check it); its
    public key is readable without one.
    """
    try:
        data = c.read_json_file(str(key_file), what="key file")
        if c.read_passphrase(passphrase_file) is not None or not isinstance(data, dict):
            public = c.load_key(key_file, passphrase_file).public_key
        else:
            public = PublicKey.from_multibase(data.get("publicKeyMultibase"))
    except SkillpassError as exc:
        c.fail(exc)
    did = "did:key:" + public.multibase
    vm = f"{did}#{public.multibase}"
    if as_json:
        c.write_output(
            c.dump_json(
                {"did": did, "verificationMethod": vm, "publicKeyMultibase": public.multibase}
            ),
            None,
        )
    else:
        c.stdout.print(f"DID:                 {did}\nverification method: {vm}", markup=False)


@app.command("sign")
def sign(
    input_file: Annotated[
        str,
        typer.Argument(
            metavar="INPUT", help="Unsigned credential or presentation (JSON file, - for stdin)."
        ),
    ],
    key_file: Annotated[
        Path, typer.Option("--key", "-k", help="Key file from `skillpass keys generate`.")
    ],
    cryptosuite: Annotated[
        str,
        typer.Option(
            "--cryptosuite",
            help="eddsa-rdfc-2022 (default, widest support) or eddsa-jcs-2022 (fast, JSON only).",
        ),
    ] = "eddsa-rdfc-2022",
    created: Annotated[
        str | None,
        typer.Option("--created", help="Proof creation time (xsd:dateTime); default now."),
    ] = None,
    verification_method: Annotated[
        str | None,
        typer.Option(
            "--verification-method",
            help="Sign as this verification method URL (default: the key's did:key).",
        ),
    ] = None,
    proof_purpose: Annotated[
        str | None,
        typer.Option(
            "--proof-purpose",
            help="assertionMethod for credentials (default), authentication for presentations.",
        ),
    ] = None,
    previous_proof: Annotated[
        list[str] | None,
        typer.Option(
            "--previous-proof", help="Chain this proof to an existing proof id (repeatable)."
        ),
    ] = None,
    proof_id: Annotated[
        str | None,
        typer.Option("--proof-id", help="An id for the new proof (needed to chain to it later)."),
    ] = None,
    challenge: Annotated[
        str | None, typer.Option("--challenge", help="Presentations: the verifier's challenge.")
    ] = None,
    domain: Annotated[
        str | None, typer.Option("--domain", help="Presentations: the verifier's domain.")
    ] = None,
    passphrase_file: Annotated[
        Path | None,
        typer.Option("--passphrase-file", help="Passphrase of an encrypted key file."),
    ] = None,
    allow_test_contexts: AllowTest = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the signed JSON here instead of stdout."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out file if it exists.")
    ] = False,
    set_issuer: Annotated[
        bool,
        typer.Option(
            "--set-issuer",
            help="Make the key's DID the credential's issuer (issuer.id) before signing.",
        ),
    ] = False,
) -> None:
    """Sign a credential (or presentation) with a Data Integrity proof; prints the signed JSON."""
    try:
        doc = c.read_json_file(input_file)
        key = c.load_key(key_file, passphrase_file)
        if not isinstance(doc, dict):
            raise MalformedValueError("the input is not a JSON object", code="not_an_object")
        is_vp = "VerifiablePresentation" in types_of(doc)
        if set_issuer and not is_vp:
            issuer = doc.get("issuer")
            if isinstance(issuer, dict):
                doc["issuer"] = {**issuer, "id": key.did}
            else:
                doc["issuer"] = key.did
        if is_vp:
            if challenge is None:
                raise MalformedValueError(
                    "signing a presentation needs --challenge", code="missing_challenge"
                )
            signed = sign_presentation(
                doc,
                key,
                challenge=challenge,
                domain=domain,
                cryptosuite=cryptosuite,
                created=created,
                verification_method=verification_method,
                proof_purpose=proof_purpose or "authentication",
                allow_test_contexts=allow_test_contexts,
            )
        else:
            signed = sign_credential(
                doc,
                key,
                cryptosuite=cryptosuite,
                created=created,
                verification_method=verification_method,
                proof_purpose=proof_purpose or "assertionMethod",
                previous_proof=(previous_proof[0] if len(previous_proof) == 1 else previous_proof)
                if previous_proof
                else None,
                proof_id=proof_id,
                allow_test_contexts=allow_test_contexts,
            )
        c.write_output(c.dump_json(signed), out, force=force)
    except SkillpassError as exc:
        c.fail(exc)


_STYLE = {"valid": "bold green", "invalid": "bold red", "unknown": "bold yellow"}


def _print_report(report: VerificationReport, *, indent: str = "") -> None:
    status = report.status
    doc_id = escape(report.document_id or "")
    head = f"{indent}[{_STYLE[status]}]{status.upper()}[/] {report.kind} {doc_id}"
    c.stdout.print(head)
    if report.issuer:
        c.stdout.print(f"{indent}issuer: {escape(report.issuer)}")
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
    table.add_column("check")
    table.add_column("status")
    table.add_column("code")
    table.add_column("message", overflow="fold")
    for check in report.checks:
        table.add_row(
            check.id,
            f"[{_STYLE[check.status]}]{check.status}[/]",
            escape(check.code),
            escape(check.message),
        )
    c.stdout.print(table)
    for sub in report.credentials:
        _print_report(sub, indent=indent + "  ")
    comparisons = report.extras.get("frameworks")
    if comparisons:
        _print_comparisons(comparisons)
    skipped = report.extras.get("frameworks_skipped")
    if skipped:
        c.stdout.print(f"[yellow]{escape(skipped)}[/]")


def _print_comparisons(comparisons: list[dict[str, Any]]) -> None:
    table = Table(
        title="Level comparison (indicative, not recognition)", box=None, header_style="bold"
    )
    table.add_column("credential level")
    table.add_column("compares to")
    table.add_column("path / reason", overflow="fold")
    table.add_column("confidence")
    for item in comparisons:
        source = item.get("alignment") or item.get("from") or {}
        label = escape(f"{source.get('framework')} {source.get('level')}")
        if item.get("error"):
            table.add_row(label, "-", escape(str(item["error"])), "-")
            continue
        routes = item.get("routes") or []
        if not routes:
            table.add_row(label, "-", escape(str(item.get("reason") or "no route")), "-")
        for route in routes:
            table.add_row(
                label,
                escape(f"{item.get('to')} {route['level']}"),
                escape(" → ".join(route["path"])),
                route["confidence"],
            )
    c.stdout.print(table)
    caveat = comparisons[0].get("caveat") if comparisons else None
    if caveat:
        c.stdout.print(f"[dim]{escape(caveat)}[/]")


def _exit_for(report: VerificationReport) -> int:
    return {"valid": c.EXIT_VALID, "invalid": c.EXIT_INVALID, "unknown": c.EXIT_UNKNOWN}[
        report.status
    ]


@app.command("verify")
def verify(
    input_file: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT...",
            help="Credential or presentation: JSON file, QR image, QR text (SP2:…), "
            "or a file of QR text; - for stdin. Several QR images or texts: the parts of one "
            "code split over several QR codes.",
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    now: Annotated[
        str | None,
        typer.Option("--now", help="Verify as of this time (xsd:dateTime) instead of now."),
    ] = None,
    framework: Annotated[
        str | None,
        typer.Option(
            "--framework",
            help="Also compare the credential's levels to this framework (e.g. DE-DQR).",
        ),
    ] = None,
    did_document: c.DidDocumentOption = None,
    trusted_issuer: Annotated[
        list[str] | None,
        typer.Option(
            "--trust-issuer",
            help="Treat this issuer DID as trusted (repeatable) until trust lists are configured.",
        ),
    ] = None,
    challenge: Annotated[
        str | None,
        typer.Option("--challenge", help="Presentations: the challenge you gave the holder."),
    ] = None,
    domain: Annotated[
        str | None, typer.Option("--domain", help="Presentations: your domain.")
    ] = None,
    allow_test_contexts: AllowTest = False,
) -> None:
    """Verify offline; exit 0 valid, 1 invalid, 3 unknown, 2 unreadable input."""
    try:
        doc = load_documents(input_file)
        when: datetime | None = parse_datetime(now, name="--now") if now else None
        resolver = c.load_resolver(did_document)
        trusted = set(trusted_issuer) if trusted_issuer else None
        if "VerifiablePresentation" in types_of(doc):
            report = verify_presentation(
                doc,
                challenge=challenge,
                domain=domain,
                now=when,
                resolver=resolver,
                trusted_issuers=trusted,
                allow_test_contexts=allow_test_contexts,
            )
        else:
            report = verify_credential(
                doc,
                now=when,
                resolver=resolver,
                trusted_issuers=trusted,
                allow_test_contexts=allow_test_contexts,
            )
        if framework is not None:
            report = _with_level_comparison(doc, report, framework)
    except SkillpassError as exc:
        c.fail(exc)
    if as_json:
        c.write_output(c.dump_json(report.to_dict()), None)
    else:
        _print_report(report)
    raise typer.Exit(_exit_for(report))


def _with_level_comparison(
    doc: dict[str, Any], report: VerificationReport, framework: str
) -> VerificationReport:
    """Add the comparison of each verified credential's levels with ``framework``.

    Levels are read only from credentials whose format and proof are valid: a forged level
    must not be shown next to a real comparison.
    """
    from ..frameworks import compare_credential, get_framework

    get_framework(framework)  # an unknown framework is a usage error (exit 2)
    if report.kind == "credential":
        pairs = [(doc, report)]
    else:
        embedded = doc.get("verifiableCredential", [])
        embedded = embedded if isinstance(embedded, list) else [embedded]
        pairs = list(zip(embedded, report.credentials, strict=False))
    comparisons: list[dict[str, Any]] = []
    skipped = 0
    for credential, sub in pairs:
        if sub.check("format").status == "valid" and sub.check("proof").status == "valid":
            comparisons.extend(compare_credential(credential, framework))
        else:
            skipped += 1
    extras: dict[str, Any] = {"frameworks": comparisons}
    if skipped:
        extras["frameworks_skipped"] = (
            f"{skipped} credential(s) not compared: their proof did not verify, so the levels "
            "they state cannot be trusted"
        )
    return report.with_extras(**extras)


def _register_subcommands() -> None:
    """Sub-commands whose modules live beside this one."""
    from . import certificate as _certificate
    from . import frameworks as _frameworks
    from . import qr as _qr

    app.add_typer(_frameworks.app, name="frameworks")
    app.add_typer(_qr.app, name="qr")
    app.command("certificate")(_certificate.certificate)


_register_subcommands()


def main() -> None:
    """Console-script entry point."""
    app()
