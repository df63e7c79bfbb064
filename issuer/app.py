"""The FastAPI application: routes, problem+json errors, request ids, body limit, metrics."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, Literal, TypeVar

from fastapi import Depends, FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException

import skillpass
import skillpass.qr
from skillpass.errors import MalformedValueError, RangeError, SkillpassError

from .db import make_engine, migrate
from .errors import BodyTooLargeError, ServiceBusyError
from .metrics import Metrics
from .service import Actor, IssueItem, IssuerService, OwnDids, OwnStatusLists
from .settings import Settings, load_master_key
from .staff import staff_router

__all__ = ["JsonLogFormatter", "create_app"]

log = logging.getLogger("skillpass.issuer")
_T = TypeVar("_T")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
PROBLEM = "application/problem+json"
_MAX_DEPTH = 64
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Offer tokens are bearer secrets: they never reach a log line.
_SECRET_PATH = re.compile(r"^(/offers/)[^/]+")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line, with the request id of the request being served."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created).astimezone().isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": request_id_var.get(),
        }
        out.update(getattr(record, "fields", {}))
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(out, ensure_ascii=False)


def problem(status: int, code: str, detail: str, title: str, **extra: Any) -> JSONResponse:
    """An RFC 9457 problem response carrying a SkillPass error code."""
    body = {
        "type": f"https://skillpass.dev/problems#{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _error_response(exc: SkillpassError) -> JSONResponse:
    headers = {"Retry-After": "1"} if isinstance(exc, ServiceBusyError) else None
    response = JSONResponse(
        exc.to_problem(), status_code=exc.http_status, media_type=PROBLEM, headers=headers
    )
    return response


class _Edge:
    """Outermost ASGI layer: request id, body size limit, access log, latency metric."""

    def __init__(self, app: ASGIApp, limit: int, metrics: Metrics) -> None:
        self.app, self.limit, self.metrics = app, limit, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        given = headers.get("x-request-id", "")
        rid = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(rid)
        started = time.perf_counter()
        status_holder = [500]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            declared = headers.get("content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
                await self._too_large(scope, receive, send_with_id)
                return
            # Read the whole body here (bounded), so no handler ever sees more than the limit.
            chunks: list[bytes] = []
            size = 0
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.limit:
                    await self._too_large(scope, receive, send_with_id)
                    return
                chunks.append(chunk)
                more = message.get("more_body", False)
            body = b"".join(chunks)
            sent = False

            async def replay() -> Message:
                nonlocal sent
                if not sent:
                    sent = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, replay, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.request(scope["method"], status_holder[0], elapsed)
            log.info(
                "request",
                extra={
                    "fields": {
                        "method": scope["method"],
                        "path": _SECRET_PATH.sub(r"\1…", scope["path"]),
                        "status": status_holder[0],
                        "duration_ms": round(elapsed * 1000, 2),
                    }
                },
            )
            request_id_var.reset(token)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        exc = BodyTooLargeError(
            f"the request body exceeds {self.limit} bytes", code="body_too_large"
        )
        await _error_response(exc)(scope, receive, send)


def _parse(body: bytes) -> Any:
    # The core's strict parser: duplicate keys, NaN and oversized input refused with its codes.
    data = skillpass.parse_json(body, what="the request body")
    # Bound the nesting before anything recursive (copying, signing) touches the document.
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise RangeError(
                f"the request body is nested deeper than {_MAX_DEPTH} levels",
                code="document_too_deep",
            )
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return data


async def _json_object(request: Request) -> dict[str, Any]:
    data = _parse(await request.body())
    if not isinstance(data, dict):
        raise MalformedValueError("the request body must be a JSON object", code="not_an_object")
    return data


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


class InstituteIn(BaseModel):
    """``POST /institutes``."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=300)
    country: str
    slug: str
    did_method: Literal["web", "key"]
    default_cryptosuite: str | None = None
    key_type: Literal["Ed25519", "P-256", "P-384"] = "Ed25519"
    root: bool = False


class RotateIn(BaseModel):
    """``POST /institutes/{slug}/keys/rotate``: ``compromised`` marks the old keys revoked
    (from ``since``, default now) instead of letting them expire."""

    model_config = ConfigDict(extra="forbid")
    compromised: bool = False
    since: datetime | None = None


