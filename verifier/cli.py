"""``skillpass trust …`` (authority keys, trust lists, trust bundles) and ``skillpass verifier
serve`` (the VC-API verify routes and the verification page, without the issuer service).

Exit codes as everywhere in SkillPass: 0 success, 2 usage or input error.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

import skillpass
from skillpass.cli import PlainCommand
from skillpass.errors import KeyFileError, MalformedValueError, SkillpassError

from ._files import replace_file
from ._time import stamp, utc

__all__ = ["app", "trust_app"]


def _typer(name: str, help: str) -> typer.Typer:
    return typer.Typer(
        name=name,
        help=help,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )


app = _typer("verifier", "The verification service (VC-API verify routes).")


@app.callback()
def _verifier_group() -> None:
    """The verification service (VC-API verify routes)."""
    # A group of one command stays a group: `skillpass verifier serve`, not `skillpass verifier`.


trust_app = _typer("trust", "Trust lists and trust bundles for offline verification.")
authority_app = _typer("authority", "An accreditation authority's signing key.")
list_app = _typer("list", "Edit, show and sign a trust list of accredited issuers.")
bundle_app = _typer("bundle", "Build and inspect trust bundles for offline verifiers.")
trust_app.add_typer(authority_app, name="authority")
trust_app.add_typer(list_app, name="list")
trust_app.add_typer(bundle_app, name="bundle")


def _fail(error: SkillpassError) -> NoReturn:
    where = f" (at {error.path})" if error.path else ""
    typer.echo(skillpass.printable(f"error: {error.code}: {error.message}{where}"), err=True)
    raise typer.Exit(2)


def _say(text: str) -> None:
    typer.echo(skillpass.printable(text))


def _read_json(path: Path, what: str) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MalformedValueError(
            f"cannot read the {what} {path}: {exc.strerror or exc}", code="input_unreadable"
        ) from None
    return skillpass.parse_json(raw, what=f"the {what} {path}")


def _write_new(path: Path, text: str, *, mode: int = 0o644, force: bool = False) -> None:
    if force:
        # Replaced atomically: a failed write must not leave the old file cut short.
        replace_file(path, text)
        return
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(path, flags, mode)
    except FileExistsError:
        raise MalformedValueError(
            f"{path} exists; choose another name" + ("" if mode == 0o600 else " or use --force"),
            code="output_exists",
        ) from None
    except OSError as exc:
        raise MalformedValueError(
            f"cannot write {path}: {exc.strerror or exc}", code="output_unwritable"
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:  # a full disk: no half-written key or list is left behind
        path.unlink(missing_ok=True)
        raise MalformedValueError(
            f"cannot write {path}: {exc.strerror or exc}", code="output_unwritable"
        ) from None


def _when(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    value = text.strip()
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        value += "T00:00:00Z"  # a date alone is its start, in UTC
    try:
        return utc(value, option)
    except SkillpassError as exc:
        raise MalformedValueError(f"{option}: {exc.message}", code="invalid_datetime") from None


def _passphrase(path: Path | None) -> str | None:
    if path is not None:
        try:
            first = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            raise KeyFileError(f"cannot read {path}", code="input_unreadable") from None
        if not first or not first[0]:
            raise KeyFileError("the passphrase file is empty", code="empty_passphrase")
        return first[0]
    return os.environ.get("SKILLPASS_PASSPHRASE") or None


def _load_key(path: Path, passphrase_file: Path | None) -> skillpass.KeyPair:
    data = _read_json(path, "key file")
    if not isinstance(data, dict):
        raise KeyFileError(f"{path} is not a key file", code="not_a_key_file")
    return skillpass.KeyPair.from_json(data, passphrase=_passphrase(passphrase_file))


PassphraseOption = Annotated[
    Path | None,
    typer.Option("--passphrase-file", help="Passphrase of the key file (first line)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


# ------------------------------------------------------------------------------ authority


@authority_app.command("init", cls=PlainCommand)
def authority_init(
    out: Annotated[Path, typer.Option("--out", "-o", help="Key file to write (mode 600).")],
    passphrase_file: PassphraseOption = None,
) -> None:
    """Make an accreditation authority's signing key; prints its DID (the trust anchor)."""
    try:
        key = skillpass.KeyPair.generate()
        text = json.dumps(key.to_json(passphrase=_passphrase(passphrase_file)), indent=2)
        _write_new(out, text + "\n", mode=0o600)
    except SkillpassError as exc:
        _fail(exc)
    _say(key.did)


