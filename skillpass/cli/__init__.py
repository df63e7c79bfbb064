"""The ``skillpass`` command line.

Exit codes: 0 success / valid, 1 invalid, 2 usage or input error, 3 unknown.

Start-up stays fast: this module imports only Typer. Commands whose modules are heavy (the PDF
certificate, QR images, frameworks) and the role commands of the other packages are mounted by
reference (:data:`CORE_COMMANDS`, :data:`ROLE_COMMANDS`) and imported when they run.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from skillpass.errors import MalformedValueError, SkillpassError

from . import _common as c
from ._group import LazyCommand, LazyGroup, PlainCommand, prog_name

if TYPE_CHECKING:
    from datetime import datetime

    from skillpass import VerificationReport

__all__ = ["CORE_COMMANDS", "ROLE_COMMANDS", "LazyCommand", "app", "main"]

CORE_COMMANDS: dict[str, LazyCommand] = {
    "credential": LazyCommand(
        "skillpass.cli.credential:app",
        "Write a new unsigned credential from options or an answers file.",
    ),
    "qr": LazyCommand(
        "skillpass.cli.qr:app", "Put a signed credential in one QR code and read it back."
    ),
    "certificate": LazyCommand(
        "skillpass.cli.certificate:app",
        "Make a printable A4 PDF certificate with the credential's QR code.",
    ),
    "frameworks": LazyCommand(
        "skillpass.cli.frameworks:app",
        "Qualifications frameworks: level tables and indicative comparison.",
    ),
}
"""Commands of this package that are imported only when they run."""

ROLE_COMMANDS: dict[str, LazyCommand] = {
    "issuer": LazyCommand(
        "issuer.cli:app", "An institute's issuing service: serve, issue, revoke."
    ),
    "verifier": LazyCommand("verifier.cli:app", "The verification service and its web page."),
    "trust": LazyCommand(
        "verifier.cli:trust_app", "Trust lists and trust bundles for offline verification."
    ),
    "wallet": LazyCommand("wallet.cli:app", "A migrant's encrypted wallet of credentials."),
}
"""Role commands: name -> ``"module:attribute"`` of the role package's ``typer.Typer`` app and
its one-line help. A role package registers its app here (one entry); the module is imported
only when its command runs, and an entry whose module is not installed is hidden."""


class _SkillpassGroup(LazyGroup):
    lazy_commands = {**CORE_COMMANDS, **ROLE_COMMANDS}  # noqa: RUF012
    first = ("keys", "sign", "verify")


app = typer.Typer(
    name="skillpass",
    cls=_SkillpassGroup,
    help="SkillPass: issue, carry and verify skills credentials offline (W3C VCs).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Docstrings are wrapped at 100 columns: let the help formatter reflow their paragraphs.
    rich_markup_mode=None,
)
keys_app = typer.Typer(
    help="Institute and holder keys (Ed25519 Multikey, did:key).",
    no_args_is_help=True,
    rich_markup_mode=None,
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


@keys_app.command("generate", cls=PlainCommand)
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
    from skillpass import KeyPair

    try:
        passphrase = c.read_passphrase(passphrase_file)
        key = KeyPair.generate()
        text = c.dump_json(key.to_json(passphrase=passphrase))
        if out is None:
            c.write_output(text, None)
            c.stderr.print(key.did)
            if passphrase is None:
                c.warn("the private key printed above is not encrypted (see --passphrase-file)")
            return
        # A key file is never overwritten (there is no --force): a lost key is lost.
        c.write_file(
            out,
            text + "\n",
            mode=0o600,
            if_exists="key files are never overwritten: choose another file name, or move the"
            " old key away first if you really mean to replace it",
        )
        c.stdout.print(key.did)
    except SkillpassError as exc:
        c.fail(exc)
    if passphrase is None:
        c.warn(
            f"the private key in {out} is not encrypted: keep the file private and out of"
            " version control, or encrypt it with --passphrase-file"
        )


@keys_app.command("show", cls=PlainCommand)
def keys_show(
    key_file: Annotated[Path, typer.Argument(metavar="KEY_FILE", help="A key file.")],
    passphrase_file: Annotated[
        Path | None,
        typer.Option("--passphrase-file", help="Check the passphrase of an encrypted key file."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Print a key's DID and public key (never the private key).

    An encrypted key file is only decrypted when a passphrase is given (to check it); its
    public key is readable without one.
    """
    from skillpass import PublicKey

    try:
        data = c.read_json_file(str(key_file), what="key file")
        c.check_key_file(data, key_file)
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


