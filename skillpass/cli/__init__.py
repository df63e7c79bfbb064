"""The ``skillpass`` command line.

Exit codes: 0 success / valid, 1 invalid, 2 usage or input error, 3 unknown.

Start-up stays fast: this module imports only Typer. Commands whose modules are heavy (the PDF
certificate, QR images, frameworks) and the role commands of the other packages are mounted by
reference (:data:`CORE_COMMANDS`, :data:`ROLE_COMMANDS`) and imported when they run.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from skillpass.errors import MalformedValueError, SkillpassError

from . import _common as c
from ._group import LazyCommand, LazyGroup, PlainCommand, prog_name

if TYPE_CHECKING:
    from datetime import datetime

    from skillpass import VerificationReport

__all__ = ["CORE_COMMANDS", "ROLE_COMMANDS", "LazyCommand", "PlainCommand", "app", "main"]

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


def _print_report(report: "VerificationReport", *, indent: str = "") -> None:
    from ._common import escape  # rich's rule, without importing rich

    status = report.status
    head = report.headline.split(" · ", 1)
    rest = f" · {head[1]}" if len(head) > 1 else ""
    c.stdout.print(f"{indent}[{_STYLE[status]}]{escape(head[0])}[/]{escape(rest)}")
    if report.reason == "proof_not_checked":
        c.stdout.print(
            f"{indent}[bold yellow]The signature was NOT checked[/]: nothing here is vouched "
            "for by the issuer (see the proof check)."
        )
    c.stdout.print(f"{indent}{report.kind} {escape(report.document_id or '')}")
    if report.issuer:
        c.stdout.print(f"{indent}issuer: {escape(report.issuer)}")
    bundle = report.extras.get("trust_bundle")
    if isinstance(bundle, dict):
        state = "EXPIRED" if bundle.get("expired") else f"valid until {bundle.get('valid_until')}"
        c.stdout.print(
            f"{indent}trust bundle: created {escape(str(bundle.get('created')))} "
            f"({escape(str(bundle.get('age')))} old), {escape(state)}"
        )
    identity = report.extras.get("identity")
    if identity is not None:
        c.stdout.print(f"{indent}identity: {escape(_IDENTITY_TEXT.get(identity, identity))}")
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


_IDENTITY_TEXT = {
    "match": "match (the number matches the credential's salted hash)",
    "no_match": "no_match (the number does NOT match the credential's salted hash)",
    "not_present": "not_present (the credential binds no passport or ID number)",
    "not_checked": "not_checked (the credential did not verify)",
}


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


def _exit_for(report: "VerificationReport") -> int:
    return {"valid": c.EXIT_VALID, "invalid": c.EXIT_INVALID, "unknown": c.EXIT_UNKNOWN}[
        report.status
    ]


def _verification_time(text: str | None) -> "datetime | None":
    from datetime import UTC, datetime

    from skillpass import parse_datetime

    if text is None:
        return None
    when = parse_datetime(c.as_datetime(text), name="--now")
    if not datetime(2, 1, 1, tzinfo=UTC) <= when <= datetime(9998, 12, 31, tzinfo=UTC):
        raise MalformedValueError(
            f"--now {text!r} is outside the years 0002-9998", code="invalid_datetime"
        )
    return when


def _id_number(value: str | None, path: Path | None) -> str | None:
    if value is not None and path is not None:
        raise MalformedValueError(
            "give --id-number or --id-number-file, not both", code="invalid_option"
        )
    if path is not None:
        text = c.read_text(str(path), what="ID number file", limit=1024)
        value = text.splitlines()[0] if text.strip() else ""
    if value is not None and not value.strip():
        raise MalformedValueError("the ID number is empty", code="invalid_option")
    from skillpass import printable

    if value is not None and printable(value) != value:
        # Bytes that are not UTF-8 arrive as lone surrogates; controls are no ID number either.
        raise MalformedValueError(
            "the ID number is not readable text (check the terminal's encoding)",
            code="invalid_option",
        )
    return value


@app.command("verify", cls=PlainCommand)
def verify(
    input_file: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT...",
            help="Credential or presentation: JSON file, QR image, certificate PDF, QR text"
            " (SP2:…), or a file of QR text; - for stdin. Several QR images or texts: the"
            " parts of one code split over several QR codes.",
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            metavar="TIME",
            help="Verify as of this time (xsd:dateTime, or a date: its start in UTC) instead"
            " of now.",
        ),
    ] = None,
    framework: Annotated[
        list[str] | None,
        typer.Option(
            "--framework",
            metavar="ID",
            help="Also compare the credential's levels to this framework (e.g. DE-DQR; "
            "repeatable). Only levels of credentials whose proof verified are compared.",
        ),
    ] = None,
    id_number: Annotated[
        str | None,
        typer.Option(
            "--id-number",
            metavar="NUMBER",
            help="Check this passport or ID number against the credential's salted hash.",
        ),
    ] = None,
    id_number_file: Annotated[
        Path | None,
        typer.Option(
            "--id-number-file",
            help="Read the passport or ID number from this file (- for standard input), "
            "so it stays out of the shell history.",
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
    require_holder_binding: Annotated[
        bool,
        typer.Option(
            "--require-holder-binding",
            help="Presentations: invalid if a credential is about someone other than the "
            "holder (by default this is only reported).",
        ),
    ] = False,
    allow_test_contexts: AllowTest = False,
    trust: Annotated[
        Path | None,
        typer.Option(
            "--trust",
            metavar="BUNDLE",
            help="A trust bundle (skillpass trust bundle build): trust lists, DID documents and"
            " status-list snapshots, used offline.",
        ),
    ] = None,
    online: Annotated[
        bool,
        typer.Option(
            "--online",
            help="Also fetch the issuer's did:web document and the status lists over https"
            " (timeouts, size limits). Without it nothing touches the network.",
        ),
    ] = False,
) -> None:
    """Verify offline; exit 0 valid, 1 invalid, 3 unknown, 2 unreadable input.

    The first line says what was verified (the achievement, the holder, the issuer); a
    signature that could not be checked at all is said so there, apart from "issuer not yet
    trusted". A presentation without --challenge is at best unknown: it could be a replay.
    """
    from skillpass import (
        NoTrustConfigured,
        TrustedIssuers,
        VerificationPolicy,
        types_of,
        verify_credential,
        verify_presentation,
    )

    from ._input import load_documents

    try:
        number = _id_number(id_number, id_number_file)
        doc = load_documents(input_file)
        policy = VerificationPolicy(
            now=_verification_time(now),
            resolver=c.load_resolver(did_document),
            trust=TrustedIssuers([c.check_did(d, "--trust-issuer") for d in trusted_issuer])
            if trusted_issuer
            else NoTrustConfigured(),
            allow_test_contexts=allow_test_contexts,
            require_holder_binding=require_holder_binding,
        )
        frameworks = tuple(framework or ())
        if trust is not None or online:
            report = _verify_with_trust(
                doc,
                trust=trust,
                online=online,
                policy=policy,
                did_documents=did_document,
                trusted_issuers=trusted_issuer,
                frameworks=frameworks,
                challenge=challenge,
                domain=domain,
                id_number=number,
            )
        elif "VerifiablePresentation" in types_of(doc):
            report = verify_presentation(
                doc,
                policy=policy,
                challenge=challenge,
                domain=domain,
                frameworks=frameworks,
                id_number=number,
            )
        else:
            report = verify_credential(doc, policy=policy, frameworks=frameworks, id_number=number)
    except SkillpassError as exc:
        c.fail(exc)
    try:
        if as_json:
            c.write_output(c.dump_json(report.to_dict()), None)
        else:
            _print_report(report)
    except SkillpassError as exc:
        c.fail(exc)
    raise typer.Exit(_exit_for(report))


def _verify_with_trust(
    doc: Any,
    *,
    trust: Path | None,
    online: bool,
    policy: Any,
    did_documents: list[Path] | None,
    trusted_issuers: list[str] | None,
    frameworks: tuple[str, ...],
    challenge: str | None,
    domain: str | None,
    id_number: str | None,
) -> "VerificationReport":
    """Trust bundles and online fetching belong to the verifier role package, imported only
    here, by name, like the role commands: a plain ``skillpass verify`` never loads it."""
    import importlib

    try:
        role = importlib.import_module(ROLE_COMMANDS["trust"].module.partition(".")[0])
    except ImportError:
        raise MalformedValueError(
            "--trust and --online need the verifier package, which is not installed",
            code="verifier_not_installed",
        ) from None
    documents = [c.read_json_file(str(p), what="DID document") for p in did_documents or []]
    report: VerificationReport = role.verify(
        doc,
        bundle=trust,
        now=policy.now,
        framework=frameworks,
        online=online,
        challenge=challenge,
        domain=domain,
        id_number=id_number,
        trusted_issuers=trusted_issuers or (),
        did_documents=[d for d in documents if isinstance(d, dict)],
        allow_test_contexts=policy.allow_test_contexts,
    )
    return report


def main() -> None:
    """Console-script entry point."""
    app(prog_name=prog_name())
