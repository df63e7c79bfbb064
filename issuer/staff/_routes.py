"""The staff pages' routes, all under ``/staff/``; every action goes through IssuerService."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

import skillpass
import skillpass.qr
from skillpass.errors import MalformedValueError, SkillpassError

from ..cohort import COLUMNS, check_cohort
from ..errors import ForbiddenError, NotFoundError, UnauthorizedError
from ..service import Actor, IssueItem, IssuerService
from ._i18n import LANGUAGES, RTL, negotiate, translate
from ._session import COOKIE, Session, SessionSealer

__all__ = ["staff_router"]

_HERE = Path(__file__).resolve().parent
_PER_PAGE = 25
_MAX_CSV = 2 * 1024 * 1024
_MAX_FIELD = 4000
_ACHIEVEMENT_TYPES = ("Certificate", "Diploma", "Degree", "License", "Course", "Competency")
_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def staff_router(service: IssuerService, master_key: bytes) -> APIRouter:
    """The institute staff's pages: sign in with the API key, issue one or a cohort, list and
    search, revoke or suspend, certificates and credential offers."""
    sealer = SessionSealer(master_key)
    env = Environment(
        loader=FileSystemLoader(_HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    secure = service.public_url.startswith("https://")
    router = APIRouter(prefix="/staff", include_in_schema=False)

    def session_of(request: Request) -> Session:
        return sealer.open(request.cookies.get(COOKIE)) or sealer.new()

    def language(request: Request, session: Session) -> str:
        return negotiate(
            request.query_params.get("lang"), session.lang, request.headers.get("accept-language")
        )

    def with_cookie(response: Response, session: Session) -> Response:
        response.set_cookie(
            COOKIE,
            sealer.seal(session),
            httponly=True,
            secure=secure,
            samesite="strict",
            path="/staff",
        )
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def page(
        request: Request,
        session: Session,
        template: str,
        *,
        status_code: int = 200,
        actor: Actor | None = None,
        **values: Any,
    ) -> Response:
        lang = language(request, session)
        if session.lang != lang:
            session = Session(session.csrf, session.expires, session.api_key, lang)
        html = env.get_template(template).render(
            lang=lang,
            dir="rtl" if lang in RTL else "ltr",
            languages=LANGUAGES,
            t=lambda key, **v: translate(lang, key, **v),
            csrf=session.csrf,
            actor=actor,
            **values,
        )
        return with_cookie(HTMLResponse(html, status_code=status_code), session)

    def error_page(request: Request, session: Session, exc: SkillpassError) -> Response:
        actor = None
        if session.api_key:
            try:
                actor = service.authenticate(session.api_key)
            except SkillpassError:
                actor = None
        return page(
            request,
            session,
            "error.html",
            status_code=exc.http_status,
            actor=actor,
            error={"code": exc.code, "message": exc.message, "path": exc.path},
        )

    def signed_in(session: Session) -> Actor:
        actor = service.authenticate(session.api_key)
        if actor.institute_id is None:
            raise ForbiddenError(
                "the staff pages need an institute's API key", code="institute_only"
            )
        return actor

    async def form_of(request: Request, session: Session) -> dict[str, str | bytes]:
        # Read whole (an upload bounded) and close at once: no temporary file outlives this.
        form: dict[str, str | bytes] = {}
        async with request.form(max_files=1, max_fields=40) as data:
            for name, value in data.multi_items():
                if isinstance(value, UploadFile):
                    form[name] = await value.read(_MAX_CSV + 1)
                else:
                    form[name] = value
        if not session.csrf_ok(form.get("csrf")):
            raise ForbiddenError(
                "the form expired or did not come from this page; open the page again",
                code="csrf_failed",
            )
        return form

    def guarded(
        handler: Callable[[Request, Session], Any],
    ) -> Callable[[Request], Any]:
        async def run(request: Request) -> Response:
            session = session_of(request)
            try:
                result: Response = await handler(request, session)
                return result
            except SkillpassError as exc:
                # A page opened before signing in leads to the sign-in form; a refused
                # sign-in (or a form posted after the key was withdrawn) says why.
                if isinstance(exc, UnauthorizedError):
                    # A withdrawn key ends the session: its cookie is replaced by a fresh one.
                    session = sealer.new(session.lang) if session.api_key else session
                    if request.method == "GET":
                        return with_cookie(RedirectResponse("/staff/", status_code=303), session)
                return error_page(request, session, exc)

        return run

    # -- signing in -------------------------------------------------------------------------

    async def home(request: Request, session: Session) -> Response:
        if not session.api_key:
            return page(request, session, "sign_in.html")
        actor = signed_in(session)
        query = (request.query_params.get("q") or "").strip()[:200]
        try:
            number = max(1, min(100_000, int(request.query_params.get("page", "1"))))
        except ValueError:
            number = 1
        listing = await run_in_threadpool(
            lambda: service.list_credentials(
                actor, page=number, per_page=_PER_PAGE, query=query or None
            )
        )
        rows = [_row(item) for item in listing["items"]]
        return page(
            request,
            session,
            "list.html",
            actor=actor,
            rows=rows,
            query=query,
            page=number,
            total=listing["total"],
            more=number * _PER_PAGE < listing["total"],
        )

    async def sign_in(request: Request, session: Session) -> Response:
        form = await form_of(request, session)
        key = str(form.get("api_key") or "").strip()[:200]
        actor = service.authenticate(key)
        if actor.institute_id is None:
            raise ForbiddenError(
                "the staff pages need an institute's API key", code="institute_only"
            )
        return with_cookie(RedirectResponse("/staff/", status_code=303), session.signed_in(key))

    async def sign_out(request: Request, session: Session) -> Response:
        await form_of(request, session)
        return with_cookie(RedirectResponse("/staff/", status_code=303), sealer.new(session.lang))

    # -- issuing ----------------------------------------------------------------------------

    async def issue_form(request: Request, session: Session) -> Response:
        actor = signed_in(session)
        return page(request, session, "issue.html", actor=actor, types=_ACHIEVEMENT_TYPES)

    def _issuer_of(actor: Actor) -> dict[str, Any]:
        assert actor.slug is not None
        inst = service.get_institute(actor, actor.slug)
        return {"id": inst["did"], "name": inst["name"], "country_code": inst["country"]}

    async def issue_one(request: Request, session: Session) -> Response:
        actor = signed_in(session)
        form = await form_of(request, session)
        row = {c: str(form.get(c) or "")[:_MAX_FIELD] for c in COLUMNS if form.get(c)}
        csv_text = _one_row_csv(row)
        issuer = await run_in_threadpool(lambda: _issuer_of(actor))
        checked = check_cohort(csv_text, issuer=issuer, max_rows=1)
        if checked[0].error is not None:
            raise checked[0].error
        assert checked[0].credential is not None
        options = _options(form)
        signed = await run_in_threadpool(
            lambda: service.issue(actor, [IssueItem(checked[0].credential, options)])
        )
        return RedirectResponse(
            "/staff/credential?" + urlencode({"id": signed[0]["id"]}), status_code=303
        )

    async def cohort_form(request: Request, session: Session) -> Response:
        actor = signed_in(session)
        return page(request, session, "cohort.html", actor=actor, columns=", ".join(COLUMNS))

    async def cohort_preview(request: Request, session: Session) -> Response:
        actor = signed_in(session)
        form = await form_of(request, session)
        upload = form.get("file")
        csv_text = _csv_text(upload if isinstance(upload, bytes) else b"")
        issuer = await run_in_threadpool(lambda: _issuer_of(actor))
        rows = check_cohort(csv_text, issuer=issuer, max_rows=service.settings.max_batch)
        preview = [
            {
                "line": r.line,
                "holder": _holder_name(r.credential)
                if r.credential
                else r.fields.get("holder_name", ""),
                "qualification": (r.credential or {}).get("name")
                or r.fields.get("qualification_name", ""),
                "levels": _levels(r.credential) if r.credential else "",
                "error": r.error.message if r.error else None,
            }
            for r in rows
        ]
        errors = sum(1 for r in rows if r.error is not None)
        return page(
            request,
            session,
            "preview.html",
            actor=actor,
            rows=preview,
            errors=errors,
            csv_text=csv_text,
            suspension=bool(form.get("suspension")),
        )

    async def cohort_issue(request: Request, session: Session) -> Response:
        actor = signed_in(session)
        form = await form_of(request, session)
        csv_text = str(form.get("csv") or "")
        if len(csv_text.encode()) > _MAX_CSV:
            raise MalformedValueError("the CSV file is too large", code="input_too_large")
        assert actor.slug is not None
        slug = actor.slug
        signed = await run_in_threadpool(
            lambda: service.issue_cohort(actor, slug, csv_text, _options(form))
        )
        rows = [
            _row({"verifiableCredential": vc, "revoked": False, "suspended": False})
            for vc in signed
        ]
        return page(
            request,
            session,
            "issued.html",
            actor=actor,
            rows=rows,
            zip_query=urlencode([("id", r["id"]) for r in rows]),
        )

    # -- one credential ---------------------------------------------------------------------

    async def credential(request: Request, session: Session) -> Response:
        actor = signed_in(session)
        cid = request.query_params.get("id") or ""
        item = await run_in_threadpool(lambda: service.get_credential(actor, cid))
        message = request.query_params.get("changed")
        return page(
            request,
            session,
            "credential.html",
            actor=actor,
            c=_row(item),
            changed=message if message in ("active", "revoked", "suspended") else None,
        )

    async def set_status(request: Request, session: Session) -> Response:
        actor = signed_in(session)
        form = await form_of(request, session)
        cid = str(form.get("id") or "")
        action = form.get("action")
        reason = str(form.get("reason") or "").strip()[:500] or None
        choices = {
            "revoke": ("revocation", True),
            "suspend": ("suspension", True),
            "reinstate": ("suspension", False),
        }
        if action not in choices:
            raise MalformedValueError(
                "choose revoke, suspend or reinstate", code="invalid_request", path="/action"
            )
        purpose, value = choices[str(action)]
        result = await run_in_threadpool(
            lambda: service.set_status(actor, cid, purpose, value, reason=reason)
        )
        now = "revoked" if result["revoked"] else "suspended" if result["suspended"] else "active"
        return RedirectResponse(
            "/staff/credential?" + urlencode({"id": cid, "changed": now}), status_code=303
        )

    async def offer(request: Request, session: Session) -> Response:
        actor = signed_in(session)
        form = await form_of(request, session)
        cid = str(form.get("id") or "")
        token, expires = await run_in_threadpool(lambda: service.offer_credential(actor, cid))
        url = f"{service.public_url}/offers/{token}"
        svg = skillpass.qr.render_svg(url)
        item = await run_in_threadpool(lambda: service.get_credential(actor, cid))
        return page(
            request,
            session,
            "offer.html",
            actor=actor,
            c=_row(item),
            offer_url=url,
            expires=expires.strftime("%Y-%m-%d %H:%M UTC"),
            qr_data="data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
        )

    def _certificate(actor: Actor, cid: str) -> tuple[str, bytes]:
        item = service.get_credential(actor, cid)
        doc = item["verifiableCredential"]
        issuer = doc.get("issuer")
        did = issuer.get("id") if isinstance(issuer, dict) else issuer
        documents = {}
        if isinstance(did, str) and did.startswith("did:web:"):
            try:
                documents[did] = service.did_document(actor.slug)
            except NotFoundError:
                documents[did] = service.did_document(None)
        policy = skillpass.VerificationPolicy(resolver=skillpass.OfflineResolver(documents))
        pdf = skillpass.qr.make_certificate(doc, policy=policy).pdf
        return _file_name(item), pdf

    async def certificate(request: Request, session: Session) -> Response:
        actor = signed_in(session)
        cid = request.query_params.get("id") or ""
        name, pdf = await run_in_threadpool(lambda: _certificate(actor, cid))
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}.pdf",
                "Cache-Control": "no-store",
            },
        )

    async def certificates_zip(request: Request, session: Session) -> Response:
        actor = signed_in(session)
        ids = request.query_params.getlist("id")[: service.settings.max_batch]
        if not ids:
            raise MalformedValueError("no credentials chosen", code="invalid_request")

        def build() -> bytes:
            out = io.BytesIO()
            names: set[str] = set()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                for n, cid in enumerate(ids, 1):
                    name, pdf = _certificate(actor, cid)
                    name = f"{n:03d}-{name}" if name in names else name
                    names.add(name)
                    archive.writestr(f"{name}.pdf", pdf)
            return out.getvalue()

        data = await run_in_threadpool(build)
        return Response(
            data,
            media_type="application/zip",
            headers={
                "Content-Disposition": 'attachment; filename="certificates.zip"',
                "Cache-Control": "no-store",
            },
        )

    async def stylesheet(_request: Request, _session: Session) -> Response:
        return Response(
            (_HERE / "static" / "staff.css").read_bytes(),
            media_type="text/css; charset=utf-8",
            headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"},
        )

    for path, method, handler in (
        ("/", "GET", home),
        ("/sign-in", "POST", sign_in),
        ("/sign-out", "POST", sign_out),
        ("/issue", "GET", issue_form),
        ("/issue", "POST", issue_one),
        ("/cohort", "GET", cohort_form),
        ("/cohort/preview", "POST", cohort_preview),
        ("/cohort/issue", "POST", cohort_issue),
        ("/credential", "GET", credential),
        ("/credential/status", "POST", set_status),
        ("/credential/offer", "POST", offer),
        ("/certificate.pdf", "GET", certificate),
        ("/certificates.zip", "GET", certificates_zip),
        ("/staff.css", "GET", stylesheet),
    ):
        router.add_api_route(path, guarded(handler), methods=[method])
    return router


def _options(form: dict[str, str | bytes]) -> dict[str, Any]:
    if form.get("suspension"):
        return {"credentialStatus": {"type": "BitstringStatusList", "statusPurpose": "suspension"}}
    return {}


def _csv_text(raw: bytes) -> str:
    if len(raw) > _MAX_CSV:
        raise MalformedValueError("the CSV file is larger than 2 MB", code="input_too_large")
    if not raw.strip():
        raise MalformedValueError("choose a CSV file", code="invalid_cohort_csv")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedValueError("the CSV file must be UTF-8", code="invalid_cohort_csv") from None


def _one_row_csv(row: dict[str, str]) -> str:
    import csv

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue()


def _holder_name(doc: dict[str, Any]) -> str:
    subject = doc.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if not isinstance(subject, dict):
        return ""
    for identity in subject.get("identifier") or []:
        if isinstance(identity, dict) and identity.get("identityType") == "name":
            return str(identity.get("identityHash", ""))
    name = subject.get("name")
    return name if isinstance(name, str) else ""


def _levels(doc: dict[str, Any]) -> str:
    subject = doc.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    alignments = achievement.get("alignment") if isinstance(achievement, dict) else None
    out = []
    for a in alignments or []:
        if isinstance(a, dict) and a.get("targetType") == "ext:QualificationLevel":
            out.append(f"{a.get('targetFramework')} {a.get('targetCode')}")
    return ", ".join(out)


def _row(item: dict[str, Any]) -> dict[str, Any]:
    # The institute's own stored credentials, shown to its own staff: read as stored.
    doc = item["verifiableCredential"]
    status = "revoked" if item["revoked"] else "suspended" if item["suspended"] else "active"
    issued = item.get("issued") or doc.get("validFrom") or ""
    try:
        issued = datetime.fromisoformat(str(issued)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        issued = str(issued)
    entry = doc.get("credentialStatus")
    return {
        "id": doc.get("id", ""),
        "holder": _holder_name(doc),
        "qualification": doc.get("name", ""),
        "levels": _levels(doc),
        "issued": issued,
        "status": status,
        "suspendable": isinstance(entry, dict) and entry.get("statusPurpose") == "message",
    }


def _file_name(item: dict[str, Any]) -> str:
    doc = item["verifiableCredential"]
    name = _SAFE_NAME.sub("-", _holder_name(doc)).strip("-")[:60]
    tail = _SAFE_NAME.sub("-", str(doc.get("id", "")).rsplit(":", 1)[-1])[:12]
    return f"certificate-{name or 'holder'}-{tail}"
