"""Open Badges 3.0 credential profile: builders, input validation, holder identifiers."""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import re
import textwrap
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld

from skillpass import _schemas
from skillpass._contexts import document_loader
from skillpass.credentials import (
    EscoSkill,
    FrameworkLevel,
    Holder,
    IscedField,
    Issuer,
    LanguageProficiencyInput,
    PassportNumber,
    QualificationInput,
    SkillInput,
    WorkExperienceInput,
    build_credential,
    build_language_proficiency,
    build_qualification,
    build_skill,
    build_work_experience,
    check_identifier,
    hash_identifier,
)
from skillpass.errors import MalformedValueError

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "examples" / "reference-qualification.json"

ISSUER_DID = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
HOLDER_DID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
WELDING = "http://data.europa.eu/esco/skill/0a1c3e5b-7d9f-4b2e-8c6a-5f3d1b9e7a20"
SAFETY = "http://data.europa.eu/esco/skill/9b7d5f3a-1c8e-4a6b-b2d0-8e6c4a2f0d13"
FIXED_NOW = datetime(2026, 3, 14, 8, 30, 15, 123456, tzinfo=UTC)


def _reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return data


def _reference_fields() -> dict[str, Any]:
    """Builder input for the reference credential, as plain JSON (what an issuer form sends)."""
    ref = _reference()
    achievement = ref["credentialSubject"]["achievement"]
    return {
        "issuer": {"id": ISSUER_DID, "name": "Regional Training Center Central Visayas"},
        "holder": {
            "name": "Maria Luz Dela Cruz",
            # The reference's hash was made elsewhere: bind it as given.
            "passport": {
                "identity_hash": ref["credentialSubject"]["identifier"][1]["identityHash"],
                "salt": "k3V9qL2m",
            },
        },
        "name": "Shielded Metal Arc Welding (SMAW) NC II",
        "achievement_id": "https://rtc7.example.ph/qualifications/smaw-nc2",
        "achievement_type": "Certificate",
        "description": achievement["description"],
        "criteria": achievement["criteria"]["narrative"],
        "field_of_study": {"code": "0715", "name": "Mechanics and metal trades"},
        "in_language": "en",
        "levels": [
            {
                "framework": "PH-PQF",
                "level": "2",
                "name": "Philippine Qualifications Framework level 2",
            }
        ],
        "skills": [
            {"uri": a["targetUrl"], "name": a["targetName"]} for a in achievement["alignment"][2:]
        ],
        "completed_on": "2026-02-27",
        "valid_from": "2026-03-14T00:00:00Z",
        "valid_until": "2031-03-13T23:59:59Z",
    }


def _counter(prefix: str = "urn:uuid:00000000-0000-4000-8000-") -> Callable[[], str]:
    numbers = iter(range(1, 10_000))
    return lambda: f"{prefix}{next(numbers):012d}"


# --- the reference credential ---------------------------------------------------------------


def test_reference_builds_exactly_from_a_mapping() -> None:
    ref = _reference()
    built = build_qualification(
        _reference_fields(), credential_id=ref["id"], credential_status=ref["credentialStatus"]
    )
    assert built == ref
    # Same key order as the file, so it also serializes the same.
    assert json.dumps(built) == json.dumps(ref)


def test_reference_builds_exactly_from_models() -> None:
    ref = _reference()
    fields = _reference_fields()
    data = QualificationInput(
        issuer=Issuer(**fields["issuer"]),
        holder=Holder(
            name="Maria Luz Dela Cruz", passport=PassportNumber(**fields["holder"]["passport"])
        ),
        name=fields["name"],
        achievement_id=fields["achievement_id"],
        achievement_type="Certificate",
        description=fields["description"],
        criteria=fields["criteria"],
        field_of_study=IscedField(code="0715", name="Mechanics and metal trades"),
        in_language="en",
        levels=[FrameworkLevel(**fields["levels"][0])],
        skills=[EscoSkill(**skill) for skill in fields["skills"]],
        completed_on=date(2026, 2, 27),
        valid_from=datetime(2026, 3, 14, tzinfo=UTC),
        valid_until=datetime(2031, 3, 14, 7, 59, 59, tzinfo=timezone(timedelta(hours=8))),
    )
    built = build_credential(
        data, credential_id=ref["id"], credential_status=ref["credentialStatus"]
    )
    assert built == ref


def test_reference_validates_against_both_schemas() -> None:
    vc, ob = _schemas._validators()
    assert vc.is_valid(_reference())
    assert ob.is_valid(_reference())


# --- one sample per builder, with every optional field -----------------------------------------


def _issuer() -> dict[str, Any]:
    return {
        "id": ISSUER_DID,
        "name": "Regional Training Center Central Visayas",
        "url": "https://rtc7.example.ph/",
        "email": "registrar@rtc7.example.ph",
        "country_code": "PH",
    }


def _holder() -> dict[str, Any]:
    return {"name": "Maria Luz Dela Cruz", "id": HOLDER_DID, "passport": {"number": "P1234567A"}}


