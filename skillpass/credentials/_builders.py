"""Open Badges 3.0 credentials from the input models (not public API).

Every property written here is a term of the VC 2.0 or OB 3.0.3 context *in the place it is
written* (OB terms are scoped to their types: ``creditsEarned`` exists only on an
``AchievementSubject``, ``creditsAvailable`` only on an ``Achievement``), because the verifier
rejects undefined terms. ``tests/skillpass/test_credentials.py`` checks this with pyld.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final, TypeVar

from .. import _vocab as vocab
from .._contexts import CREDENTIALS_V2, OB_V3
from .._dates import format_datetime
from .._schemas import validate_credential_schemas
from ..errors import MalformedValueError
from ._fields import check_iri
from ._identity import hash_identifier
from ._models import (
    INPUT_ERROR_CODE,
    EscoSkill,
    FrameworkLevel,
    Holder,
    IscedField,
    Issuer,
    LanguageProficiencyInput,
    QualificationInput,
    SkillInput,
    WorkExperienceInput,
    _CredentialInput,
    as_utc,
)

__all__ = [
    "CredentialInput",
    "build_credential",
    "build_language_proficiency",
    "build_qualification",
    "build_skill",
    "build_work_experience",
]

CredentialInput = QualificationInput | SkillInput | WorkExperienceInput | LanguageProficiencyInput
_Model = TypeVar("_Model", bound=_CredentialInput)

# Alignment targetType values and URLs: the one vocabulary the view and the checks read too.
_LEVEL_TYPE: Final = vocab.QUALIFICATION_LEVEL
_ISCED_TYPE: Final = vocab.ISCED_F
_SKILL_TYPE: Final = vocab.COMPETENCY
_LANGUAGE_LEVEL_TYPE: Final = vocab.LANGUAGE_LEVEL
_LANGUAGE_TYPE: Final = vocab.LANGUAGE

_EQF_URL: Final = vocab.EQF_URL_PREFIX
_FRAMEWORK_URN: Final = vocab.FRAMEWORK_URN_PREFIX

# Council of Europe names of the six CEFR common reference levels.
_CEFR_NAMES: Final = {
    "A1": "Breakthrough",
    "A2": "Waystage",
    "B1": "Threshold",
    "B2": "Vantage",
    "C1": "Effective Operational Proficiency",
    "C2": "Mastery",
}


def _random_urn_uuid() -> str:
    """A fresh ``urn:uuid:`` identifier (random UUID version 4)."""
    return f"urn:uuid:{uuid.uuid4()}"


def _random_salt() -> str:
    """A fresh random salt for an identifier hash (16 URL-safe characters, 96 bits)."""
    return secrets.token_urlsafe(12)


def _timestamp(value: date) -> str:
    # Whole seconds in UTC: the form the OB examples and the QR term table expect.
    return format_datetime(as_utc(value))


def _number(value: float) -> int | float:
    # 60.0 and 60 are the same JSON number, but JSON serializers print them differently; an
    # integer keeps the JCS and plain-JSON forms identical.
    return int(value) if value.is_integer() else value


def _alignment(
    target_type: str, framework: str, name: str, url: str, code: str | None = None
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": ["Alignment"],
        "targetType": target_type,
        "targetFramework": framework,
    }
    if code is not None:
        entry["targetCode"] = code
    entry["targetName"] = name
    entry["targetUrl"] = url
    return entry


def _level_alignment(level: FrameworkLevel) -> dict[str, Any]:
    # EQF levels have official EU URIs; other frameworks have none that is stable, so they get
    # a SkillPass URN built from the framework id of docs/frameworks.md.
    if level.framework == "EQF":
        url = _EQF_URL + level.level
    else:
        url = f"{_FRAMEWORK_URN}{level.framework}:{level.level}"
    name = level.name or f"{level.framework} level {level.level}"
    return _alignment(_LEVEL_TYPE, level.framework, name, url, level.level)


def _isced_alignment(field: IscedField) -> dict[str, Any]:
    return _alignment(
        _ISCED_TYPE,
        "ISCED-F 2013",
        field.name,
        f"{_FRAMEWORK_URN}ISCED-F:{field.code}",
        field.code,
    )


def _skill_alignment(skill: EscoSkill) -> dict[str, Any]:
    return _alignment(_SKILL_TYPE, "ESCO", skill.name, skill.uri)


def _issuer(issuer: Issuer) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": issuer.id, "type": ["Profile"], "name": issuer.name}
    if issuer.url is not None:
        profile["url"] = issuer.url
    if issuer.email is not None:
        profile["email"] = issuer.email
    if issuer.country_code is not None:
        profile["address"] = {"type": ["Address"], "addressCountryCode": issuer.country_code}
    return profile


def _identifiers(holder: Holder, make_salt: Callable[[], str]) -> list[dict[str, Any]]:
    identifiers: list[dict[str, Any]] = []
    if holder.name is not None:
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": holder.name,
            }
        )
    passport = holder.passport
    if passport is not None:
        salt = passport.salt if passport.salt is not None else make_salt()
        identity_hash = passport.identity_hash
        if passport.number is not None:  # the model guarantees exactly one of the two
            identity_hash = hash_identifier(passport.number.get_secret_value(), salt)
        identifiers.append(
            {
                "type": "IdentityObject",
                # OB 3.0 has no passport identity type; `ext:` values are its extension point.
                "identityType": "ext:passportNumber",
                "hashed": True,
                "identityHash": identity_hash,
                "salt": salt,
            }
        )
    return identifiers


def _bad_option(message: str, path: str) -> MalformedValueError:
    return MalformedValueError(message, code=INPUT_ERROR_CODE, path=path)


def _status(value: Mapping[str, Any]) -> dict[str, Any]:
    # The OB 3.0 schema allows one status entry (an object, not a list), with an id and a type.
    if not isinstance(value, Mapping):
        raise _bad_option("credential_status must be one JSON object", "/credentialStatus")
    if not isinstance(value.get("type"), str) or not value["type"]:
        raise _bad_option("credential_status needs a 'type'", "/credentialStatus/type")
    status_id = value.get("id")
    try:
        check_iri(status_id if isinstance(status_id, str) else "")
        copied: dict[str, Any] = json.loads(json.dumps(value, allow_nan=False))
    except ValueError as exc:
        raise _bad_option(f"credential_status: {exc}", "/credentialStatus") from None
    except TypeError:
        raise _bad_option("credential_status is not plain JSON", "/credentialStatus") from None
    return copied


@dataclass(frozen=True, slots=True)
class _Options:
    credential_id: str
    credential_status: Mapping[str, Any] | None
    now: datetime | None
    new_id: Callable[[], str]
    new_salt: Callable[[], str]

    def credential(
        self,
        data: _CredentialInput,
        *,
        name: str,
        achievement: dict[str, Any],
        subject: dict[str, Any],
    ) -> dict[str, Any]:
        """Wrap an Achievement and subject fields into a complete, schema-valid credential."""
        credential_id = self.credential_id
        try:
            check_iri(credential_id)
        except ValueError as exc:
            raise _bad_option(f"credential id: {exc}", "/id") from None
        valid_from = data.valid_from
        if valid_from is None:
            now = self.now if self.now is not None else datetime.now(UTC)
            if now.tzinfo is None:
                raise TypeError("now must be a time-zone-aware datetime")
            valid_from = now
        if data.valid_until is not None and _timestamp(data.valid_until) <= _timestamp(valid_from):
            raise _bad_option("valid_until must be later than valid_from", "/valid_until")

        credential_subject: dict[str, Any] = {}
        if data.holder.id is not None:
            credential_subject["id"] = data.holder.id
        credential_subject["type"] = ["AchievementSubject"]
        identifiers = _identifiers(data.holder, self.new_salt)
        if identifiers:
            credential_subject["identifier"] = identifiers
        credential_subject.update(subject)
        credential_subject["achievement"] = achievement

        doc: dict[str, Any] = {
            "@context": [CREDENTIALS_V2, OB_V3],
            "id": credential_id,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": _issuer(data.issuer),
            "name": name,
        }
        if data.awarded_on is not None:
            doc["awardedDate"] = _timestamp(data.awarded_on)
        doc["validFrom"] = _timestamp(valid_from)
        if data.valid_until is not None:
            doc["validUntil"] = _timestamp(data.valid_until)
        doc["credentialSubject"] = credential_subject
        if self.credential_status is not None:
            doc["credentialStatus"] = _status(self.credential_status)
        # The builders promise schema-valid output; checking it costs about a millisecond.
        validate_credential_schemas(doc)
        return doc

    def achievement(
        self,
        data: _CredentialInput,
        *,
        achievement_type: str,
        name: str,
        narrative: str,
        alignments: list[dict[str, Any]],
        credits_available: float | None = None,
        field_of_study: IscedField | None = None,
    ) -> dict[str, Any]:
        achievement: dict[str, Any] = {
            "id": data.achievement_id if data.achievement_id is not None else self.new_id(),
            "type": ["Achievement"],
            "achievementType": achievement_type,
            "name": name,
            "description": data.description,
            "criteria": {"narrative": narrative},
        }
        if credits_available is not None:
            achievement["creditsAvailable"] = _number(credits_available)
        if field_of_study is not None:
            achievement["fieldOfStudy"] = f"{field_of_study.code} {field_of_study.name}"
        if data.in_language is not None:
            achievement["inLanguage"] = data.in_language
        if alignments:
            achievement["alignment"] = alignments
        return achievement


def _coerce(model: type[_Model], data: _Model | Mapping[str, Any]) -> _Model:
    if isinstance(data, model):
        return data
    if isinstance(data, Mapping):
        return model.model_validate(data)
    raise TypeError(f"expected {model.__name__} or a mapping, got {type(data).__name__}")


def _narrative(criteria: str, learning_outcomes: tuple[str, ...]) -> str:
    # OB 3.0 has no learning-outcome property; Criteria.narrative ("a narrative of what is
    # needed to earn the achievement", Markdown allowed) is where the OB spec puts such text.
    if not learning_outcomes:
        return criteria
    bullets = "\n".join(f"- {outcome}" for outcome in learning_outcomes)
    return f"{criteria}\n\nLearning outcomes:\n{bullets}"


def _qualification(data: QualificationInput, options: _Options) -> dict[str, Any]:
    alignments = [_level_alignment(level) for level in data.levels]
    if data.field_of_study is not None:
        alignments.append(_isced_alignment(data.field_of_study))
    alignments += [_skill_alignment(skill) for skill in data.skills]
    subject: dict[str, Any] = {}
    if data.started_on is not None:
        subject["activityStartDate"] = _timestamp(data.started_on)
    if data.completed_on is not None:
        subject["activityEndDate"] = _timestamp(data.completed_on)
    if data.credits_earned is not None:
        subject["creditsEarned"] = _number(data.credits_earned)
    achievement = options.achievement(
        data,
        achievement_type=data.achievement_type,
        name=data.name,
        narrative=_narrative(data.criteria, data.learning_outcomes),
        alignments=alignments,
        credits_available=data.credits_available,
        field_of_study=data.field_of_study,
    )
    return options.credential(data, name=data.name, achievement=achievement, subject=subject)


def _skill(data: SkillInput, options: _Options) -> dict[str, Any]:
    name = data.name or data.skill.name
    alignments = [_skill_alignment(data.skill)]
    alignments += [_level_alignment(level) for level in data.levels]
    subject: dict[str, Any] = {}
    if data.completed_on is not None:
        subject["activityEndDate"] = _timestamp(data.completed_on)
    if data.credits_earned is not None:
        subject["creditsEarned"] = _number(data.credits_earned)
    achievement = options.achievement(
        data,
        achievement_type=data.achievement_type,
        name=name,
        narrative=data.criteria,
        alignments=alignments,
        credits_available=data.credits_available,
    )
    return options.credential(data, name=name, achievement=achievement, subject=subject)


def _work_experience(data: WorkExperienceInput, options: _Options) -> dict[str, Any]:
    # OB 3.0 has the pieces of an employment record on AchievementSubject: `role` ("role,
    # position, or title of the learner when ... performing the achievement") and the activity
    # dates; the Achievement is the job itself, so it carries the role as its name.
    subject: dict[str, Any] = {"activityStartDate": _timestamp(data.start_date)}
    if data.end_date is not None:
        subject["activityEndDate"] = _timestamp(data.end_date)
    subject["role"] = data.role
    narrative = data.criteria or f"Employment as {data.role}, attested by the employer."
    achievement = options.achievement(
        data,
        achievement_type=data.achievement_type,
        name=data.role,
        narrative=narrative,
        alignments=[_skill_alignment(skill) for skill in data.skills_used],
    )
    return options.credential(data, name=data.role, achievement=achievement, subject=subject)


def _language_url(code: str) -> tuple[str, str]:
    # Library of Congress publishes ISO 639-1 concept URIs; SIL, the ISO 639-3 registration
    # authority, publishes one page per three-letter code.
    if len(code) == 2:
        return "ISO 639-1", f"http://id.loc.gov/vocabulary/iso639-1/{code}"
    return "ISO 639-3", f"https://iso639-3.sil.org/code/{code}"


def _language_proficiency(data: LanguageProficiencyInput, options: _Options) -> dict[str, Any]:
    level = data.cefr_level
    name = data.name or f"{data.language_name} {level}"
    framework, language_url = _language_url(data.language)
    alignments = [
        _alignment(
            _LANGUAGE_LEVEL_TYPE,
            "CEFR",
            f"CEFR {level} ({_CEFR_NAMES[level]})",
            f"{_FRAMEWORK_URN}CEFR:{level}",
            level,
        ),
        _alignment(_LANGUAGE_TYPE, framework, data.language_name, language_url, data.language),
    ]
    subject: dict[str, Any] = {}
    if data.assessed_on is not None:
        subject["activityEndDate"] = _timestamp(data.assessed_on)
    achievement = options.achievement(
        data,
        achievement_type=data.achievement_type,
        name=name,
        narrative=data.criteria,
        alignments=alignments,
    )
    return options.credential(data, name=name, achievement=achievement, subject=subject)


def _options(
    credential_id: str | None,
    credential_status: Mapping[str, Any] | None,
    now: datetime | None,
    new_id: Callable[[], str],
    new_salt: Callable[[], str],
) -> _Options:
    # The credential id is drawn before any Achievement id, so injected sequences read in
    # document order.
    if credential_id is None:
        credential_id = new_id()
    return _Options(credential_id, credential_status, now, new_id, new_salt)


def build_qualification(
    data: QualificationInput | Mapping[str, Any],
    *,
    credential_id: str | None = None,
    credential_status: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    new_id: Callable[[], str] = _random_urn_uuid,
    new_salt: Callable[[], str] = _random_salt,
) -> dict[str, Any]:
    """Build an unsigned ``OpenBadgeCredential`` for a qualification.

    ``data`` is a :class:`QualificationInput` or a mapping with its fields. ``credential_id``
    defaults to ``new_id()`` (a fresh ``urn:uuid:``), which also names an Achievement without
    ``achievement_id``; ``credential_status`` (one status entry, e.g. a
    ``BitstringStatusListEntry``) is copied in as given; ``now`` is ``validFrom`` when the
    input has none; ``new_salt()`` salts a passport number given without a salt.

    The result is plain JSON (str, int, float, bool, list, dict) that validates against the
    VC DM 2.0 and Open Badges 3.0 JSON Schemas. Bad input raises
    :class:`~skillpass.errors.MalformedValueError` (code ``invalid_credential_input``).
    """
    options = _options(credential_id, credential_status, now, new_id, new_salt)
    return _qualification(_coerce(QualificationInput, data), options)


def build_skill(
    data: SkillInput | Mapping[str, Any],
    *,
    credential_id: str | None = None,
    credential_status: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    new_id: Callable[[], str] = _random_urn_uuid,
    new_salt: Callable[[], str] = _random_salt,
) -> dict[str, Any]:
    """Build an unsigned ``OpenBadgeCredential`` for one ESCO-aligned skill or micro-credential.

    Options as for :func:`build_qualification`.
    """
    options = _options(credential_id, credential_status, now, new_id, new_salt)
    return _skill(_coerce(SkillInput, data), options)


def build_work_experience(
    data: WorkExperienceInput | Mapping[str, Any],
    *,
    credential_id: str | None = None,
    credential_status: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    new_id: Callable[[], str] = _random_urn_uuid,
    new_salt: Callable[[], str] = _random_salt,
) -> dict[str, Any]:
    """Build an unsigned, employer-issued ``OpenBadgeCredential`` for work experience.

    Options as for :func:`build_qualification`.
    """
    options = _options(credential_id, credential_status, now, new_id, new_salt)
    return _work_experience(_coerce(WorkExperienceInput, data), options)


def build_language_proficiency(
    data: LanguageProficiencyInput | Mapping[str, Any],
    *,
    credential_id: str | None = None,
    credential_status: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    new_id: Callable[[], str] = _random_urn_uuid,
    new_salt: Callable[[], str] = _random_salt,
) -> dict[str, Any]:
    """Build an unsigned ``OpenBadgeCredential`` for a CEFR language level.

    Options as for :func:`build_qualification`.
    """
    options = _options(credential_id, credential_status, now, new_id, new_salt)
    return _language_proficiency(_coerce(LanguageProficiencyInput, data), options)


def build_credential(
    data: CredentialInput,
    *,
    credential_id: str | None = None,
    credential_status: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    new_id: Callable[[], str] = _random_urn_uuid,
    new_salt: Callable[[], str] = _random_salt,
) -> dict[str, Any]:
    """Build the credential for any of the four input models (handy for mixed batches).

    Options as for :func:`build_qualification`.
    """
    options = _options(credential_id, credential_status, now, new_id, new_salt)
    if isinstance(data, QualificationInput):
        return _qualification(data, options)
    if isinstance(data, SkillInput):
        return _skill(data, options)
    if isinstance(data, WorkExperienceInput):
        return _work_experience(data, options)
    if isinstance(data, LanguageProficiencyInput):
        return _language_proficiency(data, options)
    raise TypeError(f"not a credential input model: {type(data).__name__}")
