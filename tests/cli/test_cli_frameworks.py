"""``skillpass frameworks list|show|map`` (the Typer sub-app on its own)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from skillpass.cli.frameworks import app
from skillpass.frameworks import CAVEAT, compare, framework_table_version, get_framework

runner = CliRunner()


def test_list_shows_every_framework() -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    for fid in ("EQF", "DE-DQR", "PH-PQF", "KE-KNQF", "UK-SCT-SCQF", "ISCED-2011", "UA-NQF"):
        assert fid in result.stdout
    assert "Left out for lack of a source" in result.stdout and "NP-NVQF" in result.stdout


def test_list_json() -> None:
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["framework_table_version"] == framework_table_version()
    by_id = {fw["id"]: fw for fw in data["frameworks"]}
    assert len(by_id) >= 35
    assert by_id["NL-NLQF"]["levels"][:1] == ["entry"]
    assert by_id["UK-ENG-RQF"]["country"] == "GB"
    left_out = {item["id"]: item["reason"] for item in data["not_encoded"]}
    assert "NP-NVQF" in left_out and "NP-NVQF" not in by_id


def test_show_levels_and_referencing() -> None:
    result = runner.invoke(app, ["show", "IE-NFQ"])
    assert result.exit_code == 0, result.output
    assert "Honours Bachelor Degree" in result.stdout
    assert "referenced" in result.stdout


def test_show_json_is_the_data_file_shape() -> None:
    result = runner.invoke(app, ["show", "gb-sct-scqf", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == get_framework("UK-SCT-SCQF").to_dict()


def test_map_json_has_the_public_shape() -> None:
    args = ["map", "--from", "PH-PQF", "--level", "5", "--to", "DE-DQR", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == compare("PH-PQF", "5", "DE-DQR").to_dict()
    assert data["from"] == {"framework": "PH-PQF", "level": "5"}
    assert data["to"] == "DE-DQR"
    assert data["candidates"] == ["5"]
    assert data["routes"][0]["path"] == ["PH-PQF 5", "AQRF 5", "EQF 5", "DE-DQR 5"]
    assert data["routes"][0]["via"] == ["AQRF", "EQF"]
    assert data["reason"] is None
    assert data["caveat"] == CAVEAT


def test_map_human_output() -> None:
    result = runner.invoke(app, ["map", "--from", "IE-NFQ", "--level", "8", "--to", "EQF"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "IE-NFQ 8 → EQF" in out
    assert "high" in out
    assert "not recognition" in out


def test_map_no_route_is_not_an_error() -> None:
    args = ["map", "--from", "KE-KNQF", "--level", "5", "--to", "EQF"]
    human = runner.invoke(app, args)
    assert human.exit_code == 0
    assert "no_referencing" in human.stdout
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert data["candidates"] == [] and data["routes"] == []
    assert data["reason"] == "no_referencing"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["map", "--from", "XX-QF", "--level", "5", "--to", "EQF"], "unknown_framework"),
        (["map", "--from", "EQF", "--level", "5", "--to", "XX-QF"], "unknown_framework"),
        (["map", "--from", "EQF", "--level", "9", "--to", "DE-DQR"], "invalid_level"),
        (["map", "--from", "EQF", "--level", "9", "--to", "DE-DQR", "--json"], "invalid_level"),
        (["show", "TQF"], "ambiguous_framework"),  # Thailand's or Türkiye's
        (["show", "XX-ZZQF"], "unknown_framework"),
        (["map", "--from", "NVQF", "--level", "5", "--to", "EQF"], "ambiguous_framework"),
        (
            ["map", "--from", "NVQF", "--country", "NP", "--level", "5", "--to", "EQF"],
            "unknown_framework",
        ),
        (
            ["map", "--from", "NVQF", "--country", "NPL", "--level", "5", "--to", "EQF"],
            "unknown_framework",
        ),
        (["map", "--from", "EQF", "--level", "5", "--to", "NQF"], "ambiguous_framework"),
        (["map", "--from", "UA-NQF", "--level", "9", "--to", "EQF"], "invalid_level"),
    ],
)
def test_errors_exit_2_with_their_code(args: list[str], code: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {code}: ")
    assert result.stdout == ""


def test_map_requires_its_options() -> None:
    result = runner.invoke(app, ["map", "--from", "EQF", "--level", "5"])
    assert result.exit_code == 2


# --- issue 15: acronyms, countries, typos, languages -------------------------------------------


def test_map_accepts_an_acronym_and_a_country() -> None:
    args = ["map", "--from", "NVQF", "--country", "PK", "--level", "8", "--to", "DQR", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == compare("PK-NVQF", "8", "DE-DQR").to_dict()
    assert data["from"] == {"framework": "PK-NVQF", "level": "8"}
    assert data["to"] == "DE-DQR"


def test_map_accepts_names_on_both_sides() -> None:
    args = ["map", "--from", "HKQF", "--level", "5", "--to", "Deutscher Qualifikationsrahmen"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["routes"][0]["path"] == [
        "HK-QF 5",
        "NZ-NZQF 7",
        "EQF 6",
        "DE-DQR 6",
    ]


def test_an_ambiguous_acronym_lists_the_candidates_and_asks_for_a_country() -> None:
    result = runner.invoke(app, ["map", "--from", "NVQF", "--level", "5", "--to", "EQF"])
    assert result.exit_code == 2
    err = " ".join(result.stderr.split())
    assert "PK-NVQF" in err and "NP-NVQF" in err and "--country" in err


def test_a_left_out_framework_says_why() -> None:
    args = ["map", "--from", "NVQF", "--country", "NP", "--level", "4", "--to", "EQF"]
    err = " ".join(runner.invoke(app, args).stderr.split())
    assert "NP-NVQF is not encoded" in err


@pytest.mark.parametrize(
    ("typo", "suggestion"), [("DE-DRQ", "DE-DQR"), ("PH-PFQ", "PH-PQF"), ("SCQFF", "UK-SCT-SCQF")]
)
def test_a_typo_suggests_the_nearest_id(typo: str, suggestion: str) -> None:
    result = runner.invoke(app, ["map", "--from", typo, "--level", "5", "--to", "EQF"])
    assert result.exit_code == 2
    assert suggestion in " ".join(result.stderr.split()).split("did you mean", 1)[1]


def test_map_in_a_language() -> None:
    args = ["map", "--from", "UA-NQF", "--level", "6", "--to", "FR-RNCP", "--lang", "fr"]
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert data == compare("UA-NQF", "6", "FR-RNCP", lang="fr").to_dict()
    assert data["names"]["FR-RNCP"] == "Cadre national des certifications professionnelles"
    human = " ".join(runner.invoke(app, args).stdout.split())
    assert "Cadre national des certifications professionnelles" in human


def test_show_by_acronym_and_in_arabic() -> None:
    result = runner.invoke(app, ["show", "OQF", "--lang", "ar"])
    assert result.exit_code == 0, result.output
    assert "OM-OQF: الإطار الوطني للمؤهلات" in result.stdout
    ghana = runner.invoke(app, ["show", "NTVETQF"])
    assert "National Proficiency I" in ghana.stdout