def qualification_input() -> QualificationInput:
    return QualificationInput(
        issuer=_issuer(),
        holder=_holder(),
        name="Diploma in Welding Technology",
        achievement_type="Diploma",
        description="Two-year TVET diploma in welding and fabrication.",
        criteria="Completed all modules and passed the final assessment.",
        learning_outcomes=["Weld carbon steel plate in all positions", "Read welding symbols"],
        levels=[
            {"framework": "PH-PQF", "level": "5"},
            {"framework": "AQRF", "level": "5"},
            {"framework": "EQF", "level": "5", "name": "EQF level 5"},
        ],
        field_of_study={"code": "0715", "name": "Mechanics and metal trades"},
        skills=[{"uri": WELDING, "name": "weld in shielded metal arc welding"}],
        credits_available=120,
        credits_earned=117.5,
        started_on="2024-06-01",
        completed_on=datetime(2026, 3, 1, 17, 0, tzinfo=timezone(timedelta(hours=8))),
        awarded_on="2026-03-14T10:00:00+08:00",
        valid_from="2026-03-14T00:00:00Z",
        valid_until="2031-03-13T23:59:59Z",
        in_language="en-PH",
    )


def skill_input() -> SkillInput:
    return SkillInput(
        issuer=_issuer(),
        holder=_holder(),
        skill={"uri": SAFETY, "name": "apply health and safety standards"},
        achievement_type="MicroCredential",
        description="Short course on occupational safety in metal workshops.",
        criteria="Passed a practical and written test.",
        levels=[{"framework": "EQF", "level": "3"}],
        credits_available=2,
        credits_earned=2,
        completed_on="2026-01-20",
        valid_from="2026-01-21T00:00:00Z",
    )


def work_experience_input() -> WorkExperienceInput:
    return WorkExperienceInput(
        issuer={
            "id": "did:web:shipyard.example.de",
            "name": "Nordwerft GmbH",
            "country_code": "DE",
        },
        holder=_holder(),
        role="Pipe welder",
        description="Welded carbon-steel pipework for ship hulls under EN ISO 9606-1.",
        start_date="2023-04-01",
        end_date="2025-12-31",
        skills_used=[
            {"uri": WELDING, "name": "weld in shielded metal arc welding"},
            {"uri": SAFETY, "name": "apply health and safety standards"},
        ],
        valid_from="2026-01-05T09:00:00Z",
    )


def language_input() -> LanguageProficiencyInput:
    return LanguageProficiencyInput(
        issuer={"id": "https://language-centre.example.ph/", "name": "Language Centre Cebu"},
        holder=_holder(),
        language="de",
        language_name="German",
        cefr_level="B1",
        name="Zertifikat Deutsch B1",
        description="Standardised German examination at level B1 of the CEFR.",
        criteria="Passed all four modules: reading, listening, writing, speaking.",
        assessed_on="2025-11-08",
        valid_from="2025-11-20T00:00:00Z",
    )


SAMPLES: dict[str, Callable[[], Any]] = {
    "qualification": qualification_input,
    "skill": skill_input,
    "work_experience": work_experience_input,
    "language": language_input,
}
BUILDERS: dict[str, Callable[..., dict[str, Any]]] = {
    "qualification": build_qualification,
    "skill": build_skill,
    "work_experience": build_work_experience,
    "language": build_language_proficiency,
}


def _build(kind: str, **options: Any) -> dict[str, Any]:
    options.setdefault("new_id", _counter())
    options.setdefault("new_salt", lambda: "fixedSalt1")
    return BUILDERS[kind](SAMPLES[kind](), **options)


