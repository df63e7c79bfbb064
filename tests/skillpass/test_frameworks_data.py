"""The shipped framework tables: schema, referential integrity, provenance, coverage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from skillpass.frameworks import framework_table_version, get_framework, list_frameworks

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK_DIR = ROOT / "schemas" / "frameworks"
SCHEMA = json.loads((ROOT / "schemas" / "json" / "framework.schema.json").read_text("utf-8"))
FILES = sorted(p for p in FRAMEWORK_DIR.glob("*.json") if p.name != "index.json")
DOCS: dict[str, dict[str, Any]] = {p.stem: json.loads(p.read_text("utf-8")) for p in FILES}

# Every identifier of section 1.1 of the research note (docs/frameworks.md in the shared notes).
RESEARCH_NOTE_IDS = [
    "EQF", "AQRF", "ACQF", "SADCQF", "ISCED-2011", "DE-DQR", "FR-RNCP", "IT-QNQ", "ES-MECU",
    "ES-MECES", "NL-NLQF", "BE-VLG-VKS", "IE-NFQ", "UK-ENG-RQF", "UK-WLS-CQFW", "UK-SCT-SCQF",
    "PL-PQF", "PT-QNQ", "TR-TQF", "PH-PQF", "MY-MQF", "TH-TQF", "ID-KKNI", "VN-VQF", "KH-CQF",
    "AU-AQF", "NZ-NZQF", "ZA-NQF", "MU-NQF", "KE-KNQF", "MA-CNC", "TN-CNQ", "CV-QNQ", "IN-NSQF",
    "AE-QFE", "SA-SAQF",
]  # fmt: skip
# Aliases the research note asks for (GB-* for UK-*, the RQF in Northern Ireland, renamed NZQCF,
# Saudi NQF-KSA).
ALIASES = {
    "GB-ENG-RQF": "UK-ENG-RQF",
    "UK-NIR-RQF": "UK-ENG-RQF",
    "GB-NIR-RQF": "UK-ENG-RQF",
    "GB-WLS-CQFW": "UK-WLS-CQFW",
    "GB-SCT-SCQF": "UK-SCT-SCQF",
    "NZ-NZQCF": "NZ-NZQF",
    "SA-NQF-KSA": "SA-SAQF",
}


def _labels(fid: str) -> list[str]:
    return [lvl["label"] for lvl in DOCS[fid]["levels"]]


def _sources(doc: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(doc["sources"])
    for ref in doc["referencing"]:
        found += [ref["source"], *ref.get("see_also", [])]
    return found


def test_schema_is_valid_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_file_validates_against_schema(path: Path) -> None:
    errors = sorted(Draft202012Validator(SCHEMA).iter_errors(DOCS[path.stem]), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_file_name_is_the_id(path: Path) -> None:
    assert DOCS[path.stem]["id"] == path.stem


def test_index_lists_every_file_and_a_table_version() -> None:
    index = json.loads((FRAMEWORK_DIR / "index.json").read_text("utf-8"))
    assert index["frameworks"] == sorted(DOCS)
    assert isinstance(index["framework_table_version"], str)
    assert index["framework_table_version"] == framework_table_version()


def test_every_research_note_framework_is_shipped() -> None:
    assert set(RESEARCH_NOTE_IDS) <= set(DOCS)
    assert len(DOCS) >= 35


@pytest.mark.parametrize(("alias", "canonical"), sorted(ALIASES.items()))
def test_aliases_resolve(alias: str, canonical: str) -> None:
    assert get_framework(alias).id == canonical
    assert get_framework(alias.lower()).id == canonical


def test_ids_and_aliases_are_unique() -> None:
    names = [n.upper() for doc in DOCS.values() for n in (doc["id"], *doc["aliases"])]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("fid", sorted(DOCS))
def test_level_labels_are_unique_even_ignoring_case(fid: str) -> None:
    labels = [label.casefold() for label in _labels(fid)]
    assert len(labels) == len(set(labels))


@pytest.mark.parametrize("fid", sorted(DOCS))
def test_referenced_levels_exist_in_both_frameworks(fid: str) -> None:
    doc = DOCS[fid]
    for ref in doc["referencing"]:
        assert ref["target"] in DOCS, ref["target"]
        assert ref["target"] != fid
        mapped = [link["level"] for link in ref["levels"]]
        assert len(mapped) == len(set(mapped)), f"{fid} -> {ref['target']}: level listed twice"
        for link in ref["levels"]:
            assert link["level"] in _labels(fid)
            for target in link["targets"]:
                assert target in _labels(ref["target"]), f"{fid} -> {ref['target']} {target}"


@pytest.mark.parametrize("fid", sorted(DOCS))
def test_every_mapping_names_a_source(fid: str) -> None:
    for ref in DOCS[fid]["referencing"]:
        assert ref["source"]["title"].strip()
        assert ref["source"]["date"]
        assert ref["research_note_section"]
    for source in _sources(DOCS[fid]):
        assert source["title"].strip() and source["date"]


@pytest.mark.parametrize("fid", sorted(DOCS))
def test_superseded_frameworks_name_their_successor(fid: str) -> None:
    doc = DOCS[fid]
    if doc["status"] == "superseded":
        assert doc["superseded_by"] in DOCS


def test_label_shapes_from_real_frameworks_exist() -> None:
    assert "E3" in _labels("UK-ENG-RQF")
    assert {"entry", "4+"} <= set(_labels("NL-NLQF"))
    assert {"4.5", "5.5", "6.5"} <= set(_labels("IN-NSQF"))
    assert _labels("ISCED-2011") == [str(i) for i in range(9)]


def test_isced_links_are_presumed_low_fallbacks() -> None:
    for doc in DOCS.values():
        for ref in doc["referencing"]:
            if ref["target"] == "ISCED-2011":
                assert (ref["kind"], ref["status"], ref["confidence"]) == (
                    "isced-fallback",
                    "presumed",
                    "low",
                )


def test_levels_without_an_eqf_level_have_no_isced_back_door() -> None:
    # A level the sources leave without an EQF level (below EQF 1, unlevelled, unresolved) must
    # not reach the EQF through an ISCED fallback either.
    for fid, doc in DOCS.items():
        none = {
            link["level"]
            for ref in doc["referencing"]
            if ref["target"] == "EQF"
            for link in ref["levels"]
            if not link["targets"]
        }
        isced = {
            link["level"]
            for ref in doc["referencing"]
            if ref["target"] == "ISCED-2011"
            for link in ref["levels"]
        }
        assert not none & isced, fid


@pytest.mark.parametrize("fid", sorted(DOCS))
def test_loader_round_trips_the_file(fid: str) -> None:
    expected = {k: v for k, v in DOCS[fid].items() if k != "format_version"}
    assert get_framework(fid).to_dict() == expected


def test_list_frameworks_is_sorted_and_complete() -> None:
    assert [fw.id for fw in list_frameworks()] == sorted(DOCS)
