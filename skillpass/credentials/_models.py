"""Pydantic input models for the credentials SkillPass issues (not public API).

The models describe what an issuer knows (names, levels, skills, dates); the builders in
``_builders.py`` turn them into Open Badges 3.0 JSON. Bad input never surfaces as a pydantic
``ValidationError``: it is translated at this boundary into
:class:`~skillpass.errors.MalformedValueError` with code ``invalid_credential_input``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    SecretStr,
    SerializationInfo,
    StringConstraints,
    ValidationError,
    model_validator,
)

from ..errors import MalformedValueError
from ._fields import (
    AchievementTypeStr,
    FrameworkId,
    Instant,
    Iri,
    LevelLabel,
    LongText,
    ShortText,
)
from ._identity import normalize_identifier

__all__ = [
    "INPUT_ERROR_CODE",
    "CefrLevel",
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
    "input_error",
]

INPUT_ERROR_CODE = "invalid_credential_input"
_MAX_REPORTED_ERRORS = 3

CefrLevel = Literal["A1", "A2", "B1", "B2", "C1", "C2"]

# pydantic's `pattern` searches (it is not anchored), hence the explicit ^…$.
_ESCO_SKILL = r"^http://data\.europa\.eu/esco/skill/[A-Za-z0-9._-]+$"
_IDENTITY_HASH = r"^sha256\$[0-9a-f]{64}$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_PASSPORT = re.compile(r"[A-Z0-9]{1,20}")
# The Open Badges 3.0 JSON Schema's own pattern for `inLanguage` (a BCP 47 subset).
_LANGUAGE_TAG = r"^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"


def input_error(exc: ValidationError) -> MalformedValueError:
    """Translate a pydantic error into the project's error, naming the first few problems.

    Input values are deliberately left out of the message: they may be passport numbers.
    """
    errors = exc.errors(include_url=False, include_input=False)
    parts = []
    for error in errors[:_MAX_REPORTED_ERRORS]:
        where = ".".join(str(part) for part in error["loc"]) or "input"
        parts.append(f"{where}: {error['msg']}")
    more = len(errors) - _MAX_REPORTED_ERRORS
    if more > 0:
        parts.append(f"and {more} more")
    first = errors[0]["loc"] if errors else ()
    path = "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in first)
    return MalformedValueError(
        "invalid credential input: " + "; ".join(parts), code=INPUT_ERROR_CODE, path=path
    )


class _Input(BaseModel):
    """Strict, immutable input: unknown fields are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise input_error(exc) from None

    # Tell pydantic this __init__ only wraps the base one (as RootModel does), so nested models
    # are validated inside the outer validation and errors keep their full location.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, *args: Any, **kwargs: Any) -> Self:
        """Like :meth:`pydantic.BaseModel.model_validate`, raising ``MalformedValueError``."""
        try:
            return super().model_validate(*args, **kwargs)
        except ValidationError as exc:
            raise input_error(exc) from None

    @classmethod
    def model_validate_json(cls, *args: Any, **kwargs: Any) -> Self:
        """Like :meth:`pydantic.BaseModel.model_validate_json`, raising ``MalformedValueError``."""
        try:
            return super().model_validate_json(*args, **kwargs)
        except ValidationError as exc:
            raise input_error(exc) from None


def _parse_day_or_instant(value: object) -> date:
    # One validator instead of a `date | datetime` union: pydantic's union would read
    # "2026-02-27" as a naive datetime and report errors under internal union tags.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    parsed: datetime | None = None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise ValueError("expected a date (YYYY-MM-DD) or a date-time with time zone")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("date-time must carry a time zone (e.g. 2026-03-14T00:00:00Z)")
    return parsed


def _serialize_day_or_instant(value: date, info: SerializationInfo) -> date | str:
    return value.isoformat() if info.mode_is_json() else value