@app.command("sign", cls=PlainCommand)
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
            metavar="SUITE",
            help="eddsa-rdfc-2022 (default, widest support) or eddsa-jcs-2022 (fast, JSON only).",
        ),
    ] = "eddsa-rdfc-2022",
    created: Annotated[
        str | None,
        typer.Option(
            "--created", metavar="TIME", help="Proof creation time (xsd:dateTime); default now."
        ),
    ] = None,
    verification_method: Annotated[
        str | None,
        typer.Option(
            "--verification-method",
            metavar="URL",
            help="Sign as this verification method URL (default: the key's did:key).",
        ),
    ] = None,
    proof_purpose: Annotated[
        str | None,
        typer.Option(
            "--proof-purpose",
            metavar="PURPOSE",
            help="assertionMethod for credentials (default), authentication for presentations.",
        ),
    ] = None,
    previous_proof: Annotated[
        list[str] | None,
        typer.Option(
            "--previous-proof",
            metavar="ID",
            help="Chain this proof to an existing proof id (repeatable).",
        ),
    ] = None,
    proof_id: Annotated[
        str | None,
        typer.Option(
            "--proof-id",
            metavar="ID",
            help="An id for the new proof (needed to chain to it later).",
        ),
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
    replace_proof: Annotated[
        bool,
        typer.Option(
            "--replace-proof",
            help="Remove the input's existing proof(s) and sign anew (without it a signed input"
            " gets a second proof, with a warning).",
        ),
    ] = False,
) -> None:
    """Sign a credential (or presentation) with a Data Integrity proof; prints the signed JSON."""
    from skillpass import sign_credential, sign_presentation, types_of

    try:
        doc = c.read_json_file(input_file)
        key = c.load_key(key_file, passphrase_file)
        if not isinstance(doc, dict):
            raise MalformedValueError("the input is not a JSON object", code="not_an_object")
        is_vp = "VerifiablePresentation" in types_of(doc)
        if "proof" in doc and replace_proof:
            del doc["proof"]
        elif "proof" in doc and previous_proof is None:
            c.warn(
                "the input is signed already: a second proof is added beside the first;"
                " to sign it anew, use --replace-proof"
            )
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
    if out is not None:
        kind = "presentation" if is_vp else "credential"
        c.stderr.print(f"signed {kind} written to {out}", markup=False)


_STYLE = {"valid": "bold green", "invalid": "bold red", "unknown": "bold yellow"}


def _print_report(report: VerificationReport, *, indent: str = "") -> None:
    from ._common import escape  # rich's rule, without importing rich

    status = report.status
    doc_id = escape(report.document_id or "")
    head = f"{indent}[{_STYLE[status]}]{status.upper()}[/] {report.kind} {doc_id}"
    c.stdout.print(head)
    if report.issuer:
        c.stdout.print(f"{indent}issuer: {escape(report.issuer)}")
    rows = [
        [
            f"{indent}{check.id}",
            f"[{_STYLE[check.status]}]{check.status}[/]",
            escape(check.code),
            escape(check.message),
        ]
        for check in report.checks
    ]
    # Never splits a word: at 80 columns the messages go below their rows (DIDs stay whole).
    c.print_table(["check", "status", "code", "message"], rows)
    for sub in report.credentials:
        _print_report(sub, indent=indent + "  ")
    comparisons = report.extras.get("frameworks")
    if comparisons:
        _print_comparisons(comparisons)
    skipped = report.extras.get("frameworks_skipped")
    if skipped:
        c.stdout.print(f"[yellow]{escape(skipped)}[/]")


def _print_comparisons(comparisons: list[dict[str, Any]]) -> None:
    from rich.markup import escape
    from rich.table import Table

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


@app.command("verify", cls=PlainCommand)
def verify(
    input_file: Annotated[
        str,
        typer.Argument(
            metavar="INPUT",
            help="Credential or presentation: JSON file, QR image, QR text (SP1:…), "
            "or a file of QR text; - for stdin.",
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    now: Annotated[
        str | None,
        typer.Option(
            "--now", metavar="TIME", help="Verify as of this time (xsd:dateTime) instead of now."
        ),
    ] = None,
    framework: Annotated[
        list[str] | None,
        typer.Option(
            "--framework",
            metavar="ID",
            help="Also compare the credential's levels to this framework (e.g. DE-DQR;"
            " repeatable).",
        ),
    ] = None,
    did_document: c.DidDocumentOption = None,
    trusted_issuer: Annotated[
        list[str] | None,
        typer.Option(
            "--trust-issuer",
            metavar="DID",
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
    from skillpass import parse_datetime, types_of, verify_credential, verify_presentation

    from ._input import load_document

    try:
        doc = load_document(input_file)
        when: datetime | None = parse_datetime(c.as_datetime(now), name="--now") if now else None
        resolver = c.load_resolver(did_document)
        trusted = {c.check_did(did, "--trust-issuer") for did in trusted_issuer or []} or None
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
        if framework:
            report = _with_level_comparison(doc, report, framework)
    except SkillpassError as exc:
        c.fail(exc)
    if as_json:
        c.write_output(c.dump_json(report.to_dict()), None)
    else:
        _print_report(report)
    raise typer.Exit(_exit_for(report))


def _with_level_comparison(
    doc: dict[str, Any], report: VerificationReport, frameworks: list[str]
) -> VerificationReport:
    """Add the comparison of each verified credential's levels with each of ``frameworks``.

    Levels are read only from credentials whose format and proof are valid: a forged level
    must not be shown next to a real comparison.
    """
    from skillpass.frameworks import compare_credential, get_framework

    for framework in frameworks:
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
            for framework in frameworks:
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


def main() -> None:
    """Console-script entry point."""
    app(prog_name=prog_name())