# ------------------------------------------------------------------------------ trust lists


def _load_list(path: Path, *, create: bool = False) -> Any:
    from verifier import TrustList

    if create and not path.exists():
        return TrustList()
    return TrustList.from_json(_read_json(path, "trust list"))


def _save_list(path: Path, trust_list: Any) -> None:
    replace_file(path, json.dumps(trust_list.to_json(), indent=2, ensure_ascii=False) + "\n")


def _keys_from_document(path: Path, did: str) -> tuple[Any, ...]:
    """Key records from a DID document: ``expires`` becomes the end of a key's period,
    ``revoked`` the date it was compromised."""
    from verifier import KeyRecord

    document = _read_json(path, "DID document")
    if not isinstance(document, dict) or document.get("id") != did:
        raise MalformedValueError(
            f"{path} is not the DID document of {did}", code="invalid_did_document"
        )
    methods = document.get("verificationMethod")
    records = []
    for i, method in enumerate(methods if isinstance(methods, list) else []):
        if not isinstance(method, dict):
            continue
        vm = method.get("id")
        vm = did + vm if isinstance(vm, str) and vm.startswith("#") else vm
        records.append(
            KeyRecord.from_json(
                {
                    "id": vm,
                    "publicKeyMultibase": method.get("publicKeyMultibase"),
                    "validUntil": method.get("expires"),
                    "compromised": method.get("revoked"),
                },
                f"{path}/verificationMethod/{i}",
            )
        )
    if not records:
        raise MalformedValueError(f"{path} lists no keys", code="invalid_did_document")
    return tuple(records)


@list_app.command("add-issuer", cls=PlainCommand)
def list_add_issuer(
    list_file: Annotated[Path, typer.Option("--list", help="The list file (created if absent).")],
    did: Annotated[str, typer.Option("--did", metavar="DID", help="The issuer's DID.")],
    name: Annotated[
        str, typer.Option("--name", metavar="NAME", help="The issuer's registered name.")
    ],
    country: Annotated[
        str, typer.Option("--country", metavar="CC", help="ISO 3166-1 alpha-2 code, e.g. PH.")
    ],
    framework: Annotated[
        list[str],
        typer.Option(
            "--framework", metavar="ID", help="A framework it may award levels of (repeatable)."
        ),
    ],
    levels: Annotated[
        list[str],
        typer.Option(
            "--levels",
            metavar="RANGE",
            help="The levels of the matching --framework: 1-5, 4, or 1,3 (repeatable).",
        ),
    ],
    valid_from: Annotated[
        str | None,
        typer.Option("--valid-from", metavar="TIME", help="Accredited from (date or time)."),
    ] = None,
    valid_until: Annotated[
        str | None,
        typer.Option("--valid-until", metavar="TIME", help="Accredited until (date or time)."),
    ] = None,
    key_document: Annotated[
        Path | None,
        typer.Option(
            "--keys-from",
            help="Pin the issuer's keys and their history from its DID document (expires: end"
            " of a key's period; revoked: compromised from).",
        ),
    ] = None,
) -> None:
    """Add an accredited issuer to a trust list file (or replace its entry)."""
    from verifier import Accreditation, ListedIssuer

    try:
        if len(framework) != len(levels):
            raise MalformedValueError(
                "give one --levels for each --framework", code="invalid_option"
            )
        accreditations = tuple(
            Accreditation.parse(f, lv) for f, lv in zip(framework, levels, strict=True)
        )
        entry = ListedIssuer.from_json(
            {
                "id": did,
                "name": name,
                "country": country,
                "accreditations": [a.to_json() for a in accreditations],
            },
            "",
        )
        keys = _keys_from_document(key_document, did) if key_document is not None else ()
        entry = ListedIssuer(
            entry.id,
            entry.name,
            entry.country,
            entry.accreditations,
            _when(valid_from, "--valid-from"),
            _when(valid_until, "--valid-until"),
            keys,
        )
        trust_list = _load_list(list_file, create=True).with_issuer(entry)
        _save_list(list_file, trust_list)
    except SkillpassError as exc:
        _fail(exc)
    _say(f"{did} listed in {list_file} ({len(trust_list.issuers)} issuer(s))")
    if not entry.keys and not did.startswith("did:key:"):
        # A did:web document is not signed: without pins, a verifier using its own anchors
        # answers key_not_pinned for this issuer (see README, "Trust bundles").
        typer.echo(
            "note: its keys are not pinned; add --keys-from did.json (or `trust list key`) so "
            "that verifiers can use a bundle from anyone",
            err=True,
        )