# A calendar date (read as 00:00:00Z) or a time-zone-aware date-time.
DayOrInstant = Annotated[
    date,
    PlainValidator(_parse_day_or_instant, json_schema_input_type=date | datetime),
    # pydantic's date serializer would warn about datetime values, so both kinds are handled here.
    PlainSerializer(_serialize_day_or_instant, return_type=Any),
]

Credits = Annotated[float, Field(ge=0, le=10_000, allow_inf_nan=False, strict=True)]


def as_utc(value: date) -> datetime:
    """A date or aware date-time as an aware UTC date-time (dates start at 00:00:00Z)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.combine(value, time(0, 0), tzinfo=UTC)


class Issuer(_Input):
    """The issuing organisation: becomes the OB 3.0 ``Profile`` in ``issuer``.

    ``id`` is the DID (``did:web`` for institutes) or URL the credential is signed under.
    """

    id: Iri
    name: ShortText
    url: Iri | None = None
    email: Annotated[str, StringConstraints(pattern=_EMAIL, max_length=254)] | None = None
    country_code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = Field(
        default=None, description="ISO 3166-1 alpha-2 code, e.g. PH (→ address.addressCountryCode)"
    )


class PassportNumber(_Input):
    """A passport number bound to the holder as a salted SHA-256 ``IdentityObject``.

    Give either the ``number`` (hashed here, never written out) or an ``identity_hash``
    computed earlier with :func:`hash_identifier` together with its ``salt``. Without a
    ``salt``, the builder draws a fresh random one, so credentials cannot be linked by hash.
    The number is a ``SecretStr``: reprs and dumps mask it, so a dumped model does not
    re-validate until the number is supplied again.
    """

    number: SecretStr | None = None
    identity_hash: Annotated[str, StringConstraints(pattern=_IDENTITY_HASH)] | None = None
    salt: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._~-]{8,64}$")] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.number is None) == (self.identity_hash is None):
            raise ValueError("give exactly one of number or identity_hash")
        if self.identity_hash is not None and self.salt is None:
            raise ValueError("identity_hash needs the salt it was computed with")
        if self.number is not None and not _PASSPORT.fullmatch(
            normalize_identifier(self.number.get_secret_value())
        ):
            raise ValueError("passport number must be 1-20 letters or digits")
        return self


class Holder(_Input):
    """Who the credential is about: any of a display name, a DID, a passport number."""

    name: ShortText | None = Field(default=None, description="display name (plain text)")
    id: Iri | None = Field(default=None, description="holder DID → credentialSubject.id")
    passport: PassportNumber | None = None

    @model_validator(mode="after")
    def _identified(self) -> Self:
        if self.name is None and self.id is None and self.passport is None:
            raise ValueError("a holder needs at least one of name, id or passport")
        return self


class FrameworkLevel(_Input):
    """A level in a qualifications framework, e.g. ``FrameworkLevel(framework="EQF", level="4")``.

    Framework ids follow ``docs/frameworks.md`` (``EQF``, ``AQRF``, ``PH-PQF``, ``DE-DQR``…).
    """

    framework: FrameworkId
    level: LevelLabel
    name: ShortText | None = Field(default=None, description="targetName; default '<id> level <n>'")

    @model_validator(mode="after")
    def _eqf_levels(self) -> Self:
        # EQF levels map onto the EU's published level URIs, which exist only for 1..8.
        if self.framework == "EQF" and self.level not in {str(n) for n in range(1, 9)}:
            raise ValueError("EQF levels are 1 to 8")
        return self


class EscoSkill(_Input):
    """One ESCO skill or competence, by its concept URI and preferred label."""

    uri: Annotated[Iri, StringConstraints(pattern=_ESCO_SKILL)]
    name: ShortText


class IscedField(_Input):
    """An ISCED-F 2013 field of education and training (broad, narrow or detailed)."""

    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{2,4}$")]
    name: ShortText


def _unique(items: tuple[Any, ...], key: str, what: str) -> None:
    seen = [getattr(item, key) for item in items]
    if len(seen) != len(set(seen)):
        raise ValueError(f"the same {what} is listed twice")


class _CredentialInput(_Input):
    issuer: Issuer
    holder: Holder
    description: LongText
    achievement_id: Iri | None = Field(
        default=None, description="Achievement id (IRI); a fresh urn:uuid when omitted"
    )
    in_language: Annotated[str, StringConstraints(pattern=_LANGUAGE_TAG)] | None = None
    awarded_on: Instant | None = Field(default=None, description="→ awardedDate")
    valid_from: Instant | None = Field(default=None, description="→ validFrom; default: now")
    valid_until: Instant | None = Field(default=None, description="→ validUntil")

    @model_validator(mode="after")
    def _validity(self) -> Self:
        if (
            self.valid_from is not None
            and self.valid_until is not None
            and self.valid_until <= self.valid_from
        ):
            raise ValueError("valid_until must be later than valid_from")
        return self


class QualificationInput(_CredentialInput):
    """A qualification (certificate, diploma, degree) awarded by a training institute."""

    name: ShortText
    achievement_type: AchievementTypeStr = Field(description="OB achievementType, e.g. Diploma")
    criteria: LongText = Field(description="how it was earned → achievement.criteria.narrative")
    learning_outcomes: tuple[LongText, ...] = Field(default=(), max_length=50)
    levels: tuple[FrameworkLevel, ...] = Field(default=(), max_length=10)
    field_of_study: IscedField | None = None
    skills: tuple[EscoSkill, ...] = Field(default=(), max_length=100)
    credits_available: Credits | None = None
    credits_earned: Credits | None = None
    started_on: DayOrInstant | None = Field(default=None, description="→ activityStartDate")
    completed_on: DayOrInstant | None = Field(default=None, description="→ activityEndDate")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _unique(self.levels, "framework", "framework")
        _unique(self.skills, "uri", "skill")
        if (
            self.started_on is not None
            and self.completed_on is not None
            and as_utc(self.completed_on) < as_utc(self.started_on)
        ):
            raise ValueError("completed_on is before started_on")
        return self


class SkillInput(_CredentialInput):
    """One competency (a skill badge or micro-credential), aligned to one ESCO skill."""

    skill: EscoSkill
    name: ShortText | None = Field(default=None, description="default: the skill's name")
    achievement_type: AchievementTypeStr = "Competency"
    criteria: LongText
    levels: tuple[FrameworkLevel, ...] = Field(default=(), max_length=10)
    credits_available: Credits | None = None
    credits_earned: Credits | None = None
    completed_on: DayOrInstant | None = Field(default=None, description="→ activityEndDate")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _unique(self.levels, "framework", "framework")
        return self


class WorkExperienceInput(_CredentialInput):
    """Employer-attested work experience: one entry of a skills logbook.

    The employer is the ``issuer``; ``end_date`` may be omitted for a current job.
    """

    role: ShortText
    start_date: DayOrInstant
    end_date: DayOrInstant | None = None
    skills_used: tuple[EscoSkill, ...] = Field(default=(), max_length=100)
    achievement_type: AchievementTypeStr = "ext:WorkExperience"
    criteria: LongText | None = Field(
        default=None, description="default: 'Employment as <role>, attested by the employer.'"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _unique(self.skills_used, "uri", "skill")
        if self.end_date is not None and as_utc(self.end_date) < as_utc(self.start_date):
            raise ValueError("end_date is before start_date")
        return self


class LanguageProficiencyInput(_CredentialInput):
    """A language level on the CEFR scale (A1 to C2), e.g. from a language test centre."""

    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")] = Field(
        description="ISO 639-1 (two letters) or ISO 639-3 (three letters) code, e.g. de"
    )
    language_name: ShortText
    cefr_level: CefrLevel
    name: ShortText | None = Field(default=None, description="default: '<language> <level>'")
    achievement_type: AchievementTypeStr = "Assessment"
    criteria: LongText
    assessed_on: DayOrInstant | None = Field(default=None, description="→ activityEndDate")
