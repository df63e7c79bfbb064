"""Finding a framework by acronym or name, and naming frameworks in the reader's language."""

from __future__ import annotations

import json
from typing import Any

import pytest

from skillpass.errors import MalformedValueError
from skillpass.frameworks import (
    compare,
    find_framework,
    framework_name,
    get_framework,
    list_frameworks,
)

# (what a person types, country, the framework meant)
FOUND: list[tuple[str, str | None, str]] = [
    ("DE-DQR", None, "DE-DQR"),  # ids and aliases as before
    ("gb-sct-scqf", None, "UK-SCT-SCQF"),
    ("NVQF", "PK", "PK-NVQF"),  # the example, settled by the country
    ("nvqf", "pk", "PK-NVQF"),
    ("DQR", None, "DE-DQR"),  # acronyms
    ("KNQF", None, "KE-KNQF"),
    ("HKQF", None, "HK-QF"),
    ("QFEmirates", None, "AE-QFE"),
    ("nqf ksa", None, "SA-SAQF"),  # punctuation and case do not matter
    ("NQF", "ZA", "ZA-NQF"),  # a shared acronym and a country
    ("NQF", "ua", "UA-NQF"),
    ("TQF", "TR", "TR-TQF"),
    ("TQF", "TH", "TH-TQF"),
    ("AQF", "AL", "AL-AQF"),
    ("AQF", "AU", "AU-AQF"),
    ("NSQF", "NG", "NG-NSQF"),
    ("NSQF", "IN", "IN-NSQF"),  # the current framework, not its superseded 2013 version
    ("NSQF 2013", None, "IN-NSQF-2013"),
    ("SCQF", "UK", "UK-SCT-SCQF"),  # people type UK; the ISO code is GB
    ("Deutscher Qualifikationsrahmen", None, "DE-DQR"),  # official names
    ("Національна рамка кваліфікацій", None, "UA-NQF"),
    ("香港資歷架構", None, "HK-QF"),
    ("Oman Qualifications Framework", None, "OM-OQF"),  # English names
    ("Cadre européen des certifications pour l'apprentissage tout au long de la vie", None, "EQF"),
    ("Marco Europeo de Cualificaciones para el aprendizaje permanente", None, "EQF"),
    ("NTVETQF", "GH", "GH-NTVETQF"),
]


@pytest.mark.parametrize(("query", "country", "expected"), FOUND)
def test_find_framework(query: str, country: str | None, expected: str) -> None:
    assert find_framework(query, country).id == expected


@pytest.mark.parametrize(
    ("query", "candidates"),
    [
        # NP-NVQF is not encoded (no source for its levels) but still owns its acronym, so a
        # Nepali worker's "NVQF" never silently becomes Pakistan's.
        ("NVQF", ["PK-NVQF", "NP-NVQF"]),
        ("TQF", ["TH-TQF", "TR-TQF"]),
        ("AQF", ["AL-AQF", "AU-AQF"]),
        ("NSQF", ["IN-NSQF", "NG-NSQF"]),
        ("NQF", ["ZA-NQF", "UA-NQF", "BH-NQF", "QA-NQF"]),
    ],
)
def test_a_shared_acronym_asks_for_a_country_and_lists_the_candidates(
    query: str, candidates: list[str]
) -> None:
    with pytest.raises(MalformedValueError) as info:
        find_framework(query)
    assert info.value.code == "ambiguous_framework"
    assert "--country" in info.value.message
    for fid in candidates:
        assert fid in info.value.message


@pytest.mark.parametrize(
    ("query", "country", "suggested"),
    [
        ("DE-DRQ", None, "DE-DQR"),  # a typo in an id
        ("UA-NFQ", None, "UA-NQF"),
        ("NVFQ", "PK", "PK-NVQF"),  # a typo in an acronym
        ("Deutscher Qualifikationsrahmn", None, "DE-DQR"),  # and in a name
        ("SCQFF", None, "UK-SCT-SCQF"),
    ],
)
def test_a_typo_suggests_the_nearest_id(query: str, country: str | None, suggested: str) -> None:
    with pytest.raises(MalformedValueError) as info:
        find_framework(query, country)
    assert info.value.code == "unknown_framework"
    assert suggested in info.value.message.split("did you mean", 1)[1]


def test_typo_suggestions_in_compare_too() -> None:
    with pytest.raises(MalformedValueError) as info:
        compare("DE-DRQ", "5", "EQF")
    assert info.value.code == "unknown_framework"
    assert "did you mean DE-DQR" in info.value.message


def test_compare_still_takes_ids_only() -> None:
    # A stored alignment names an id: an acronym there must not be guessed.
    with pytest.raises(MalformedValueError) as info:
        compare("DQR", "5", "EQF")
    assert info.value.code == "unknown_framework"


