"""What a worker sees of a credential: holder, title, issuer, levels, dates (not public API).

Read from credentials whose proof verified when they were added (the wallet refuses forged
ones), and never giving the first element of an array a special meaning beyond display.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import skillpass
import skillpass.frameworks as frameworks
import skillpass.qr as qr
from skillpass import SkillpassError


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    """A display string from a plain string or a JSON-LD language value."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("@value"), str):
        return str(value["@value"])
    if isinstance(value, list):
        for item in value:
            found = _text(item)
            if found:
                return found
    return None


@dataclass(frozen=True, slots=True)
class Level:
    """One qualification level a credential states: framework id, its name, the level."""

    framework: str
    framework_name: str | None
    level: str

    def label(self) -> str:
        """``PH-PQF 2 (Philippine Qualifications Framework)``; the id alone when unknown."""
        name = f" ({self.framework_name})" if self.framework_name else ""
        return f"{self.framework} {self.level}{name}"


@dataclass(frozen=True, slots=True)
class Summary:
    """The facts a list or a table shows of one credential."""

    title: str | None
    holder: str | None
    subject_id: str | None
    issuer_id: str | None
    issuer_name: str | None
    types: tuple[str, ...]
    levels: tuple[Level, ...]
    skills: tuple[str, ...]
    valid_from: str | None
    valid_until: str | None
    description: str | None
    verified: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON form (stored inside the encrypted record)."""
        return {
            "title": self.title,
            "holder": self.holder,
            "subject_id": self.subject_id,
            "issuer_id": self.issuer_id,
            "issuer_name": self.issuer_name,
            "types": list(self.types),
            "levels": [[lv.framework, lv.level] for lv in self.levels],
            "skills": list(self.skills),
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "description": self.description,
            "verified": self.verified,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Summary:
        """Undo :meth:`to_dict` (``TypeError``/``KeyError``/``ValueError`` when malformed)."""

        def opt(name: str) -> str | None:
            value = data.get(name)
            if value is not None and not isinstance(value, str):
                raise TypeError(name)
            return value

        return cls(
            title=opt("title"),
            holder=opt("holder"),
            subject_id=opt("subject_id"),
            issuer_id=opt("issuer_id"),
            issuer_name=opt("issuer_name"),
            types=tuple(str(t) for t in data["types"]),
            levels=tuple(_level(str(fw), str(lv)) for fw, lv in data["levels"]),
            skills=tuple(str(t) for t in data["skills"]),
            valid_from=opt("valid_from"),
            valid_until=opt("valid_until"),
            description=opt("description"),
            verified=bool(data.get("verified")),
        )

    def search_text(self) -> str:
        """Everything ``search(text=…)`` looks in, normalised for matching."""
        parts = [
            self.title,
            self.holder,
            self.issuer_name,
            self.issuer_id,
            self.description,
            *self.types,
            *self.skills,
            *(level.label() for level in self.levels),
        ]
        return fold(" \n ".join(p for p in parts if p))


def fold(text: str) -> str:
    """Case- and compatibility-insensitive form for matching (any script)."""
    return unicodedata.normalize("NFKC", text).casefold()


def _pick(texts: Iterable[Any]) -> str | None:
    """One string of a multilingual value: untagged, else English, else the first by tag."""
    items = sorted(texts, key=lambda t: (t.language or "", t.value))
    for wanted in (None, "en"):
        for item in items:
            if (item.language or None) == wanted or (
                wanted and (item.language or "").lower().startswith(wanted)
            ):
                return str(item.value)
    return str(items[0].value) if items else None


def _date(values: Iterable[datetime], *, latest: bool) -> str | None:
    ordered = sorted(values)
    if not ordered:
        return None
    chosen = ordered[-1] if latest else ordered[0]
    return chosen.astimezone(UTC).isoformat().replace("+00:00", "Z")


def from_report(report: skillpass.VerificationReport, credential: dict[str, Any]) -> Summary:
    """The display facts, read from what the proof covers (the checked view) when the proof
    verified; else from the JSON, marked ``verified=False``."""
    checked = report.checked
    if checked is None:
        return replace(summarize(credential), verified=False)
    view = checked.view
    title = _pick(view.name)
    holder = subject_id = description = None
    types = list(view.type_names)
    skills: list[str] = []
    for subject in view.subjects:
        subject_id = subject_id or subject.id
        names = subject.holder_names
        holder = holder or (names[0] if names else None)
        for achievement in subject.achievements:
            title = title or _pick(achievement.name)
            description = description or _pick(achievement.description)
            if achievement.achievement_type and achievement.achievement_type not in types:
                types.append(achievement.achievement_type)
            for alignment in achievement.alignments:
                if alignment.target_type in _SKILL_TYPES and (name := _pick(alignment.name)):
                    skills.append(name)
    return Summary(
        title=title,
        holder=holder,
        subject_id=subject_id,
        issuer_id=view.issuer,
        issuer_name=_pick(view.issuer_name),
        types=tuple(types),
        levels=tuple(_level(fw, lv) for fw, lv in view.levels),
        skills=tuple(skills),
        valid_from=_date(view.valid_from, latest=True),
        valid_until=_date(view.valid_until, latest=False),
        description=description,
    )


_SKILL_TYPES = ("ceasn:Competency", "ext:Skill")


def summarize(credential: dict[str, Any]) -> Summary:
    """The display facts of ``credential`` read from its JSON (for one whose proof could not
    be checked; nothing here is relied on by a check)."""
    issuer = credential.get("issuer")
    issuer_id = issuer if isinstance(issuer, str) else None
    issuer_name = None
    if isinstance(issuer, dict):
        issuer_id = issuer.get("id") if isinstance(issuer.get("id"), str) else None
        issuer_name = _text(issuer.get("name"))
    holder = subject_id = title = description = None
    skills: list[str] = []
    types = [t for t in _as_list(credential.get("type")) if isinstance(t, str)]
    for subject in _as_list(credential.get("credentialSubject")):
        if not isinstance(subject, dict):
            continue
        if subject_id is None and isinstance(subject.get("id"), str):
            subject_id = subject["id"]
        holder = holder or _text(subject.get("name"))
        for ident in _as_list(subject.get("identifier")):
            if (
                isinstance(ident, dict)
                and ident.get("identityType") == "name"
                and ident.get("hashed") is False
            ):
                holder = holder or _text(ident.get("identityHash"))
        for achievement in _as_list(subject.get("achievement")):
            if not isinstance(achievement, dict):
                continue
            title = title or _text(achievement.get("name"))
            description = description or _text(achievement.get("description"))
            kind = achievement.get("achievementType")
            if isinstance(kind, str) and kind not in types:
                types.append(kind)
            for alignment in _as_list(achievement.get("alignment")):
                if isinstance(alignment, dict) and alignment.get("targetType") in _SKILL_TYPES:
                    name = _text(alignment.get("targetName"))
                    if name:
                        skills.append(name)
    title = _text(credential.get("name")) or title
    description = description or _text(credential.get("description"))
    levels: tuple[Level, ...] = ()  # levels are shown only from a verified proof
    valid_from = credential.get("validFrom", credential.get("issuanceDate"))
    valid_until = credential.get("validUntil", credential.get("expirationDate"))
    return Summary(
        title=title,
        holder=holder,
        subject_id=subject_id,
        issuer_id=issuer_id,
        issuer_name=issuer_name,
        types=tuple(types),
        levels=levels,
        skills=tuple(skills),
        valid_from=valid_from if isinstance(valid_from, str) else None,
        valid_until=valid_until if isinstance(valid_until, str) else None,
        description=description,
    )


@functools.lru_cache(maxsize=1024)
def _level(framework: str, level: str) -> Level:
    try:
        found = frameworks.get_framework(framework)
    except SkillpassError:
        return Level(framework, None, level)
    return Level(found.id, found.name, level)


def fits_qr(credential: dict[str, Any]) -> bool:
    """Whether the credential fits one QR code within the SkillPass budget."""
    try:
        qr.encode(credential)
    except SkillpassError:
        return False
    return True
