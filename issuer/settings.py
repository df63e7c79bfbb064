"""Issuer settings, read from the environment (``SKILLPASS_*``) or passed to :func:`create_app`."""

from __future__ import annotations

import base64
import binascii
import os
import sys
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from skillpass.errors import KeyFileError

__all__ = ["Settings", "load_master_key"]


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "skillpass-issuer"


class Settings(BaseSettings):
    """Everything the service needs; nothing is read at import time.

    ``database_url`` defaults to an SQLite file in ``data_dir``. ``master_key`` (32 random bytes,
    URL-safe base64) encrypts institute private keys at rest; without it a key file
    ``data_dir/master.key`` is created on first start (owner-only) and used from then on.
    """

    model_config = SettingsConfigDict(env_prefix="SKILLPASS_", extra="ignore")

    database_url: str | None = None
    public_url: str = "http://127.0.0.1:8000"
    admin_token: str | None = None
    master_key: str | None = None
    data_dir: Path = Field(default_factory=_default_data_dir)
    max_body_bytes: int = 8 * 1024 * 1024
    max_batch: int = 1000
    status_list_ttl_seconds: int = 300
    # Rotation keeps the old key valid this long, so a request that read it just before the
    # rotation still signs within its window (see docs/deploy.md).
    rotation_grace_seconds: int = 300
    offer_ttl_seconds: int = 900
    # Fill a status list up to this many entries, then open a new one (random allocation stays
    # cheap: at most a quarter of the tries collide).
    # The VC-API verify routes (the verifier package): a trust bundle to judge issuers and
    # status with, and whether an issuer the bundle does not accredit is refused.
    trust_bundle: Path | None = None
    require_trust: bool = False
    # Sign and verify documents that use the W3C test-only contexts (examples/v2 …): for
    # conformance runs (SKILLPASS_ALLOW_TEST_CONTEXTS=1), never for an institute's credentials.
    allow_test_contexts: bool = False
    status_list_entries: int = 131_072
    status_list_capacity: int = 98_304

    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL (psycopg 3 for PostgreSQL)."""
        url = self.database_url or f"sqlite:///{self.data_dir / 'issuer.db'}"
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url


def _decode_key(text: str, where: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise KeyFileError(
            f"the master key ({where}) must be 32 bytes in URL-safe base64",
            code="invalid_master_key",
        )
    return raw


def load_master_key(settings: Settings) -> bytes:
    """The 32-byte master key: from the settings, else from (or newly into) the key file."""
    if settings.master_key:
        return _decode_key(settings.master_key, "SKILLPASS_MASTER_KEY")
    path = settings.data_dir / "master.key"
    if path.exists():
        return _decode_key(path.read_text(encoding="ascii"), str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(32)
    # O_EXCL: two processes starting at once must not both write a key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _decode_key(path.read_text(encoding="ascii"), str(path))
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(base64.urlsafe_b64encode(key).decode("ascii") + "\n")
    print(
        f"skillpass issuer: created a new master key in {path} (owner-only). Back it up: "
        "without it the institutes' signing keys cannot be decrypted.",
        file=sys.stderr,
    )
    return key
