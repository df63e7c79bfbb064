"""Cohort CSV upload: every row becomes an OB 3.0 qualification, or nothing is issued."""

from __future__ import annotations

from typing import Any

import pytest

import skillpass
from tests.issuer.conftest import Running
from tests.issuer.test_issuer_api import assert_problem, assert_verified, resolver

HEADER = (
    "holder_name,qualification_name,achievement_type,description,criteria,levels,"
    "passport_number,skills\n"
)
ROW = (
    "{name},SMAW NC II,Certificate,Welding,Passed the national assessment,"
    "PH-PQF:2;EQF:3,P{n:07d}A,"
    "http://data.europa.eu/esco/skill/9b7d5f3a-1c8e-4a6b-b2d0-8e6c4a2f0d13|weld metal\n"
)


def cohort(rows: int) -> str:
    return HEADER + "".join(ROW.format(name=f"Graduate {n}", n=n) for n in range(rows))


def upload(running: Running, text: str, slug: str = "rtc7", **kwargs: Any) -> Any:
    return running.client.post(
        f"/institutes/{slug}/cohorts",
        content=text.encode(),
        headers={**running.auth(slug), "Content-Type": "text/csv"},
        **kwargs,
    )


def test_cohort_upload(running: Running) -> None:
    inst = running.institute("rtc7")
    response = upload(running, cohort(5))
    assert response.status_code == 201, response.text
    vcs = response.json()["verifiableCredentials"]
    assert len(vcs) == 5
    for vc in vcs:
        assert_verified(
            skillpass.verify_credential(
                vc, resolver=resolver(running, "rtc7"), trusted_issuers=[inst["did"]]
            )
        )
    targets = {a["targetUrl"] for a in vcs[0]["credentialSubject"]["achievement"]["alignment"]}
    assert "http://data.europa.eu/snb/eqf/3" in targets
    multipart = running.client.post(
        "/institutes/rtc7/cohorts?suspension=true",
        files={"file": ("cohort.csv", cohort(2).encode(), "text/csv")},
        headers=running.auth("rtc7"),
    )
    assert multipart.status_code == 201, multipart.text
    assert multipart.json()["verifiableCredentials"][0]["credentialStatus"]["statusSize"] == 2


@pytest.mark.parametrize(
    ("text", "code", "path"),
    [
        (cohort(3).replace("Graduate 1,", ","), "invalid_cohort_row", "/rows/3/holder_name"),
        (
            cohort(3).replace("PH-PQF:2;EQF:3", "PH-PQF:2;EQF", 1),
            "invalid_cohort_row",
            "/rows/2/levels",
        ),
        (cohort(2) + "Someone,only three,fields\n", "invalid_cohort_row", "/rows/4/*"),
        ("holder_name,bogus\nA,B\n", "invalid_cohort_csv", "/header"),
        ("holder_name\nA\n", "invalid_cohort_csv", "/header"),
        (HEADER, "empty_batch", None),
    ],
)
def test_cohort_errors_name_the_row_and_field(
    running: Running, text: str, code: str, path: str | None
) -> None:
    running.institute("rtc7")
    body = assert_problem(upload(running, text), 422, code)
    assert body.get("path") == path
    assert running.client.get("/credentials", headers=running.auth("rtc7")).json()["total"] == 0


def test_cohort_isolation_and_encoding(running: Running) -> None:
    running.institute("rtc7")
    running.institute("other")
    response = running.client.post(
        "/institutes/rtc7/cohorts",
        content=cohort(1).encode(),
        headers={**running.auth("other"), "Content-Type": "text/csv"},
    )
    assert_problem(response, 403, "forbidden")
    latin1 = cohort(1).replace("Graduate 0", "José").encode("latin-1")
    response = running.client.post(
        "/institutes/rtc7/cohorts",
        content=latin1,
        headers={**running.auth("rtc7"), "Content-Type": "text/csv"},
    )
    assert_problem(response, 422, "invalid_cohort_csv")
