"""The issuer's HTTP API on SQLite and PostgreSQL: issuance, status, DIDs, isolation, errors."""

from __future__ import annotations

import base64
import copy
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

import skillpass
from issuer import create_app
from issuer.models import AuditEntry, InstituteKey
from skillpass.errors import KeyFileError
from skillpass.status import StatusListChecker, read_status
from tests.issuer.conftest import PUBLIC_URL, Running, make_settings, unsigned_qualification

PROBLEM = "application/problem+json"


def resolver(running: Running, *slugs: str) -> skillpass.OfflineResolver:
    docs = {}
    for slug in slugs:
        doc = running.client.get(f"/institutes/{slug}/did.json").json()
        docs[doc["id"]] = doc
    return skillpass.OfflineResolver(docs)


def assert_verified(report: skillpass.VerificationReport) -> None:
    """Every check valid but ``status``, which needs the status list (the verification
    pipeline's status checker reads it; here the tests read it with skillpass.status)."""
    checks = {c.id: c.status for c in report.checks}
    assert checks.pop("status", "unknown") in ("valid", "unknown"), report.checks
    assert set(checks.values()) == {"valid"}, [c.to_dict() for c in report.checks]


def issue(running: Running, slug: str, credential: Any = None, **options: Any) -> Any:
    body = {"credential": credential or unsigned_qualification(), "options": options}
    return running.client.post("/credentials/issue", json=body, headers=running.auth(slug))


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == code and body["status"] == status
    return dict(body)


def status_of(running: Running, credential: dict[str, Any]) -> Any:
    entry = credential["credentialStatus"]
    path = entry["statusListCredential"].removeprefix(PUBLIC_URL)
    response = running.client.get(path)
    assert response.status_code == 200
    list_credential = response.json()
    return read_status(entry, list_credential), list_credential, response


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_issue_did_web_verifies(running: Running, suite: str) -> None:
    inst = running.institute("rtc7")
    assert inst["did"] == "did:web:issuer.example%3A8443:institutes:rtc7"
    response = issue(running, "rtc7", cryptosuite=suite)
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    unsigned = unsigned_qualification()
    assert vc["credentialSubject"] == unsigned["credentialSubject"]
    assert vc["issuer"]["id"] == inst["did"] and vc["proof"]["cryptosuite"] == suite
    assert vc["credentialStatus"]["statusPurpose"] == "revocation"
    report = skillpass.verify_credential(
        vc, resolver=resolver(running, "rtc7"), trusted_issuers=[inst["did"]]
    )
    assert_verified(report)
    status, list_credential, _ = status_of(running, vc)
    assert not status.revoked
    list_report = skillpass.verify_credential(
        list_credential, resolver=resolver(running, "rtc7"), trusted_issuers=[inst["did"]]
    )
    assert_verified(list_report)


def test_issue_query_parameter_selects_suite_and_defaults(running: Running) -> None:
    running.institute("dk", did_method="key", default_cryptosuite="eddsa-jcs-2022")
    credential = unsigned_qualification()
    del credential["id"], credential["validFrom"]
    response = running.client.post(
        "/credentials/issue?cryptosuite=eddsa-rdfc-2022",
        json={"credential": credential, "options": {"unknownOption": 1}},
        headers=running.auth("dk"),
    )
    vc = response.json()["verifiableCredential"]
    assert vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert vc["id"].startswith("urn:uuid:") and "validFrom" in vc
    assert vc["issuer"]["id"].startswith("did:key:z6Mk")
    report = skillpass.verify_credential(vc, trusted_issuers=[vc["issuer"]["id"]])
    assert_verified(report)
    default = issue(running, "dk").json()["verifiableCredential"]
    assert default["proof"]["cryptosuite"] == "eddsa-jcs-2022"


def test_issue_vcdm_1_1(running: Running) -> None:
    running.institute("old", did_method="key")
    credential = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"},
    }
    response = issue(running, "old", credential=credential)
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert "issuanceDate" in vc and "validFrom" not in vc
    assert vc["credentialSubject"] == credential["credentialSubject"]
    report = skillpass.verify_credential(vc, trusted_issuers=[vc["issuer"]])
    assert_verified(report)


