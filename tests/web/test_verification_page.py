"""The verification page in a real browser: the issue's scenarios, each result page saved as a
screenshot in test-artifacts/web/."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import skillpass
import skillpass.qr
from skillpass.credentials import hash_identifier
from skillpass.status import Bitstring, StatusListChecker, build_status_entry
from skillpass.status import build_status_list_credential as status_list
from tests.conftest import EXAMPLES, load_json
from tests.web.conftest import Served, screenshot
from verifier.web import PageVerifier, create_page_app

ISSUER = skillpass.KeyPair.from_seed(bytes([81]) * 32)
STRANGER = skillpass.KeyPair.from_seed(bytes([82]) * 32)
LIST_URL = "https://rtc7.example.ph/status-lists/1"
PASSPORT = "P1234567A"
SALT = "k3V9qL2m"


def reference(index: int | None, key: skillpass.KeyPair = ISSUER) -> dict[str, Any]:
    """The reference qualification, issued by ``key`` with a status entry at ``index`` and its
    passport hash made from a number the test knows."""
    doc = copy.deepcopy(load_json(EXAMPLES / "reference-qualification.json"))
    doc.pop("proof", None)
    doc["issuer"]["id"] = key.did
    for identity in doc["credentialSubject"]["identifier"]:
        if identity["identityType"] == "ext:passportNumber":
            identity["identityHash"] = hash_identifier(PASSPORT, SALT)
            identity["salt"] = SALT
    if index is not None:
        doc["credentialStatus"] = build_status_entry(LIST_URL, index)
    return skillpass.sign_credential(doc, key)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("qr")
    good = reference(10)
    tampered = copy.deepcopy(good)
    tampered["name"] = "Master Welder (EQF 7)"  # changed after signing
    made = {
        "good": good,
        "tampered": tampered,
        "revoked": reference(11),
        "stranger": reference(None, STRANGER),
    }
    paths = {}
    for name, doc in made.items():
        path = out / f"{name}.png"
        path.write_bytes(skillpass.qr.render_png(skillpass.qr.encode(doc)))
        paths[name] = path
    return paths


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    bits = Bitstring()
    bits.set(11, 1)
    signed_list = skillpass.sign_credential(
        status_list(LIST_URL, issuer=ISSUER.did, bitstring=bits), ISSUER
    )
    checker = StatusListChecker([signed_list])

    def policy() -> skillpass.VerificationPolicy:
        return skillpass.VerificationPolicy(
            trust=skillpass.TrustedIssuers([ISSUER.did]), status=checker
        )

    with Served(create_page_app(PageVerifier(policy=policy))) as served:
        yield served.url


def verify_file(
    page: Any, site: str, path: Path, *, framework: str = "", id_number: str = ""
) -> None:
    page.goto(site + "/")
    page.get_by_label("Photo or scan of a QR code").set_input_files(str(path))
    if framework:
        page.get_by_label("My qualifications framework").select_option(framework)
    if id_number:
        page.locator("#id_number").fill(id_number)
    page.get_by_role("button", name="Verify", exact=True).click()
    page.wait_for_selector("#result")


def test_the_reference_qr_is_valid_and_compares_to_de_dqr(
    page: Any, site: str, files: dict[str, Path]
) -> None:
    verify_file(page, site, files["good"], framework="DE-DQR")
    screenshot(page, "valid-de-dqr")
    assert page.locator("#verdict").inner_text() == "VALID"
    assert page.locator("#holder").inner_text() == "Maria Luz Dela Cruz"
    assert "Shielded Metal Arc Welding (SMAW) NC II" in page.locator("#qualification").inner_text()
    assert "Regional Training Center Central Visayas" in page.locator("#issuer").inner_text()
    comparison = page.locator("#comparison")
    assert "DE-DQR" in comparison.inner_text()
    assert comparison.locator(".path").first.inner_text() == "PH-PQF 2 → AQRF 2 → EQF 2 → DE-DQR 2"
    assert comparison.locator(".level").first.inner_text() == "2"
    assert "not recognition" in comparison.inner_text()
    # Every check is listed with its reason in plain words.
    rows = page.locator("#checks tbody tr")
    assert rows.count() == 5
    assert page.locator('#checks tr[data-check="status"]').get_attribute("data-code") == "ok"


def test_a_tampered_qr_is_invalid_with_the_reason(
    page: Any, site: str, files: dict[str, Path]
) -> None:
    verify_file(page, site, files["tampered"])
    screenshot(page, "invalid-tampered")
    assert page.locator("#verdict").inner_text() == "INVALID"
    assert "changed after it was signed" in page.locator("#why").inner_text()
    proof = page.locator('#checks tr[data-check="proof"]')
    assert proof.get_attribute("data-code") == "invalid_signature"
    assert page.locator("#comparison").count() == 0  # a forged level is never compared


def test_a_revoked_credential_is_invalid(page: Any, site: str, files: dict[str, Path]) -> None:
    verify_file(page, site, files["revoked"])
    screenshot(page, "invalid-revoked")
    assert page.locator("#verdict").inner_text() == "INVALID"
    assert "revoked" in page.locator("#why").inner_text()
    assert page.locator('#checks tr[data-check="status"]').get_attribute("data-code") == "revoked"


def test_an_unknown_issuer_is_unknown_not_invalid(
    page: Any, site: str, files: dict[str, Path]
) -> None:
    verify_file(page, site, files["stranger"])
    screenshot(page, "unknown-issuer")
    assert page.locator("#verdict").inner_text() == "UNKNOWN"
    # Not "signature not checked": the signature is good, the issuer is not trusted.
    assert (
        "signature is good, but the issuer is not in a trusted registry"
        in page.locator("#why").inner_text()
    )
    assert page.locator('#checks tr[data-check="proof"]').get_attribute("data-code") == "ok"


def test_signature_not_checked_is_said_apart(page: Any, site: str) -> None:
    doc = load_json(EXAMPLES / "reference-qualification.json")
    doc.pop("proof", None)
    doc["issuer"]["id"] = "did:web:nowhere.example"  # no DID document offline: not checkable
    doc = skillpass.sign_credential(
        doc, STRANGER, verification_method="did:web:nowhere.example#key-1"
    )
    page.goto(site + "/")
    page.locator("#text").fill(skillpass.qr.encode(doc))
    page.get_by_role("button", name="Verify", exact=True).click()
    screenshot(page, "unknown-signature-not-checked")
    assert page.locator("#verdict").inner_text() == "UNKNOWN"
    assert "signature was NOT checked" in page.locator("#why").inner_text()


def test_the_passport_check_both_ways(page: Any, site: str, files: dict[str, Path]) -> None:
    verify_file(page, site, files["good"], id_number="p1234567a")
    screenshot(page, "passport-match")
    assert page.locator("#identity").get_attribute("data-identity") == "match"
    # Check again from the result page with another number: no upload needed.
    page.locator("#again-id").fill("P7654321B")
    page.get_by_role("button", name="Check again").click()
    page.wait_for_selector("#result")
    screenshot(page, "passport-no-match")
    assert page.locator("#identity").get_attribute("data-identity") == "no_match"
    assert "does NOT match" in page.locator("#identity").inner_text()


def test_the_arabic_page_is_right_to_left(page: Any, site: str, files: dict[str, Path]) -> None:
    page.goto(site + "/?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # Remembered for the session: the next page without ?lang is Arabic too.
    page.goto(site + "/")
    assert page.locator("html").get_attribute("lang") == "ar"
    page.locator("#file").set_input_files(str(files["good"]))
    page.locator("#verify").click()
    page.wait_for_selector("#result")
    screenshot(page, "arabic-valid")
    assert page.locator("#verdict").inner_text() == "صالحة"
    assert page.evaluate("getComputedStyle(document.querySelector('#result')).direction") == "rtl"


def test_the_language_follows_the_browser(browser: Any, site: str) -> None:
    context = browser.new_context(locale="es-ES")
    try:
        spanish = context.new_page()
        spanish.goto(site + "/")
        assert spanish.locator("html").get_attribute("lang") == "es"
        assert spanish.locator("h1").inner_text() == "Verificar una credencial de competencias"
    finally:
        context.close()


def test_keyboard_alone_reaches_every_control(page: Any, site: str) -> None:
    page.goto(site + "/")
    reached = set()
    for _ in range(20):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id || document.activeElement.name"))
    assert {"file", "text", "framework", "id_number", "verify"} <= reached


def test_a_credential_json_dropped_on_the_form(page: Any, site: str) -> None:
    page.goto(site + "/")
    page.evaluate(
        """(text) => {
            const data = new DataTransfer();
            data.items.add(new File([text], "credential.json", {type: "application/json"}));
            const drop = new DragEvent(
                "drop", {dataTransfer: data, bubbles: true, cancelable: true}
            );
            document.getElementById("text").dispatchEvent(drop);
        }""",
        json.dumps(reference(10)),
    )
    assert page.evaluate("document.getElementById('file').files[0].name") == "credential.json"
    page.get_by_role("button", name="Verify", exact=True).click()
    page.wait_for_selector("#result")
    screenshot(page, "dropped-json-valid")
    assert page.locator("#verdict").inner_text() == "VALID"


def test_an_expired_bundle_is_pointed_out(page: Any, files: dict[str, Path]) -> None:
    from datetime import UTC, datetime, timedelta

    made = datetime.now(UTC) - timedelta(days=40)
    stale = PageVerifier(
        policy=lambda: skillpass.VerificationPolicy(trust=skillpass.TrustedIssuers([ISSUER.did])),
        bundle_time=lambda: made,
        bundle_until=lambda: made + timedelta(days=30),
    )
    with Served(create_page_app(stale)) as served:
        verify_file(page, served.url, files["good"])
        screenshot(page, "bundle-expired")
        assert "(40 days old)" in page.locator("#bundle").inner_text()
        assert "expired" in page.locator("#bundle-expired").inner_text()


_CONTRAST_JS = """() => {
    const rgb = (s) => s.match(/[\\d.]+/g).map(Number);
    const background = (el) => {
        for (; el; el = el.parentElement) {
            const c = rgb(getComputedStyle(el).backgroundColor);
            if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
        }
        return [255, 255, 255];
    };
    const out = [];
    const texts = "#result p, #checks td, #checks th, dt, dd, small, label, a, button";
    for (const el of document.querySelectorAll(texts)) {
        if (!el.textContent.trim() || !el.offsetParent) continue;
        const color = rgb(getComputedStyle(el).color).slice(0, 3);
        out.push([el.tagName + "#" + el.id, color, background(el)]);
    }
    return out;
}"""


def _luminance(rgb: list[float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_text_contrast_is_at_least_4_5_to_1(page: Any, site: str, files: dict[str, Path]) -> None:
    for name in ("good", "tampered", "stranger"):
        verify_file(page, site, files[name], framework="DE-DQR")
        measured = page.evaluate(_CONTRAST_JS)
        assert len(measured) > 30, measured
        for what, fg, bg in measured:
            light, dark = sorted((_luminance(fg), _luminance(bg)), reverse=True)
            ratio = (light + 0.05) / (dark + 0.05)
            assert ratio >= 4.5, (name, what, fg, bg, round(ratio, 2))
