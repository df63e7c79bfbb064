"""VC-API verification routes (FastAPI): ``POST /credentials/verify`` and
``POST /presentations/verify``.

Importing this module imports FastAPI: ``import verifier`` does not, and neither does
``skillpass verify``. The routes answer ``200`` with the report when the document verified,
``400`` (unreadable, not a credential, malformed) or ``422`` (verified and found wanting) with
the report inside an RFC 9457 ``application/problem+json`` body, and never ``500``.

What the routes require: format, proof, validity, status and holder must not be ``invalid``,
and the proof must have been checked. Issuer trust (and a status that could not be checked) is
reported, and required only when the server runs with a trust bundle and ``require_trust``:
the W3C conformance suites send credentials of their own ``did:key`` issuers and expect 200.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

import skillpass
from skillpass import Check, VerificationPolicy, VerificationReport
from skillpass.errors import MalformedValueError, RangeError, ResolutionError, SkillpassError

from ._bundle import TrustBundle
from ._policy import make_policy, not_verified, with_bundle_info
from ._settings import VerifierSettings

if TYPE_CHECKING:
    from .web import PageVerifier

__all__ = ["create_app", "create_router"]

log = logging.getLogger("skillpass.verifier")
PROBLEM = "application/problem+json"
_VCDM = "https://www.w3.org/TR/vc-data-model#"
_SKILLPASS = "https://skillpass.dev/problems#"
_MAX_DEPTH = 64
_DIGITS = re.compile(r"[0-9]{1,20}")
# Checks that may stay "unknown" without failing the route (unless trust is required).
_TOLERATED = {"issuer", "status"}


_TYPES = {
    "format": _VCDM + "MALFORMED_VALUE_ERROR",
    "proof": _VCDM + "CRYPTOGRAPHIC_SECURITY_ERROR",
    "validity": _VCDM + "RANGE_ERROR",
}
# The issuer check's cryptographic failures (the key is not the issuer's); its trust-list
# failures (accreditation, key history) are SkillPass verification failures.
_KEY_NOT_ISSUERS = {"issuer_mismatch", "verification_relationship"}


class _Json(JSONResponse):
    """JSON that always renders: a report echoes parts of the document (its ``id``), and a
    lone surrogate from a ``"\\ud800"`` escape cannot be encoded as UTF-8; such text is sent
    escaped (``ensure_ascii``) instead of failing the response."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _problem(
    status: int, code: str, detail: str, title: str, report: VerificationReport | None, check: str
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": _VCDM + "CRYPTOGRAPHIC_SECURITY_ERROR"
        if check == "issuer" and code in _KEY_NOT_ISSUERS
        else _TYPES.get(check, _SKILLPASS + "VERIFICATION_FAILED"),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if report is not None:
        body["errors"] = [
            {"check": c.id, "code": c.code, "message": c.message}
            for c in _all_checks(report)
            if c.status != "valid"
        ]
        body["report"] = report.to_dict()
    return _Json(body, status_code=status, media_type=PROBLEM)


def _all_checks(report: VerificationReport) -> list[Check]:
    out = list(report.checks)
    for sub in report.credentials:
        out += _all_checks(sub)
    return out


def _failing(report: VerificationReport, require_trust: bool) -> Check | None:
    """The first check that fails the route, if any."""
    for check in _all_checks(report):
        if check.status == "invalid":
            return check
    for check in _all_checks(report):
        if check.status == "unknown" and (require_trust or check.id not in _TOLERATED):
            return check
    return None


def _reply(report: VerificationReport, require_trust: bool) -> Response:
    failing = _failing(report, require_trust)
    if failing is None:
        checks = _all_checks(report)
        return _Json(
            {
                "verified": True,
                "checks": list(dict.fromkeys(c.id for c in checks if c.status == "valid")),
                "warnings": [
                    {"check": c.id, "code": c.code, "message": c.message}
                    for c in checks
                    if c.status != "valid"
                ],
                "errors": [],
                "report": report.to_dict(),
            }
        )
    status = 400 if failing.id == "format" else 422
    return _problem(
        status,
        failing.code,
        f"{failing.id}: {failing.message}",
        "Verification failed",
        report,
        failing.id,
    )


def _not_verified(kind: str, code: str, message: str) -> VerificationReport:
    return not_verified(
        "credential" if kind == "credential" else "presentation", code, message, message
    )


def _depth_ok(data: Any) -> bool:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > _MAX_DEPTH:
            return False
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return True


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    # ASCII digits only: str.isdigit() accepts "²", which int() refuses (a 500).
    if declared is not None and (not _DIGITS.fullmatch(declared) or int(declared) > limit):
        raise RangeError(f"the request body exceeds {limit} bytes", code="body_too_large")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RangeError(f"the request body exceeds {limit} bytes", code="body_too_large")
        chunks.append(chunk)
    return b"".join(chunks)