def test_revoke_suspend_reinstate(running: Running) -> None:
    running.institute("rtc7")
    plain = issue(running, "rtc7").json()["verifiableCredential"]
    cid = plain["id"]
    _, _, first = status_of(running, plain)
    etag = first.headers["etag"]
    assert "max-age=60" in first.headers["cache-control"]
    assert first.json()["credentialSubject"]["ttl"] == 60_000
    same = running.client.get(first.url.path, headers={"If-None-Match": etag})
    assert same.status_code == 304

    def change(purpose: str, value: bool, who: str = "rtc7", credential_id: str = cid) -> Any:
        body = {
            "credentialId": credential_id,
            "credentialStatus": {"type": "BitstringStatusList", "statusPurpose": purpose},
            "status": value,
        }
        return running.client.post("/credentials/status", json=body, headers=running.auth(who))

    assert_problem(change("suspension", True), 409, "not_suspendable")
    assert change("revocation", True).json()["revoked"] is True
    status, fresh, after = status_of(running, plain)
    assert status.revoked and after.headers["etag"] != etag
    # What a verifier sees with the fresh list: revoked (with the first one: valid).
    for lst, expected in ((first.json(), ("valid", "ok")), (fresh, ("invalid", "revoked"))):
        policy = skillpass.VerificationPolicy(
            resolver=resolver(running, "rtc7"),
            status=StatusListChecker([lst], resolver=resolver(running, "rtc7")),
        )
        report = skillpass.verify_credential(plain, policy=policy)
        check = next(c for c in report.checks if c.id == "status")
        assert (check.status, check.code) == expected
    assert_problem(change("revocation", False), 409, "revocation_irreversible")
    assert running.client.get(f"/credentials/{cid}", headers=running.auth("rtc7")).json()["revoked"]

    flexible = issue(
        running,
        "rtc7",
        credential={**unsigned_qualification(), "id": "urn:uuid:" + "1" * 32},
        credentialStatus={"type": "BitstringStatusList", "statusPurpose": "suspension"},
    ).json()["verifiableCredential"]
    entry = flexible["credentialStatus"]
    assert (entry["statusPurpose"], entry["statusSize"]) == ("message", 2)
    fid = flexible["id"]
    assert change("suspension", True, credential_id=fid).json()["suspended"] is True
    assert status_of(running, flexible)[0].suspended
    assert change("suspension", False, credential_id=fid).json()["suspended"] is False
    assert status_of(running, flexible)[0].value == 0
    assert change("revocation", True, credential_id=fid).json()["revoked"] is True
    assert status_of(running, flexible)[0].revoked
    assert_problem(
        change("revocation", True, credential_id="urn:uuid:nope"), 404, "credential_not_found"
    )


def test_institute_isolation(running: Running) -> None:
    running.institute("alpha")
    running.institute("beta")
    vc = issue(running, "alpha").json()["verifiableCredential"]
    beta = running.auth("beta")
    assert_problem(
        running.client.get(f"/credentials/{vc['id']}", headers=beta), 404, "credential_not_found"
    )
    body = {
        "credentialId": vc["id"],
        "status": True,
        "credentialStatus": {"type": "BitstringStatusList", "statusPurpose": "revocation"},
    }
    assert_problem(
        running.client.post("/credentials/status", json=body, headers=beta),
        404,
        "credential_not_found",
    )
    assert_problem(
        running.client.post(f"/credentials/{vc['id']}/offer", headers=beta),
        404,
        "credential_not_found",
    )
    assert_problem(running.client.get("/institutes/alpha", headers=beta), 403, "forbidden")
    assert running.client.get("/institutes/beta", headers=beta).status_code == 200
    assert running.client.get("/credentials", headers=beta).json()["total"] == 0
    assert running.client.get("/credentials", headers=running.auth("alpha")).json()["total"] == 1
    # An institute cannot issue in another's name, nor act as the admin.
    other = unsigned_qualification()
    other["issuer"]["id"] = running.client.get("/institutes/alpha", headers=running.admin).json()[
        "did"
    ]
    assert_problem(issue(running, "beta", credential=other), 422, "conflicting_issuer")
    assert_problem(
        running.client.post("/institutes/beta/api-keys", headers=beta), 403, "admin_only"
    )
    assert_problem(
        running.client.post("/credentials/issue", json={}, headers=running.admin),
        403,
        "institute_only",
    )


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "unauthorized"),
        ({"Authorization": "Bearer nope"}, "unauthorized"),
        ({"Authorization": "Bearer spk_0000_1111"}, "unauthorized"),
        ({"Authorization": "Basic abc"}, "unauthorized"),
    ],
)
def test_authentication(running: Running, headers: dict[str, str], code: str) -> None:
    assert_problem(running.client.post("/institutes", json={}, headers=headers), 401, code)
    assert_problem(issue_raw(running, b"{}", headers), 401, code)


