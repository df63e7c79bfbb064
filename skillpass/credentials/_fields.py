"""Validated field types shared by the credential input models (not public API).

Every value here ends up inside a signed JSON-LD document. pyld silently drops invalid IRIs and
undefined terms from the canonical form (so a signature would not cover them), which is why IRIs,
codes and dates are checked strictly here, before anything is built.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Final

from pydantic import AfterValidator, StringConstraints

from .._canon import is_absolute_iri

__all__ = [
    "ACHIEVEMENT_TYPES",
    "AchievementTypeStr",
    "FrameworkId",
    "Instant",
    "Iri",
    "LevelLabel",
    "LongText",
    "ShortText",
    "check_iri",
]

# The `achievementType` enumeration of the Open Badges 3.0 JSON Schema; anything else must be an
# extension value (`ext:` prefix), exactly as the schema allows.
ACHIEVEMENT_TYPES: Final = frozenset(
    {
        "Achievement",
        "ApprenticeshipCertificate",
        "Assessment",
        "Assignment",
        "AssociateDegree",
        "Award",
        "Badge",
        "BachelorDegree",
        "Certificate",
        "CertificateOfCompletion",
        "Certification",
        "CommunityService",
        "Competency",
        "Course",
        "CoCurricular",
        "Degree",
        "Diploma",
        "DoctoralDegree",
        "Fieldwork",
        "GeneralEducationDevelopment",
        "JourneymanCertificate",
        "LearningProgram",
        "License",
        "Membership",
        "ProfessionalDoctorate",
        "QualityAssuranceCredential",
        "MasterCertificate",
        "MasterDegree",
        "MicroCredential",
        "ResearchDoctorate",
        "SecondarySchoolDiploma",
    }
)
# The schema's own pattern is unanchored; anchoring it keeps values readable and IRI-free.
_EXTENSION = re.compile(r"ext:[A-Za-z0-9._-]+")

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# Characters that RFC 3987 never allows in an IRI (whitespace, controls, delimiters).
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20\x7f-\x9f<>"{}|\\^`]')
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# did:<method>:<method-specific-id> (DID Core §3.1), then an optional path, query or fragment.
_DID_CHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
_DID = re.compile(rf"did:[a-z0-9]+:(?:{_DID_CHAR}*:)*{_DID_CHAR}+(?:[/?#].*)?")
_MAX_IRI = 2048

# National frameworks carry an ISO 3166 prefix (DE-DQR, UK-SCT-SCQF, SA-NQF-KSA); the
# meta-frameworks and ISCED have fixed ids (docs/frameworks.md, section 1.1).
_FRAMEWORK_ID = re.compile(r"[A-Z]{2}(-[A-Z0-9]+)+|EQF|AQRF|ACQF|SADCQF|ISCED-2011")
# Level labels ("4", "4+", "E3", "entry") become part of an IRI (`urn:skillpass:framework:…`),
# so they are restricted to characters that need no escaping there.
_LEVEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9+._-]{0,31}")
# Text may span lines (narratives) but must not smuggle other control characters.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def check_iri(value: str) -> str:
    """Accept only absolute, well-formed IRIs (pyld drops anything else from the signed data).

    The safety rules' IRI check (``is_absolute_iri``), which signing and verifying apply, and
    on top of it what the builders promise about what they write: a length bound, no C1
    controls, valid percent-escapes, a host in http(s) IRIs, well-formed DIDs.
    """
    if not is_absolute_iri(value):
        raise ValueError("not an absolute IRI (expected scheme:…, e.g. https://… or did:…)")
    if len(value) > _MAX_IRI:
        raise ValueError(f"IRI longer than {_MAX_IRI} characters")
    if _IRI_FORBIDDEN.search(value):
        raise ValueError("IRI contains whitespace, control or forbidden characters")
    if _BAD_PERCENT.search(value):
        raise ValueError("IRI contains a malformed percent-escape")
    scheme = _SCHEME.match(value)
    if scheme is None or scheme.end() == len(value):
        raise ValueError("not an absolute IRI (expected scheme:…, e.g. https://… or did:…)")
    name = scheme.group()[:-1].lower()
    rest = value[scheme.end() :]
    if name in ("http", "https"):
        host = rest[2:].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        if not rest.startswith("//") or not host.rsplit("@", 1)[-1]:
            raise ValueError("http(s) IRI without a host")
    elif name == "did" and not _DID.fullmatch(value):
        raise ValueError("malformed DID")
    return value


def _check_text(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("text contains control characters")
    return unicodedata.normalize("NFC", value)


def _check_framework(value: str) -> str:
    if not _FRAMEWORK_ID.fullmatch(value):
        raise ValueError(
            "unknown framework id form (expected e.g. EQF, AQRF, ISCED-2011, PH-PQF, DE-DQR)"
        )
    return value


def _check_level(value: str) -> str:
    if not _LEVEL.fullmatch(value):
        raise ValueError("level label must be 1-32 letters, digits or + . _ - (e.g. 4, 4+, E3)")
    return value


def _check_achievement_type(value: str) -> str:
    if value not in ACHIEVEMENT_TYPES and not _EXTENSION.fullmatch(value):
        raise ValueError(
            "not an Open Badges 3.0 achievementType (use a value of the OB enumeration, "
            "e.g. Certificate, Diploma, Competency, or an extension such as ext:WorkExperience)"
        )
    return value


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("date-time must carry a time zone (e.g. 2026-03-14T00:00:00Z)")
    return value


Iri = Annotated[str, AfterValidator(check_iri)]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_check_text),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=5000),
    AfterValidator(_check_text),
]
FrameworkId = Annotated[str, AfterValidator(_check_framework)]
LevelLabel = Annotated[str, AfterValidator(_check_level)]
AchievementTypeStr = Annotated[str, AfterValidator(_check_achievement_type)]
Instant = Annotated[datetime, AfterValidator(_aware)]
