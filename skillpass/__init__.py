"""SkillPass: a portable digital skills passport built on W3C Verifiable Credentials.

Quick start::

    import skillpass

    key = skillpass.KeyPair.generate()
    credential["issuer"]["id"] = key.did
    signed = skillpass.sign_credential(credential, key)
    report = skillpass.verify_credential(signed)
    print(report.status, [c.to_dict() for c in report.checks])

Public functions raise :class:`SkillpassError` (or a subclass) with a stable ``code`` on bad
input; ``verify_*`` return a :class:`VerificationReport` instead of raising.
"""

from typing import TYPE_CHECKING, Any

from .errors import SkillpassError

if TYPE_CHECKING:
    from ._canon import (
        Limits,
    )
    from ._dates import (
        parse_datetime,
    )
    from ._did import (
        DidResolver,
        OfflineResolver,
        WebKey,
        did_key_document,
        did_web_document,
    )
    from ._ecdsa import (
        EcdsaKeyPair,
        EcPublicKey,
    )
    from ._jsonio import (
        parse_json,
        types_of,
    )
    from ._keys import (
        KeyPair,
        PublicKey,
    )
    from ._policy import (
        NoStatusLists,
        NoTrustConfigured,
        StatusChecker,
        StatusDecision,
        TrustDecision,
        TrustedIssuers,
        TrustPolicy,
        VerificationPolicy,
    )
    from ._report import (
        Check,
        VerificationReport,
        printable,
    )
    from ._verify import (
        sign_credential,
        sign_presentation,
        verify_credential,
        verify_presentation,
    )
    from ._view import (
        AchievementView,
        AlignmentView,
        CheckedCredential,
        CheckedPresentation,
        CredentialView,
        IdentityView,
        PresentationView,
        ProofView,
        StatusEntry,
        SubjectView,
        Text,
    )

# Names are imported on first use (PEP 562), so `import skillpass.errors` or the CLI's
# `--help` do not pay for JSON-LD, cryptography and JSON Schema before they need them.
_LAZY = {
    "Limits": "._canon",
    "DidResolver": "._did",
    "OfflineResolver": "._did",
    "WebKey": "._did",
    "did_key_document": "._did",
    "did_web_document": "._did",
    "EcdsaKeyPair": "._ecdsa",
    "EcPublicKey": "._ecdsa",
    "KeyPair": "._keys",
    "PublicKey": "._keys",
    "NoStatusLists": "._policy",
    "NoTrustConfigured": "._policy",
    "StatusChecker": "._policy",
    "StatusDecision": "._policy",
    "TrustDecision": "._policy",
    "TrustedIssuers": "._policy",
    "TrustPolicy": "._policy",
    "VerificationPolicy": "._policy",
    "Check": "._report",
    "VerificationReport": "._report",
    "printable": "._report",
    "sign_credential": "._verify",
    "sign_presentation": "._verify",
    "verify_credential": "._verify",
    "verify_presentation": "._verify",
    "AchievementView": "._view",
    "AlignmentView": "._view",
    "CheckedCredential": "._view",
    "CheckedPresentation": "._view",
    "CredentialView": "._view",
    "IdentityView": "._view",
    "PresentationView": "._view",
    "ProofView": "._view",
    "StatusEntry": "._view",
    "SubjectView": "._view",
    "Text": "._view",
    "parse_datetime": "._dates",
    "parse_json": "._jsonio",
    "types_of": "._jsonio",
}

__all__ = [
    "AchievementView",
    "AlignmentView",
    "Check",
    "CheckedCredential",
    "CheckedPresentation",
    "CredentialView",
    "DidResolver",
    "EcPublicKey",
    "EcdsaKeyPair",
    "IdentityView",
    "KeyPair",
    "Limits",
    "NoStatusLists",
    "NoTrustConfigured",
    "OfflineResolver",
    "PresentationView",
    "ProofView",
    "PublicKey",
    "SkillpassError",
    "StatusChecker",
    "StatusDecision",
    "StatusEntry",
    "SubjectView",
    "Text",
    "TrustDecision",
    "TrustPolicy",
    "TrustedIssuers",
    "VerificationPolicy",
    "VerificationReport",
    "WebKey",
    "did_key_document",
    "did_web_document",
    "parse_datetime",
    "parse_json",
    "printable",
    "sign_credential",
    "sign_presentation",
    "types_of",
    "verify_credential",
    "verify_presentation",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'skillpass' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
