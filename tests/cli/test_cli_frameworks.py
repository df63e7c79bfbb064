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
    for fid in ("EQF", "DE-DQR", "PH-PQF", "KE-KNQF", "UK-SCT-SCQF", "ISCED-2011"):
        assert fid in result.stdout


def test_list_json() -> None:
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["framework_table_version"] == framework_table_version()
    by_id = {fw["id"]: fw for fw in data["frameworks"]}
    assert len(by_id) >= 35
    assert by_id["NL-NLQF"]["levels"][:1] == ["entry"]
    assert by_id["UK-ENG-RQF"]["country"] == "GB"


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
        (["show", "TQF"], "unknown_framework"),
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
