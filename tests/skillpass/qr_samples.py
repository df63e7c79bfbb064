"""Realistic credentials for the QR size goals, built with skillpass.credentials and signed.

Written for the tests only: tools/train_qr_dictionary.py never sees them (its corpus is its own
vocabulary), so the sizes measured here are those of credentials the dictionary was not
trained on. Ids, salts and keys are fixed, so every QR version is deterministic.
"""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import skillpass
from skillpass import credentials as cr

REFERENCE = Path(__file__).resolve().parents[2] / "examples" / "reference-qualification.json"
_NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
_CREATED = "2026-06-01T09:30:00Z"


def _key(n: int) -> skillpass.KeyPair:
    return skillpass.KeyPair.from_seed(bytes([0x40 + n]) * 32)


def _ids(name: str) -> Any:
    counter = iter(range(100))
    return lambda: f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{name}/{next(counter)}')}"


def _status(host: str, index: int) -> dict[str, Any]:
    base = f"https://{host}/status/7"
    return {
        "id": f"{base}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": base,
    }


def _skill(label: str) -> dict[str, str]:
    return {
        "uri": f"http://data.europa.eu/esco/skill/{uuid.uuid5(uuid.NAMESPACE_DNS, label)}",
        "name": label,
    }


def _sign(doc: dict[str, Any], key: skillpass.KeyPair, method: str | None = None) -> dict[str, Any]:
    return skillpass.sign_credential(doc, key, created=_CREATED, verification_method=method)


def reference() -> dict[str, Any]:
    """examples/reference-qualification.json signed eddsa-rdfc-2022 (as bench/bench_qr.py)."""
    doc: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    key = _key(0)
    doc["issuer"]["id"] = key.did
    return _sign(doc, key)


def moroccan_diploma() -> dict[str, Any]:
    """An OFPPT-style technician diploma, French and Arabic side by side."""
    key = _key(1)
    doc = cr.build_qualification(
        {
            "issuer": {
                "id": key.did,
                "name": "ISTA Hay Hassani – المعهد المتخصص للتكنولوجيا التطبيقية الحي الحسني",
                "country_code": "MA",
            },
            "holder": {
                "name": "Hamza Ouazzani – حمزة الوزاني",
                "passport": {"number": "GK4417920", "salt": "mQ7vT2xLp9Rz4sKe"},
            },
            "name": "Technicien Spécialisé en Génie Climatique – تقني متخصص في الهندسة المناخية",
            "achievement_type": "Diploma",
            "description": "Installation, mise en service et maintenance des systèmes de"
            " climatisation et de froid. – تركيب وتشغيل وصيانة أنظمة التكييف والتبريد.",
            "criteria": "Examen de fin de formation validé, stage de deux mois."
            " – اجتياز امتحان نهاية التكوين وتدريب لمدة شهرين.",
            "levels": [{"framework": "MA-CNC", "level": "5"}],
            "field_of_study": {"code": "0713", "name": "Electricity and energy"},
            "in_language": "fr",
            "completed_on": "2026-05-15",
            "valid_from": "2026-06-01T00:00:00Z",
        },
        credential_status=_status("ofppt.example.ma", 20117),
        new_id=_ids("morocco"),
    )
    return _sign(doc, key)


def uae_work_experience() -> dict[str, Any]:
    """Employer-attested work experience from Dubai, Arabic and English."""
    key = _key(2)
    doc = cr.build_work_experience(
        {
            "issuer": {
                "id": key.did,
                "name": "Al Noor Facilities Management LLC – شركة النور لإدارة المرافق",
                "country_code": "AE",
            },
            "holder": {
                "name": "Ramesh Bahadur Karki",
                "passport": {"number": "PA0981273", "salt": "Vb3kPq8sWn2Yc6Hd"},
            },
            "role": "HVAC Technician – فني تكييف وتهوية",
            "start_date": "2021-09-12",
            "end_date": "2026-04-30",
            "description": "Maintained chillers and air handling units in residential towers."
            " – صيانة المبردات ووحدات مناولة الهواء في الأبراج السكنية.",
            "skills_used": [
                _skill("maintain air conditioning systems"),
                _skill("troubleshoot HVAC faults"),
            ],
            "valid_from": "2026-05-02T00:00:00Z",
        },
        credential_status=_status("alnoor-fm.example.ae", 3310),
        new_id=_ids("uae"),
    )
    return _sign(doc, key)