@pytest.fixture(params=sorted(SAMPLES))
def kind(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


def test_every_builder_output_is_schema_valid(kind: str) -> None:
    doc = _build(kind)
    vc, ob = _schemas._validators()
    assert not list(vc.iter_errors(doc))
    assert not list(ob.iter_errors(doc))
    assert doc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_build_credential_dispatches_on_the_model(kind: str) -> None:
    data = SAMPLES[kind]()
    options = {"new_salt": lambda: "fixedSalt1"}
    assert build_credential(data, new_id=_counter(), **options) == BUILDERS[kind](
        data, new_id=_counter(), **options
    )


def test_output_is_plain_json(kind: str) -> None:
    doc = _build(kind)
    assert json.loads(json.dumps(doc, allow_nan=False)) == doc


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def test_dates_are_utc_seconds(kind: str) -> None:
    doc = _build(kind)
    dates = {k: v for k, v in _walk(doc) if k.endswith("Date") or k.startswith("valid")}
    assert dates
    for value in dates.values():
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", value)


class _DroppedError(Exception):
    pass


def _expand(doc: dict[str, Any]) -> list[Any]:
    def dropped(term: str | None) -> None:
        raise _DroppedError(term)

    expanded: list[Any] = jsonld.expand(
        doc, {"documentLoader": document_loader()}, on_property_dropped=dropped
    )
    return expanded


def test_every_emitted_term_is_defined(kind: str) -> None:
    _expand(_build(kind))


def test_the_term_check_catches_an_undefined_term() -> None:
    doc = _build("qualification")
    doc["credentialSubject"]["achievement"]["learningOutcome"] = "x"
    with pytest.raises(_DroppedError):
        _expand(doc)
    doc = _build("qualification")
    # creditsEarned is scoped to AchievementSubject: on the Achievement it is undefined.
    doc["credentialSubject"]["achievement"]["creditsEarned"] = 1
    with pytest.raises(_DroppedError):
        _expand(doc)


def test_every_iri_survives_into_rdf(kind: str) -> None:
    # pyld silently drops malformed IRIs; each one we emit must come out as an IRI node.
    doc = _build(kind)
    quads = jsonld.to_rdf(
        _expand(doc), {"documentLoader": document_loader(), "format": "application/n-quads"}
    )
    subject = doc["credentialSubject"]
    for iri in (doc["id"], doc["issuer"]["id"], subject["id"], subject["achievement"]["id"]):
        assert f"<{iri}>" in quads
    for alignment in subject["achievement"]["alignment"]:
        assert json.dumps(alignment["targetUrl"]) in quads


# --- what each kind maps to ---------------------------------------------------------------------


def test_qualification_mapping() -> None:
    doc = _build("qualification", now=FIXED_NOW)
    subject = doc["credentialSubject"]
    achievement = subject["achievement"]
    assert doc["id"] == "urn:uuid:00000000-0000-4000-8000-000000000001"
    assert achievement["id"] == "urn:uuid:00000000-0000-4000-8000-000000000002"
    assert doc["issuer"] == {
        "id": ISSUER_DID,
        "type": ["Profile"],
        "name": "Regional Training Center Central Visayas",
        "url": "https://rtc7.example.ph/",
        "email": "registrar@rtc7.example.ph",
        "address": {"type": ["Address"], "addressCountryCode": "PH"},
    }
    assert doc["awardedDate"] == "2026-03-14T02:00:00Z"
    assert subject["id"] == HOLDER_DID
    assert subject["activityStartDate"] == "2024-06-01T00:00:00Z"
    assert subject["activityEndDate"] == "2026-03-01T09:00:00Z"
    assert subject["creditsEarned"] == 117.5
    assert achievement["creditsAvailable"] == 120
    assert isinstance(achievement["creditsAvailable"], int)
    assert achievement["fieldOfStudy"] == "0715 Mechanics and metal trades"
    assert achievement["criteria"]["narrative"] == (
        "Completed all modules and passed the final assessment.\n\n"
        "Learning outcomes:\n"
        "- Weld carbon steel plate in all positions\n"
        "- Read welding symbols"
    )
    urls = [a["targetUrl"] for a in achievement["alignment"]]
    assert urls == [
        "urn:skillpass:framework:PH-PQF:5",
        "urn:skillpass:framework:AQRF:5",
        "http://data.europa.eu/snb/eqf/5",
        "urn:skillpass:framework:ISCED-F:0715",
        WELDING,
    ]
    eqf = achievement["alignment"][2]
    assert eqf == {
        "type": ["Alignment"],
        "targetType": "ext:QualificationLevel",
        "targetFramework": "EQF",
        "targetCode": "5",
        "targetName": "EQF level 5",
        "targetUrl": "http://data.europa.eu/snb/eqf/5",
    }
    assert achievement["alignment"][0]["targetName"] == "PH-PQF level 5"


def test_skill_mapping() -> None:
    doc = _build("skill")
    achievement = doc["credentialSubject"]["achievement"]
    assert doc["name"] == achievement["name"] == "apply health and safety standards"
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["alignment"][0] == {
        "type": ["Alignment"],
        "targetType": "ceasn:Competency",
        "targetFramework": "ESCO",
        "targetName": "apply health and safety standards",
        "targetUrl": SAFETY,
    }
    assert achievement["alignment"][1]["targetUrl"] == "http://data.europa.eu/snb/eqf/3"
    assert doc["credentialSubject"]["creditsEarned"] == 2


def test_work_experience_mapping() -> None:
    doc = _build("work_experience")
    subject = doc["credentialSubject"]
    achievement = subject["achievement"]
    assert doc["issuer"]["name"] == "Nordwerft GmbH"
    assert subject["role"] == achievement["name"] == doc["name"] == "Pipe welder"
    assert subject["activityStartDate"] == "2023-04-01T00:00:00Z"
    assert subject["activityEndDate"] == "2025-12-31T00:00:00Z"
    assert achievement["achievementType"] == "ext:WorkExperience"
    assert achievement["criteria"] == {
        "narrative": "Employment as Pipe welder, attested by the employer."
    }
    assert [a["targetUrl"] for a in achievement["alignment"]] == [WELDING, SAFETY]


def test_current_job_and_no_skills() -> None:
    data = work_experience_input().model_copy(update={"end_date": None, "skills_used": ()})
    doc = build_work_experience(data)
    assert "activityEndDate" not in doc["credentialSubject"]
    assert "alignment" not in doc["credentialSubject"]["achievement"]


def test_language_mapping() -> None:
    doc = _build("language")
    achievement = doc["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Assessment"
    assert achievement["alignment"] == [
        {
            "type": ["Alignment"],
            "targetType": "ext:LanguageProficiencyLevel",
            "targetFramework": "CEFR",
            "targetCode": "B1",
            "targetName": "CEFR B1 (Threshold)",
            "targetUrl": "urn:skillpass:framework:CEFR:B1",
        },
        {
            "type": ["Alignment"],
            "targetType": "ext:Language",
            "targetFramework": "ISO 639-1",
            "targetCode": "de",
            "targetName": "German",
            "targetUrl": "http://id.loc.gov/vocabulary/iso639-1/de",
        },
    ]
    assert doc["credentialSubject"]["activityEndDate"] == "2025-11-08T00:00:00Z"


def test_language_defaults_and_three_letter_codes() -> None:
    data = language_input().model_copy(update={"name": None, "language": "fil"})
    doc = build_language_proficiency(data)
    achievement = doc["credentialSubject"]["achievement"]
    assert achievement["name"] == "German B1"
    assert achievement["alignment"][1]["targetUrl"] == "https://iso639-3.sil.org/code/fil"


def test_minimal_holders(kind: str) -> None:
    for holder in ({"name": "M. Cruz"}, {"id": HOLDER_DID}, {"passport": {"number": "X1"}}):
        data = SAMPLES[kind]().model_copy(update={"holder": Holder(**holder)})
        doc = build_credential(data)
        subject = doc["credentialSubject"]
        assert ("id" in subject) == ("id" in holder)
        assert len(subject.get("identifier", [])) == len(holder) - ("id" in holder)


# --- injected clock and randomness -----------------------------------------------------------


def test_valid_from_defaults_to_now_in_whole_seconds() -> None:
    data = skill_input().model_copy(update={"valid_from": None})
    doc = build_skill(data, now=FIXED_NOW)
    assert doc["validFrom"] == "2026-03-14T08:30:15Z"
    before = datetime.now(UTC).replace(microsecond=0)
    doc = build_skill(data)
    assert datetime.fromisoformat(doc["validFrom"]) >= before


def test_naive_now_is_a_programming_error() -> None:
    data = skill_input().model_copy(update={"valid_from": None})
    with pytest.raises(TypeError):
        build_skill(data, now=datetime(2026, 1, 1))


def test_valid_until_must_follow_now() -> None:
    data = skill_input().model_copy(
        update={"valid_from": None, "valid_until": datetime(2026, 3, 14, 8, 30, 15, tzinfo=UTC)}
    )
    with pytest.raises(MalformedValueError) as info:
        build_skill(data, now=FIXED_NOW)
    assert info.value.code == "invalid_credential_input"
    assert info.value.path == "/valid_until"


def test_ids_are_fresh_uuids_by_default(kind: str) -> None:
    first, second = (BUILDERS[kind](SAMPLES[kind]()) for _ in range(2))
    for doc in (first, second):
        assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", doc["id"])
    assert first["id"] != second["id"]


def test_passport_salt_is_fresh_per_credential() -> None:
    first, second = (build_skill(skill_input()) for _ in range(2))
    hashes = [doc["credentialSubject"]["identifier"][1] for doc in (first, second)]
    assert hashes[0]["salt"] != hashes[1]["salt"]
    assert hashes[0]["identityHash"] != hashes[1]["identityHash"]


def test_explicit_credential_id_and_status() -> None:
    status = {
        "id": "https://rtc7.example.ph/status/3#7",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "7",
        "statusListCredential": "https://rtc7.example.ph/status/3",
    }
    doc = build_skill(
        skill_input(),
        credential_id="https://rtc7.example.ph/credentials/1",
        credential_status=status,
    )
    assert doc["id"] == "https://rtc7.example.ph/credentials/1"
    assert doc["credentialStatus"] == status
    assert doc["credentialStatus"] is not status


@pytest.mark.parametrize(
    ("options", "path"),
    [
        ({"credential_id": "not an iri"}, "/id"),
        ({"credential_id": "relative/path"}, "/id"),
        ({"credential_status": {"type": "BitstringStatusListEntry"}}, "/credentialStatus"),
        ({"credential_status": {"id": "urn:x:1"}}, "/credentialStatus/type"),
        ({"credential_status": [{"id": "urn:x:1", "type": "T"}]}, "/credentialStatus"),
        ({"credential_status": {"id": "urn:x:1", "type": "T", "n": float("nan")}}, None),
        ({"credential_status": {"id": "urn:x:1", "type": "T", "n": object()}}, None),
    ],
)
def test_bad_builder_options(options: dict[str, Any], path: str | None) -> None:
    with pytest.raises(MalformedValueError) as info:
        build_skill(skill_input(), **options)
    assert info.value.code == "invalid_credential_input"
    assert info.value.path == (path or "/credentialStatus")


def test_wrong_input_type_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        build_skill(qualification_input())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        build_credential({"name": "x"})  # type: ignore[arg-type]


# --- input validation ---------------------------------------------------------------------------


def _skill_fields(**changes: Any) -> dict[str, Any]:
    fields = {
        "issuer": {"id": ISSUER_DID, "name": "RTC 7"},
        "holder": {"name": "Maria"},
        "skill": {"uri": WELDING, "name": "weld"},
        "description": "d",
        "criteria": "c",
    }
    fields.update(changes)
    return fields


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"colour": "blue"}, "/colour"),
        ({"issuer": {"id": "rtc7.example.ph", "name": "RTC"}}, "/issuer/id"),
        ({"issuer": {"id": "https://rtc7.example.ph/a b", "name": "RTC"}}, "/issuer/id"),
        ({"issuer": {"id": "https:///nohost", "name": "RTC"}}, "/issuer/id"),
        ({"issuer": {"id": "https://x.example/%zz", "name": "RTC"}}, "/issuer/id"),
        ({"issuer": {"id": "did:key:", "name": "RTC"}}, "/issuer/id"),
        ({"issuer": {"id": "did:Key:z6Mk", "name": "RTC"}}, "/issuer/id"),
        ({"issuer": {"id": "urn:x:\u0000", "name": "RTC"}}, "/issuer/id"),
        ({"issuer": {"id": ISSUER_DID, "name": "   "}}, "/issuer/name"),
        ({"issuer": {"id": ISSUER_DID, "name": "RTC", "country_code": "PHL"}}, None),
        ({"issuer": {"id": ISSUER_DID, "name": "RTC", "email": "not-an-email"}}, None),
        ({"issuer": {"id": ISSUER_DID, "name": "RTC", "email": "x a@b.example"}}, None),
        ({"issuer": {"id": ISSUER_DID}}, "/issuer/name"),
        ({"holder": {}}, "/holder"),
        ({"holder": {"name": "M", "nickname": "x"}}, "/holder/nickname"),
        ({"holder": {"passport": {}}}, "/holder/passport"),
        ({"holder": {"passport": {"number": "P1", "identity_hash": "sha256$" + "0" * 64}}}, None),
        ({"holder": {"passport": {"identity_hash": "sha256$" + "0" * 64}}}, None),
        ({"holder": {"passport": {"identity_hash": "md5$" + "0" * 32, "salt": "saltsalt"}}}, None),
        (
            {
                "holder": {
                    "passport": {"identity_hash": f"x{'sha256$' + '0' * 64}x", "salt": "s" * 8}
                }
            },
            "/holder/passport/identity_hash",
        ),
        ({"holder": {"passport": {"number": "P-12/34"}}}, None),
        ({"holder": {"passport": {"number": "P1", "salt": "short"}}}, None),
        ({"skill": {"uri": "https://example.com/skill/1", "name": "weld"}}, "/skill/uri"),
        ({"skill": {"uri": WELDING + " ", "name": "weld"}}, "/skill/uri"),
        ({"skill": {"uri": "x" + WELDING, "name": "weld"}}, "/skill/uri"),
        ({"levels": [{"framework": "Philippines", "level": "2"}]}, "/levels/0/framework"),
        ({"levels": [{"framework": "ph-pqf", "level": "2"}]}, "/levels/0/framework"),
        ({"levels": [{"framework": "PH-PQF", "level": ""}]}, "/levels/0/level"),
        ({"levels": [{"framework": "PH-PQF", "level": "level 2"}]}, "/levels/0/level"),
        ({"levels": [{"framework": "EQF", "level": "9"}]}, "/levels/0"),
        ({"levels": [{"framework": "EQF", "level": "4"}] * 2}, ""),
        ({"achievement_type": "Diplomma"}, "/achievement_type"),
        ({"achievement_type": "ext:has space"}, "/achievement_type"),
        ({"description": ""}, "/description"),
        ({"description": "bell\u0007"}, "/description"),
        ({"description": "x" * 5001}, "/description"),
        ({"in_language": "English"}, "/in_language"),
        ({"credits_available": -1}, "/credits_available"),
        ({"credits_available": float("inf")}, "/credits_available"),
        ({"credits_available": "60"}, "/credits_available"),
        ({"credits_earned": True}, "/credits_earned"),
        ({"valid_from": "2026-03-14T00:00:00"}, "/valid_from"),
        ({"valid_from": "2026-03-14"}, "/valid_from"),
        ({"valid_from": "2026-03-14T00:00:00Z", "valid_until": "2026-03-14T00:00:00Z"}, ""),
        ({"completed_on": "2026-02-27T10:00:00"}, "/completed_on"),
        ({"completed_on": "yesterday"}, "/completed_on"),
        ({"completed_on": 20260227}, "/completed_on"),
        ({"awarded_on": datetime(2026, 1, 1)}, "/awarded_on"),
        ({"achievement_id": "urn:uuid:1 2"}, "/achievement_id"),
    ],
)
def test_bad_input_raises_malformed_value(changes: dict[str, Any], path: str | None) -> None:
    with pytest.raises(MalformedValueError) as info:
        build_skill(_skill_fields(**changes))
    error = info.value
    assert error.code == "invalid_credential_input"
    assert error.message.startswith("invalid credential input: ")
    assert error.path is not None
    if path is not None:
        assert error.path == path


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Issuer, {"id": "nope", "name": "x"}),
        (Holder, {}),
        (FrameworkLevel, {"framework": "EQF", "level": "0"}),
        (EscoSkill, {"uri": WELDING}),
        (IscedField, {"code": "7", "name": "x"}),
        (PassportNumber, {"salt": "saltsalt"}),
    ],
)
def test_models_raise_malformed_value_when_constructed(
    model: type[Any], fields: dict[str, Any]
) -> None:
    with pytest.raises(MalformedValueError):
        model(**fields)
    with pytest.raises(MalformedValueError):
        model.model_validate(fields)
    with pytest.raises(MalformedValueError):
        model.model_validate_json(json.dumps(fields))


