"""What a verification says it verified: the summary, the identity check and the level
comparison, all read from a :class:`~skillpass._view.CheckedCredential` (not public API)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from . import _vocab as v
from ._dates import format_datetime
from ._view import CheckedCredential, Text

if TYPE_CHECKING:
    from ._policy import TrustDecision
    from ._report import VerificationReport

__all__ = ["credential_summary", "identity_result", "level_comparisons", "pick_text"]

IdentityResult = Literal["match", "no_match", "not_present", "not_checked"]


def pick_text(texts: Iterable[Text], language: str | None = None) -> str | None:
    """One string of a multilingual value: the reader's language (``pt-BR``, then ``pt``), else
    an untagged value, else English, else the first by language tag (never "the first in the
    JSON")."""
    if type(texts) is tuple and len(texts) < 2:
        # One value or none (most names): whatever the reader's language, that value.
        return texts[0].value if texts else None
    items = sorted(texts, key=lambda t: (t.language or "", t.value))
    if not items:
        return None
    primary = language.split("-")[0] if language else None
    for wanted in (language, primary, None, "en"):
        for item in items:
            tag = (item.language or "").lower()
            if wanted is None and item.language is None:
                return item.value
            if wanted and (tag == wanted.lower() or tag.startswith(wanted.lower() + "-")):
                return item.value
    return items[0].value


def credential_summary(
    checked: CheckedCredential, decision: TrustDecision | None, language: str | None = None
) -> dict[str, Any]:
    """Holder, achievement, issuer, levels and dates of a verified credential; names in the
    reader's ``language`` (a BCP 47 tag) when the credential gives them in it."""
    view = checked.view

    trusted_name = decision.name if decision is not None else None
    issuer_name = trusted_name or pick_text(view.issuer_name, language)
    source = "trust_list" if trusted_name else "self_asserted" if issuer_name else None
    subjects = []
    achievements = []
    levels = []
    for subject in view.subjects:
        names = subject.holder_names
        subjects.append(
            {
                "id": subject.id,
                "name": pick_text(subject.name, language)
                or (names[0] if len(names) == 1 else None),
                "names": list(names),
                "completed": format_datetime(subject.completed) if subject.completed else None,
            }
        )
        for achievement in subject.achievements:
            achievements.append(
                {
                    "id": achievement.id,
                    "name": pick_text(achievement.name, language) or pick_text(view.name, language),
                    "type": achievement.achievement_type,
                    "field_of_study": pick_text(achievement.field_of_study, language),
                }
            )
            for alignment in achievement.alignments:
                level = alignment.level
                if level is not None:
                    levels.append(
                        {
                            "framework": level[0],
                            "level": level[1],
                            "label": pick_text(alignment.name, language),
                        }
                    )
    return {
        "types": list(view.type_names),
        "name": pick_text(view.name, language),
        "subjects": subjects,
        "achievements": achievements,
        "issuer": {"id": view.issuer, "name": issuer_name, "name_source": source},
        "levels": _unique(levels),
        "awarded": format_datetime(view.awarded) if view.awarded else None,
        "valid_from": _date(view.valid_from, latest=True),
        "valid_until": _date(view.valid_until, latest=False),
    }


def _unique(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for item in items:
        seen.setdefault(tuple(item.values()), item)
    return list(seen.values())


def _date(values: Iterable[Any], *, latest: bool) -> str | None:
    # The binding bound: the latest start and the earliest end (all of them must hold).
    ordered = sorted(values)
    if not ordered:
        return None
    return format_datetime(ordered[-1] if latest else ordered[0])


def identity_result(report: VerificationReport, number: str) -> IdentityResult:
    """Whether a passport or ID number matches the credential's salted hash.

    ``not_checked`` when the credential did not verify (its hash proves nothing then),
    ``not_present`` when it binds no ID number.
    """
    if report.checked is None:
        return "not_checked"
    from .credentials._identity import check_identifier
    from .errors import SkillpassError

    candidates = [
        identity
        for subject in report.checked.view.subjects
        for identity in subject.identifiers
        if identity.identity_type in v.ID_NUMBER_TYPES
    ]
    if not candidates:
        return "not_present"
    for identity in candidates:
        record = {
            "hashed": identity.hashed,
            "identityHash": identity.identity_hash,
            "salt": identity.salt or "",
        }
        try:
            if check_identifier(record, number):
                return "match"
        except SkillpassError:
            continue  # a malformed identity object matches nothing
    return "no_match"


def level_comparisons(report: VerificationReport, targets: Iterable[str]) -> dict[str, Any]:
    """Report extras: each level of a verified credential compared with each target framework.

    Levels are read only from a credential whose proof verified: a forged level is never shown
    next to a real comparison.
    """
    if report.checked is None:
        return {
            "frameworks": [],
            "frameworks_skipped": "not compared: the proof did not verify, so the levels the "
            "credential states cannot be trusted",
        }
    from .frameworks import compare_levels

    out: list[dict[str, Any]] = []
    for target in targets:
        out += compare_levels(report.checked.view.levels, target)
    return {"frameworks": out}