def _options(body: dict[str, Any]) -> dict[str, Any]:
    options = body.get("options", {})
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise MalformedValueError("options must be a JSON object", code="invalid_options")
    for name in ("challenge", "domain"):
        if name in options and not isinstance(options[name], str):
            raise MalformedValueError(f"options.{name} must be a string", code="invalid_options")
    return options


class _FirstKnown:
    """A status checker that asks ``first`` and, where it does not know, ``then``."""

    def __init__(self, first: skillpass.StatusChecker, then: skillpass.StatusChecker) -> None:
        self.first, self.then = first, then

    def check(
        self, entry: Any, credential: skillpass.CheckedCredential, *, at: Any
    ) -> skillpass.StatusDecision:
        decision = self.first.check(entry, credential, at=at)
        return (
            decision if decision.status != "unknown" else self.then.check(entry, credential, at=at)
        )


class _FirstResolver:
    """Resolves with ``first`` and, for DIDs it cannot resolve, with ``then``."""

    def __init__(self, first: skillpass.DidResolver, then: skillpass.DidResolver) -> None:
        self.first, self.then = first, then

    def resolve(self, did: str) -> Any:
        try:
            return self.first.resolve(did)
        except ResolutionError:
            return self.then.resolve(did)


class _Verifier:
    def __init__(
        self,
        settings: VerifierSettings,
        status: skillpass.StatusChecker | None = None,
        resolver: skillpass.DidResolver | None = None,
    ) -> None:
        self.settings = settings
        self._status = status
        self._resolver = resolver
        self.require_trust = settings.require_trust and settings.bundle is not None
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        # The bundle and the policy made from it, swapped together.
        self.current: tuple[TrustBundle | None, VerificationPolicy] = (
            None,
            self._local(make_policy(allow_test_contexts=settings.allow_test_contexts)),
        )
        self.refresh()

    def _local(self, policy: VerificationPolicy) -> VerificationPolicy:
        """``policy`` with the caller's own status checker and resolver asked first."""
        if self._status is not None:
            policy = dataclasses.replace(policy, status=_FirstKnown(self._status, policy.status))
        if self._resolver is not None:
            policy = dataclasses.replace(
                policy, resolver=_FirstResolver(self._resolver, policy.resolver)
            )
        return policy

    def _file_stamp(self) -> tuple[int, int, int] | None:
        if self.settings.bundle is None:
            return None
        try:
            stat = os.stat(self.settings.bundle)
        except OSError:
            return None
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def refresh(self) -> None:
        """(Re)load the bundle when its file changed: a daily re-sync needs no restart.

        Trust lists and status snapshots are verified once per load; the clock is read per
        request. A bundle file that cannot be read at start-up stops it; later, the last good
        bundle stays in use (and says how old it is).
        """
        stamp = self._file_stamp()
        loaded = self.current[0] is not None
        if self.settings.bundle is None or (loaded and stamp == self._stamp):
            return
        if stamp is None and loaded:
            return  # the file is gone for now (being replaced?): keep the bundle in use
        with self._lock:
            if self.current[0] is not None and stamp == self._stamp:
                return
            try:
                bundle = TrustBundle.load(self.settings.bundle)
            except SkillpassError:
                if self.current[0] is None:
                    raise
                log.error("the trust bundle could not be reloaded; keeping the last one")
                self._stamp = stamp
                return
            policy = self._local(
                make_policy(
                    bundle=bundle,
                    allow_test_contexts=self.settings.allow_test_contexts,
                    anchors=self.settings.anchors,
                )
            )
            self.current, self._stamp = (bundle, policy), stamp

    def page(self) -> PageVerifier:
        """What the verification page verifies with: this bundle and policy, kept fresh."""
        from .web import PageVerifier

        def policy() -> VerificationPolicy:
            self.refresh()
            return self.current[1]

        def bundle() -> TrustBundle | None:
            loaded = self.current[0]
            return loaded if loaded is not None and loaded.anchors else None

        return PageVerifier(
            policy=policy,
            bundle_time=lambda: b.created if (b := bundle()) else None,
            bundle_until=lambda: b.valid_until if (b := bundle()) else None,
        )

    def credential(self, document: Any, _options: dict[str, Any]) -> VerificationReport:
        self.refresh()
        bundle, policy = self.current
        report = skillpass.verify_credential(document, policy=policy)
        return with_bundle_info(
            report, bundle, policy.instant(), anchors_pinned=self.settings.anchors is not None
        )

    def presentation(self, document: Any, options: dict[str, Any]) -> VerificationReport:
        self.refresh()
        bundle, base = self.current
        challenge = options.get("challenge")
        policy = dataclasses.replace(
            base,
            challenge=challenge,
            domain=options.get("domain"),
            # VC-API: the caller says whether it set a challenge; without one nothing is held
            # unknown for it (the report still says so).
            require_challenge=challenge is not None,
            require_holder_binding=False,
        )
        report = skillpass.verify_presentation(document, policy=policy)
        return with_bundle_info(
            report, bundle, policy.instant(), anchors_pinned=self.settings.anchors is not None
        )

    async def handle(
        self,
        request: Request,
        kind: str,
        key: str,
        run: Callable[[Any, dict[str, Any]], VerificationReport],
    ) -> Response:
        try:
            raw = await _body(request, self.settings.max_body_bytes)
            body = skillpass.parse_json(raw, what="the request body")
            if not _depth_ok(body):
                raise RangeError(
                    f"the request body is nested deeper than {_MAX_DEPTH} levels",
                    code="document_too_deep",
                )
            if not isinstance(body, dict):
                raise MalformedValueError(
                    "the request body must be a JSON object", code="not_an_object"
                )
            if key not in body:
                raise MalformedValueError(f"the request body has no {key}", code=f"missing_{kind}")
            options = _options(body)
        except SkillpassError as exc:
            status = 413 if exc.code == "body_too_large" else 400
            report = _not_verified(kind, exc.code, exc.message)
            return _problem(status, exc.code, exc.message, type(exc).__name__, report, "format")
        try:
            report = await run_in_threadpool(run, body[key], options)
            return _reply(report, self.require_trust)
        except Exception as exc:  # a bug must not become a 500 nor a "verified"
            log.error("verification failed unexpectedly", exc_info=exc)
            report = _not_verified(kind, "verification_error", "the document could not be verified")
            return _problem(
                400,
                "verification_error",
                "the document could not be verified",
                "Error",
                report,
                "format",
            )


