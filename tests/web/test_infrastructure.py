"""The browser tests' own rules: no chromium skips them locally and fails them in CI."""

from __future__ import annotations

import shutil

import pytest

from tests.web.conftest import chromium_path


def test_without_chromium_ci_fails_and_a_local_run_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        chromium_path()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        chromium_path()