@pytest.mark.parametrize(
    "changes",
    [
        {"started_on": "2026-03-01", "completed_on": "2026-02-28"},
        {"skills": [{"uri": WELDING, "name": "a"}, {"uri": WELDING, "name": "b"}]},
        {"learning_outcomes": [""]},
    ],
)
def test_bad_qualification_input(changes: dict[str, Any]) -> None:
    fields = _reference_fields()
    fields.update(changes)
    with pytest.raises(MalformedValueError) as info:
        build_qualification(fields)
    assert info.value.code == "invalid_credential_input"


@pytest.mark.parametrize(
    "changes",
    [
        {"start_date": "2025-01-01", "end_date": "2024-12-31"},
        {"cefr_level": "B3"},
    ],
)
def test_bad_work_and_language_input(changes: dict[str, Any]) -> None:
    kind = "language" if "cefr_level" in changes else "work_experience"
    fields = SAMPLES[kind]().model_dump(exclude_none=True)
    fields.update(changes)
    with pytest.raises(MalformedValueError):
        BUILDERS[kind](fields)


def test_error_lists_the_first_problems_only() -> None:
    with pytest.raises(MalformedValueError) as info:
        build_skill({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5})
    assert "more" in info.value.message


@pytest.mark.parametrize(
    "framework", ["EQF", "AQRF", "ACQF", "SADCQF", "ISCED-2011", "UK-SCT-SCQF", "SA-NQF-KSA"]
)
def test_framework_ids_from_the_framework_table(framework: str) -> None:
    level = FrameworkLevel(framework=framework, level="4")
    assert level.framework == framework