def devanagari_certificate() -> dict[str, Any]:
    """A Nepali skill-test certificate in Devanagari with English."""
    key = _key(3)
    doc = cr.build_qualification(
        {
            "issuer": {
                "id": key.did,
                "name": "National Skill Testing Board – राष्ट्रिय सीप परीक्षण बोर्ड, सानोठिमी",
                "country_code": "NP",
            },
            "holder": {
                "name": "सुमन तामाङ",
                "passport": {"number": "PA2265014", "salt": "Xr5nLw1Qz8Tb0Fgu"},
            },
            "name": "Mason Level 2 – डकर्मी तह २",
            "achievement_type": "Certificate",
            "description": "Builds load-bearing brick and stone walls and plasters them."
            " – भार बोक्ने इँटा र ढुङ्गाका पर्खाल बनाउने र प्लास्टर गर्ने।",
            "criteria": "Passed the practical skill test. – व्यावहारिक सीप परीक्षण उत्तीर्ण।",
            "levels": [{"framework": "EQF", "level": "3"}],
            "field_of_study": {"code": "0732", "name": "Building and civil engineering"},
            "completed_on": "2026-03-20",
            "valid_from": "2026-04-01T00:00:00Z",
        },
        credential_status=_status("nstb.example.np", 8841),
        new_id=_ids("nepal"),
    )
    return _sign(doc, key)


def cyrillic_certificate() -> dict[str, Any]:
    """A Russian-language vocational certificate from Uzbekistan with English."""
    key = _key(4)
    doc = cr.build_qualification(
        {
            "issuer": {
                "id": key.did,
                "name": "Самаркандский профессиональный колледж строительства"
                " – Samarkand Vocational College of Construction",
                "country_code": "UZ",
            },
            "holder": {
                "name": "Дилшод Турсунов",
                "passport": {"number": "FA7723110", "salt": "Hc2mZr7Kp4Vw9Lsd"},
            },
            "name": "Электрогазосварщик 4 разряда – Electric and Gas Welder, grade 4",
            "achievement_type": "Certificate",
            "description": "Ручная дуговая и газовая сварка стальных конструкций и трубопроводов."
            " – Manual arc and gas welding of steel structures and pipelines.",
            "criteria": "Сдан квалификационный экзамен. – Qualification exam passed.",
            "levels": [{"framework": "EQF", "level": "3"}],
            "field_of_study": {"code": "0715", "name": "Mechanics and metal trades"},
            "in_language": "ru",
            "completed_on": "2026-02-10",
            "valid_from": "2026-02-15T00:00:00Z",
        },
        credential_status=_status("spk-samarkand.example.uz", 511),
        new_id=_ids("uzbekistan"),
    )
    return _sign(doc, key)


TEN_SKILLS = [
    "weld in shielded metal arc welding",
    "interpret welding symbols",
    "apply health and safety standards",
    "operate cutting equipment",
    "inspect weld quality",
    "prepare metal surfaces for welding",
    "use personal protective equipment",
    "read technical drawings",
    "perform metal active gas welding",
    "maintain welding equipment",
]


def ten_skills() -> dict[str, Any]:
    """The reference qualification with ten ESCO skills and an EQF level beside the PQF one."""
    key = _key(5)
    doc = cr.build_qualification(
        {
            "issuer": {"id": key.did, "name": "Regional Training Center Central Visayas"},
            "holder": {
                "name": "Maria Luz Dela Cruz",
                "passport": {"number": "P3920144B", "salt": "k3V9qL2mA7cE1xZt"},
            },
            "name": "Shielded Metal Arc Welding (SMAW) NC II",
            "achievement_type": "Certificate",
            "achievement_id": "https://rtc7.example.ph/qualifications/smaw-nc2",
            "description": "Competency-based national certificate: performs fillet and groove"
            " welding of carbon steel plates and pipes in flat, horizontal, vertical and"
            " overhead positions to industry standard.",
            "criteria": "Passed the national competency assessment administered by an"
            " accredited assessment centre.",
            "levels": [
                {
                    "framework": "PH-PQF",
                    "level": "2",
                    "name": "Philippine Qualifications Framework level 2",
                },
                {"framework": "EQF", "level": "3"},
            ],
            "field_of_study": {"code": "0715", "name": "Mechanics and metal trades"},
            "skills": [_skill(label) for label in TEN_SKILLS],
            "in_language": "en",
            "completed_on": "2026-02-27",
            "valid_from": "2026-03-14T00:00:00Z",
            "valid_until": "2031-03-13T23:59:59Z",
        },
        credential_status=_status("rtc7.example.ph", 94568),
        new_id=_ids("ten-skills"),
    )
    return _sign(doc, key)


def oversized() -> dict[str, Any]:
    """A credential too large for one V22-M code: forty skills and long outcomes."""
    key = _key(6)
    doc = copy.deepcopy(ten_skills())
    doc.pop("proof")
    doc["issuer"]["id"] = key.did
    extra = doc["credentialSubject"]["achievement"]["alignment"]
    for n in range(30):
        label = f"supplementary competency unit {n} of the welding curriculum"
        entry = copy.deepcopy(extra[-1])
        entry["targetName"] = label
        entry["targetUrl"] = _skill(label)["uri"]
        extra.append(entry)
    return _sign(doc, key)


GOALS = {
    "reference": (reference, 18),
    "moroccan_diploma": (moroccan_diploma, 22),
    "uae_work_experience": (uae_work_experience, 22),
    "devanagari_certificate": (devanagari_certificate, 22),
    "cyrillic_certificate": (cyrillic_certificate, 22),
    "ten_skills": (ten_skills, 22),
}
"""Name -> (builder, the largest QR version at M the issue allows)."""
