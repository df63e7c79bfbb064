"""A staff member issues a cohort of 3 from a CSV in the browser, downloads certificates, revokes
one; after the verifier syncs the status list, the verification page says so."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx

import skillpass
import skillpass.qr
from issuer import Settings, create_app
from skillpass.status import StatusListChecker
from tests.web.conftest import Served, free_port, screenshot
from verifier.web import PageVerifier, create_page_app

ADMIN = "admin-token-for-the-staff-flow"
CSV = (
    "holder_name,qualification_name,achievement_type,description,criteria,levels,passport_number\n"
    "Maria Luz Dela Cruz,SMAW NC II,Certificate,Welding,Passed the assessment,PH-PQF:2,P1234567A\n"
    "Juan Santos,SMAW NC II,Certificate,Welding,Passed the assessment,PH-PQF:2,P7654321B\n"
    "Ana Reyes,SMAW NC II,Certificate,Welding,Passed the assessment,PH-PQF:2,P1111111C\n"
)


def download_certificate(page: Any, holder: str, folder: Path) -> Path:
    row = page.locator("#credentials tbody tr", has_text=holder)
    with page.expect_download() as info:
        row.get_by_role("link", name="Certificate (PDF)").click()
    path = folder / f"{holder}.pdf"
    info.value.save_as(str(path))
    return path


def test_staff_issue_a_cohort_revoke_one_and_the_page_says_so(page: Any, tmp_path: Path) -> None:
    port = free_port()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'issuer.db'}",
        public_url=f"http://127.0.0.1:{port}",
        admin_token=ADMIN,
        master_key=base64.urlsafe_b64encode(b"s" * 32).decode(),
        data_dir=tmp_path / "data",
    )
    synced: list[dict[str, Any]] = []  # the verifier's offline copy of the status lists
    trusted: list[str] = []

    def policy() -> skillpass.VerificationPolicy:
        return skillpass.VerificationPolicy(
            trust=skillpass.TrustedIssuers(trusted), status=StatusListChecker(synced)
        )

    with (
        Served(create_app(settings), port) as issuer,
        Served(create_page_app(PageVerifier(policy=policy))) as verifier,
    ):
        admin = {"Authorization": f"Bearer {ADMIN}"}
        body = {"name": "RTC VII", "country": "PH", "slug": "rtc7", "did_method": "key"}
        created = httpx.post(f"{issuer.url}/institutes", json=body, headers=admin)
        assert created.status_code == 201, created.text
        trusted.append(created.json()["did"])
        api_key = httpx.post(f"{issuer.url}/institutes/rtc7/api-keys", headers=admin).json()[
            "api_key"
        ]

        # Sign in.
        page.goto(issuer.url + "/staff/")
        page.get_by_label("The institute's API key").fill(api_key)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector("text=Signed in for")

        # Upload the cohort: a preview first, nothing issued yet.
        csv_path = tmp_path / "cohort.csv"
        csv_path.write_text(CSV, encoding="utf-8")
        page.get_by_role("link", name="Issue a cohort (CSV)").click()
        page.get_by_label("Cohort CSV file").set_input_files(str(csv_path))
        page.get_by_role("button", name="Preview").click()
        page.wait_for_selector("#preview")
        screenshot(page, "staff-cohort-preview")
        assert page.locator("#preview tbody tr.row-ok").count() == 3
        listing = httpx.get(
            f"{issuer.url}/credentials", headers={"Authorization": f"Bearer {api_key}"}
        )
        assert listing.json()["total"] == 0

        page.get_by_role("button", name="Issue these 3 credentials").click()
        page.wait_for_selector("text=3 credential(s) issued.")
        screenshot(page, "staff-cohort-issued")
        assert page.locator("#credentials tbody tr").count() == 3
        ana_pdf = download_certificate(page, "Ana Reyes", tmp_path)
        juan_pdf = download_certificate(page, "Juan Santos", tmp_path)
        assert ana_pdf.read_bytes().startswith(b"%PDF-")

        # Revoke Ana's with a reason.
        page.get_by_role("link", name="Ana Reyes", exact=True).click()
        page.get_by_label("Action").select_option("revoke")
        page.get_by_label("Reason").fill("assessment found irregular")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_selector("#changed")
        screenshot(page, "staff-revoked")
        assert page.locator("#status").get_attribute("data-status") == "revoked"

        # The verifier syncs the institute's status list while online (as a trust bundle would).
        credential = skillpass.qr.read_document(ana_pdf.read_bytes())
        list_url = credential["credentialStatus"]["statusListCredential"]
        synced.append(httpx.get(list_url).json())

        page.goto(verifier.url + "/")
        page.get_by_label("Photo or scan of a QR code").set_input_files(str(ana_pdf))
        page.get_by_role("button", name="Verify", exact=True).click()
        page.wait_for_selector("#result")
        screenshot(page, "verify-revoked-certificate")
        assert page.locator("#verdict").inner_text() == "INVALID"
        assert "revoked" in page.locator("#why").inner_text()
        assert page.locator("#holder").inner_text() == "Ana Reyes"

        page.goto(verifier.url + "/")
        page.get_by_label("Photo or scan of a QR code").set_input_files(str(juan_pdf))
        page.get_by_role("button", name="Verify", exact=True).click()
        page.wait_for_selector("#result")
        screenshot(page, "verify-valid-certificate")
        assert page.locator("#verdict").inner_text() == "VALID"
        assert page.locator("#holder").inner_text() == "Juan Santos"


def test_staff_see_row_errors_before_anything_is_issued_in_arabic(
    page: Any, tmp_path: Path
) -> None:
    port = free_port()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'issuer.db'}",
        public_url=f"http://127.0.0.1:{port}",
        admin_token=ADMIN,
        master_key=base64.urlsafe_b64encode(b"t" * 32).decode(),
        data_dir=tmp_path / "data",
    )
    with Served(create_app(settings), port) as issuer:
        admin = {"Authorization": f"Bearer {ADMIN}"}
        body = {"name": "RTC VII", "country": "PH", "slug": "rtc7", "did_method": "key"}
        assert httpx.post(f"{issuer.url}/institutes", json=body, headers=admin).status_code == 201
        key = httpx.post(f"{issuer.url}/institutes/rtc7/api-keys", headers=admin).json()["api_key"]

        page.goto(issuer.url + "/staff/?lang=ar")
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        page.locator("#api_key").fill(key)
        page.locator("#sign-in button").click()
        page.goto(issuer.url + "/staff/cohort")  # the language is remembered in the session
        assert page.locator("html").get_attribute("dir") == "rtl"
        broken = CSV + "Broken Row,SMAW NC II,Certificate,Welding,Passed,NOPE:9,P2\n"
        csv_path = tmp_path / "cohort.csv"
        csv_path.write_text(broken, encoding="utf-8")
        page.locator("#file").set_input_files(str(csv_path))
        page.locator("#cohort-form button").click()
        page.wait_for_selector("#row-errors")
        screenshot(page, "staff-row-errors-arabic")
        assert page.locator("#preview tbody tr.row-error").count() == 1
        assert "Broken Row" in page.locator("#preview tbody tr.row-error").inner_text()
        assert "column levels" in page.locator("#preview tbody tr.row-error").inner_text()
        assert page.locator("#cohort-issue").count() == 0  # nothing can be issued from here
        listing = httpx.get(f"{issuer.url}/credentials", headers={"Authorization": f"Bearer {key}"})
        assert listing.json()["total"] == 0
