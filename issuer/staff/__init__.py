"""The institute staff's web pages at ``/staff/``: sign in with the institute's API key (kept
in an encrypted, HTTP-only session cookie; every form carries a CSRF token), issue one
qualification or a cohort CSV (a preview with each row's errors before anything is issued),
list and search what was issued, revoke or suspend with a reason, download certificate PDFs
(one, or a ZIP for a cohort) and show a credential-offer QR for each worker's wallet.

Every action goes through :class:`issuer.service.IssuerService`, the same code the JSON API
uses. Server-rendered (Jinja2), no script, nothing loaded from elsewhere; English, French,
Spanish and Arabic (right to left).
"""

from ._routes import staff_router

__all__ = ["staff_router"]
