"""Shared test fixtures. Every test runs with outbound network access blocked: SkillPass must
work offline, and a test that reaches the network is a bug (loopback stays allowed)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors"
EXAMPLES = ROOT / "examples"

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and (host in ("localhost", "::1") or host.startswith("127.")):
        return _real_connect(self, address)
    if self.family == getattr(socket, "AF_UNIX", None):
        return _real_connect(self, address)
    raise OSError(f"tests must not touch the network (tried to connect to {address!r})")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    monkeypatch.delenv("SKILLPASS_PASSPHRASE", raising=False)
    yield


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def reference_credential() -> dict[str, Any]:
    """The reference qualification (issuer still the W3C vector key's did:key)."""
    data: dict[str, Any] = load_json(EXAMPLES / "reference-qualification.json")
    return data
