"""The camera scan in a real browser: Chromium's fake camera plays a video of the QR code, the
page decodes it in the browser (BarcodeDetector, else the vendored jsQR) and verifies it."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import skillpass
import skillpass.qr
from skillpass.status import Bitstring, StatusListChecker
from skillpass.status import build_status_list_credential as status_list
from tests.web.conftest import Served, chromium_path, screenshot
from tests.web.test_verification_page import ISSUER, LIST_URL, reference
from verifier.web import PageVerifier, create_page_app

SIDE = 1000  # pixels: about 8 per module of the reference credential's code


def y4m_of(png: bytes, path: Path, frames: int = 10) -> None:
    """A still video (YUV4MPEG2, 4:2:0) of the image, as Chromium's fake camera reads it."""
    image = Image.open(BytesIO(png)).convert("RGB")
    frame = Image.new("RGB", (SIDE, SIDE), "white")
    image.thumbnail((SIDE - 80, SIDE - 80), Image.Resampling.NEAREST)
    frame.paste(image, ((SIDE - image.width) // 2, (SIDE - image.height) // 2))
    y, u, v = frame.convert("YCbCr").split()
    half = (SIDE // 2, SIDE // 2)
    planes = y.tobytes() + u.resize(half).tobytes() + v.resize(half).tobytes()
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{SIDE} H{SIDE} F5:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)


@pytest.fixture
def camera_page(tmp_path: Path) -> Iterator[Any]:
    path = chromium_path()
    video = tmp_path / "qr.y4m"
    y4m_of(skillpass.qr.render_png(skillpass.qr.encode(reference(10))), video)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            args=[
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        try:
            context = browser.new_context(permissions=["camera"])
            yield context.new_page()
        finally:
            browser.close()


def test_a_camera_scan_verifies_the_code(camera_page: Any) -> None:
    checker = StatusListChecker(
        [
            skillpass.sign_credential(
                status_list(LIST_URL, issuer=ISSUER.did, bitstring=Bitstring()), ISSUER
            )
        ]
    )
    policy = lambda: skillpass.VerificationPolicy(  # noqa: E731
        trust=skillpass.TrustedIssuers([ISSUER.did]), status=checker
    )
    with Served(create_page_app(PageVerifier(policy=policy))) as site:
        camera_page.goto(site.url + "/")
        camera_page.get_by_role("button", name="Scan with the camera").click()
        camera_page.wait_for_selector("#result", timeout=60_000)
        screenshot(camera_page, "camera-scan-valid")
        assert camera_page.locator("#verdict").inner_text() == "VALID"
        assert camera_page.locator("#holder").inner_text() == "Maria Luz Dela Cruz"
