"""Immutable value types of the frameworks package (re-exported by :mod:`skillpass.frameworks`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from skillpass.errors import MalformedValueError

Confidence = Literal["high", "medium", "low"]

#: Ranks used to pick the weakest link of a route and to sort routes.
CONFIDENCE_RANK: dict[str, int] = {"low": 0, "medium": 1, "high": 2}

CAVEAT = (
    "Indicative comparison of qualification levels, not recognition of a qualification: "
    "recognition decisions stay with the competent authorities (ENIC-NARIC offices, "
    "regulators, employers)."
)

NO_REFERENCING = "no_referencing"

Names = tuple[tuple[str, str], ...]
"""Names in other languages, as ``(BCP 47 tag, text)`` pairs sorted by tag."""


def pick_name(names: Names, lang: str | None) -> str | None:
    """The name for ``lang`` (``"fr"``, ``"fr-CA"``, ``"ar"``), trying the exact tag, then the
    primary language; ``None`` when the sources give no name in that language."""
    if not lang:
        return None
    wanted = lang.strip().replace("_", "-").casefold()
    by_tag = {tag.casefold(): text for tag, text in names}
    if wanted in by_tag:
        return by_tag[wanted]
    primary = wanted.split("-", 1)[0]
    if primary in by_tag:
        return by_tag[primary]
    for tag, text in names:
        if tag.casefold().split("-", 1)[0] == primary:
            return text
    return None


@dataclass(frozen=True, slots=True)
class Source:
    """A document a fact comes from: title, date (``YYYY[-MM[-DD]]`` or ``n.d.``), URL."""

    title: str
    date: str
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title, "date": self.date}
        if self.url is not None:
            out["url"] = self.url
        return out


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a framework. ``label`` is a string: ``"5"``, ``"E3"``, ``"4+"``, ``"entry"``."""

    label: str
    descriptor: str | None = None
    typical_qualifications: tuple[str, ...] = ()
    note: str | None = None
    name: str | None = None
    names: Names = ()
    version: str | None = None

    def display_name(self, lang: str | None = None) -> str | None:
        """The level's name in ``lang`` where a source gives one, else its English name (e.g.
        Ghana's ``"National Proficiency I"``); ``None`` for levels known by number only."""
        return pick_name(self.names, lang) or self.name

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label}
        if self.name is not None:
            out["name"] = self.name
        if self.names:
            out["names"] = dict(self.names)
        if self.version is not None:
            out["version"] = self.version
        if self.descriptor is not None:
            out["descriptor"] = self.descriptor
        if self.typical_qualifications:
            out["typical_qualifications"] = list(self.typical_qualifications)
        if self.note is not None:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class FormerLevel:
    """A level label that only an earlier version of the framework had (answers
    ``invalid_level`` with this note, so the reader learns why)."""

    label: str
    versions: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "versions": self.versions, "note": self.note}


@dataclass(frozen=True, slots=True)
class LevelLink:
    """The target level(s) of one level; no targets means the source says "no counterpart"."""

    level: str
    targets: tuple[str, ...]
    confidence: Confidence | None = None  # overrides the referencing's confidence
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"level": self.level, "targets": list(self.targets)}
        if self.confidence is not None:
            out["confidence"] = self.confidence
        if self.note is not None:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class Referencing:
    """How a framework's levels relate to a target framework, according to one source."""

    target: str
    kind: str
    status: str
    confidence: Confidence
    source: Source
    research_note_section: str
    levels: tuple[LevelLink, ...]
    see_also: tuple[Source, ...] = ()
    note: str | None = None

    @property
    def usable(self) -> bool:
        """Whether comparisons may follow this link (never for non-endorsed or pending work)."""
        return self.kind != "not-endorsed" and self.status not in ("not endorsed", "pending")

    def confidence_for(self, link: LevelLink) -> Confidence:
        return link.confidence or self.confidence

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "target": self.target,
            "kind": self.kind,
            "status": self.status,
            "confidence": self.confidence,
            "source": self.source.to_dict(),
        }
        if self.see_also:
            out["see_also"] = [s.to_dict() for s in self.see_also]
        out["research_note_section"] = self.research_note_section
        if self.note is not None:
            out["note"] = self.note
        out["levels"] = [link.to_dict() for link in self.levels]
        return out