@pytest.mark.parametrize("label", ["4", "4+", "E3", "entry", "10"])
def test_level_labels(label: str) -> None:
    doc = build_skill(_skill_fields(levels=[{"framework": "NL-NLQF", "level": label}]))
    alignment = doc["credentialSubject"]["achievement"]["alignment"][1]
    assert alignment["targetUrl"] == f"urn:skillpass:framework:NL-NLQF:{label}"


def test_models_are_immutable() -> None:
    level = FrameworkLevel(framework="EQF", level="4")
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        level.level = "5"  # type: ignore[misc]


# --- holder identifiers ------------------------------------------------------------------------


def test_hash_identifier_is_salted_sha256_of_the_normalized_value() -> None:
    expected = "sha256$" + hashlib.sha256(b"P1234567Ak3V9qL2m").hexdigest()
    assert hash_identifier("P1234567A", "k3V9qL2m") == expected
    assert hash_identifier("  p 1234567 a\t", "k3V9qL2m") == expected
    assert (
        hash_identifier("\uff50\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff41", "k3V9qL2m")
        == expected
    )  # full-width input


def test_passport_number_is_hashed_and_checkable() -> None:
    doc = build_skill(skill_input(), new_salt=lambda: "k3V9qL2m")
    name, passport = doc["credentialSubject"]["identifier"]
    assert name == {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": False,
        "identityHash": "Maria Luz Dela Cruz",
    }
    assert passport == {
        "type": "IdentityObject",
        "identityType": "ext:passportNumber",
        "hashed": True,
        "identityHash": hash_identifier("P1234567A", "k3V9qL2m"),
        "salt": "k3V9qL2m",
    }
    assert "P1234567A" not in json.dumps(doc)
    assert check_identifier(passport, "p1234567a")
    assert not check_identifier(passport, "P1234567B")
    assert check_identifier(name, "maria luz dela cruz")
    assert not check_identifier(name, "Maria Cruz")