def issue_raw(running: Running, body: bytes, headers: dict[str, str]) -> Any:
    return running.client.post(
        "/credentials/issue", content=body, headers={**headers, "Content-Type": "application/json"}
    )


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"not json", 400, "not_json"),
        (b'{"credential": {}, "credential": {}}', 400, "duplicate_key"),
        (b"[1]", 422, "not_an_object"),
        (b'{"credential": ' + b"[" * 500 + b"]" * 500 + b"}", 422, "document_too_deep"),
        (b"[" * 100_000 + b"]" * 100_000, 422, "document_too_deep"),
        (b'{"credential": 5}', 422, "not_an_object"),
        (b'{"credential": {"@context": ["https://example.org/x"]}}', 422, "unsupported_context"),
        (
            b'{"credential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": '
            b'["VerifiableCredential"], "credentialSubject": {"nope": 1}}}',
            422,
            "undefined_term",
        ),
        (
            b'{"credential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": '
            b'["VerifiableCredential"], "credentialSubject": {}}, "options": {"cryptosuite": "x"}}',
            422,
            "unsupported_cryptosuite",
        ),
        (
            b'{"credential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": '
            b'["VerifiableCredential"], "credentialSubject": {}, "proof": {}}}',
            422,
            "already_signed",
        ),
        (
            b'{"credential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": '
            b'["VerifiableCredential"], "credentialSubject": {}}, "options": 3}',
            422,
            "not_an_object",
        ),
        (
            b'{"credential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": '
            b'["VerifiableCredential"], "credentialSubject": {}, "validFrom": "yesterday"}}',
            422,
            "invalid_datetime",
        ),
    ],
)
def test_bad_input_is_a_4xx_problem(running: Running, body: bytes, status: int, code: str) -> None:
    running.institute("rtc7")
    response = issue_raw(running, body, running.auth("rtc7"))
    assert_problem(response, status, code)
    assert running.client.get("/credentials", headers=running.auth("rtc7")).json()["total"] == 0


def test_batch_is_all_or_nothing(running: Running) -> None:
    running.institute("rtc7")
    good = [
        {"credential": {**unsigned_qualification(), "id": f"urn:uuid:{n:032d}"}} for n in range(3)
    ]
    bad = copy.deepcopy(good)
    bad[1]["credential"]["credentialSubject"]["undefinedThing"] = 1
    response = running.client.post(
        "/credentials/issue/batch", json=bad, headers=running.auth("rtc7")
    )
    body = assert_problem(response, 422, "undefined_term")
    assert body["path"].startswith("/1/credential")
    assert running.client.get("/credentials", headers=running.auth("rtc7")).json()["total"] == 0
    response = running.client.post(
        "/credentials/issue/batch", json={"items": good}, headers=running.auth("rtc7")
    )
    assert response.status_code == 201, response.text
    vcs = response.json()["verifiableCredentials"]
    assert [vc["id"] for vc in vcs] == [g["credential"]["id"] for g in good]
    slots = {
        (vc["credentialStatus"]["statusListCredential"], vc["credentialStatus"]["statusListIndex"])
        for vc in vcs
    }
    assert len(slots) == 3
    # Issuing one of them again conflicts, and nothing of that batch is written.
    again = running.client.post(
        "/credentials/issue/batch", json=[good[0]], headers=running.auth("rtc7")
    )
    assert_problem(again, 409, "credential_id_taken")
    assert running.client.get("/credentials", headers=running.auth("rtc7")).json()["total"] == 3
    page = running.client.get("/credentials?per_page=2&page=2", headers=running.auth("rtc7"))
    assert len(page.json()["items"]) == 1
    assert_problem(
        running.client.post("/credentials/issue/batch", json=[], headers=running.auth("rtc7")),
        422,
        "empty_batch",
    )