@list_app.command("key", cls=PlainCommand)
def list_key(
    list_file: Annotated[Path, typer.Option("--list", help="The list file.")],
    did: Annotated[str, typer.Option("--did", metavar="DID", help="A listed issuer's DID.")],
    key_id: Annotated[
        str, typer.Option("--id", metavar="URL", help="The key's verification method (DID#key).")
    ],
    public_key: Annotated[
        str | None,
        typer.Option(
            "--public-key",
            metavar="MULTIBASE",
            help="Its publicKeyMultibase (z6Mk…); needed for a key not yet recorded.",
        ),
    ] = None,
    valid_from: Annotated[
        str | None, typer.Option("--valid-from", metavar="TIME", help="In use from.")
    ] = None,
    retired: Annotated[
        str | None,
        typer.Option("--retired", metavar="TIME", help="Rotated out: signs nothing after this."),
    ] = None,
    compromised: Annotated[
        str | None,
        typer.Option(
            "--compromised",
            metavar="TIME",
            help="Compromised from: nothing dated from then on is valid (date it early).",
        ),
    ] = None,
) -> None:
    """Record (or update) a listed issuer's key and its history: in use from, retired,
    compromised."""
    from dataclasses import replace

    from verifier import KeyRecord, TrustList

    try:
        trust_list: TrustList = _load_list(list_file)
        entry = trust_list.get(did)
        if entry is None:
            raise MalformedValueError(f"{did} is not in the trust list", code="issuer_not_listed")
        old = next((k for k in entry.keys if k.id == key_id), None)
        data: dict[str, Any] = old.to_json() if old is not None else {"id": key_id}
        if public_key is not None:
            data["publicKeyMultibase"] = public_key
        for name, value, option in (
            ("validFrom", valid_from, "--valid-from"),
            ("validUntil", retired, "--retired"),
            ("compromised", compromised, "--compromised"),
        ):
            when = _when(value, option)
            if when is not None:
                data[name] = stamp(when)
        record = KeyRecord.from_json(data, "")
        if record.id.partition("#")[0] != did:
            raise MalformedValueError(f"{record.id} is not a key of {did}", code="invalid_option")
        keys = (*(k for k in entry.keys if k.id != key_id), record)
        _save_list(list_file, trust_list.with_issuer(replace(entry, keys=keys)))
    except SkillpassError as exc:
        _fail(exc)
    _say(f"key {key_id} of {did} recorded in {list_file}")


@list_app.command("remove-issuer", cls=PlainCommand)
def list_remove_issuer(
    list_file: Annotated[Path, typer.Option("--list", help="The list file.")],
    did: Annotated[str, typer.Option("--did", metavar="DID", help="The issuer's DID.")],
) -> None:
    """Remove an issuer from a trust list file."""
    try:
        _save_list(list_file, _load_list(list_file).without_issuer(did))
    except SkillpassError as exc:
        _fail(exc)
    _say(f"{did} removed from {list_file}")


