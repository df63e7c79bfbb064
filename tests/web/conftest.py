"""Browser tests: Playwright drives the system's Chromium (Debian package ``chromium``; no
browser is ever downloaded) against the real apps served by uvicorn on 127.0.0.1.

Without Chromium these tests skip with a reason, except under ``CI=true`` where they fail
(``.ci/run`` installs it). Each result page's screenshot is saved in ``test-artifacts/web/``
(git-ignored) at the root of the checkout.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tests.conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "web"


def chromium_path() -> str:
    """The system Chromium, or skip (locally) / fail (CI) when it is not installed."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        reason = "browser tests need the system's chromium (apt-get install chromium; .ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, locale="en-GB")
    opened = context.new_page()
    # Anything but the app on loopback is a failure: the page must work with no network.
    outside: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        if re.match(r"^(https?://127\.0\.0\.1[:/]|data:|blob:)", url):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    opened.route("**/*", route)
    yield opened
    context.close()
    assert outside == [], f"the page tried to load from elsewhere: {outside}"


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot of the page as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Served:
    """An ASGI app served by uvicorn in a thread on 127.0.0.1, stopped on exit."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
