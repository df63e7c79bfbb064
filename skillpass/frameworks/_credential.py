"""Reading qualification-level alignments out of an Open Badges 3.0 credential."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from skillpass.errors import SkillpassError

from ._compare import compare
from ._data import resolve

QUALIFICATION_LEVEL = "ext:QualificationLevel"
# Any level number: a level the EQF does not have is reported (invalid_level), not skipped.
_EQF_URL = re.compile(r"^https?://data\.europa\.eu/snb/eqf/([0-9]+)$")
_SKILLPASS_URN = re.compile(r"^urn:skillpass:framework:([A-Za-z0-9-]+):([A-Za-z0-9.+]+)$")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _level_of(alignment: dict[str, Any]) -> tuple[str, str] | None:
    """``(framework, level)`` if the alignment names a qualification level, else ``None``."""
    target_type = alignment.get("targetType")
    framework = alignment.get("targetFramework")
    code = alignment.get("targetCode")
    if target_type == QUALIFICATION_LEVEL and framework is not None and code is not None:
        # A malformed framework is reported as unknown rather than silently skipped.
        return str(framework), str(code)
    url = alignment.get("targetUrl")
    if not isinstance(url, str):
        return None
    if match := _EQF_URL.match(url):
        return "EQF", match.group(1)
    # The project URN also names other classifications (ISCED-F fields of study), so it counts
    # as a level only when the alignment says so or does not say what it is.
    if target_type in (None, QUALIFICATION_LEVEL) and (match := _SKILLPASS_URN.match(url)):
        return match.group(1), match.group(2)
    return None


def level_alignments(credential: Any) -> Iterator[tuple[str, str]]:
    """Every distinct qualification-level alignment of the credential's achievement(s)."""
    seen: set[tuple[str, str]] = set()
    if not isinstance(credential, dict):
        return
    for subject in _as_list(credential.get("credentialSubject")):
        if not isinstance(subject, dict):
            continue
        for achievement in _as_list(subject.get("achievement")):
            if not isinstance(achievement, dict):
                continue
            for alignment in _as_list(achievement.get("alignment")):
                found = _level_of(alignment) if isinstance(alignment, dict) else None
                if found is not None and found not in seen:
                    seen.add(found)
                    yield found


def compare_credential(credential: dict[str, Any], to_framework: str) -> list[dict[str, Any]]:
    """See :func:`skillpass.frameworks.compare_credential`."""
    target = resolve(to_framework).id  # an unknown target is the caller's error: raise
    out: list[dict[str, Any]] = []
    for framework, level in level_alignments(credential):
        entry: dict[str, Any] = {"alignment": {"framework": framework, "level": level}}
        try:
            entry.update(compare(framework, level, target).to_dict())
        except SkillpassError as exc:
            entry.update(error=exc.code, message=exc.message)
        out.append(entry)
    return out