def create_router(
    settings: VerifierSettings | None = None,
    *,
    status: skillpass.StatusChecker | None = None,
    resolver: skillpass.DidResolver | None = None,
) -> APIRouter:
    """The VC-API verify routes, configured by ``settings`` (default: no bundle).

    ``status`` / ``resolver``: a status checker and a DID resolver asked before the bundle's
    (the issuer service passes ones that read its own status lists and did:web documents, so
    credentials it issued are checked live).

    The bundle is loaded and its trust lists and status snapshots verified here, once;
    a bundle that cannot be read raises :class:`skillpass.SkillpassError` at start-up.
    """
    return _router(_Verifier(settings or VerifierSettings(), status, resolver))


def _router(verifier: _Verifier) -> APIRouter:
    router = APIRouter(tags=["verify"])
    body_doc = {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    }

    @router.post("/credentials/verify", openapi_extra=body_doc)
    async def verify_credential(request: Request) -> Response:
        """VC-API: ``{"verifiableCredential": …, "options": {…}}`` → 200 with the report when
        it verified, else 400/422 problem+json carrying the report."""
        return await verifier.handle(
            request,
            "credential",
            "verifiableCredential",
            verifier.credential,
        )

    @router.post("/presentations/verify", openapi_extra=body_doc)
    async def verify_presentation(request: Request) -> Response:
        """VC-API: ``{"verifiablePresentation": …, "options": {"challenge", "domain"}}``."""
        return await verifier.handle(
            request, "presentation", "verifiablePresentation", verifier.presentation
        )

    return router


def create_app(settings: VerifierSettings | None = None) -> FastAPI:
    """The verify routes and the verification page at ``/`` (``skillpass verifier serve``)."""
    app = FastAPI(
        title="SkillPass verifier",
        version="0.1.0",
        description="Verify W3C Verifiable Credentials and Presentations offline (VC-API). "
        "Errors are application/problem+json.",
    )
    shared = _Verifier(settings or VerifierSettings())
    app.include_router(_router(shared))
    # The verification page for people (GET /, POST /, /assets/; verifier.web), on the same
    # bundle, reloaded the same way when its file changes.
    from .web import page_router

    app.include_router(page_router(shared.page()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_r: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(
            {
                "type": _SKILLPASS + code,
                "title": "HTTPError",
                "status": exc.status_code,
                "detail": str(exc.detail),
                "code": code,
            },
            status_code=exc.status_code,
            media_type=PROBLEM,
        )

    @app.get("/health", tags=["public"])
    def health() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok"}

    return app