@dataclass(frozen=True, slots=True)
class Framework:
    """A qualifications framework, meta-framework or classification, with its referencing."""

    id: str
    name: str
    kind: Literal["meta", "national", "classification"]
    country: str | None
    levels: tuple[Level, ...]
    referencing: tuple[Referencing, ...]
    sources: tuple[Source, ...]
    legal_basis: str
    levels_confidence: Confidence
    research_note_section: str
    updated: str
    original_name: str | None = None
    original_language: str | None = None
    short_name: str | None = None
    aliases: tuple[str, ...] = ()
    subdivisions: tuple[str, ...] = ()
    region: str | None = None
    status: Literal["current", "superseded"] = "current"
    superseded_by: str | None = None
    notes: tuple[str, ...] = ()
    names: Names = ()
    former_levels: tuple[FormerLevel, ...] = ()
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Lookup tables for level labels: exact, then case-insensitive ("e3" -> "E3").
        self._index.update({lvl.label: i for i, lvl in enumerate(self.levels)})
        for i, lvl in enumerate(self.levels):
            self._index.setdefault(lvl.label.casefold(), i)

    def display_name(self, lang: str | None = None) -> str:
        """The framework's name in ``lang`` (a BCP 47 tag such as ``"fr"`` or ``"ar"``) where a
        source gives one, its official name when ``lang`` is its own language, else English."""
        found = pick_name(self.names, lang)
        if found is None and self.original_name is not None and self.original_language:
            found = pick_name(((self.original_language, self.original_name),), lang)
        return found or self.name

    @property
    def level_labels(self) -> tuple[str, ...]:
        """Level labels in ascending order."""
        return tuple(lvl.label for lvl in self.levels)

    def level(self, label: str | int) -> Level:
        """The level with this label (an int is read as its decimal label).

        Raises :class:`~skillpass.errors.MalformedValueError` with code ``invalid_level``.
        """
        text = str(label).strip()
        pos = self._index.get(text)
        if pos is None:
            pos = self._index.get(text.casefold())
        if pos is None:
            former = next(
                (f for f in self.former_levels if f.label.casefold() == text.casefold()), None
            )
            why = (
                f"; {former.label} was a level of {former.versions} only: {former.note}"
                if (former)
                else ""
            )
            raise MalformedValueError(
                f"{self.id} has no level {text!r} (levels: {', '.join(self.level_labels)}){why}",
                code="invalid_level",
            )
        return self.levels[pos]

    def to_dict(self) -> dict[str, Any]:
        """The framework in the shape of its data file."""
        name: dict[str, Any] = {"en": self.name}
        if self.original_name is not None:
            name["original"] = self.original_name
            name["original_language"] = self.original_language
        out: dict[str, Any] = {"id": self.id, "aliases": list(self.aliases), "name": name}
        if self.names:
            out["names"] = dict(self.names)
        if self.short_name is not None:
            out["short_name"] = self.short_name
        out["kind"] = self.kind
        out["country"] = self.country
        if self.subdivisions:
            out["subdivisions"] = list(self.subdivisions)
        if self.region is not None:
            out["region"] = self.region
        out["status"] = self.status
        if self.superseded_by is not None:
            out["superseded_by"] = self.superseded_by
        out["legal_basis"] = self.legal_basis
        out["levels_confidence"] = self.levels_confidence
        out["research_note_section"] = self.research_note_section
        out["sources"] = [s.to_dict() for s in self.sources]
        if self.notes:
            out["notes"] = list(self.notes)
        out["levels"] = [lvl.to_dict() for lvl in self.levels]
        if self.former_levels:
            out["former_levels"] = [f.to_dict() for f in self.former_levels]
        out["referencing"] = [r.to_dict() for r in self.referencing]
        out["updated"] = self.updated
        return out


@dataclass(frozen=True, slots=True)
class RouteStep:
    """One link of a route, with the document that supports it.

    ``from_node``/``to_node`` read like ``"EQF 5"``; a link may be followed against the direction
    of its document (a ``DE-DQR → EQF`` referencing also answers ``EQF 5 → DE-DQR 5``).
    """

    from_node: str
    to_node: str
    kind: str
    status: str
    confidence: Confidence
    source: Source
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.from_node,
            "to": self.to_node,
            "kind": self.kind,
            "status": self.status,
            "confidence": self.confidence,
            "title": self.source.title,
            "date": self.source.date,
            "url": self.source.url,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Route:
    """How one candidate level was reached: the path, its weakest-link confidence, its sources."""

    level: str
    path: tuple[str, ...]
    via: tuple[str, ...]
    confidence: Confidence
    sources: tuple[RouteStep, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "path": list(self.path),
            "via": list(self.via),
            "confidence": self.confidence,
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """The answer of :func:`skillpass.frameworks.compare`.

    ``routes`` holds one best route per candidate level, best first; an empty answer carries
    ``reason == "no_referencing"``. When asked in a language (``lang``), ``names`` gives the
    name of every framework of the answer and ``level_names`` the name of every named level on
    its paths (``"GH-NTVETQF 1"`` → ``"National Proficiency I"``), in that language where the
    sources give one, else in English.
    """

    from_framework: str
    from_level: str
    to_framework: str
    routes: tuple[Route, ...]
    reason: str | None = None
    caveat: str = CAVEAT
    lang: str | None = None
    names: Names = ()
    level_names: Names = ()

    @property
    def candidates(self) -> tuple[str, ...]:
        """Labels of the comparable levels in the target framework, in route order."""
        return tuple(r.level for r in self.routes)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "from": {"framework": self.from_framework, "level": self.from_level},
            "to": self.to_framework,
            "candidates": list(self.candidates),
            "routes": [r.to_dict() for r in self.routes],
            "reason": self.reason,
            "caveat": self.caveat,
        }
        if self.lang is not None:
            # Only when asked for, so the default shape stays what callers already parse.
            out["lang"] = self.lang
            out["names"] = dict(self.names)
            out["level_names"] = dict(self.level_names)
        return out