@pytest.mark.parametrize(
    ("query", "country", "words"),
    [
        ("NVQF", "NP", ["NP-NVQF", "not encoded", "3 May 2020"]),
        ("NP-NVQF", None, ["not encoded"]),
        ("QA-NQF", None, ["not encoded", "11 levels"]),
        ("DE-DQR", "NP", ["DE-DQR", "DE", "not NP"]),
        ("XYZQF", "DE", ["in DE"]),
    ],
)
def test_not_found_says_why(query: str, country: str | None, words: list[str]) -> None:
    with pytest.raises(MalformedValueError) as info:
        find_framework(query, country)
    assert info.value.code == "unknown_framework"
    for word in words:
        assert word in info.value.message


@pytest.mark.parametrize("country", ["N", "NPL", "1A", ""])
def test_a_country_must_be_an_iso_code(country: str) -> None:
    with pytest.raises(MalformedValueError):
        find_framework("NVQF", country)


@pytest.mark.parametrize("query", [None, 5, ["NVQF"]])
def test_find_framework_type_errors(query: Any) -> None:
    with pytest.raises(TypeError):
        find_framework(query)


def test_every_acronym_and_id_finds_its_framework_or_asks() -> None:
    for fw in list_frameworks():
        assert find_framework(fw.id).id == fw.id
        if fw.short_name:
            try:
                assert find_framework(fw.short_name, fw.country).id == fw.id
            except MalformedValueError as exc:
                # Only an acronym shared with another framework of the same country may ask.
                assert exc.code == "ambiguous_framework", (fw.id, exc)


# --- names in the reader's language -----------------------------------------------------------


@pytest.mark.parametrize(
    ("fid", "lang", "expected"),
    [
        # Translations the sources give (RESEARCH-corridors.md 16.1).
        (
            "EQF",
            "fr",
            "Cadre européen des certifications pour l'apprentissage tout au long de la vie",
        ),
        (
            "EQF",
            "fr-CA",
            "Cadre européen des certifications pour l'apprentissage tout au long de la vie",
        ),
        ("EQF", "es", "Marco Europeo de Cualificaciones para el aprendizaje permanente"),
        # The official name, for a reader of the framework's own language.
        ("FR-RNCP", "fr", "Cadre national des certifications professionnelles"),
        ("MA-CNC", "fr", "Cadre National des Certifications"),
        ("ES-MECU", "es-ES", "Marco Español de Cualificaciones"),
        ("OM-OQF", "ar", "الإطار الوطني للمؤهلات"),
        ("SA-SAQF", "ar", "الإطار الوطني للمؤهلات"),
        ("AE-QFE", "ar", "المنظومة الوطنية للمؤهلات"),
        ("HK-QF", "zh", "香港資歷架構"),
        # No name in that language: English.
        ("EQF", "ar", "European Qualifications Framework for lifelong learning"),
        ("DE-DQR", "fr", "German Qualifications Framework"),
        ("DE-DQR", None, "German Qualifications Framework"),
        ("DE-DQR", "", "German Qualifications Framework"),
    ],
)
def test_framework_name_in_the_readers_language(fid: str, lang: str | None, expected: str) -> None:
    assert framework_name(fid, lang) == expected


def test_level_names() -> None:
    ghana = get_framework("GH-NTVETQF")  # 14.1: level titles of the 2012 framework
    assert ghana.level("1").display_name("fr") == "National Proficiency I"
    assert ghana.level("8").display_name() == "Doctor of Technology"
    ukraine = get_framework("UA-NQF")  # 10.1: MON, "нульовий рівень"
    assert ukraine.level("0").display_name("uk") == "нульовий рівень"
    assert ukraine.level("0").display_name("fr") == "zero level"
    assert get_framework("DE-DQR").level("5").display_name("fr") is None
    old = get_framework("FR-RNCP-1969")  # 16.2: LHEO level table
    assert old.level("III").display_name("fr") == "niveau III (BTS, DUT)"
    assert old.level("III").display_name("es") is None


def test_compare_in_a_language_names_every_framework_and_named_level() -> None:
    result = compare("GH-NTVETQF", "6", "ES-MECES", lang="es").to_dict()
    assert result["lang"] == "es"
    assert (
        result["names"]["ES-MECES"] == "Marco Español de Cualificaciones para la Educación Superior"
    )
    assert result["names"]["GH-NTVETQF"].startswith("National Technical and Vocational")
    assert set(result["names"]) >= {"GH-NTVETQF", "ES-MECES", *result["routes"][0]["via"]}
    assert result["level_names"] == {"GH-NTVETQF 6": "Bachelor of Technology"}
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result


def test_compare_in_a_language_keeps_the_answer() -> None:
    plain = compare("UA-NQF", "6", "FR-RNCP")
    french = compare("UA-NQF", "6", "FR-RNCP", lang="fr")
    assert french.routes == plain.routes and french.reason == plain.reason
    assert dict(french.names)["FR-RNCP"] == "Cadre national des certifications professionnelles"
    assert dict(french.names)["EQF"].startswith("Cadre européen")
    # Without a language the public shape is unchanged.
    assert "names" not in plain.to_dict() and "lang" not in plain.to_dict()


def test_compare_lang_type_error() -> None:
    with pytest.raises(TypeError):
        compare("EQF", "5", "DE-DQR", lang=5)  # type: ignore[arg-type]
