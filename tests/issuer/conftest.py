"""Issuer fixtures: every test runs on SQLite and on PostgreSQL (a fresh schema each time).

PostgreSQL comes from ``SKILLPASS_TEST_POSTGRES_URL``; without it those tests skip with a reason,
except under ``CI=true`` where they fail (CI must run them; ``.ci/run`` starts a server).
"""

from __future__ import annotations

import base64
import copy
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from issuer import Settings, create_app
from tests.conftest import EXAMPLES, load_json

ADMIN = "admin-token-for-tests"
PUBLIC_URL = "https://issuer.example:8443"


def postgres_url() -> str:
    """The test PostgreSQL URL, or skip (locally) / fail (CI) when there is none."""
    url = os.environ.get("SKILLPASS_TEST_POSTGRES_URL")
    if not url:
        reason = "PostgreSQL tests need SKILLPASS_TEST_POSTGRES_URL (.ci/run starts a server)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return url


def reset_postgres(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'issuer.db'}"
    url = postgres_url()
    reset_postgres(url)
    return url


def make_settings(database_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "public_url": PUBLIC_URL,
        "admin_token": ADMIN,
        "master_key": base64.urlsafe_b64encode(b"k" * 32).decode(),
        "data_dir": tmp_path / "data",
        "status_list_ttl_seconds": 60,
    }
    values.update(overrides)
    return Settings(**values)


@dataclass
class Running:
    """A running issuer app with an admin and helpers to make institutes."""

    client: TestClient
    settings: Settings
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {ADMIN}"}

    def institute(self, slug: str, did_method: str = "web", **extra: Any) -> dict[str, Any]:
        body = {
            "name": f"Institute {slug}",
            "country": "PH",
            "slug": slug,
            "did_method": did_method,
            **extra,
        }
        response = self.client.post("/institutes", json=body, headers=self.admin)
        assert response.status_code == 201, response.text
        key = self.client.post(f"/institutes/{slug}/api-keys", headers=self.admin)
        assert key.status_code == 201, key.text
        self.keys[slug] = key.json()["api_key"]
        return dict(response.json())

    def auth(self, slug: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[slug]}"}


@pytest.fixture
def running(database_url: str, tmp_path: Path) -> Iterator[Running]:
    app = create_app(make_settings(database_url, tmp_path))
    with TestClient(app) as client:
        yield Running(client, app.state.service.settings)


def unsigned_qualification() -> dict[str, Any]:
    """The reference qualification with its issuer, status and proof left to the service."""
    credential = copy.deepcopy(load_json(EXAMPLES / "reference-qualification.json"))
    credential.pop("proof", None)
    credential.pop("credentialStatus", None)
    credential["issuer"].pop("id")
    return dict(credential)
