"""``skillpass wallet``: the worker's wallet on the command line.

The passphrase comes from ``--passphrase-file``, else ``SKILLPASS_WALLET_PASSPHRASE``, else a
prompt. Exit codes: 0 success, 2 usage or input error (``error: <code>: <message>``, for
example ``bad_passphrase``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import skillpass
import skillpass.qr as qr
from skillpass.cli import PlainCommand
from skillpass.errors import ParsingError, RangeError

from ._errors import WalletError
from ._inputs import credential_from_bytes, parse_object
from ._offer import OfferNotStoredError, fetch_offer
from ._wallet import StoredCredential, Wallet

EXIT_USAGE = 2
PASSPHRASE_ENV = "SKILLPASS_WALLET_PASSPHRASE"
NEW_PASSPHRASE_ENV = "SKILLPASS_WALLET_NEW_PASSPHRASE"
WALLET_ENV = "SKILLPASS_WALLET"
MAX_INPUT_BYTES = 32 * 1024 * 1024  # a phone photo of a QR code, or a certificate PDF

app = typer.Typer(
    name="wallet",
    help="The worker's encrypted wallet: keep credentials, present them, back them up.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


_Command = PlainCommand  # help that names values (ID, FILE), like the core's

# Options several commands share.
DidDocuments = Annotated[
    list[Path] | None,
    typer.Option(
        "--did-document",
        metavar="FILE",
        help="An issuer's DID document, to check a did:web proof offline.",
    ),
]
TrustIssuers = Annotated[
    list[str] | None,
    typer.Option(
        "--trust-issuer", metavar="DID", help="Treat this issuer DID as trusted (repeatable)."
    ),
]


# No emoji codes (":key:" in "did:key:" would become a picture) and no highlighting.
out = Console(highlight=False, emoji=False)
err = Console(stderr=True, highlight=False, emoji=False)


def default_wallet_path() -> Path:
    """Where the wallet lives when ``--wallet`` is not given: the user data directory."""
    import platformdirs

    return platformdirs.user_data_path("skillpass", appauthor=False) / "wallet.skillpass"


WalletOption = Annotated[
    Path | None,
    typer.Option(
        "--wallet",
        "-w",
        metavar="PATH",
        envvar=WALLET_ENV,
        help="The wallet file (default: wallet.skillpass in the user data directory).",
    ),
]
PassphraseFile = Annotated[
    Path | None,
    typer.Option(
        "--passphrase-file",
        metavar="FILE",
        help=f"Read the wallet passphrase from this file (else ${PASSPHRASE_ENV}, else a prompt).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def fail(error: skillpass.SkillpassError) -> NoReturn:
    """Print ``error: <code>: <message>`` on stderr and exit 2."""
    err.print(f"[bold red]error:[/] {escape(f'{error.code}: {error.message}')}")
    raise typer.Exit(EXIT_USAGE)


def _read_file(path: Path, *, what: str, limit: int) -> bytes:
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise ParsingError(f"{what} {path} does not exist", code="input_unreadable") from None
    except OSError as exc:
        raise ParsingError(
            f"cannot read {what} {path}: {exc.strerror}", code="input_unreadable"
        ) from None
    if len(data) > limit:
        raise RangeError(f"{what} {path} is larger than {limit:,} bytes", code="input_too_large")
    return data


def _passphrase_from_file(path: Path) -> str:
    text = _read_file(path, what="passphrase file", limit=4096).decode("utf-8-sig", "replace")
    passphrase = text.splitlines()[0] if text else ""
    if not passphrase:
        raise WalletError(f"the passphrase file {path} is empty", code="empty_passphrase")
    return passphrase


def _prompt(text: str, *, confirm: bool = False) -> str:
    try:
        value: str = typer.prompt(text, hide_input=True, confirmation_prompt=confirm, err=True)
    except typer.Abort:
        raise WalletError(
            f"no passphrase: give --passphrase-file, set {PASSPHRASE_ENV}, or type it",
            code="passphrase_required",
        ) from None
    if not value:
        raise WalletError("the passphrase is empty", code="empty_passphrase")
    return value


def read_passphrase(path: Path | None, *, confirm: bool = False) -> str:
    """The wallet passphrase: file, environment, or prompt (in that order)."""
    if path is not None:
        return _passphrase_from_file(path)
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    return _prompt("Wallet passphrase", confirm=confirm)


def _wallet_path(path: Path | None) -> Path:
    return path if path is not None else default_wallet_path()


def _open(path: Path | None, passphrase_file: Path | None) -> Wallet:
    wallet_path = _wallet_path(path)
    if not wallet_path.exists():
        raise WalletError(
            f"no wallet at {wallet_path}; create one with `skillpass wallet init`",
            code="wallet_not_found",
        )
    return Wallet.open(wallet_path, read_passphrase(passphrase_file))


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


# ----- init


@app.command("init", cls=_Command)
def init(wallet: WalletOption = None, passphrase_file: PassphraseFile = None) -> None:
    """Create a new, empty wallet with a holder key; prints the holder DID."""
    try:
        path = _wallet_path(wallet)
        if path.exists():
            raise WalletError(f"{path} exists already; not overwriting it", code="wallet_exists")
        passphrase = read_passphrase(passphrase_file, confirm=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with Wallet.create(path, passphrase) as w:
            out.print(f"created {escape(str(path))}\nholder: {w.holder_did}")
    except skillpass.SkillpassError as exc:
        fail(exc)


# ----- add


def _load_source(source: str) -> tuple[dict[str, Any], str]:
    if source == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        if len(data) > MAX_INPUT_BYTES:
            raise RangeError("standard input is too large", code="input_too_large")
        return credential_from_bytes(data, what="standard input"), "stdin"
    try:
        is_file = Path(source).is_file()
    except (OSError, ValueError):  # QR text is too long for a path, or holds a NUL
        is_file = False
    if is_file:
        data = _read_file(Path(source), what="input", limit=MAX_INPUT_BYTES)
        return credential_from_bytes(data, what=source), f"file {Path(source).name}"
    if qr.is_qr_text(source):
        return qr.decode(source.strip()), "QR text"
    raise ParsingError(
        f"{source!r} is neither a file nor SkillPass QR text (SP1:…)", code="input_unreadable"
    )


def _resolver(paths: list[Path] | None) -> skillpass.OfflineResolver:
    documents: dict[str, dict[str, Any]] = {}
    for path in paths or []:
        doc = parse_object(
            _read_file(path, what="DID document", limit=1_000_000), what=f"DID document {path}"
        )
        if not isinstance(doc.get("id"), str):
            raise ParsingError(f"{path} is not a DID document", code="invalid_did_document")
        documents[doc["id"]] = doc
    return skillpass.OfflineResolver(documents)


@app.command("add", cls=_Command)
def add(
    source: Annotated[
        str | None,
        typer.Argument(
            metavar="SOURCE",
            help="A credential: JSON file, QR image (photo), certificate PDF, QR text "
            "(SP1:…), or - for standard input.",
        ),
    ] = None,
    offer: Annotated[
        str | None,
        typer.Option(
            "--offer", metavar="URL", help="Collect the credential an issuer offers at this URL."
        ),
    ] = None,
    label: Annotated[
        str | None, typer.Option("--label", metavar="TEXT", help="Your own note.")
    ] = None,
    did_document: DidDocuments = None,
    trust_issuer: TrustIssuers = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout", metavar="SECONDS", help="Seconds to wait for the issuer (with --offer)."
        ),
    ] = 15.0,
    wallet: WalletOption = None,
    passphrase_file: PassphraseFile = None,
    as_json: JsonOption = False,
) -> None:
    """Verify a credential and keep it in the wallet.

    Forged or altered credentials are refused. An authentic credential is kept even when its
    issuer is not on a trust list, it has expired, or its proof cannot be checked offline; the
    list shows why it is not fully valid.
    """
    try:
        if (source is None) == (offer is None):
            raise ParsingError("give a SOURCE or --offer URL (one of them)", code="usage")
        resolver = _resolver(did_document)
        trusted = set(trust_issuer) if trust_issuer else None
        credential, origin = _load_source(source) if source is not None else ({}, "")
        with _open(wallet, passphrase_file) as w:
            if offer is not None:
                try:
                    entry = fetch_offer(
                        w, offer, timeout=timeout, resolver=resolver, trusted_issuers=trusted
                    )
                except OfferNotStoredError as exc:
                    # The offer is used up: print the credential so it is not lost.
                    out.print(_dump(exc.credential), markup=False, soft_wrap=True)
                    raise
            else:
                entry = w.add(
                    credential,
                    label=label,
                    source=origin,
                    resolver=resolver,
                    trusted_issuers=trusted,
                )
    except skillpass.SkillpassError as exc:
        fail(exc)
    if as_json:
        out.print(_dump(entry.to_dict()), markup=False, soft_wrap=True)
        return
    s = entry.summary
    out.print(f"added {entry.id}: {escape(s.title or '(untitled)')}")
    out.print(f"status: {escape(_status_text(entry))}")


# ----- list and show


def _date(value: str | None) -> str:
    return value[:10] if value else "-"


_MARK_TEXT = {
    "no_trust_configuration": "issuer not on a trust list",
    "issuer_not_trusted": "issuer not trusted",
    "status_not_checked": "revocation not checked",
    "did_not_found": "proof not checked offline",
    "expired": "expired",
    "not_yet_valid": "not yet valid",
    "revoked": "revoked",
    "suspended": "suspended",
}


def _status_text(entry: StoredCredential) -> str:
    if entry.status == "valid":
        text = "valid"
    else:
        reasons = [_MARK_TEXT.get(code, code.replace("_", " ")) for code in entry.marks]
        text = f"{entry.status}: " + "; ".join(dict.fromkeys(reasons))
    checked = entry.verification.get("checked_at")
    return f"{text} (as of {_date(checked)})" if isinstance(checked, str) else text


def _levels_text(entry: StoredCredential) -> str:
    return "\n".join(level.label() for level in entry.summary.levels) or "-"


@app.command("list", cls=_Command)
def list_credentials(
    text: Annotated[
        str | None, typer.Option("--search", metavar="TEXT", help="Words to look for.")
    ] = None,
    type_: Annotated[
        str | None, typer.Option("--type", metavar="TYPE", help="A credential type.")
    ] = None,
    issuer: Annotated[
        str | None, typer.Option("--issuer", metavar="ISSUER", help="Issuer DID or name.")
    ] = None,
    framework: Annotated[
        str | None, typer.Option("--framework", metavar="ID", help="A framework id, e.g. PH-PQF.")
    ] = None,
    level: Annotated[
        str | None, typer.Option("--level", metavar="LEVEL", help="A qualification level.")
    ] = None,
    wallet: WalletOption = None,
    passphrase_file: PassphraseFile = None,
    as_json: JsonOption = False,
) -> None:
    """List the credentials in the wallet (filter with --search, --type, --issuer,
    --framework, --level)."""
    try:
        with _open(wallet, passphrase_file) as w:
            filters = (text, type_, issuer, framework, level)
            entries = (
                w.search(text=text, type=type_, issuer=issuer, framework=framework, level=level)
                if any(f is not None for f in filters)
                else w.list()
            )
            holder = w.holder_did
    except skillpass.SkillpassError as exc:
        fail(exc)
    if as_json:
        out.print(_dump([e.to_dict() for e in entries]), markup=False, soft_wrap=True)
        return
    out.print(f"holder key: {holder}", markup=False, soft_wrap=True)
    if not entries:
        out.print("no credentials" + (" match" if any(f is not None for f in filters) else ""))
        return
    table = Table(box=None, header_style="bold", padding=(0, 1), show_lines=True)
    table.add_column("id", no_wrap=True)
    table.add_column("credential", ratio=3, overflow="fold")
    table.add_column("levels", ratio=2, overflow="fold")
    table.add_column("valid until", no_wrap=True)
    table.add_column("status", ratio=2, overflow="fold")
    table.add_column("QR", no_wrap=True)
    for entry in entries:
        s = entry.summary
        who = [f"[bold]{escape(s.title or '(untitled)')}[/]"]
        if s.holder:
            who.append(escape(s.holder))
        who.append("[dim]by[/] " + escape(s.issuer_name or s.issuer_id or "?"))
        if entry.label:
            who.append(f"[italic]{escape(entry.label)}[/]")
        table.add_row(
            entry.id[:8],
            "\n".join(who),
            escape(_levels_text(entry)),
            _date(s.valid_until),
            escape(_status_text(entry)),
            "yes" if entry.fits_qr else "no",
        )
    out.print(table)


@app.command("show", cls=_Command)
def show(
    credential_id: Annotated[str, typer.Argument(metavar="ID", help="Wallet id (or prefix).")],
    wallet: WalletOption = None,
    passphrase_file: PassphraseFile = None,
    as_json: JsonOption = False,
) -> None:
    """Show one credential: holder, title, issuer, levels, skills, dates and checks."""
    try:
        with _open(wallet, passphrase_file) as w:
            entry = w.get(credential_id)
    except skillpass.SkillpassError as exc:
        fail(exc)
    if as_json:
        out.print(_dump(entry.to_dict()), markup=False, soft_wrap=True)
        return
    s = entry.summary
    table = Table(box=None, show_header=False, padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    issuer = s.issuer_name or "?"
    trusted = "trusted" if entry.issuer_trusted else "not on a trust list"
    rows = [
        ("title", s.title or "(untitled)"),
        ("holder", s.holder or "-"),
        ("holder DID", s.subject_id or "-"),
        ("issuer", f"{issuer} ({trusted})\n{s.issuer_id or '?'}"),
        ("levels", _levels_text(entry)),
        ("skills", "\n".join(s.skills) or "-"),
        ("valid", f"{_date(s.valid_from)} to {_date(s.valid_until)}"),
        ("status", _status_text(entry)),
        ("QR code", "fits one QR code" if entry.fits_qr else "too large: present as a file"),
        ("label", entry.label or "-"),
        ("added", f"{entry.added} ({entry.source or 'unknown source'})"),
        ("wallet id", entry.id),
        ("credential id", entry.credential_id or "-"),
    ]
    for name, value in rows:
        table.add_row(name, escape(value))
    out.print(table)
    checks = Table(box=None, header_style="bold", padding=(0, 1), title="last verification")
    checks.add_column("check", no_wrap=True)
    checks.add_column("status", no_wrap=True)
    checks.add_column("message", overflow="fold")
    for check in entry.verification.get("checks", []):
        checks.add_row(
            escape(str(check.get("id"))),
            escape(str(check.get("status"))),
            escape(str(check.get("message"))),
        )
    out.print(checks)


@app.command("remove", cls=_Command)
def remove(
    credential_id: Annotated[str, typer.Argument(metavar="ID", help="Wallet id (or prefix).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    wallet: WalletOption = None,
    passphrase_file: PassphraseFile = None,
) -> None:
    """Delete a credential from the wallet (make a backup first if unsure)."""
    try:
        with _open(wallet, passphrase_file) as w:
            entry = w.get(credential_id)
            title = entry.summary.title or entry.id
            if not yes and not typer.confirm(f"Remove {title}?", err=True):
                raise WalletError("nothing removed", code="cancelled")
            w.remove(entry.id)
    except skillpass.SkillpassError as exc:
        fail(exc)
    except typer.Abort:
        fail(WalletError("nothing removed", code="cancelled"))
    out.print(f"removed {entry.id}: {escape(title)}")


# ----- present


@app.command("present", cls=_Command)
def present(
    ids: Annotated[
        list[str], typer.Argument(metavar="ID...", help="Credentials to present (wallet ids).")
    ],
    challenge: Annotated[
        str, typer.Option("--challenge", metavar="TEXT", help="The verifier's challenge (a nonce).")
    ],
    domain: Annotated[
        str, typer.Option("--domain", metavar="DOMAIN", help="The verifier's domain.")
    ],
    cryptosuite: Annotated[
        str,
        typer.Option("--cryptosuite", metavar="SUITE", help="eddsa-rdfc-2022 or eddsa-jcs-2022."),
    ] = "eddsa-rdfc-2022",
    holder: Annotated[
        str | None, typer.Option("--holder", metavar="DID", help="Sign with this holder DID.")
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", help="Write the presentation here."),
    ] = None,
    qr_file: Annotated[
        Path | None,
        typer.Option(
            "--qr", metavar="FILE", help="Also write it as a QR code image (.png or .svg)."
        ),
    ] = None,
    show_qr: Annotated[
        bool, typer.Option("--show-qr", help="Show it as a QR code in the terminal.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace existing output files.")] = False,
    wallet: WalletOption = None,
    passphrase_file: PassphraseFile = None,
) -> None:
    """Make a presentation of credentials for one verifier, signed by your holder key.

    Prints the JSON (or writes --out); --qr writes a QR code and --show-qr draws one when the
    presentation fits (one credential usually does).
    """
    try:
        if qr_file is not None and qr_file.suffix.lower() not in (".png", ".svg"):
            raise ParsingError("--qr writes a .png or .svg file", code="output_format")
        with _open(wallet, passphrase_file) as w:
            vp = w.present(
                ids, challenge=challenge, domain=domain, cryptosuite=cryptosuite, holder=holder
            )
        text = qr.encode(vp) if (qr_file is not None or show_qr) else None
        if out_file is not None:
            _write(out_file, (_dump(vp) + "\n").encode(), force=force)
        elif not show_qr:
            out.print(_dump(vp), markup=False, soft_wrap=True)
        if qr_file is not None and text is not None:
            image = (
                qr.render_svg(text).encode()
                if qr_file.suffix.lower() == ".svg"
                else qr.render_png(text)
            )
            _write(qr_file, image, force=force)
        if show_qr and text is not None:
            out.print(qr.render_terminal(text), markup=False, soft_wrap=True)
    except skillpass.SkillpassError as exc:
        fail(exc)


def _write(path: Path, data: bytes, *, force: bool) -> None:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise ParsingError(
            f"{path} exists already; not overwriting it (use --force)", code="output_exists"
        ) from None
    except OSError as exc:
        raise ParsingError(
            f"cannot write {path}: {exc.strerror}", code="output_unwritable"
        ) from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


# ----- backup, restore, passwd


BackupPassphraseFile = Annotated[
    Path | None,
    typer.Option(
        "--backup-passphrase-file",
        metavar="FILE",
        help="The backup's own passphrase (default: the wallet passphrase).",
    ),
]


@app.command("backup", cls=_Command)
def backup(
    out_file: Annotated[
        Path, typer.Option("--out", "-o", metavar="FILE", help="The backup file to write.")
    ],
    backup_passphrase_file: BackupPassphraseFile = None,
    wallet: WalletOption = None,
    passphrase_file: PassphraseFile = None,
) -> None:
    """Write an encrypted backup of the whole wallet (credentials, holder keys, history)."""
    try:
        with _open(wallet, passphrase_file) as w:
            passphrase = (
                _passphrase_from_file(backup_passphrase_file)
                if backup_passphrase_file is not None
                else read_passphrase(passphrase_file)
            )
            w.backup(out_file, passphrase)
            count = len(w.list())
    except skillpass.SkillpassError as exc:
        fail(exc)
    out.print(f"backed up {count} credential(s) and the holder keys to {escape(str(out_file))}")


@app.command("restore", cls=_Command)
def restore(
    backup_file: Annotated[Path, typer.Argument(metavar="FILE", help="A wallet backup.")],
    backup_passphrase_file: BackupPassphraseFile = None,
    wallet: WalletOption = None,
    passphrase_file: PassphraseFile = None,
) -> None:
    """Restore a backup into a new wallet file (for example on a new phone or laptop)."""
    try:
        path = _wallet_path(wallet)
        if path.exists():
            raise WalletError(f"{path} exists already; not overwriting it", code="wallet_exists")
        passphrase = read_passphrase(passphrase_file)
        backup_passphrase = (
            _passphrase_from_file(backup_passphrase_file) if backup_passphrase_file else None
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        with Wallet.restore(
            backup_file, path, passphrase, backup_passphrase=backup_passphrase
        ) as w:
            count = len(w.list())
            holder = w.holder_did
    except skillpass.SkillpassError as exc:
        fail(exc)
    out.print(f"restored {count} credential(s) into {escape(str(path))}\nholder: {holder}")


@app.command("passwd", cls=_Command)
def passwd(
    new_passphrase_file: Annotated[
        Path | None,
        typer.Option(
            "--new-passphrase-file",
            metavar="FILE",
            help=f"The new passphrase (else ${NEW_PASSPHRASE_ENV}, else a prompt).",
        ),
    ] = None,
    wallet: WalletOption = None,
    passphrase_file: PassphraseFile = None,
) -> None:
    """Change the wallet passphrase (only the data key is re-encrypted: quick and safe)."""
    try:
        with _open(wallet, passphrase_file) as w:
            if new_passphrase_file is not None:
                new = _passphrase_from_file(new_passphrase_file)
            elif os.environ.get(NEW_PASSPHRASE_ENV):
                new = os.environ[NEW_PASSPHRASE_ENV]
            else:
                new = _prompt("New wallet passphrase", confirm=True)
            w.change_passphrase(new)
    except skillpass.SkillpassError as exc:
        fail(exc)
    out.print("passphrase changed")


@app.command("recheck", cls=_Command)
def recheck(
    did_document: DidDocuments = None,
    trust_issuer: TrustIssuers = None,
    wallet: WalletOption = None,
    passphrase_file: PassphraseFile = None,
) -> None:
    """Verify every credential again and keep the result as its last known status (for
    example once an issuer's DID document is at hand)."""
    try:
        resolver = _resolver(did_document)
        trusted = set(trust_issuer) if trust_issuer else None
        with _open(wallet, passphrase_file) as w:
            entries = w.recheck(resolver=resolver, trusted_issuers=trusted)
    except skillpass.SkillpassError as exc:
        fail(exc)
    for entry in entries:
        title = entry.summary.title or "(untitled)"
        out.print(f"{entry.id[:8]}  {escape(title)}: {escape(_status_text(entry))}")


# ----- holder keys and history


@app.command("keys", cls=_Command)
def keys(
    add_key: Annotated[bool, typer.Option("--add", help="Create another holder key.")] = False,
    label: Annotated[
        str | None, typer.Option("--label", metavar="TEXT", help="A name for the new key.")
    ] = None,
    wallet: WalletOption = None,
    passphrase_file: PassphraseFile = None,
    as_json: JsonOption = False,
) -> None:
    """List the holder keys (DIDs); --add creates another one."""
    try:
        with _open(wallet, passphrase_file) as w:
            if add_key:
                w.add_holder_key(label=label)
            holder_keys = w.holder_keys()
    except skillpass.SkillpassError as exc:
        fail(exc)
    if as_json:
        rows = [
            {"did": k.did, "label": k.label, "created": k.created, "primary": k.primary}
            for k in holder_keys
        ]
        out.print(_dump(rows), markup=False, soft_wrap=True)
        return
    for k in holder_keys:
        mark = " (primary)" if k.primary else ""
        out.print(f"{k.did}{mark}  {escape(k.label or '')}", soft_wrap=True)


@app.command("history", cls=_Command)
def history(
    wallet: WalletOption = None,
    passphrase_file: PassphraseFile = None,
    as_json: JsonOption = False,
) -> None:
    """What happened to the wallet: created, added, removed, presented, backed up."""
    try:
        with _open(wallet, passphrase_file) as w:
            events = w.history()
    except skillpass.SkillpassError as exc:
        fail(exc)
    if as_json:
        out.print(_dump(events), markup=False, soft_wrap=True)
        return
    table = Table(box=None, header_style="bold", padding=(0, 1))
    table.add_column("when", no_wrap=True)
    table.add_column("event", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for event in events:
        detail = " ".join(str(event[k]) for k in ("entry", "detail") if event.get(k))
        table.add_row(str(event.get("at")), str(event.get("event")), escape(detail))
    out.print(table)
