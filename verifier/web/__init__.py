"""The verification page for people who are not command-line users (an HR officer, a border
officer on an offline laptop): upload a QR photo or certificate PDF, paste QR text or JSON, or
scan with the camera; see valid / invalid / unknown, the holder, the identity check, the
qualification, the levels compared with "my framework", and every check in plain words, in
English, French, Spanish or Arabic.

    from verifier.web import bundle_verifier, page_router
    app.include_router(page_router(bundle_verifier(TrustBundle.load("bundle.json"))))

``skillpass verifier serve --trust bundle.json`` serves it at ``/`` beside the VC-API routes.

Server-rendered (Jinja2); the page loads nothing from elsewhere (its one script and the vendored
QR decoder are served by the app). FastAPI is imported only by :func:`page_router` and
:func:`create_page_app`, so ``import verifier.web`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._engine import MAX_UPLOAD_BYTES, PageVerifier, bundle_verifier, read_pasted, read_upload
from ._i18n import LANGUAGES, RTL
from ._i18n import negotiate as negotiate_language

if TYPE_CHECKING:
    from fastapi import APIRouter, FastAPI

__all__ = [
    "LANGUAGES",
    "MAX_UPLOAD_BYTES",
    "RTL",
    "PageVerifier",
    "bundle_verifier",
    "create_page_app",
    "negotiate_language",
    "page_router",
    "read_pasted",
    "read_upload",
]


def page_router(verifier: PageVerifier | None = None) -> APIRouter:
    """The page's routes, ``GET /``, ``POST /`` and ``GET /assets/{name}``, to include in a
    FastAPI app (the verifier service's)."""
    from ._routes import page_router as make

    return make(verifier)


def create_page_app(verifier: PageVerifier | None = None) -> FastAPI:
    """An app serving the page alone."""
    from ._routes import create_page_app as make

    return make(verifier)
