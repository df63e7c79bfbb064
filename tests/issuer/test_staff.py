"""The staff pages over HTTP (no browser): sign-in, CSRF, the cohort preview, issuing, status
changes with a reason, certificates, ZIPs and offers. tests/web drives them in Chromium."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import skillpass
import skillpass.qr
from issuer import create_app
from issuer.models import AuditEntry
from tests.issuer.conftest import Running, make_settings

HEADER = (
    "holder_name,qualification_name,achievement_type,description,criteria,levels,passport_number\n"
)
GOOD = (
    "Maria Luz Dela Cruz,SMAW NC II,Certificate,Welding,Passed,PH-PQF:2,P1234567A\n"
    "Juan Santos,SMAW NC II,Certificate,Welding,Passed,PH-PQF:2,P7654321B\n"
    "Ana Reyes,SMAW NC II,Certificate,Welding,Passed,PH-PQF:2,P1111111C\n"
)


@pytest.fixture
def staff(database_url: str, tmp_path: Path) -> Iterator[Running]:
    # https: the session cookie is Secure, and a client only sends it back over https.
    app = create_app(make_settings(database_url, tmp_path))
    with TestClient(app, base_url="https://testserver") as client:
        yield Running(client, app.state.service.settings)


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def sign_in(running: Running, slug: str = "rtc7", did_method: str = "key") -> str:
    running.institute(slug, did_method=did_method)
    page = running.client.get("/staff/")
    assert page.status_code == 200 and 'id="sign-in"' in page.text
    response = running.client.post(
        "/staff/sign-in",
        data={"api_key": running.keys[slug], "csrf": csrf(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=strict" in cookie
    assert running.keys[slug] not in cookie  # sealed, not readable
    home = running.client.get("/staff/")
    assert 'id="credentials"' in home.text or "Nothing issued yet" in home.text
    return csrf(home.text)


def test_sign_in_needs_a_valid_key_and_a_csrf_token(staff: Running) -> None:
    staff.institute("rtc7", did_method="key")
    page = staff.client.get("/staff/")
    token = csrf(page.text)
    wrong = staff.client.post("/staff/sign-in", data={"api_key": "spk_x_y", "csrf": token})
    assert wrong.status_code == 401 and 'id="error"' in wrong.text
    forged = staff.client.post("/staff/sign-in", data={"api_key": staff.keys["rtc7"], "csrf": "x"})
    assert forged.status_code == 403 and "csrf_failed" in forged.text
    admin = staff.client.post(
        "/staff/sign-in", data={"api_key": "admin-token-for-tests", "csrf": token}
    )
    assert admin.status_code == 403 and "institute_only" in admin.text
    # A forged cookie is no session at all.
    staff.client.cookies.set("sp_staff", "AAAA" * 20, domain="testserver.local", path="/staff")
    assert 'id="sign-in"' in staff.client.get("/staff/").text


def test_cohort_preview_shows_row_errors_and_issues_nothing(staff: Running) -> None:
    token = sign_in(staff)
    bad = HEADER + GOOD + "Broken Row,,Certificate,Welding,Passed,PH-PQF:2,P2\n"
    response = staff.client.post(
        "/staff/cohort/preview", data={"csrf": token}, files={"file": ("c.csv", bad, "text/csv")}
    )
    assert response.status_code == 200
    assert 'id="row-errors"' in response.text and "column qualification_name" in response.text
    assert 'id="cohort-issue"' not in response.text
    assert staff.client.get("/credentials", headers=staff.auth("rtc7")).json()["total"] == 0


def test_cohort_issue_list_search_revoke_certificates_offer(staff: Running) -> None:
    token = sign_in(staff)
    preview = staff.client.post(
        "/staff/cohort/preview",
        data={"csrf": token, "suspension": "1"},
        files={"file": ("c.csv", HEADER + GOOD, "text/csv")},
    )
    assert "Issue these 3 credentials" in preview.text
    csv_field = re.search(r'<textarea name="csv"[^>]*>(.*?)</textarea>', preview.text, re.S)
    assert csv_field
    import html

    issued = staff.client.post(
        "/staff/cohort/issue",
        data={"csrf": token, "csv": html.unescape(csv_field.group(1)), "suspension": "1"},
    )
    assert issued.status_code == 200 and "3 credential(s) issued." in issued.text
    ids = re.findall(r'<tr data-id="([^"]+)"', issued.text)
    assert len(ids) == 3

    found = staff.client.get("/staff/", params={"q": "Juan"})
    assert "Juan Santos" in found.text and "Ana Reyes" not in found.text
    assert "1 credential(s)" in found.text
    literal = staff.client.get("/staff/", params={"q": "%"})
    assert "0 credential(s)" in literal.text  # % is a character, not a wildcard

    pdf = staff.client.get("/staff/certificate.pdf", params={"id": ids[0]})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    doc = skillpass.qr.read_document(pdf.content)
    assert doc["id"] == ids[0]
    bundle = staff.client.get("/staff/certificates.zip", params=[("id", i) for i in ids])
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        assert len(archive.namelist()) == 3

    no_csrf = staff.client.post(
        "/staff/credential/status", data={"id": ids[1], "action": "revoke", "reason": "x"}
    )
    assert no_csrf.status_code == 403
    suspended = staff.client.post(
        "/staff/credential/status",
        data={"csrf": token, "id": ids[1], "action": "suspend", "reason": "under review"},
    )
    assert 'data-status="suspended"' in suspended.text
    revoked = staff.client.post(
        "/staff/credential/status",
        data={"csrf": token, "id": ids[2], "action": "revoke", "reason": "fraudulent assessment"},
    )
    assert 'data-status="revoked"' in revoked.text and 'id="status-form"' not in revoked.text
    state = staff.client.get(f"/credentials/{ids[2]}", headers=staff.auth("rtc7")).json()
    assert state["revoked"] is True
    service = staff.client.app.state.service  # type: ignore[attr-defined]
    with service.session() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "status.revocation")
        ).scalar_one()
    assert entry.detail == {"status": True, "reason": "fraudulent assessment"}

    offer = staff.client.post("/staff/credential/offer", data={"csrf": token, "id": ids[0]})
    url = re.search(r'id="offer-url">([^<]+)<', offer.text)
    assert url and url.group(1).startswith("https://issuer.example:8443/offers/")
    collected = staff.client.get(url.group(1).removeprefix("https://issuer.example:8443"))
    assert collected.json()["verifiableCredential"]["id"] == ids[0]


def test_issue_one_from_the_form(staff: Running) -> None:
    token = sign_in(staff, did_method="web")
    response = staff.client.post(
        "/staff/issue",
        data={
            "csrf": token,
            "holder_name": "Fatima Zahra",
            "qualification_name": "Électricité bâtiment",
            "achievement_type": "Certificate",
            "description": "d",
            "criteria": "c",
            "levels": "EQF:4",
            "passport_number": "AB123456",
            "field_of_study_code": "0713",
            "field_of_study_name": "Electricity and energy",
            "skills": "http://data.europa.eu/esco/skill/9b7d5f3a-1c8e-4a6b-b2d0-8e6c4a2f0d13|safety",
        },
    )
    assert response.status_code == 200 and "Fatima Zahra" in response.text
    pdf = staff.client.get(
        "/staff/certificate.pdf", params={"id": re.search(r"urn:uuid:[0-9a-f-]+", response.text)[0]}
    )
    assert pdf.status_code == 200  # did:web: the certificate verifies with the institute's document
    signed = skillpass.qr.read_document(pdf.content)
    achievement = signed["credentialSubject"]["achievement"]
    assert "Electricity and energy" in json.dumps(achievement["fieldOfStudy"], ensure_ascii=False)
    urls = [a.get("targetUrl") for a in achievement["alignment"]]
    assert "http://data.europa.eu/esco/skill/9b7d5f3a-1c8e-4a6b-b2d0-8e6c4a2f0d13" in urls
    bad = staff.client.post(
        "/staff/issue",
        data={
            "csrf": token,
            "holder_name": "X",
            "qualification_name": "Y",
            "achievement_type": "Certificate",
            "description": "d",
            "criteria": "c",
            "levels": "NOPE:4",
        },
    )
    assert bad.status_code == 422 and "column levels" in bad.text


def test_pages_speak_arabic_right_to_left(staff: Running) -> None:
    page = staff.client.get("/staff/?lang=ar")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert '<html lang="ar" dir="rtl">' in staff.client.get("/staff/").text  # remembered
    french = staff.client.get("/staff/?lang=xx", headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    assert 'lang="ar"' in french.text  # the session's choice beats the browser's


def test_a_session_whose_key_no_longer_works_ends(staff: Running) -> None:
    from issuer.staff._session import COOKIE, SessionSealer

    sealer = SessionSealer(b"k" * 32)  # the master key of make_settings
    stale = sealer.new().signed_in("spk_0000000000000000_withdrawn")
    staff.client.cookies.set(COOKIE, sealer.seal(stale), domain="testserver.local", path="/staff")
    response = staff.client.get("/staff/", follow_redirects=False)
    assert response.status_code == 303
    assert sealer.open(response.cookies.get(COOKIE)).api_key is None  # type: ignore[union-attr]
    assert 'id="sign-in"' in staff.client.get("/staff/").text


def test_an_expired_or_foreign_cookie_is_no_session() -> None:
    from issuer.staff._session import Session, SessionSealer

    sealer = SessionSealer(b"k" * 32)
    expired = Session("csrf", 1, api_key="spk_a_b")
    assert sealer.open(sealer.seal(expired)) is None
    other = SessionSealer(b"x" * 32).seal(SessionSealer.new().signed_in("spk_a_b"))
    assert sealer.open(other) is None
    assert sealer.open("not base64 at all!") is None
    assert sealer.open("A" * 5000) is None


def test_every_phrase_the_templates_use_is_in_the_catalog() -> None:
    from issuer.staff import _i18n

    templates = Path(_i18n.__file__).parent / "templates"
    used = {"active", "revoked", "suspended"}  # t(r.status)
    for path in templates.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", path.read_text(encoding="utf-8")))
    assert len(used) > 40
    for lang in _i18n.LANGUAGES:
        for key in sorted(used):
            assert _i18n.translate(lang, key), (lang, key)