def test_key_rotation_keeps_old_credentials_valid(running: Running) -> None:
    inst = running.institute("rtc7")
    before = issue(running, "rtc7").json()["verifiableCredential"]
    rotated = running.client.post("/institutes/rtc7/keys/rotate", headers=running.admin)
    assert rotated.status_code == 200, rotated.text
    assert [k["id"].rsplit("#", 1)[1] for k in rotated.json()["keys"]] == ["key-1", "key-2"]
    after = issue(
        running, "rtc7", credential={**unsigned_qualification(), "id": "urn:uuid:" + "2" * 32}
    ).json()["verifiableCredential"]
    assert before["proof"]["verificationMethod"].endswith("#key-1")
    assert after["proof"]["verificationMethod"].endswith("#key-2")
    doc = running.client.get("/institutes/rtc7/did.json").json()
    assert (
        "expires" in doc["verificationMethod"][0] and "expires" not in doc["verificationMethod"][1]
    )
    for vc in (before, after):
        report = skillpass.verify_credential(
            vc, resolver=resolver(running, "rtc7"), trusted_issuers=[inst["did"]]
        )
        assert_verified(report)
    # A compromise: every earlier key is marked revoked from the given date.
    compromised = running.client.post(
        "/institutes/rtc7/keys/rotate",
        json={"compromised": True, "since": "2020-01-01T00:00:00Z"},
        headers=running.admin,
    )
    assert compromised.status_code == 200
    doc = running.client.get("/institutes/rtc7/did.json").json()
    assert [("revoked" in m) for m in doc["verificationMethod"]] == [True, True, False]
    report = skillpass.verify_credential(
        before, resolver=resolver(running, "rtc7"), trusted_issuers=[inst["did"]]
    )
    assert report.status == "invalid"
    running.institute("dk", did_method="key")
    assert_problem(
        running.client.post("/institutes/dk/keys/rotate", headers=running.admin),
        409,
        "rotation_not_supported",
    )


def test_institute_validation_and_root(running: Running) -> None:
    admin = running.admin
    base = {"name": "X", "country": "PH", "slug": "xx", "did_method": "web"}
    assert_problem(
        running.client.post("/institutes", json={**base, "slug": "X Y"}, headers=admin),
        422,
        "invalid_slug",
    )
    assert_problem(
        running.client.post("/institutes", json={**base, "country": "Phil"}, headers=admin),
        422,
        "invalid_country",
    )
    assert_problem(
        running.client.post("/institutes", json={**base, "did_method": "ion"}, headers=admin),
        422,
        "invalid_request",
    )
    assert_problem(
        running.client.post("/institutes", json={**base, "extra": 1}, headers=admin),
        422,
        "invalid_request",
    )
    running.institute("xx")
    assert_problem(running.client.post("/institutes", json=base, headers=admin), 409, "slug_taken")
    assert_problem(running.client.get("/.well-known/did.json"), 404, "not_found")
    root = running.institute("root", root=True)
    assert root["did"] == "did:web:issuer.example%3A8443"
    assert running.client.get("/.well-known/did.json").json()["id"] == root["did"]
    assert_problem(
        running.client.post(
            "/institutes", json={**base, "slug": "r2", "root": True}, headers=admin
        ),
        409,
        "root_exists",
    )
    assert_problem(running.client.get("/institutes/nope/did.json"), 404, "institute_not_found")
    assert_problem(running.client.get("/status-lists/nope"), 404, "status_list_not_found")
    assert_problem(running.client.get("/no/such/route"), 404, "not_found")
    assert_problem(running.client.delete("/health"), 405, "method_not_allowed")


def test_health_metrics_request_id_and_audit(running: Running, database_url: str) -> None:
    assert running.client.get("/health").json() == {"status": "ok"}
    running.institute("rtc7")
    issue(running, "rtc7")
    response = running.client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert len(running.client.get("/health").headers["x-request-id"]) == 32
    text = running.client.get("/metrics").text
    assert "skillpass_credentials_issued_total 1" in text
    assert 'skillpass_http_requests_total{method="POST",status="201"}' in text
    assert "skillpass_http_request_duration_seconds_count" in text
    engine = create_engine(running.settings.resolved_database_url())
    with engine.connect() as conn:
        actions = [a for (a,) in conn.execute(select(AuditEntry.action).order_by(AuditEntry.id))]
        seeds = conn.execute(select(InstituteKey.encrypted_seed)).scalars().all()
    engine.dispose()
    assert actions == ["institute.create", "api_key.create", "credential.issue"]
    # The seed is encrypted: 12-byte nonce, 32 bytes, 16-byte tag.
    assert all(len(s) == 60 for s in seeds)


