"""Qualifications frameworks: level tables and indicative cross-framework comparison.

SkillPass ships one table per framework (national frameworks, the EQF, AQRF, ACQF and SADCQF
meta-frameworks, and ISCED 2011), each level link carrying its source document, date, status and
confidence. :func:`compare` answers "what does level L of framework A compare to in framework B"
with every candidate level, the path it took, and the sources along it.

A comparison is **indicative, not recognition**: it relates levels, never decides what a
particular qualification is worth (that stays with recognition offices, regulators, employers).

Example::

    >>> from skillpass.frameworks import compare
    >>> compare("IE-NFQ", "8", "EQF").candidates
    ('6',)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ._compare import compare as _compare
from ._credential import compare_credential as _compare_credential
from ._credential import compare_levels as _compare_levels
from ._data import registry, resolve
from ._model import (
    CAVEAT,
    Comparison,
    Confidence,
    Framework,
    Level,
    LevelLink,
    Referencing,
    Route,
    RouteStep,
    Source,
)

__all__ = [
    "CAVEAT",
    "Comparison",
    "Confidence",
    "Framework",
    "Level",
    "LevelLink",
    "Referencing",
    "Route",
    "RouteStep",
    "Source",
    "compare",
    "compare_credential",
    "compare_levels",
    "framework_table_version",
    "get_framework",
    "list_frameworks",
]


def list_frameworks() -> list[Framework]:
    """Every shipped framework, sorted by id."""
    frameworks = registry().frameworks
    return [frameworks[fid] for fid in sorted(frameworks)]


def get_framework(framework_id: str) -> Framework:
    """The framework with this id or alias (``GB-SCT-SCQF`` is ``UK-SCT-SCQF``), case-insensitive.

    Raises :class:`~skillpass.errors.MalformedValueError` with code ``unknown_framework``.
    """
    return resolve(framework_id)


def framework_table_version() -> str:
    """Version of the shipped framework tables (recorded by trust bundles)."""
    return registry().table_version


def compare(from_framework: str, level: str | int, to_framework: str) -> Comparison:
    """Compare a level of one framework with the levels of another.

    Returns every candidate level of ``to_framework``, each with its route (e.g.
    ``PH-PQF 5 → AQRF 5 → EQF 5 → DE-DQR 5``), its confidence (the weakest link) and the sources
    along it. Routes go through the meta-frameworks and published comparisons; ISCED 2011 is used
    only when no such route exists. Only the shortest routes are kept, strongest first. An empty
    answer has ``reason == "no_referencing"``. Comparing a framework with itself returns the level.

    ``level`` is a label (``"5"``, ``"E3"``, ``"4+"``, ``"entry"``); an int is read as its label.
    Raises :class:`~skillpass.errors.MalformedValueError` with code ``unknown_framework`` or
    ``invalid_level``.
    """
    return _compare(from_framework, level, to_framework)


def compare_levels(levels: Iterable[tuple[str, str]], to_framework: str) -> list[dict[str, Any]]:
    """Compare ``(framework, level)`` pairs (e.g. a verified credential's
    ``report.checked.view.levels``) with ``to_framework``.

    Each gives ``{"alignment": {"framework", "level"}, **comparison.to_dict()}``, or
    ``{"alignment": …, "error": code, "message": …}`` for an unknown framework or level. An
    unknown ``to_framework`` raises ``unknown_framework``.
    """
    return _compare_levels(levels, to_framework)


def compare_credential(credential: dict[str, Any], to_framework: str) -> list[dict[str, Any]]:
    """Compare each qualification-level alignment of an Open Badges 3.0 credential.

    The alignments are read from the credential's signed meaning (its JSON-LD expansion, so any
    spelling of a key counts alike); a credential that breaks the safety rules raises its
    :class:`~skillpass.errors.SkillpassError`. This does not verify anything: to compare only
    what a signature vouches for, pass ``frameworks=`` to :func:`skillpass.verify_credential`.
    Alignments are ``credentialSubject.achievement.alignment``: ``targetType``
    ``ext:QualificationLevel`` with ``targetFramework`` (a framework id) and ``targetCode`` (the
    level); an EQF ``targetUrl`` ``http://data.europa.eu/snb/eqf/<n>``; or a ``targetUrl``
    ``urn:skillpass:framework:<ID>:<level>``. Each gives
    ``{"alignment": {"framework", "level"}, **comparison.to_dict()}``; an alignment naming an
    unknown framework or level gives ``{"alignment": …, "error": code, "message": …}`` instead.
    An unknown ``to_framework`` raises ``unknown_framework``.
    """
    return _compare_credential(credential, to_framework)
