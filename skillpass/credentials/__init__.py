"""The credentials SkillPass issues, as Open Badges 3.0 ``OpenBadgeCredential`` documents.

Typed inputs go in, unsigned VC Data Model 2.0 credentials (plain JSON dicts) come out, valid
against the VC DM 2.0 and Open Badges 3.0 JSON Schemas and ready to sign::

    from skillpass.credentials import EscoSkill, Holder, Issuer, SkillInput, build_skill

    credential = build_skill(SkillInput(
        issuer=Issuer(id="did:web:rtc7.example.ph", name="Regional Training Center 7"),
        holder=Holder(name="Maria Luz Dela Cruz", passport={"number": "P1234567A"}),
        skill=EscoSkill(
            uri="http://data.europa.eu/esco/skill/9b7d5f3a-1c8e-4a6b-b2d0-8e6c4a2f0d13",
            name="apply health and safety standards",
        ),
        description="Short course on occupational safety.",
        criteria="Passed a practical test.",
    ))

Four kinds: :func:`build_qualification`, :func:`build_skill` (one competency or a
micro-credential), :func:`build_work_experience` (employer-attested) and
:func:`build_language_proficiency` (CEFR). Framework levels, the ISCED-F field and ESCO skills
become OB ``alignment`` entries; see ``docs/credentials.md`` for the whole mapping.

Bad input raises :class:`~skillpass.errors.MalformedValueError` with code
``invalid_credential_input``.
"""

from ._builders import (
    CredentialInput,
    build_credential,
    build_language_proficiency,
    build_qualification,
    build_skill,
    build_work_experience,
)
from ._identity import check_identifier, hash_identifier
from ._models import (
    CefrLevel,
    EscoSkill,
    FrameworkLevel,
    Holder,
    IscedField,
    Issuer,
    LanguageProficiencyInput,
    PassportNumber,
    QualificationInput,
    SkillInput,
    WorkExperienceInput,
)

__all__ = [
    "CefrLevel",
    "CredentialInput",
    "EscoSkill",
    "FrameworkLevel",
    "Holder",
    "IscedField",
    "Issuer",
    "LanguageProficiencyInput",
    "PassportNumber",
    "QualificationInput",
    "SkillInput",
    "WorkExperienceInput",
    "build_credential",
    "build_language_proficiency",
    "build_qualification",
    "build_skill",
    "build_work_experience",
    "check_identifier",
    "hash_identifier",
]
