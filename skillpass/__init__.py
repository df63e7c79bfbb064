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

from ._canon import Limits
from ._did import (
    DidResolver,
    OfflineResolver,
    WebKey,
    did_key_document,
    did_web_document,
)
from ._keys import KeyPair, PublicKey
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
from ._report import Check, VerificationReport
from ._verify import sign_credential, sign_presentation, verify_credential, verify_presentation
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
from .errors import SkillpassError

__all__ = [
    "AchievementView",
    "AlignmentView",
    "Check",
    "CheckedCredential",
    "CheckedPresentation",
    "CredentialView",
    "DidResolver",
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
    "sign_credential",
    "sign_presentation",
    "verify_credential",
    "verify_presentation",
]

__version__ = "0.1.0"