def test_given_salt_is_kept() -> None:
    holder = {"passport": {"number": "P1234567A", "salt": "mySalt-01"}}
    doc = build_skill(_skill_fields(holder=holder))
    (passport,) = doc["credentialSubject"]["identifier"]
    assert passport["salt"] == "mySalt-01"
    assert check_identifier(passport, "P1234567A")


def test_check_identifier_accepts_md5_from_other_issuers() -> None:
    digest = hashlib.md5(b"P1234567Asalt").hexdigest()
    identity = {"type": "IdentityObject", "hashed": True, "identityHash": f"md5${digest}"}
    identity["salt"] = "salt"
    assert check_identifier(identity, "P1234567A")
    assert not check_identifier(identity, "P1234567")


@pytest.mark.parametrize(
    "identity",
    [
        {"hashed": True},
        {"hashed": "true", "identityHash": "sha256$00"},
        {"hashed": True, "identityHash": "sha1$00"},
        {"hashed": True, "identityHash": "00"},
        {"hashed": True, "identityHash": "sha256$00", "salt": 5},
    ],
)
def test_check_identifier_rejects_malformed_objects(identity: dict[str, Any]) -> None:
    with pytest.raises(MalformedValueError) as info:
        check_identifier(identity, "P1234567A")
    assert info.value.code == "invalid_identifier"