def test_body_size_limit(database_url: str, tmp_path: Path) -> None:
    app = create_app(make_settings(database_url, tmp_path, max_body_bytes=1000))
    with TestClient(app) as client:
        response = client.post(
            "/credentials/issue", content=b"x" * 2000, headers={"Content-Type": "application/json"}
        )
        assert_problem(response, 413, "body_too_large")

        def chunks() -> Any:
            for _ in range(20):
                yield b"y" * 100

        assert_problem(client.post("/credentials/issue", content=chunks()), 413, "body_too_large")


def test_master_key_file_and_wrong_key(database_url: str, tmp_path: Path) -> None:
    settings = make_settings(database_url, tmp_path, master_key=None)
    create_app(settings).state.engine.dispose()
    key_file = tmp_path / "data" / "master.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(base64.urlsafe_b64decode(key_file.read_text().strip())) == 32
    create_app(settings).state.engine.dispose()  # the same key file again: fine
    wrong = make_settings(
        database_url, tmp_path, master_key=base64.urlsafe_b64encode(b"w" * 32).decode()
    )
    with pytest.raises(KeyFileError) as info:
        create_app(wrong)
    assert info.value.code == "wrong_master_key"
    with pytest.raises(KeyFileError) as info:
        create_app(make_settings(database_url, tmp_path, master_key="short"))
    assert info.value.code == "invalid_master_key"


def test_no_secret_in_responses_or_logs(running: Running, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="skillpass.issuer")
    inst = running.institute("rtc7")
    key = running.keys["rtc7"]
    offer = running.client.post(
        f"/credentials/{issue(running, 'rtc7').json()['verifiableCredential']['id']}/offer",
        headers=running.auth("rtc7"),
    ).json()
    running.client.get(offer["offer_url"].removeprefix(PUBLIC_URL))
    token = offer["offer_url"].rsplit("/", 1)[1]
    logged = "\n".join(
        r.getMessage() + json.dumps(getattr(r, "fields", {})) for r in caplog.records
    )
    assert "/offers/" in logged
    for secret in (key, key.split("_")[-1], token, "admin-token-for-tests"):
        assert secret not in logged
    assert "secretKeyMultibase" not in json.dumps(inst) and "seed" not in json.dumps(inst)


def test_migrations_match_the_models(database_url: str, tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from issuer.models import Base

    create_app(make_settings(database_url, tmp_path)).state.engine.dispose()
    engine = create_engine(make_settings(database_url, tmp_path).resolved_database_url())
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        count = conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    engine.dispose()
    assert diff == [] and count == 0


def test_concurrent_requests_in_one_process(running: Running) -> None:
    """Requests run in a thread pool: signing must be safe there (pyld's caches are not)."""
    running.institute("rtc7")
    running.institute("dk", did_method="key")
    auth = running.auth("rtc7")
    items = [{"credential": unsigned_qualification()} for _ in range(10)]
    for item in items:
        del item["credential"]["id"]

    def batch(n: int) -> int:
        headers = auth if n % 2 else running.auth("dk")
        response = running.client.post("/credentials/issue/batch", json=items, headers=headers)
        return int(response.status_code)

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(batch, range(16))) == [201] * 16


def test_a_full_list_gives_way_to_a_new_one(database_url: str, tmp_path: Path) -> None:
    app = create_app(make_settings(database_url, tmp_path, status_list_capacity=3))
    with TestClient(app) as client:
        running = Running(client, app.state.service.settings)
        running.institute("rtc7")
        items = [{"credential": unsigned_qualification()} for _ in range(4)]
        for item in items:
            del item["credential"]["id"]
        vcs = client.post(
            "/credentials/issue/batch", json=items, headers=running.auth("rtc7")
        ).json()["verifiableCredentials"]
        vcs.append(
            issue(
                running,
                "rtc7",
                credential={**unsigned_qualification(), "id": "urn:uuid:" + "3" * 32},
            ).json()["verifiableCredential"]
        )
        lists = [vc["credentialStatus"]["statusListCredential"] for vc in vcs]
        assert sorted(lists.count(url) for url in set(lists)) == [2, 3]
        for vc in vcs:
            assert not status_of(running, vc)[0].revoked
        assert client.get("/openapi.json").json()["info"]["title"] == "SkillPass issuer"
