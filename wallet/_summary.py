"""What a worker sees of a credential: holder, title, issuer, levels, dates (not public API).

Read from credentials whose proof verified when they were added (the wallet refuses forged
ones), and never giving the first element of an array a special meaning beyond display.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

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


def summarize(credential: dict[str, Any]) -> Summary:
    """The display facts of ``credential``."""
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
                if isinstance(alignment, dict) and alignment.get("targetType") in (
                    "ceasn:Competency",
                    "ext:Skill",
                ):
                    name = _text(alignment.get("targetName"))
                    if name:
                        skills.append(name)
    title = _text(credential.get("name")) or title
    description = description or _text(credential.get("description"))
    levels = tuple(_level(fw, lv) for fw, lv in frameworks.credential_levels(credential))
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