def test_passport_number_never_appears_in_errors_or_reprs() -> None:
    holder = Holder(passport={"number": "P7654321Z"})
    assert "P7654321Z" not in repr(holder)
    with pytest.raises(MalformedValueError) as info:
        build_skill(_skill_fields(holder={"passport": {"number": "P7654321Z", "bad": "x"}}))
    assert "P7654321Z" not in str(info.value)
    with pytest.raises(MalformedValueError) as info:
        build_skill(_skill_fields(holder={"passport": {"number": "P7654321Z!"}}))
    assert "P7654321Z" not in str(info.value)


# --- property-based: any valid input gives a schema-valid, fully defined credential ------------

_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40
).filter(lambda s: s.strip())
_https = st.from_regex(r"https://[a-z]{1,12}\.example(/[a-z0-9._~-]{0,12}){0,3}", fullmatch=True)
_did = st.from_regex(r"did:(key|web):[A-Za-z0-9.]{1,40}", fullmatch=True)
_iri = st.one_of(_https, _did, st.uuids().map(lambda u: f"urn:uuid:{u}"))
_moment = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)
_day = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1))
_framework = st.one_of(
    st.sampled_from(["EQF", "AQRF", "ACQF", "SADCQF", "ISCED-2011"]),
    st.from_regex(r"[A-Z]{2}(-[A-Z0-9]{1,6}){1,2}", fullmatch=True),
)
_level = st.builds(
    lambda fw, label, n, name: FrameworkLevel(
        framework=fw, level=str(n) if fw == "EQF" else label, name=name
    ),
    _framework,
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9+._-]{0,8}", fullmatch=True),
    st.integers(1, 8),
    st.none() | _text,
)
_esco = st.builds(
    EscoSkill,
    uri=st.uuids().map(lambda u: f"http://data.europa.eu/esco/skill/{u}"),
    name=_text,
)
_passport_st = st.builds(PassportNumber, number=st.from_regex(r"[A-Z0-9]{6,9}", fullmatch=True))
_holder_st = (
    st.fixed_dictionaries({}, optional={"name": _text, "id": _did, "passport": _passport_st})
    .filter(bool)
    .map(lambda fields: Holder(**fields))
)
_issuer_st = st.builds(
    Issuer,
    id=_iri,
    name=_text,
    url=st.none() | _https,
    country_code=st.none() | st.from_regex(r"[A-Z]{2}", fullmatch=True),
)
_credits = st.none() | st.floats(0, 10_000, allow_nan=False) | st.integers(0, 500)


def _unique_by(key: Callable[[Any], Any], items: Any) -> Any:
    return st.lists(items, max_size=4, unique_by=key).map(tuple)


@st.composite
def _common(draw: st.DrawFn) -> dict[str, Any]:
    valid_from = draw(_moment)
    until = draw(st.none() | st.integers(1, 10**9).map(lambda s: valid_from + timedelta(seconds=s)))
    return {
        "issuer": draw(_issuer_st),
        "holder": draw(_holder_st),
        "description": draw(_text),
        "achievement_id": draw(st.none() | _iri),
        "in_language": draw(
            st.none() | st.sampled_from(["en", "de", "fil", "zh-Hant-TW", "es-419"])
        ),
        "awarded_on": draw(st.none() | _moment),
        "valid_from": valid_from,
        "valid_until": until,
    }


