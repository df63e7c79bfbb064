"""``skillpass issuer …``: run the service, migrate its database, issue a cohort from CSV."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from skillpass.cli import PlainCommand
from skillpass.errors import SkillpassError

app = typer.Typer(
    name="issuer",
    help="The SkillPass issuer service (institutes issue and revoke credentials).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

_DB = typer.Option("--db", help="Database URL (default: SKILLPASS_DATABASE_URL or SQLite).")


def _fail(message: str, code: str) -> typer.Exit:
    typer.echo(f"error: {code}: {message}", err=True)
    return typer.Exit(2)


def log_config(level: str = "INFO") -> dict[str, Any]:
    """JSON logs on stderr for the service and uvicorn (its own access log is off: the
    service logs every request once, with its request id)."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "issuer.app.JsonLogFormatter"}},
        "handlers": {"stderr": handler},
        "loggers": {
            "skillpass.issuer": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def app_factory() -> Any:
    """What each uvicorn worker calls: settings from the environment."""
    from issuer import create_app

    return create_app()


@app.command(cls=PlainCommand)
def serve(
    db: Annotated[str | None, _DB] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    ssl_certfile: Annotated[Path | None, typer.Option(help="TLS certificate (PEM).")] = None,
    ssl_keyfile: Annotated[Path | None, typer.Option(help="TLS private key (PEM).")] = None,
) -> None:
    """Run the issuer over HTTP(S); migrates the database first. Stops gracefully on SIGTERM or
    Ctrl-C (requests in flight finish, up to 30 seconds)."""
    import uvicorn

    from issuer import Settings
    from issuer.db import make_engine, migrate
    from issuer.settings import load_master_key

    if (ssl_certfile is None) != (ssl_keyfile is None):
        raise _fail("give both --ssl-certfile and --ssl-keyfile", "usage_error")
    if db:
        os.environ["SKILLPASS_DATABASE_URL"] = db
    settings = Settings()
    try:
        load_master_key(settings)  # creates the key file once, before any worker starts
        engine = make_engine(settings.resolved_database_url())
        try:
            migrate(engine)
        finally:
            engine.dispose()
    except SkillpassError as exc:
        raise _fail(exc.message, exc.code) from None
    uvicorn.run(
        "issuer.cli:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
        ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
        log_config=log_config(),
        access_log=False,
        timeout_graceful_shutdown=30,
        # A worker busy signing a large batch answers the supervisor's ping late; do not kill it.
        timeout_worker_healthcheck=60,
        proxy_headers=True,
    )


@app.command("tls-cert", cls=PlainCommand)
def tls_cert(
    cert: Annotated[Path, typer.Option("--cert", help="Where to write the certificate (PEM).")],
    key: Annotated[
        Path, typer.Option("--key", help="Where to write the private key (PEM, owner-only).")
    ],
    host: Annotated[str, typer.Option(help="The address or name it is for.")] = "127.0.0.1",
    days: Annotated[int, typer.Option(help="Days of validity.")] = 30,
) -> None:
    """Write a self-signed TLS certificate for local HTTPS (e.g. conformance runs):
    skillpass issuer serve --ssl-certfile CERT --ssl-keyfile KEY. Never overwrites a file."""
    from issuer.tls import self_signed_certificate

    for path in (cert, key):
        if path.exists():
            raise _fail(f"{path} exists; SkillPass never overwrites a key", "output_exists")
    try:
        cert_pem, key_pem = self_signed_certificate(host, days=days)
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key_pem)
        cert.write_bytes(cert_pem)
    except SkillpassError as exc:
        raise _fail(exc.message, exc.code) from None
    except OSError as exc:
        raise _fail(f"cannot write: {exc.strerror}", "output_unwritable") from None
    typer.echo(f"wrote {cert} and {key} (valid {days} days for {host})")


@app.command("migrate", cls=PlainCommand)
def migrate_command(db: Annotated[str | None, _DB] = None) -> None:
    """Create or upgrade the database schema (Alembic migrations shipped in the package)."""
    from issuer import Settings
    from issuer.db import make_engine, migrate

    if db:
        os.environ["SKILLPASS_DATABASE_URL"] = db
    url = Settings().resolved_database_url()
    engine = make_engine(url)
    try:
        migrate(engine)
    except Exception as exc:  # a database that cannot be reached: a message, not a traceback
        raise _fail(str(exc).splitlines()[0], "migration_failed") from None
    finally:
        engine.dispose()
    typer.echo(f"database schema is up to date ({engine.url.render_as_string()})")


@app.command("issue-batch", cls=PlainCommand)
def issue_batch(
    csv_file: Annotated[Path, typer.Option("--csv", help="Cohort CSV (see docs/deploy.md).")],
    slug: Annotated[str, typer.Option("--institute", help="The institute's slug.")],
    out: Annotated[Path, typer.Option(help="Write the signed credentials here (JSON lines).")],
    url: Annotated[str, typer.Option(help="The issuer's base URL.")] = "http://127.0.0.1:8000",
    api_key: Annotated[
        str | None, typer.Option(envvar="SKILLPASS_API_KEY", help="The institute's API key.")
    ] = None,
    chunk: Annotated[int, typer.Option(min=1, max=1000, help="Rows per request.")] = 200,
    suspension: Annotated[bool, typer.Option(help="Issue suspendable credentials.")] = False,
) -> None:
    """Issue a cohort CSV through the service's batch API, with a progress bar. Every row is
    checked first (an error names the line and column); each request is all or nothing."""
    import httpx
    from rich.progress import Progress

    from issuer.cohort import parse_cohort

    if not api_key:
        raise _fail("give --api-key or set SKILLPASS_API_KEY", "usage_error")
    if out.exists():
        raise _fail(f"{out} exists; SkillPass never overwrites", "output_exists")
    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"cannot read {csv_file}: {exc}", "input_unreadable") from None
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=url, headers=headers, timeout=300) as client:
        info = client.get(f"/institutes/{slug}")
        if info.status_code != 200:
            raise _fail(info.text, "request_failed")
        inst = info.json()
        issuer = {"id": inst["did"], "name": inst["name"], "country_code": inst["country"]}
        try:
            credentials = parse_cohort(text, issuer=issuer, max_rows=1_000_000)
        except SkillpassError as exc:
            raise _fail(exc.message, exc.code) from None
        options: dict[str, Any] = {}
        if suspension:
            options["credentialStatus"] = {
                "type": "BitstringStatusList",
                "statusPurpose": "suspension",
            }
        done = 0
        with out.open("x", encoding="utf-8") as sink, Progress() as progress:
            task = progress.add_task("issuing", total=len(credentials))
            for start in range(0, len(credentials), chunk):
                part = credentials[start : start + chunk]
                body = [{"credential": c, "options": options} for c in part]
                response = client.post("/credentials/issue/batch", json=body)
                if response.status_code != 201:
                    problem = response.json() if response.content else {}
                    raise _fail(
                        f"rows {start + 2}-{start + len(part) + 1}: {problem.get('detail')} "
                        f"({done} issued before, in {out})",
                        str(problem.get("code", "request_failed")),
                    )
                for vc in response.json()["verifiableCredentials"]:
                    sink.write(json.dumps(vc, ensure_ascii=False) + "\n")
                done += len(part)
                progress.update(task, advance=len(part))
    typer.echo(f"issued {done} credentials into {out}")
