"""Loading the shipped framework tables (``schemas/frameworks/``) into value objects.

The files are validated against ``schemas/json/framework.schema.json`` by the test suite; here we
only convert them, and fail loudly (``RuntimeError``) on a broken installation rather than answer
from half-read data.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, cast

from skillpass._resources import data_path
from skillpass.errors import MalformedValueError

from ._model import (
    CONFIDENCE_RANK,
    Confidence,
    FormerLevel,
    Framework,
    Level,
    LevelLink,
    Names,
    Referencing,
    Source,
)

_DIR = "frameworks"


@dataclass(frozen=True, slots=True)
class Registry:
    """All frameworks, by canonical id, plus the alias table (upper-cased keys) and the
    frameworks deliberately left out for lack of a source (id -> why)."""

    table_version: str
    frameworks: dict[str, Framework]
    ids: dict[str, str]
    not_encoded: dict[str, str]


def _broken(what: str) -> RuntimeError:
    return RuntimeError(f"SkillPass framework data is broken ({what}): reinstall the package")


def _read(name: str) -> dict[str, Any]:
    with data_path(_DIR, name).open(encoding="utf-8") as handle:
        doc = json.load(handle)
    if not isinstance(doc, dict):
        raise _broken(name)
    return doc


def _confidence(value: Any) -> Confidence:
    if value not in CONFIDENCE_RANK:
        raise _broken(f"confidence {value!r}")
    return cast(Confidence, value)


def _source(doc: dict[str, Any]) -> Source:
    return Source(title=doc["title"], date=doc["date"], url=doc.get("url"))


def _names(doc: dict[str, Any]) -> Names:
    return tuple(sorted((str(tag), str(text)) for tag, text in doc.get("names", {}).items()))


def _level(doc: dict[str, Any]) -> Level:
    return Level(
        label=doc["label"],
        descriptor=doc.get("descriptor"),
        typical_qualifications=tuple(doc.get("typical_qualifications", ())),
        note=doc.get("note"),
        name=doc.get("name"),
        names=_names(doc),
        version=doc.get("version"),
    )


def _referencing(doc: dict[str, Any]) -> Referencing:
    return Referencing(
        target=doc["target"],
        kind=doc["kind"],
        status=doc["status"],
        confidence=_confidence(doc["confidence"]),
        source=_source(doc["source"]),
        research_note_section=doc["research_note_section"],
        levels=tuple(
            LevelLink(
                level=item["level"],
                targets=tuple(item["targets"]),
                confidence=_confidence(item["confidence"]) if "confidence" in item else None,
                note=item.get("note"),
            )
            for item in doc["levels"]
        ),
        see_also=tuple(_source(s) for s in doc.get("see_also", ())),
        note=doc.get("note"),
    )


def _framework(doc: dict[str, Any]) -> Framework:
    name = doc["name"]
    kind = doc["kind"]
    status = doc["status"]
    if kind not in ("meta", "national", "classification") or status not in (
        "current",
        "superseded",
    ):
        raise _broken(f"{doc['id']}: kind {kind!r}, status {status!r}")
    return Framework(
        id=doc["id"],
        name=name["en"],
        original_name=name.get("original"),
        original_language=name.get("original_language"),
        short_name=doc.get("short_name"),
        aliases=tuple(doc.get("aliases", ())),
        kind=cast(Literal["meta", "national", "classification"], kind),
        country=doc["country"],
        subdivisions=tuple(doc.get("subdivisions", ())),
        region=doc.get("region"),
        status=cast(Literal["current", "superseded"], status),
        superseded_by=doc.get("superseded_by"),
        legal_basis=doc["legal_basis"],
        levels_confidence=_confidence(doc["levels_confidence"]),
        research_note_section=doc["research_note_section"],
        sources=tuple(_source(s) for s in doc["sources"]),
        notes=tuple(doc.get("notes", ())),
        levels=tuple(_level(lvl) for lvl in doc["levels"]),
        names=_names(doc),
        former_levels=tuple(
            FormerLevel(label=f["label"], versions=f["versions"], note=f["note"])
            for f in doc.get("former_levels", ())
        ),
        referencing=tuple(_referencing(r) for r in doc["referencing"]),
        updated=doc["updated"],
    )


def _check(frameworks: dict[str, Framework]) -> None:
    """Referential integrity: every link points at an existing framework and levels."""
    for fw in frameworks.values():
        for ref in fw.referencing:
            target = frameworks.get(ref.target)
            if target is None:
                raise _broken(f"{fw.id} references unknown framework {ref.target}")
            for link in ref.levels:
                unknown = {link.level} - set(fw.level_labels) | (
                    set(link.targets) - set(target.level_labels)
                )
                if unknown:
                    raise _broken(f"{fw.id} -> {ref.target}: unknown levels {sorted(unknown)}")


@cache
def registry() -> Registry:
    """Load every framework listed in ``index.json`` once per process."""
    try:
        index = _read("index.json")
        frameworks: dict[str, Framework] = {}
        for fid in index["frameworks"]:
            fw = _framework(_read(f"{fid}.json"))
            if fw.id != fid:
                raise _broken(f"{fid}.json holds {fw.id}")
            frameworks[fid] = fw
        version = index["framework_table_version"]
        not_encoded = {
            str(item["id"]): str(item["reason"]) for item in index.get("not_encoded", ())
        }
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise _broken(repr(exc)) from exc
    _check(frameworks)
    ids: dict[str, str] = {}
    for fw in frameworks.values():
        for name in (fw.id, *fw.aliases):
            if ids.setdefault(name.upper(), fw.id) != fw.id:
                raise _broken(f"id {name} is used twice")
    if set(not_encoded) & set(ids):
        raise _broken(f"ids both encoded and not encoded: {sorted(set(not_encoded) & set(ids))}")
    return Registry(
        table_version=str(version), frameworks=frameworks, ids=ids, not_encoded=not_encoded
    )


def resolve(framework_id: str) -> Framework:
    """The framework with this id or alias (case-insensitive).

    Raises :class:`~skillpass.errors.MalformedValueError` with code ``unknown_framework``.
    """
    if not isinstance(framework_id, str):
        raise TypeError(f"framework id must be a str, not {type(framework_id).__name__}")
    reg = registry()
    canonical = reg.ids.get(framework_id.strip().upper())
    if canonical is None:
        raise unknown(framework_id)
    return reg.frameworks[canonical]


def unknown(
    query: str, *, where: str | None = None, suggest: tuple[str, ...] = ()
) -> MalformedValueError:
    """The ``unknown_framework`` error for ``query`` (looked for in country ``where``): why it is
    missing when the tables leave it out on purpose, else the nearest ids (a typo such as
    ``DE-DRQ`` suggests ``DE-DQR``)."""
    reg = registry()
    key = query.strip().upper()
    if where is not None and f"{where}-{key}" in reg.not_encoded:
        key = f"{where}-{key}"
    in_country = f" in {where}" if where is not None else ""
    if key in reg.not_encoded:
        why = f": {key} is not encoded, {reg.not_encoded[key]}"
    else:
        near = difflib.get_close_matches(key, sorted(reg.ids), n=3, cutoff=0.6)
        by_id = [
            reg.ids[n] for n in near if where is None or reg.frameworks[reg.ids[n]].country == where
        ]
        ids = dict.fromkeys([*by_id, *suggest])
        why = f" (did you mean {' or '.join(ids)}?)" if ids else ""
    return MalformedValueError(
        f"unknown qualifications framework {query!r}{in_country}{why} "
        "(see `skillpass frameworks list`)",
        code="unknown_framework",
    )