_CREDENTIAL_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def create_app(settings: Settings | None = None, *, run_migrations: bool = True) -> FastAPI:
    """Build the issuer application (engine, migrations, master-key check happen here)."""
    settings = settings or Settings()
    # VC-API verification (POST /credentials/verify, /presentations/verify) from the verifier
    # package; made first, so a bad trust bundle stops start-up before anything is opened.
    from verifier import VerifierSettings, create_router

    # The verify routes check this service's own status lists and did:web documents live.
    own_lists = OwnStatusLists()
    own_dids = OwnDids()
    verify_router = create_router(
        VerifierSettings(
            bundle=settings.trust_bundle,
            require_trust=settings.require_trust,
            max_body_bytes=settings.max_body_bytes,
            allow_test_contexts=settings.allow_test_contexts,
        ),
        status=own_lists,
        resolver=own_dids,
    )
    engine = make_engine(settings.resolved_database_url())
    metrics = Metrics()
    try:
        if run_migrations:
            migrate(engine)
        master_key = load_master_key(settings)
        service = IssuerService(settings, engine, master_key, metrics)
        service.check_master_key()
        own_lists.bind(service)
        own_dids.bind(service)
    except BaseException:
        engine.dispose()
        raise

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="SkillPass issuer",
        version="0.1.0",
        lifespan=lifespan,
        description="Issue W3C Verifiable Credentials (Open Badges 3.0) and publish their "
        "Bitstring Status Lists. Errors are application/problem+json with stable codes.",
    )
    app.state.service = service
    app.state.engine = engine

    @app.exception_handler(SkillpassError)
    async def _skillpass_error(_r: Request, exc: SkillpassError) -> Response:
        return _error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_r: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        return problem(
            422,
            "invalid_request",
            f"{'/'.join(map(str, first['loc']))}: {first['msg']}",
            "MalformedValueError",
            errors=jsonable_encoder(errors),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_r: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return problem(exc.status_code, code, str(exc.detail), "HTTPError")

    @app.exception_handler(Exception)
    async def _unexpected(_r: Request, exc: Exception) -> Response:
        log.error("unexpected error", exc_info=exc)
        return problem(
            500, "internal_error", "an unexpected error; see the server log", "InternalError"
        )

    def actor(request: Request) -> Actor:
        return service.authenticate(_bearer(request))

    # -- admin ------------------------------------------------------------------------------

    @app.post("/institutes", status_code=201, tags=["admin"])
    def create_institute(body: InstituteIn, who: Actor = Depends(actor)) -> dict[str, Any]:
        """Register an institute (admin token): a DID (did:web or did:key) and a signing key."""
        return service.create_institute(who, body.model_dump())

    @app.get("/institutes/{slug}", tags=["admin"])
    def get_institute(slug: str, request: Request) -> dict[str, Any]:
        """An institute, its DID and its keys (public parts only)."""
        return service.get_institute(actor(request), slug)

    @app.post("/institutes/{slug}/api-keys", status_code=201, tags=["admin"])
    def create_api_key(slug: str, request: Request) -> dict[str, str]:
        """A new API key for the institute, shown once (only its hash is stored)."""
        return {"api_key": service.create_api_key(actor(request), slug)}

    @app.post("/institutes/{slug}/keys/rotate", tags=["admin"])
    def rotate(
        slug: str, who: Actor = Depends(actor), body: RotateIn | None = None
    ) -> dict[str, Any]:
        """A new signing key; earlier keys stay in the DID document (expired or revoked)."""
        body = body or RotateIn()
        return service.rotate_key(who, slug, compromised=body.compromised, since=body.since)

    # -- institute --------------------------------------------------------------------------

    @app.post("/credentials/issue", status_code=201, tags=["issue"], openapi_extra=_CREDENTIAL_BODY)
    async def issue(request: Request, cryptosuite: str | None = None) -> dict[str, Any]:
        """VC-API issue: ``{credential, options}`` → ``{"verifiableCredential": …}``."""
        who = actor(request)
        data = await _json_object(request)
        item = IssueItem(data.get("credential"), data.get("options"))
        signed = await _threaded(lambda: service.issue(who, [item], cryptosuite=cryptosuite))
        return {"verifiableCredential": signed[0]}

    @app.post(
        "/credentials/issue/batch", status_code=201, tags=["issue"], openapi_extra=_CREDENTIAL_BODY
    )
    async def issue_batch(request: Request, cryptosuite: str | None = None) -> dict[str, Any]:
        """Issue a list of ``{credential, options}`` all or nothing (a JSON array, or
        ``{"items": [...]}``) → ``{"verifiableCredentials": [...]}``."""
        who = actor(request)
        data = _parse(await request.body())
        if isinstance(data, dict):
            data = data.get("items")
        if not isinstance(data, list):
            raise MalformedValueError(
                "a batch is a JSON array of {credential, options} objects", code="not_a_batch"
            )
        items = []
        for n, entry in enumerate(data):
            if not isinstance(entry, dict):
                raise MalformedValueError(
                    "each batch item is a JSON object", code="not_an_object", path=f"/{n}"
                )
            items.append(IssueItem(entry.get("credential"), entry.get("options")))
        signed = await _threaded(lambda: service.issue(who, items, cryptosuite=cryptosuite))
        return {"verifiableCredentials": signed}

    @app.post(
        "/institutes/{slug}/cohorts",
        status_code=201,
        tags=["issue"],
        openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}},
    )
    async def cohort(
        slug: str, request: Request, suspension: bool = False, cryptosuite: str | None = None
    ) -> dict[str, Any]:
        """Issue a graduating cohort from CSV (``text/csv`` body, or a multipart ``file``), all
        rows or none; a row error names the line and the column (see issuer/cohort.py)."""
        who = actor(request)
        kind = request.headers.get("content-type", "")
        if kind.startswith("multipart/form-data"):
            async with request.form(max_files=1, max_fields=10) as form:
                upload = form.get("file")
                raw = (
                    await upload.read()
                    if upload is not None and not isinstance(upload, str)
                    else b""
                )
        else:
            raw = await request.body()
        try:
            csv_text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise MalformedValueError(
                "the CSV file must be UTF-8", code="invalid_cohort_csv"
            ) from None
        options: dict[str, Any] = {}
        if suspension:
            options["credentialStatus"] = {
                "type": "BitstringStatusList",
                "statusPurpose": "suspension",
            }
        if cryptosuite:
            options["cryptosuite"] = cryptosuite
        signed = await _threaded(lambda: service.issue_cohort(who, slug, csv_text, options))
        return {"verifiableCredentials": signed}

    @app.post("/credentials/status", tags=["issue"], openapi_extra=_CREDENTIAL_BODY)
    async def set_status(request: Request) -> dict[str, Any]:
        """VC-API status: revoke (for good), suspend or reinstate."""
        who = actor(request)
        data = await _json_object(request)
        cid = data.get("credentialId")
        wanted = data.get("credentialStatus")
        status = data.get("status")
        purpose = wanted.get("statusPurpose") if isinstance(wanted, dict) else None
        if not isinstance(cid, str) or not cid:
            raise MalformedValueError(
                "credentialId is required", code="invalid_request", path="/credentialId"
            )
        if purpose not in ("revocation", "suspension") or (
            isinstance(wanted, dict)
            and wanted.get("type", "BitstringStatusList") != "BitstringStatusList"
        ):
            raise MalformedValueError(
                'credentialStatus must be {"type": "BitstringStatusList", "statusPurpose": '
                '"revocation"|"suspension"}',
                code="invalid_request",
                path="/credentialStatus",
            )
        if not isinstance(status, bool):
            raise MalformedValueError(
                "status must be true or false", code="invalid_request", path="/status"
            )
        return await _threaded(lambda: service.set_status(who, cid, purpose, status))

    @app.get("/credentials", tags=["issue"])
    def list_credentials(
        request: Request,
        page: int = Query(1, ge=1, le=1_000_000),
        per_page: int = Query(50, ge=1, le=500),
    ) -> dict[str, Any]:
        """The institute's credentials, newest first, a page at a time."""
        return service.list_credentials(actor(request), page=page, per_page=per_page)

    @app.post("/credentials/{credential_id:path}/offer", status_code=201, tags=["offers"])
    def offer(
        credential_id: str, request: Request, format: Literal["json", "png", "svg"] = "json"
    ) -> Response:
        """A single-use, expiring offer URL for a stored credential (``?format=png|svg``: its
        QR image, with the URL in the ``Location`` header)."""
        token, expires = service.offer_credential(actor(request), credential_id)
        return _offer_response(service.public_url, token, expires, format)

    @app.get("/credentials/{credential_id:path}", tags=["issue"])
    def get_credential(credential_id: str, request: Request) -> dict[str, Any]:
        """One of the institute's credentials and its status."""
        return service.get_credential(actor(request), credential_id)

    @app.post("/offers", status_code=201, tags=["offers"], openapi_extra=_CREDENTIAL_BODY)
    async def create_offer(
        request: Request, format: Literal["json", "png", "svg"] = "json"
    ) -> Response:
        """An offer of an unsigned credential, signed for the holder who proves control of
        their DID when collecting it: ``{"credential": …, "bind_holder": true}``."""
        who = actor(request)
        data = await _json_object(request)
        if data.get("bind_holder") is not True:
            raise MalformedValueError(
                "POST /offers is for holder-bound offers (bind_holder: true); offer a signed "
                "credential with POST /credentials/{id}/offer",
                code="invalid_offer",
                path="/bind_holder",
            )
        token, expires = await _threaded(
            lambda: service.offer_unsigned(who, data.get("credential"), data.get("options"))
        )
        return _offer_response(service.public_url, token, expires, format)

    @app.get("/offers/{token}", tags=["offers"])
    def open_offer(token: str) -> dict[str, Any]:
        """Wallet side: the credential (once; then 410), or the binding challenge."""
        return service.open_offer(token)

    @app.post("/offers/{token}", status_code=201, tags=["offers"], openapi_extra=_CREDENTIAL_BODY)
    async def redeem_offer(token: str, request: Request) -> dict[str, Any]:
        """Wallet side of a binding offer: ``{"presentation": VP}`` signed by the holder with the
        offer's nonce as challenge and its domain → the signed credential."""
        data = await _json_object(request)
        return await _threaded(lambda: service.redeem_offer(token, data.get("presentation")))

    # -- public -----------------------------------------------------------------------------

    @app.get("/status-lists/{public_id}", tags=["public"])
    def status_list(public_id: str, request: Request) -> Response:
        """The signed BitstringStatusListCredential (ETag and Cache-Control from its ttl)."""
        doc, etag, ttl = service.status_list(public_id)
        headers = {"ETag": etag, "Cache-Control": f"public, max-age={ttl}"}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return JSONResponse(doc, headers=headers, media_type="application/vc+ld+json")

    @app.get("/institutes/{slug}/did.json", tags=["public"])
    def did_json(slug: str) -> JSONResponse:
        """The institute's did:web document, every key it ever used."""
        return JSONResponse(service.did_document(slug), media_type="application/did+json")

    @app.get("/institutes/{slug}/status-lists", tags=["public"])
    def status_list_index(slug: str) -> dict[str, list[str]]:
        """The URLs of the institute's status lists (named by its DID document's
        ``BitstringStatusListIndex`` service), so a trust bundle can gather them all."""
        return {"statusLists": service.status_list_urls(slug)}

    @app.get("/.well-known/did.json", tags=["public"])
    def root_did_json() -> JSONResponse:
        """The root institute's did:web document."""
        return JSONResponse(service.did_document(None), media_type="application/did+json")

    @app.get("/health", tags=["public"])
    def health() -> dict[str, str]:
        """Liveness and database reachability."""
        with service.session() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok"}

    @app.get("/metrics", tags=["public"])
    def metrics_text() -> Response:
        """Prometheus text format (this process's counters)."""
        return Response(metrics.render(), media_type="text/plain; version=0.0.4")

    app.include_router(verify_router)
    app.include_router(staff_router(service, master_key))

    # The edge layer wraps everything, the error handlers included.
    app.add_middleware(_EdgeFactory, limit=settings.max_body_bytes, metrics=metrics)
    return app


class _EdgeFactory(_Edge):
    """``add_middleware`` needs a class taking the app first."""

    def __init__(self, app: ASGIApp, limit: int, metrics: Metrics) -> None:
        super().__init__(app, limit, metrics)


async def _threaded(call: Callable[[], _T]) -> _T:
    # Signing and database work block: keep them off the event loop.
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(call)


def _offer_response(public_url: str, token: str, expires: datetime, fmt: str) -> Response:
    url = f"{public_url}/offers/{token}"
    stamp = expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    if fmt == "png":
        return Response(
            skillpass.qr.render_png(url),
            status_code=201,
            media_type="image/png",
            headers={"Location": url, "Offer-Expires": stamp},
        )
    if fmt == "svg":
        return Response(
            skillpass.qr.render_svg(url),
            status_code=201,
            media_type="image/svg+xml",
            headers={"Location": url, "Offer-Expires": stamp},
        )
    return JSONResponse({"offer_url": url, "expires": stamp}, status_code=201)
