"""The verification page over HTTP (no browser): every kind of input, bad input as a readable
page (never a 500), escaping, the security headers and the vendored QR decoder."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import skillpass
import skillpass.qr
from skillpass.credentials import build_qualification
from verifier.web import MAX_UPLOAD_BYTES, PageVerifier, create_page_app, read_pasted

KEY = skillpass.KeyPair.from_seed(bytes([91]) * 32)
HOLDER = skillpass.KeyPair.from_seed(bytes([92]) * 32)
JSQR_SHA256 = "bc40c8a15196236b2314db0856f72ca0b49980cd5413b8c852a7349f5fee0859"


def credential(name: str = "Maria Luz Dela Cruz", **extra: Any) -> dict[str, Any]:
    unsigned = build_qualification(
        {
            "issuer": {"id": KEY.did, "name": "RTC 7"},
            "holder": {"name": name, "passport": {"number": "P1234567A"}},
            "name": "SMAW NC II",
            "achievement_type": "Certificate",
            "description": "Welding",
            "criteria": "Passed",
            "levels": [{"framework": "PH-PQF", "level": "2"}],
            **extra,
        }
    )
    return skillpass.sign_credential(unsigned, KEY)


@pytest.fixture(scope="module")
def client() -> TestClient:
    policy = lambda: skillpass.VerificationPolicy(trust=skillpass.TrustedIssuers([KEY.did]))  # noqa: E731
    return TestClient(create_page_app(PageVerifier(policy=policy)))


def verdict(html: str) -> str:
    found = re.search(r'id="result" data-status="(\w+)"', html)
    assert found, html[:2000]
    return found.group(1)


def test_the_form_loads_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith(("/", "#", "?")) for s in sources), sources
    for label in ("file", "text", "framework", "id_number"):
        assert f'<label for="{label}">' in page.text


def test_the_vendored_decoder_is_the_one_recorded(client: TestClient) -> None:
    served = client.get("/assets/jsQR.js")
    assert served.status_code == 200 and served.headers["content-type"].startswith(
        "text/javascript"
    )
    assert hashlib.sha256(served.content).hexdigest() == JSQR_SHA256
    assert "Apache License" in client.get("/assets/jsQR.LICENSE").text
    assert client.get("/assets/../_routes.py").status_code == 404
    assert client.get("/assets/VENDORED.md").status_code == 404


@pytest.mark.parametrize("form", ["qr", "json", "file-json", "file-text", "png", "jpeg"])
def test_every_input_kind(client: TestClient, form: str) -> None:
    doc = credential()
    text = skillpass.qr.encode(doc)
    if form == "qr":
        response = client.post("/", data={"text": text})
    elif form == "json":
        response = client.post("/", data={"text": json.dumps(doc)})
    elif form == "file-json":
        response = client.post(
            "/", files={"file": ("x.bin", json.dumps(doc).encode(), "text/plain")}
        )
    elif form == "file-text":
        response = client.post("/", files={"file": ("qr.txt", text.encode(), "text/plain")})
    else:
        from io import BytesIO

        from PIL import Image

        png = skillpass.qr.render_png(text)
        if form == "jpeg":
            out = BytesIO()
            Image.open(BytesIO(png)).convert("RGB").save(out, "JPEG", quality=90)
            png = out.getvalue()
        response = client.post("/", files={"file": ("photo", png, "application/octet-stream")})
    assert response.status_code == 200
    assert verdict(response.text) == "valid"


def test_a_presentation_is_verified_with_its_credentials(client: TestClient) -> None:
    doc = credential()
    vp = skillpass.sign_presentation(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": HOLDER.did,
            "verifiableCredential": [doc],
        },
        HOLDER,
        challenge="c-1",
    )
    response = client.post("/", data={"text": json.dumps(vp)})
    # No challenge was given to the page: at best unknown (it could be a replay), never valid.
    assert verdict(response.text) == "unknown"
    assert "Maria Luz Dela Cruz" in response.text
    assert 'data-check="holder"' in response.text


@pytest.mark.parametrize(
    ("data", "files", "code"),
    [
        ({}, None, "input_unreadable"),
        ({"text": "hello"}, None, "input_unreadable"),
        ({"text": "SP2:NOT-BASE45!!"}, None, None),
        ({"text": "[1, 2]"}, None, "not_an_object"),
        ({"text": '{"a": 1, "a": 2}'}, None, None),
        ({}, {"file": ("x", b"\x89PNG\r\n\x1a\nbroken", "image/png")}, None),
        ({}, {"file": ("x", b"%PDF-1.4 broken", "application/pdf")}, None),
        ({}, {"file": ("x", b"\xff\xfe\x00garbage", "application/octet-stream")}, None),
        ({}, {"file": ("x", b"x" * (MAX_UPLOAD_BYTES + 1), "text/plain")}, "input_too_large"),
    ],
)
def test_bad_input_is_a_readable_page(
    client: TestClient, data: dict[str, str], files: Any, code: str | None
) -> None:
    response = client.post("/", data=data, files=files)
    assert response.status_code == 422, response.text[:500]
    assert 'id="error"' in response.text and 'id="result"' not in response.text
    if code:
        assert f">{code}</code>" in response.text


def test_what_the_credential_says_is_escaped(client: TestClient) -> None:
    doc = credential(name='<script>alert("x")</script><img src=x onerror=alert(1)>')
    response = client.post("/", data={"text": json.dumps(doc)})
    assert verdict(response.text) == "valid"
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert "&lt;script&gt;" in response.text


def test_a_changed_credential_is_invalid_and_its_levels_are_not_compared(
    client: TestClient,
) -> None:
    doc = copy.deepcopy(credential())
    doc["name"] = "Master Welder"
    response = client.post("/", data={"text": json.dumps(doc), "framework": "DE-DQR"})
    assert verdict(response.text) == "invalid"
    assert 'id="comparison"' not in response.text
    assert 'data-code="invalid_signature"' in response.text


def test_the_hidden_document_round_trips_for_a_second_check(client: TestClient) -> None:
    first = client.post("/", data={"text": skillpass.qr.encode(credential())})
    hidden = re.search(r'name="document" value="([^"]*)"', first.text)
    assert hidden
    import html

    again = client.post(
        "/", data={"document": html.unescape(hidden.group(1)), "id_number": "P1234567A"}
    )
    assert 'data-identity="match"' in again.text
    wrong = client.post("/", data={"document": html.unescape(hidden.group(1)), "id_number": "X"})
    assert 'data-identity="no_match"' in wrong.text


def test_an_unknown_framework_choice_is_ignored_not_an_error(client: TestClient) -> None:
    response = client.post("/", data={"text": json.dumps(credential()), "framework": "XX-NOPE"})
    assert verdict(response.text) == "valid" and 'id="comparison"' not in response.text


def test_languages(client: TestClient) -> None:
    fresh = TestClient(client.app)
    assert 'lang="fr"' in fresh.get("/", headers={"Accept-Language": "de;q=1, fr;q=0.8"}).text
    assert 'lang="en"' in fresh.get("/", headers={"Accept-Language": "fr;q=0"}).text
    assert 'lang="es" dir="ltr"' in fresh.get("/?lang=es").text
    assert 'lang="es"' in fresh.get("/", headers={"Accept-Language": "ar"}).text  # remembered
    assert 'lang="ar" dir="rtl"' in fresh.get("/?lang=AR").text


def test_read_pasted_joins_structured_append_parts() -> None:
    doc = credential(description="A long description " * 40)
    parts = skillpass.qr.split(skillpass.qr.encode(doc), max_version=10)
    assert len(parts) > 1
    assert read_pasted("\n".join(parts)) == doc


def test_the_page_is_served_by_the_verifier_app_with_its_bundle(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.verifier.common import World
    from verifier import VerifierSettings, create_app

    world = World()
    made = datetime.now(UTC) - timedelta(days=3)
    path = tmp_path / "bundle.json"
    world.bundle(at=made).save(path)
    app = TestClient(create_app(VerifierSettings(bundle=path)))
    assert 'id="verify-form"' in app.get("/").text
    page = app.post("/", data={"text": skillpass.qr.encode(world.credential()), "framework": "EQF"})
    assert verdict(page.text) == "valid"
    # The issuer's name is the registry's, and the bundle's age is shown next to the status.
    assert "Regional Training Center 7 (registry)" in page.text
    assert "name from the trust registry" in page.text
    assert "(3 days old)" in page.text
    assert 'data-code="ok"' in page.text and 'id="comparison"' in page.text
    forged = app.post("/", data={"text": json.dumps(world.credential() | {"name": "Forged"})})
    assert verdict(forged.text) == "invalid"
    # The VC-API routes are still there beside the page.
    api = app.post("/credentials/verify", json={"verifiableCredential": world.credential()})
    assert api.status_code == 200
    # A re-synced bundle (the issuer revoked it since) counts at once, with no restart.
    world.status_value = 2
    world.bundle(at=made + timedelta(days=2)).save(path)
    again = app.post("/", data={"text": skillpass.qr.encode(world.credential())})
    assert verdict(again.text) == "invalid" and 'data-code="revoked"' in again.text
    assert "(1 day old)" in again.text


def test_every_phrase_the_templates_use_is_in_the_catalog() -> None:
    from verifier.web import _i18n

    templates = Path(_i18n.__file__).parent / "templates"
    used = set()
    for path in templates.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", path.read_text(encoding="utf-8")))
    used = {key for key in used if not key.endswith("_")}  # t("identity_" + …): below
    used |= {f"banner_{s}" for s in ("valid", "invalid", "unknown")}
    used |= {f"st_{s}" for s in ("valid", "invalid", "unknown")}
    used |= {f"identity_{s}" for s in ("match", "no_match", "not_present", "not_checked")}
    used |= {f"check_{c}" for c in ("format", "proof", "issuer", "validity", "status", "holder")}
    for lang in _i18n.LANGUAGES:
        for key in sorted(used):
            assert _i18n.translate(lang, key), (lang, key)


def test_a_bug_while_verifying_is_a_page_not_a_500(caplog: pytest.LogCaptureFixture) -> None:
    def broken(doc: Any, **_kwargs: Any) -> skillpass.VerificationReport:
        raise RuntimeError("a bug")

    class Broken(PageVerifier):
        def verify(self, doc: Any, *, framework: str | None, id_number: str | None) -> Any:
            return broken(doc)

    client = TestClient(create_page_app(Broken()))
    response = client.post("/", data={"text": json.dumps(credential())})
    assert response.status_code == 400 and "verification_error" in response.text
    assert 'id="result"' not in response.text
    assert "could not verify" in caplog.text


def test_an_oversized_form_is_refused_before_it_is_read(client: TestClient) -> None:
    huge = b"x" * (MAX_UPLOAD_BYTES + 5 * 1024 * 1024)
    response = client.post("/", files={"file": ("big", huge, "application/octet-stream")})
    assert response.status_code == 413 and "input_too_large" in response.text
    chunked = client.post(
        "/", content=iter([b"--x\r\n"]), headers={"Content-Type": "multipart/form-data; boundary=x"}
    )
    assert chunked.status_code == 413  # no declared length: not read at all


def test_a_malformed_or_too_large_text_field_is_a_page(client: TestClient) -> None:
    big = client.post("/", data={"text": "{" + " " * (1100 * 1024) + "}"})
    assert big.status_code == 400 and "input_unreadable" in big.text and 'id="error"' in big.text
    broken = client.post(
        "/",
        content=b"--x\r\nnot a part",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert broken.status_code in (400, 422) and 'id="error"' in broken.text
