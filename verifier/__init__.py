"""SkillPass verifier: offline verification with trust lists and trust bundles.

A border officer or an employer verifies with no network: a **trust bundle** (synced while
online) holds the accreditation authorities' trust lists, the issuers' DID documents and
snapshots of their status lists; :func:`verify` answers ``valid``, ``invalid`` or ``unknown``
with a reason for every check::

    import verifier

    report = verifier.verify(Path("credential.json"), bundle="bundle.json")
    print(report.status, report.summary["issuer"])   # the name the trust list gives

The VC-API routes (``POST /credentials/verify``, ``POST /presentations/verify``) are in
:mod:`verifier.http` (FastAPI), made by :func:`create_router` / :func:`create_app`. Importing
this package imports neither FastAPI nor anything that opens a socket.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._bundle import BundlePart, TrustBundle
    from ._policy import BundleStatus, BundleTrust, load_input, make_policy, verify
    from ._settings import VerifierSettings
    from ._trustlist import Accreditation, KeyRecord, ListedIssuer, TrustList
    from .http import create_app, create_router

_LAZY = {
    "Accreditation": "._trustlist",
    "BundlePart": "._bundle",
    "BundleStatus": "._policy",
    "BundleTrust": "._policy",
    "KeyRecord": "._trustlist",
    "ListedIssuer": "._trustlist",
    "TrustBundle": "._bundle",
    "TrustList": "._trustlist",
    "VerifierSettings": "._settings",
    "create_app": ".http",
    "create_router": ".http",
    "load_input": "._policy",
    "make_policy": "._policy",
    "verify": "._policy",
}

__all__ = [
    "Accreditation",
    "BundlePart",
    "BundleStatus",
    "BundleTrust",
    "KeyRecord",
    "ListedIssuer",
    "TrustBundle",
    "TrustList",
    "VerifierSettings",
    "create_app",
    "create_router",
    "load_input",
    "make_policy",
    "verify",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'verifier' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