@list_app.command("show", cls=PlainCommand)
def list_show(
    list_file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A list file or a signed trust-list credential.")
    ],
    as_json: JsonOption = False,
) -> None:
    """Show the issuers of a trust list (file or signed credential; the signature is not
    checked here: a bundle checks it)."""
    from verifier import TrustList

    try:
        data = _read_json(list_file, "trust list")
        is_vc = isinstance(data, dict) and "proof" in data
        trust_list = TrustList.from_credential(data) if is_vc else TrustList.from_json(data)
    except SkillpassError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(trust_list.to_json(), indent=2, ensure_ascii=False))
        return
    _say(f"{trust_list.name}: {len(trust_list.issuers)} issuer(s)")
    for issuer in trust_list.issuers:
        scope = ", ".join(f"{a.framework} {a.text}" for a in issuer.accreditations)
        _say(f"  {issuer.name} ({issuer.country})  {issuer.id}")
        _say(f"    accredited for {scope}")
        for key in issuer.keys:
            notes = [
                f"{label} {value:%Y-%m-%d}"
                for label, value in (
                    ("from", key.valid_from),
                    ("until", key.valid_until),
                    ("COMPROMISED", key.compromised),
                )
                if value is not None
            ]
            _say(f"    key {key.id} {' '.join(notes)}".rstrip())


@list_app.command("sign", cls=PlainCommand)
def list_sign(
    list_file: Annotated[Path, typer.Option("--list", help="The list file.")],
    key_file: Annotated[Path, typer.Option("--key", help="The authority's key file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The trust-list credential to write.")],
    valid_until: Annotated[
        str | None,
        typer.Option(
            "--valid-until", metavar="TIME", help="The list is valid until (date or time)."
        ),
    ] = None,
    passphrase_file: PassphraseOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")] = False,
) -> None:
    """Sign a trust list with the authority's key: a trust-list credential for bundles."""
    try:
        if out.exists() and out.resolve() == list_file.resolve():
            # The list file is the one to edit next time: it must not become the credential.
            raise MalformedValueError(
                f"--out {out} is the list file itself; choose another name", code="output_exists"
            )
        trust_list = _load_list(list_file)
        key = _load_key(key_file, passphrase_file)
        signed = trust_list.sign(key, valid_until=_when(valid_until, "--valid-until"))
        _write_new(out, json.dumps(signed, indent=2, ensure_ascii=False) + "\n", force=force)
    except SkillpassError as exc:
        _fail(exc)
    _say(f"trust list signed by {key.did} written to {out}")


# ------------------------------------------------------------------------------ bundles


def _source(value: str) -> str | Path:
    return value if "://" in value else Path(value)


@bundle_app.command("build", cls=PlainCommand)
def bundle_build(
    anchor: Annotated[
        list[str],
        typer.Option("--anchor", metavar="DID", help="A trust anchor's DID (repeatable)."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="The bundle file to write.")],
    trust_list: Annotated[
        list[str] | None,
        typer.Option(
            "--trust-list", metavar="SRC", help="A signed trust list: file or, with --fetch, URL."
        ),
    ] = None,
    did_document: Annotated[
        list[str] | None,
        typer.Option(
            "--did-document", metavar="SRC", help="An issuer's DID document: file or URL."
        ),
    ] = None,
    status_list: Annotated[
        list[str] | None,
        typer.Option("--status-list", metavar="SRC", help="A status-list credential: file or URL."),
    ] = None,
    fetch: Annotated[
        bool,
        typer.Option(
            "--fetch",
            help="Download URL sources (https; http only on loopback), the did:web "
            "documents of the anchors and listed issuers, and the status lists those "
            "documents name.",
        ),
    ] = False,
    ttl_days: Annotated[
        float,
        typer.Option(
            "--ttl-days", metavar="DAYS", min=0.001, max=365, help="The bundle is valid this long."
        ),
    ] = 7,
    status_ttl_hours: Annotated[
        float,
        typer.Option(
            "--status-ttl-hours",
            metavar="HOURS",
            min=0.001,
            max=24 * 90,
            help="Status snapshots may be used this long after fetching.",
        ),
    ] = 24,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout", metavar="SECONDS", min=0.1, max=120, help="Seconds per download."
        ),
    ] = 10,
) -> None:
    """Gather trust lists, DID documents and status lists into one dated bundle file."""
    from verifier import TrustBundle

    try:
        bundle = TrustBundle.build(
            anchors=[a.strip() for a in anchor],
            trust_lists=[_source(s) for s in trust_list or ()],
            did_documents=[_source(s) for s in did_document or ()],
            status_lists=[_source(s) for s in status_list or ()],
            fetch=fetch,
            ttl=timedelta(days=ttl_days),
            status_ttl=timedelta(hours=status_ttl_hours),
            timeout=timeout,
        )
        bundle.save(out)
        summary = bundle.summary()
    except SkillpassError as exc:
        _fail(exc)
    _say(
        f"bundle written to {out}: {len(bundle.parts)} part(s), "
        f"{len(summary['issuers'])} accredited issuer(s), valid until {summary['valid_until']}"
    )
    for part in summary["parts"]:
        if part.get("problem"):
            typer.echo(
                f"warning: trust list {part['source']} is not usable: {part['problem']}", err=True
            )


