"""Cross-framework comparison: the facts of the research note, then the edge cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillpass.errors import MalformedValueError, SkillpassError
from skillpass.frameworks import (
    CAVEAT,
    compare,
    compare_credential,
    get_framework,
    list_frameworks,
)

ROOT = Path(__file__).resolve().parents[2]
RANK = {"low": 0, "medium": 1, "high": 2}
N8 = [str(i) for i in range(1, 9)]


def candidates(frm: str, level: str, to: str) -> tuple[str, ...]:
    return compare(frm, level, to).candidates


# --- facts of the research note, as (from, level, to, expected candidates) -----------------

ONE_TO_ONE_EQF = ["DE-DQR", "FR-RNCP", "IT-QNQ", "ES-MECU", "PL-PQF", "PT-QNQ", "TR-TQF"]
ONE_TO_ONE_EQF += ["BE-VLG-VKS", "CV-QNQ"]

FACTS: list[tuple[str, str, str, tuple[str, ...]]] = [
    *((fid, n, "EQF", (n,)) for fid in ONE_TO_ONE_EQF for n in N8),
    # 3.4 Spain: MECES offset numbering.
    ("ES-MECES", "1", "EQF", ("5",)),
    ("ES-MECES", "2", "EQF", ("6",)),
    ("ES-MECES", "3", "EQF", ("7",)),
    ("ES-MECES", "4", "EQF", ("8",)),
    ("EQF", "6", "ES-MECES", ("2",)),
    ("ES-MECES", "1", "ES-MECU", ("5",)),
    # 3.5 Netherlands: entry level below EQF 1, vwo 4+ at EQF 4.
    ("NL-NLQF", "entry", "EQF", ()),
    *(("NL-NLQF", n, "EQF", (n,)) for n in N8),
    ("NL-NLQF", "4+", "EQF", ("4",)),
    ("EQF", "4", "NL-NLQF", ("4", "4+")),
    # 3.7 Ireland: many-to-one.
    *(
        ("IE-NFQ", a, "EQF", (b,))
        for a, b in zip([str(i) for i in range(1, 11)], "1123456678", strict=True)
    ),
    ("EQF", "6", "IE-NFQ", ("7", "8")),
    ("EQF", "1", "IE-NFQ", ("1", "2")),
    # 3.8 Scotland: 12 levels, SCQF 1-2 below EQF 1.
    ("UK-SCT-SCQF", "1", "EQF", ()),
    ("UK-SCT-SCQF", "2", "EQF", ()),
    *(
        ("UK-SCT-SCQF", str(a), "EQF", (b,))
        for a, b in zip(range(3, 13), "1234556678", strict=True)
    ),
    ("EQF", "5", "UK-SCT-SCQF", ("7", "8")),
    ("EQF", "6", "UK-SCT-SCQF", ("9", "10")),
    # 3.9 England/Northern Ireland and Wales: only Entry 3 is EQF 1; RQF 1 = EQF 2.
    *(
        (fid, a, "EQF", b)
        for fid in ("UK-ENG-RQF", "UK-WLS-CQFW")
        for a, b in [
            ("E1", ()),
            ("E2", ()),
            ("E3", ("1",)),
            ("1", ("2",)),
            ("2", ("3",)),
            ("3", ("4",)),
            ("4", ("5",)),
            ("5", ("5",)),
            ("6", ("6",)),
            ("7", ("7",)),
            ("8", ("8",)),
        ]
    ),
    ("EQF", "5", "UK-ENG-RQF", ("4", "5")),
    ("EQF", "1", "UK-ENG-RQF", ("E3",)),
    # 3.9 Table 1 of the UK-Ireland guide, read across the rows.
    ("UK-ENG-RQF", "6", "UK-SCT-SCQF", ("9", "10")),
    ("UK-ENG-RQF", "6", "IE-NFQ", ("7", "8")),
    ("UK-ENG-RQF", "E3", "UK-SCT-SCQF", ("3",)),
    ("UK-ENG-RQF", "E2", "UK-SCT-SCQF", ("2",)),
    ("UK-WLS-CQFW", "E1", "UK-SCT-SCQF", ("1",)),
    ("UK-ENG-RQF", "E1", "IE-NFQ", ()),
    ("UK-SCT-SCQF", "3", "IE-NFQ", ("1", "2")),
    ("UK-SCT-SCQF", "11", "IE-NFQ", ("9",)),
    ("IE-NFQ", "6", "UK-ENG-RQF", ("4", "5")),
    ("UK-WLS-CQFW", "5", "UK-SCT-SCQF", ("7", "8")),
    ("UK-WLS-CQFW", "E2", "UK-ENG-RQF", ("E2",)),
    # 3.2 France: old levels V..I, level I covering 7 and 8.
    ("FR-RNCP-1969", "V", "FR-RNCP", ("3",)),
    ("FR-RNCP-1969", "IV", "FR-RNCP", ("4",)),
    ("FR-RNCP-1969", "III", "FR-RNCP", ("5",)),
    ("FR-RNCP-1969", "II", "FR-RNCP", ("6",)),
    ("FR-RNCP-1969", "I", "FR-RNCP", ("7", "8")),
    ("FR-RNCP-1969", "I", "EQF", ("7", "8")),
    # 4.1 New Zealand: NZQF 1 = EQF 2, NZQF 8 unlevelled, nothing at EQF 1.
    *(
        ("NZ-NZQF", a, "EQF", b)
        for a, b in [
            ("1", ("2",)),
            ("2", ("3",)),
            ("3", ("4",)),
            ("4", ("4",)),
            ("5", ("5",)),
            ("6", ("5",)),
            ("7", ("6",)),
            ("8", ()),
            ("9", ("7",)),
            ("10", ("8",)),
        ]
    ),
    ("EQF", "1", "NZ-NZQF", ()),
    ("EQF", "4", "NZ-NZQF", ("3", "4")),
    ("NZ-NZQF", "7", "IE-NFQ", ("7", "8")),  # NZQA-QQI comparison
    ("IE-NFQ", "1", "NZ-NZQF", ()),
    ("IE-NFQ", "2", "NZ-NZQF", ()),
    ("NZ-NZQCF", "9", "EQF", ("7",)),
    # 4.2 Australia: AQF 8 unresolved.
    *(
        ("AU-AQF", a, "EQF", b)
        for a, b in [
            ("1", ("2",)),
            ("2", ("3",)),
            ("3", ("4",)),
            ("4", ("4",)),
            ("5", ("5",)),
            ("6", ("5",)),
            ("7", ("6",)),
            ("8", ()),
            ("9", ("7",)),
            ("10", ("8",)),
        ]
    ),
    # 5.1, 5.2: PQF and MQF referenced to the AQRF (1:1 presumed).
    *(("PH-PQF", n, "AQRF", (n,)) for n in N8),
    *(("MY-MQF", n, "AQRF", (n,)) for n in N8),
    ("PH-PQF", "5", "DE-DQR", ("5",)),
    ("PH-PQF", "4", "MY-MQF", ("4",)),
    # 2.4, 6.1, 6.2: SADCQF alignments (1:1 presumed).
    *(("ZA-NQF", str(n), "SADCQF", (str(n),)) for n in range(1, 11)),
    *(("MU-NQF", str(n), "SADCQF", (str(n),)) for n in range(1, 11)),
    ("MU-NQF", "7", "ZA-NQF", ("7",)),
    # ISCED 2011 by qualification type, only where no framework route exists (2.5).
    ("IE-NFQ", "8", "KE-KNQF", ("7",)),
    ("KE-KNQF", "7", "DE-DQR", ("6",)),
    ("KE-KNQF", "9", "IE-NFQ", ("9",)),
    ("KE-KNQF", "10", "EQF", ("8",)),
    ("IN-NSQF", "5.5", "DE-DQR", ("6",)),
    ("AE-QFE", "9", "UK-ENG-RQF", ("7",)),
    ("ZA-NQF", "4", "DE-DQR", ("3", "4")),  # ISCED 3 spans EQF 3 and 4
    ("DE-DQR", "6", "ISCED-2011", ("6",)),
    ("ISCED-2011", "7", "MY-MQF", ("7",)),
]


@pytest.mark.parametrize(("frm", "level", "to", "expected"), FACTS)
def test_research_note_fact(frm: str, level: str, to: str, expected: tuple[str, ...]) -> None:
    result = compare(frm, level, to)
    assert result.candidates == expected
    assert result.reason == (None if expected else "no_referencing")


# --- paths, confidence, sources ------------------------------------------------------------


def test_philippine_diploma_to_german_dqr_path() -> None:
    result = compare("PH-PQF", "5", "DE-DQR").to_dict()
    (route,) = result["routes"]
    assert route["path"] == ["PH-PQF 5", "AQRF 5", "EQF 5", "DE-DQR 5"]
    assert route["via"] == ["AQRF", "EQF"]
    # No AQRF-EQF correspondence exists: the parity assumption is the weakest link.
    assert route["confidence"] == "low"
    assert [s["confidence"] for s in route["sources"]] == ["medium", "low", "high"]
    assert [s["status"] for s in route["sources"]] == ["endorsed", "presumed", "referenced"]
    assert all(s["title"] and s["date"] for s in route["sources"])


@pytest.mark.parametrize(
    ("frm", "level", "to", "confidence"),
    [
        ("ES-MECES", "2", "DE-DQR", "high"),
        ("NZ-NZQF", "7", "DE-DQR", "high"),
        ("AU-AQF", "7", "DE-DQR", "medium"),  # "fairly safe"
        ("AU-AQF", "3", "DE-DQR", "low"),  # "as remembered, not re-read"
        ("PH-PQF", "5", "AQRF", "medium"),
        ("PH-PQF", "5", "DE-DQR", "low"),
        ("CV-QNQ", "6", "EQF", "low"),
        ("MU-NQF", "7", "ZA-NQF", "medium"),
        ("UK-SCT-SCQF", "9", "IE-NFQ", "high"),
        ("IE-NFQ", "8", "KE-KNQF", "low"),
    ],
)
def test_confidence_is_the_weakest_link(frm: str, level: str, to: str, confidence: str) -> None:
    for route in compare(frm, level, to).routes:
        assert route.confidence == confidence
        assert RANK[route.confidence] == min(RANK[s.confidence] for s in route.sources)


def test_meta_framework_route_is_preferred_to_isced() -> None:
    result = compare("IE-NFQ", "8", "DE-DQR")
    assert result.candidates == ("6",)
    assert result.routes[0].via == ("EQF",)
    assert compare("DE-DQR", "6", "ES-MECES").routes[0].via == ("EQF",)


def test_isced_is_the_last_resort() -> None:
    (route,) = compare("IE-NFQ", "8", "KE-KNQF").routes
    assert route.path == ("IE-NFQ 8", "ISCED-2011 6", "KE-KNQF 7")
    assert route.sources[0].kind == "isced-fallback"
    assert route.confidence == "low"


def test_not_endorsed_mapping_is_never_followed() -> None:
    # The UAE-NZ initial mapping was not endorsed: QFEmirates 5 (Diploma) has no route to NZ,
    # and QFEmirates 7 (Bachelor) only gets there through ISCED.
    assert compare("AE-QFE", "5", "NZ-NZQF").reason == "no_referencing"
    (route,) = compare("AE-QFE", "7", "NZ-NZQF").routes
    assert route.via == ("ISCED-2011",)


@pytest.mark.parametrize(
    ("frm", "level", "to"),
    [
        ("KE-KNQF", "5", "EQF"),  # no ACQF/EQF referencing; a craft certificate has no ISCED bridge
        ("ACQF", "5", "EQF"),  # referencing to the ACQF only piloted
        ("ACQF", "5", "SADCQF"),
        ("TH-TQF", "6", "EQF"),  # no Thai mappings without the report
        ("TN-CNQ", "3", "DE-DQR"),
        ("ID-KKNI", "3", "AQRF"),  # endorsed, but the 9-to-8 table is unknown
        ("MA-CNC", "5", "EQF"),  # EQF referencing planned, not done
        ("IN-NSQF", "4.5", "DE-DQR"),
        ("IN-NSQF-2013", "5", "IN-NSQF"),
        ("UK-SCT-SCQF", "1", "DE-DQR"),
    ],
)
def test_no_route_is_an_empty_answer(frm: str, level: str, to: str) -> None:
    result = compare(frm, level, to)
    assert result.routes == ()
    assert result.to_dict()["candidates"] == []
    assert result.reason == "no_referencing"
    assert result.caveat == CAVEAT


def test_candidates_follow_level_order_not_string_order() -> None:
    assert candidates("EQF", "6", "UK-SCT-SCQF") == ("9", "10")
    assert candidates("EQF", "1", "IE-NFQ") == ("1", "2")


def test_candidates_rank_by_confidence_before_level_order() -> None:
    result = compare("ZA-NQF", "4", "DE-DQR")
    ranks = [RANK[r.confidence] for r in result.routes]
    assert ranks == sorted(ranks, reverse=True)
    assert len({len(r.path) for r in result.routes}) == 1  # only the shortest routes


# --- edge cases ----------------------------------------------------------------------------


@pytest.mark.parametrize(("fid", "level"), [("DE-DQR", "5"), ("NL-NLQF", "entry"), ("EQF", "1")])
def test_same_framework_returns_the_level(fid: str, level: str) -> None:
    result = compare(fid, level, fid)
    assert result.candidates == (level,)
    (route,) = result.routes
    assert route.path == (f"{fid} {level}",)
    assert route.via == ()
    assert route.sources == ()
    assert route.confidence == "high"


def test_alias_of_the_same_framework_is_the_same_framework() -> None:
    result = compare("GB-SCT-SCQF", "3", "UK-SCT-SCQF")
    assert result.from_framework == "UK-SCT-SCQF"
    assert result.candidates == ("3",)


@pytest.mark.parametrize(
    ("frm", "to"), [("XX-NQF", "EQF"), ("EQF", "XX-NQF"), ("TQF", "EQF"), ("", "EQF")]
)
def test_unknown_framework(frm: str, to: str) -> None:
    with pytest.raises(MalformedValueError) as info:
        compare(frm, "1", to)
    assert info.value.code == "unknown_framework"


@pytest.mark.parametrize(
    ("fid", "level"),
    [
        ("EQF", "9"),
        ("EQF", "0"),
        ("EQF", ""),
        ("UK-ENG-RQF", "E4"),
        ("NL-NLQF", "5+"),
        ("IN-NSQF", "7.5"),
    ],
)
def test_invalid_level(fid: str, level: str) -> None:
    with pytest.raises(MalformedValueError) as info:
        compare(fid, level, "EQF")
    assert info.value.code == "invalid_level"


def test_invalid_level_of_same_framework_is_still_invalid() -> None:
    with pytest.raises(MalformedValueError) as info:
        compare("DE-DQR", "9", "DE-DQR")
    assert info.value.code == "invalid_level"


def test_level_labels_are_matched_leniently() -> None:
    assert compare("uk-eng-rqf", "e3", "eqf").to_dict()["from"] == {
        "framework": "UK-ENG-RQF",
        "level": "E3",
    }
    assert compare("NL-NLQF", "ENTRY", "NL-NLQF").from_level == "entry"
    assert compare("EQF", " 5 ", "DE-DQR").candidates == ("5",)


def test_int_level_is_read_as_its_label() -> None:
    assert compare("EQF", 5, "DE-DQR") == compare("EQF", "5", "DE-DQR")


@pytest.mark.parametrize("level", [None, True, 5.0, ["5"]])
def test_non_label_level_is_a_type_error(level: Any) -> None:
    with pytest.raises(TypeError):
        compare("EQF", level, "DE-DQR")


def test_to_dict_has_exactly_the_public_shape() -> None:
    result = compare("IE-NFQ", "8", "UK-SCT-SCQF").to_dict()
    assert list(result) == ["from", "to", "candidates", "routes", "reason", "caveat"]
    assert result["from"] == {"framework": "IE-NFQ", "level": "8"}
    assert result["to"] == "UK-SCT-SCQF"
    assert result["candidates"] == [r["level"] for r in result["routes"]] == ["9", "10"]
    for route in result["routes"]:
        assert list(route) == ["level", "path", "via", "confidence", "sources"]
    assert result["reason"] is None
    assert "not recognition" in result["caveat"]
    assert json.loads(json.dumps(result)) == result


# --- properties over every framework and level ---------------------------------------------

NODES = [(fw.id, lvl.label) for fw in list_frameworks() for lvl in fw.levels]
IDS = [fw.id for fw in list_frameworks()]


def _check_answer(frm: str, level: str, to: str) -> None:
    result = compare(frm, level, to)
    assert (result.reason is None) == bool(result.routes)
    assert len(set(result.candidates)) == len(result.candidates)
    target_labels = get_framework(to).level_labels
    for route in result.routes:
        assert route.path[0] == f"{frm} {level}"
        assert route.path[-1] == f"{to} {route.level}"
        assert route.level in target_labels
        assert len(route.sources) == len(route.path) - 1
        assert list(route.via) == [node.rsplit(" ", 1)[0] for node in route.path[1:-1]]
        for step, (a, b) in zip(
            route.sources, zip(route.path, route.path[1:], strict=False), strict=True
        ):
            assert (step.from_node, step.to_node) == (a, b)
            assert step.kind != "not-endorsed"
        if route.sources:
            assert RANK[route.confidence] == min(RANK[s.confidence] for s in route.sources)


@pytest.mark.parametrize("node", NODES, ids=lambda n: f"{n[0]} {n[1]}")
def test_every_level_compares_to_eqf_without_raising(node: tuple[str, str]) -> None:
    _check_answer(node[0], node[1], "EQF")


@settings(max_examples=300, deadline=None)
@given(node=st.sampled_from(NODES), to=st.sampled_from(IDS))
def test_any_comparison_is_well_formed(node: tuple[str, str], to: str) -> None:
    _check_answer(node[0], node[1], to)


@settings(max_examples=200, deadline=None)
@given(node=st.sampled_from(NODES), to=st.sampled_from(IDS))
def test_meta_framework_routes_never_use_isced(node: tuple[str, str], to: str) -> None:
    # If any route avoids ISCED, all do: ISCED is only the last resort.
    routes = compare(node[0], node[1], to).routes
    if to != "ISCED-2011" and node[0] != "ISCED-2011":
        uses = {"ISCED-2011" in r.via for r in routes}
        assert len(uses) <= 1


# --- credentials ---------------------------------------------------------------------------


def _reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (ROOT / "examples" / "reference-qualification.json").read_text("utf-8")
    )
    return data


def _credential(*alignments: dict[str, Any], subjects: Any = None) -> dict[str, Any]:
    """The reference credential with these alignments (or these subjects) instead of its own."""
    credential = _reference()
    achievement = credential["credentialSubject"]["achievement"]
    typed = [{"type": ["Alignment"], **a} for a in alignments]
    if typed:
        achievement["alignment"] = typed
    else:
        del achievement["alignment"]
    if subjects is not None:
        credential["credentialSubject"] = subjects
    return credential


def test_reference_credential_compares_its_pqf_level() -> None:
    credential = json.loads((ROOT / "examples" / "reference-qualification.json").read_text("utf-8"))
    (entry,) = compare_credential(credential, "DE-DQR")
    assert entry["alignment"] == {"framework": "PH-PQF", "level": "2"}
    assert entry["candidates"] == ["2"]
    assert entry["routes"][0]["path"] == ["PH-PQF 2", "AQRF 2", "EQF 2", "DE-DQR 2"]
    assert entry["caveat"] == CAVEAT


def test_credential_alignment_forms() -> None:
    credential = _credential(
        {"targetType": "ext:QualificationLevel", "targetFramework": "IE-NFQ", "targetCode": "8"},
        {"targetUrl": "http://data.europa.eu/snb/eqf/6"},
        {"targetType": "ext:QualificationLevel", "targetUrl": "urn:skillpass:framework:NL-NLQF:4+"},
        {"targetType": "ext:ISCED-F", "targetUrl": "urn:skillpass:framework:ISCED-F:0715"},
        {"targetType": "ceasn:Competency", "targetUrl": "http://data.europa.eu/esco/skill/x"},
        {"targetType": "ext:QualificationLevel", "targetFramework": "IE-NFQ", "targetCode": "8"},
    )
    entries = compare_credential(credential, "UK-SCT-SCQF")
    assert [e["alignment"] for e in entries] == [
        {"framework": "IE-NFQ", "level": "8"},
        {"framework": "EQF", "level": "6"},
        {"framework": "NL-NLQF", "level": "4+"},
    ]
    assert [e["candidates"] for e in entries] == [["9", "10"], ["9", "10"], ["6"]]
    for entry in entries:
        assert entry["to"] == "UK-SCT-SCQF"


def test_credential_with_unknown_framework_or_level_gives_error_entries() -> None:
    credential = _credential(
        {"targetType": "ext:QualificationLevel", "targetFramework": "XX-QF", "targetCode": "3"},
        {"targetType": "ext:QualificationLevel", "targetFramework": "EQF", "targetCode": "12"},
    )
    first, second = compare_credential(credential, "EQF")
    assert first["error"] == "unknown_framework"
    assert second["error"] == "invalid_level"
    assert first["alignment"] == {"framework": "XX-QF", "level": "3"}


def test_credential_subject_list_and_no_alignments() -> None:
    subject = {
        "type": ["AchievementSubject"],
        "achievement": {
            "type": ["Achievement"],
            "alignment": [{"type": ["Alignment"], "targetUrl": "http://data.europa.eu/snb/eqf/4"}],
        },
    }
    other = {"type": ["AchievementSubject"], "activityEndDate": "2026-02-27T00:00:00Z"}
    assert len(compare_credential(_credential(subjects=[subject, other]), "DE-DQR")) == 1
    assert compare_credential(_credential(subjects=other), "DE-DQR") == []
    assert compare_credential(_credential(), "DE-DQR") == []


def test_credential_levels_are_read_from_the_signed_meaning() -> None:
    # A key spelled as its full IRI is the same property: the level is not hidden by it.
    credential = _credential()
    achievement = credential["credentialSubject"]["achievement"]
    achievement["https://purl.imsglobal.org/spec/vc/ob/vocab.html#alignment"] = [
        {
            "type": ["Alignment"],
            "targetType": "ext:QualificationLevel",
            "targetFramework": "EQF",
            "targetCode": "4",
        }
    ]
    (entry,) = compare_credential(credential, "EQF")
    assert entry["alignment"] == {"framework": "EQF", "level": "4"}


def test_credential_against_unknown_framework_raises() -> None:
    with pytest.raises(MalformedValueError) as info:
        compare_credential(_credential(), "XX-QF")
    assert info.value.code == "unknown_framework"


def test_credential_levels_that_do_not_exist_are_reported_not_skipped() -> None:
    credential = _credential(
        {"targetUrl": "http://data.europa.eu/snb/eqf/99"},
        {"targetType": "ext:QualificationLevel", "targetFramework": 5, "targetCode": "2"},
    )
    entries = compare_credential(credential, "DE-DQR")
    assert [(e["alignment"]["framework"], e["error"]) for e in entries] == [
        ("EQF", "invalid_level"),
        ("5", "unknown_framework"),
    ]


@pytest.mark.parametrize("not_a_credential", [[], "text", 5, None, {}])
def test_compare_credential_on_something_else_is_an_error(not_a_credential: Any) -> None:
    with pytest.raises(SkillpassError):
        compare_credential(not_a_credential, "EQF")
