"""The verification page's routes: ``GET /`` (the form), ``POST /`` (the answer), ``/assets/``."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

import skillpass
import skillpass.frameworks
from skillpass.errors import MalformedValueError, SkillpassError

from ._engine import MAX_UPLOAD_BYTES, PageVerifier, read_pasted, read_upload
from ._i18n import LANGUAGES, RTL, negotiate, translate
from ._view import result_view

__all__ = ["SECURITY_HEADERS", "create_page_app", "page_router"]

log = logging.getLogger("skillpass.verifier.web")
_HERE = Path(__file__).resolve().parent
_ASSETS = {
    "page.css": "text/css; charset=utf-8",
    "scan.js": "text/javascript; charset=utf-8",
    "jsQR.js": "text/javascript; charset=utf-8",
    "jsQR.LICENSE": "text/plain; charset=utf-8",
}
# Everything the page loads comes from this app: a browser refuses anything else.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_LANG_COOKIE = "sp_lang"
_FRAMEWORK_COOKIE = "sp_framework"
_MAX_TEXT = 4 * 1024 * 1024
_MAX_BODY = MAX_UPLOAD_BYTES + _MAX_TEXT + 64 * 1024
_MAX_ID = 64
_DIGITS = re.compile(r"[0-9]{1,20}")


class _Html(HTMLResponse):
    """HTML that always encodes: a pasted document may hold a lone surrogate (a ``"\\ud800"``
    escape), which strict UTF-8 refuses (a 500); it is shown as "?" instead."""

    def render(self, content: Any) -> bytes:
        if isinstance(content, str):
            return content.encode("utf-8", errors="replace")
        return bytes(super().render(content))


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _frameworks(lang: str) -> list[tuple[str, str]]:
    return [
        (f.id, f"{f.id} — {skillpass.frameworks.framework_name(f.id, lang)}")
        for f in skillpass.frameworks.list_frameworks()
    ]


def page_router(verifier: PageVerifier | None = None) -> APIRouter:
    """The page's routes (``GET /``, ``POST /``, ``GET /assets/{name}``) for any FastAPI app."""
    engine = verifier or PageVerifier()
    env = _environment()
    page = env.get_template("page.html")
    router = APIRouter()
    known_frameworks = {f.id for f in skillpass.frameworks.list_frameworks()}

    def render(
        request: Request, lang: str, framework: str | None, status_code: int = 200, **values: Any
    ) -> HTMLResponse:
        html = page.render(
            lang=lang,
            dir="rtl" if lang in RTL else "ltr",
            languages=LANGUAGES,
            t=lambda key, **v: translate(lang, key, **v),
            frameworks=_frameworks(lang),
            framework=framework,
            max_upload_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
            **values,
        )
        response = _Html(html, status_code=status_code, headers=SECURITY_HEADERS)
        # Session cookies (no expiry): the choice lasts while the browser is open.
        response.set_cookie(_LANG_COOKIE, lang, httponly=True, samesite="lax")
        if framework:
            response.set_cookie(_FRAMEWORK_COOKIE, framework, httponly=True, samesite="lax")
        return response

    def language(request: Request) -> str:
        return negotiate(
            request.query_params.get("lang"),
            request.cookies.get(_LANG_COOKIE),
            request.headers.get("accept-language"),
        )

    def chosen_framework(value: str | None) -> str | None:
        return value if value in known_frameworks else None

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    def form(request: Request) -> HTMLResponse:
        lang = language(request)
        wanted = request.query_params.get("framework") or request.cookies.get(_FRAMEWORK_COOKIE)
        return render(request, lang, chosen_framework(wanted))

    @router.post("/", response_class=HTMLResponse, include_in_schema=False)
    async def answer(request: Request) -> HTMLResponse:
        lang = language(request)
        declared = request.headers.get("content-length", "")
        # ASCII digits only: str.isdigit() accepts "²", which int() refuses (a 500).
        if not _DIGITS.fullmatch(declared) or int(declared) > _MAX_BODY:
            # Checked before the form is parsed: an upload is never spooled to disk unbounded.
            return render(
                request,
                lang,
                None,
                status_code=413,
                error={
                    "code": "input_too_large",
                    "message": f"the form is larger than {_MAX_BODY // (1024 * 1024)} MB",
                },
            )
        try:
            async with request.form(max_files=1, max_fields=16) as data:
                if data.get("lang") in LANGUAGES:
                    lang = str(data.get("lang"))
                framework = chosen_framework(_field(data.get("framework")))
                id_number = (_field(data.get("id_number")) or "").strip()[:_MAX_ID] or None
                upload = data.get("file")
                raw = b""
                if isinstance(upload, UploadFile):
                    raw = await upload.read(MAX_UPLOAD_BYTES + 1)
                text = _field(data.get("text")) or ""
                document = _field(data.get("document")) or ""
        except StarletteHTTPException as exc:
            # A malformed form, or pasted text over the form parser's limit for a text field.
            return render(
                request,
                lang,
                None,
                status_code=400,
                error={
                    "code": "input_unreadable",
                    "message": f"the form could not be read ({exc.detail}); upload a large"
                    " document as a file",
                },
            )
        try:
            if raw:
                doc = await run_in_threadpool(read_upload, raw)
            elif text.strip():
                doc = await run_in_threadpool(read_pasted, text[:_MAX_TEXT])
            elif document.strip():
                doc = await run_in_threadpool(read_pasted, document[:_MAX_TEXT])
            else:
                raise MalformedValueError(translate(lang, "nothing_given"), code="input_unreadable")
            report = await run_in_threadpool(
                lambda: engine.verify(doc, framework=framework, id_number=id_number)
            )
        except SkillpassError as exc:
            return render(
                request,
                lang,
                framework,
                status_code=422,
                error={"code": exc.code, "message": exc.message},
            )
        except Exception as exc:  # a bug must be neither a 500 nor a verdict
            log.error("the page could not verify the input", exc_info=exc)
            return render(
                request,
                lang,
                framework,
                status_code=400,
                error={"code": "verification_error", "message": "the input could not be verified"},
            )
        view = result_view(report, lang, engine.bundle_time(), engine.bundle_until())
        return render(
            request,
            lang,
            framework,
            result=view,
            # ASCII-escaped: the form sends it back as it was, whatever it holds.
            document=json.dumps(doc, ensure_ascii=True, separators=(",", ":")),
            id_given=id_number is not None,
        )

    @router.get("/assets/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        kind = _ASSETS.get(name)
        if kind is None:
            return Response("not found", status_code=404, media_type="text/plain")
        return Response(
            (_HERE / "static" / name).read_bytes(),
            media_type=kind,
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "max-age=3600"},
        )

    return router


def _field(value: object) -> str | None:
    return value if isinstance(value, str) else None


def create_page_app(verifier: PageVerifier | None = None) -> FastAPI:
    """A FastAPI app serving only the verification page (the verifier service mounts
    :func:`page_router` in its own app instead)."""
    app = FastAPI(title="SkillPass verification page", docs_url=None, redoc_url=None)
    app.include_router(page_router(verifier))
    return app