@bundle_app.command("show", cls=PlainCommand)
def bundle_show(
    bundle_file: Annotated[Path, typer.Argument(metavar="BUNDLE", help="A trust bundle file.")],
    as_json: JsonOption = False,
    now: Annotated[
        str | None, typer.Option("--now", metavar="TIME", help="Judge ages as of this time.")
    ] = None,
) -> None:
    """Summarise a bundle: anchors, accredited issuers, parts and their ages."""
    from verifier import TrustBundle

    try:
        at = _when(now, "--now")
        if at is not None and not datetime(2, 1, 1, tzinfo=UTC) <= at <= datetime(
            9998, 12, 31, tzinfo=UTC
        ):
            # The verification pipeline's clock range (it adds skew allowances to it).
            raise MalformedValueError(
                f"--now {now!r} is outside the years 0002-9998", code="invalid_datetime"
            )
        summary = TrustBundle.load(bundle_file).summary(at)
    except SkillpassError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    state = "EXPIRED" if summary["expired"] else "valid"
    _say(
        f"trust bundle created {summary['created']} ({summary['age']} old), {state} until "
        f"{summary['valid_until']}"
    )
    _say("anchors: " + ", ".join(summary["anchors"]))
    _say(f"accredited issuers: {len(summary['issuers'])}")
    for issuer in summary["issuers"]:
        _say(
            f"  {issuer['name']} ({issuer['country']})  {issuer['id']}: "
            + ", ".join(issuer["accreditations"])
        )
    _say("parts:")
    for part in summary["parts"]:
        fresh = "fresh" if part["fresh"] else "STALE"
        problem = f"  NOT USABLE: {part['problem']}" if part.get("problem") else ""
        _say(f"  {part['kind']:<13} {part['id']}  fetched {part['age']} ago, {fresh}{problem}")


# ------------------------------------------------------------------------------ serve


@app.command("serve", cls=PlainCommand)
def serve(
    trust: Annotated[
        Path | None, typer.Option("--trust", help="Trust bundle for trust and status checks.")
    ] = None,
    require_trust: Annotated[
        bool,
        typer.Option(
            "--require-trust", help="Refuse (422) credentials the bundle's lists do not accredit."
        ),
    ] = False,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port.")] = 8001,
    anchor: Annotated[
        list[str] | None,
        typer.Option(
            "--anchor",
            metavar="DID",
            help="Your trust anchor (repeatable), instead of the bundle's own: the bundle's"
            " unsigned did:web documents then give no key the trust lists do not pin.",
        ),
    ] = None,
) -> None:
    """Serve the verification page (GET /) and POST /credentials/verify, POST
    /presentations/verify (VC-API), on loopback unless --host says otherwise."""
    try:
        import uvicorn

        from verifier import VerifierSettings, create_app
    except ImportError as exc:
        typer.echo(
            f"error: missing_dependency: {exc.name} is needed to serve; install skillpass[issuer]",
            err=True,
        )
        raise typer.Exit(2) from None
    try:
        application = create_app(
            VerifierSettings(
                bundle=trust,
                require_trust=require_trust,
                anchors=tuple(a.strip() for a in anchor) if anchor else None,
            )
        )
    except SkillpassError as exc:
        _fail(exc)
    typer.echo(
        f"verifier listening on http://{host}:{port} (page at /, VC-API at /credentials/verify)",
        err=True,
    )
    sys.stderr.flush()
    uvicorn.run(application, host=host, port=port, log_level="warning")