@st.composite
def _inputs(draw: st.DrawFn) -> Any:
    common = draw(_common())
    kind = draw(st.sampled_from(sorted(SAMPLES)))
    if kind == "qualification":
        start = draw(st.none() | _day)
        return QualificationInput(
            **common,
            name=draw(_text),
            achievement_type=draw(st.sampled_from(["Certificate", "Diploma", "ext:Trade-Test"])),
            criteria=draw(_text),
            learning_outcomes=draw(st.lists(_text, max_size=3)),
            levels=draw(_unique_by(lambda lv: lv.framework, _level)),
            field_of_study=draw(
                st.none()
                | st.builds(
                    IscedField, code=st.from_regex(r"[0-9]{2,4}", fullmatch=True), name=_text
                )
            ),
            skills=draw(_unique_by(lambda s: s.uri, _esco)),
            credits_available=draw(_credits),
            credits_earned=draw(_credits),
            started_on=start,
            completed_on=None
            if start is None
            else start + timedelta(days=draw(st.integers(0, 999))),
        )
    if kind == "skill":
        return SkillInput(
            **common,
            skill=draw(_esco),
            name=draw(st.none() | _text),
            criteria=draw(_text),
            levels=draw(_unique_by(lambda lv: lv.framework, _level)),
            credits_available=draw(_credits),
            completed_on=draw(st.none() | _day | _moment),
        )
    if kind == "work_experience":
        start = draw(_day)
        return WorkExperienceInput(
            **common,
            role=draw(_text),
            start_date=start,
            end_date=draw(
                st.none() | st.integers(0, 9999).map(lambda d: start + timedelta(days=d))
            ),
            skills_used=draw(_unique_by(lambda s: s.uri, _esco)),
            criteria=draw(st.none() | _text),
        )
    return LanguageProficiencyInput(
        **common,
        language=draw(st.from_regex(r"[a-z]{2,3}", fullmatch=True)),
        language_name=draw(_text),
        cefr_level=draw(st.sampled_from(["A1", "A2", "B1", "B2", "C1", "C2"])),
        name=draw(st.none() | _text),
        criteria=draw(_text),
        assessed_on=draw(st.none() | _day),
    )


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=_inputs())
def test_any_valid_input_builds_a_schema_valid_credential(data: Any) -> None:
    doc = build_credential(data)
    vc, ob = _schemas._validators()
    assert vc.is_valid(doc)
    assert ob.is_valid(doc)
    _expand(doc)
    assert json.loads(json.dumps(doc, allow_nan=False)) == doc


@settings(max_examples=50, deadline=None, database=None)
@given(doc=st.just(_reference()), salt=st.from_regex(r"[A-Za-z0-9]{8,16}", fullmatch=True))
def test_identifier_round_trip(doc: dict[str, Any], salt: str) -> None:
    identity = copy.deepcopy(doc["credentialSubject"]["identifier"][1])
    identity.update(salt=salt, identityHash=hash_identifier("P1234567A", salt))
    assert check_identifier(identity, " p1234567a ")


# --- signing and verification with the core ---------------------------------------------------


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_every_builder_output_signs_and_verifies(kind: str, cryptosuite: str) -> None:
    import skillpass

    key = skillpass.KeyPair.from_seed(bytes(range(32)))
    data = SAMPLES[kind]()
    data = data.model_copy(update={"issuer": data.issuer.model_copy(update={"id": key.did})})
    credential = build_credential(data)
    when = datetime(2026, 6, 1, tzinfo=UTC)
    signed = skillpass.sign_credential(credential, key, cryptosuite=cryptosuite, now=when)
    assert signed["proof"]["cryptosuite"] == cryptosuite
    report = skillpass.verify_credential(signed, now=when)
    assert report.check("format").status == "valid", report.check("format")
    assert report.check("proof").status == "valid", report.check("proof")
    assert report.status in ("valid", "unknown")

    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] += "!"
    assert skillpass.verify_credential(tampered, now=when).check("proof").status == "invalid"


def test_reference_signs_and_verifies() -> None:
    import skillpass

    key = skillpass.KeyPair.from_seed(bytes(32))
    fields = _reference_fields()
    fields["issuer"]["id"] = key.did
    ref = _reference()
    credential = build_qualification(
        fields, credential_id=ref["id"], credential_status=ref["credentialStatus"]
    )
    when = datetime(2026, 6, 1, tzinfo=UTC)
    for cryptosuite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        signed = skillpass.sign_credential(credential, key, cryptosuite=cryptosuite, now=when)
        report = skillpass.verify_credential(signed, now=when)
        assert report.check("format").status == "valid"
        assert report.check("proof").status == "valid"


def test_documentation_examples_run() -> None:
    text = (ROOT / "docs" / "credentials.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) >= 6
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, "docs/credentials.md", "exec"), namespace)


def test_package_quick_start_runs() -> None:
    import skillpass.credentials

    doc = skillpass.credentials.__doc__ or ""
    lines = doc.split("::\n", 1)[1].splitlines()
    block = itertools.takewhile(lambda line: not line or line.startswith("    "), lines)
    snippet = textwrap.dedent("\n".join(block))
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)
    assert namespace["credential"]["type"][1] == "OpenBadgeCredential"


def test_public_names_are_exported() -> None:
    import skillpass.credentials

    public = {name for name in vars(skillpass.credentials) if not name.startswith("_")}
    assert set(skillpass.credentials.__all__) == public


def test_inputs_round_trip_through_json(kind: str) -> None:
    data = SAMPLES[kind]()
    # A dumped passport number is masked; the hashed form round-trips.
    hashed = PassportNumber(identity_hash=hash_identifier("P1234567A", "saltsalt"), salt="saltsalt")
    data = data.model_copy(update={"holder": data.holder.model_copy(update={"passport": hashed})})
    assert type(data).model_validate_json(data.model_dump_json()) == data
    assert type(data).model_validate(data.model_dump()) == data
    assert "**********" in SAMPLES[kind]().model_dump_json()
