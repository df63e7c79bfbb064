"""Shared wallet fixtures: an issuer key, signed credentials in several scripts, a cheap KDF.

Loaded with `pytest_plugins` by each wallet test module (not a conftest.py: a second
`conftest` module would shadow the root one for tests that import it by name)."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

import skillpass
from tests.wallet.common import FAST, NAMES, PASSPHRASE, ROOT, MakeCredential
from wallet import Wallet


@pytest.fixture(scope="session")
def issuer_key() -> skillpass.KeyPair:
    return skillpass.KeyPair.from_seed(bytes(range(32)))


@pytest.fixture(scope="session")
def reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (ROOT / "examples" / "reference-qualification.json").read_text(encoding="utf-8")
    )
    return data


@pytest.fixture(scope="session")
def make_credential(issuer_key: skillpass.KeyPair, reference: dict[str, Any]) -> MakeCredential:
    def make(
        *,
        holder: str = NAMES["latin"],
        title: str = "Shielded Metal Arc Welding (SMAW) NC II",
        framework: str = "PH-PQF",
        level: str = "2",
        subject_id: str | None = None,
        key: skillpass.KeyPair | None = None,
        valid_until: str = "2031-03-13T23:59:59Z",
        cryptosuite: str = "eddsa-rdfc-2022",
        issuer_name: str = "Regional Training Center Central Visayas",
    ) -> dict[str, Any]:
        signer = key or issuer_key
        doc = copy.deepcopy(reference)
        doc["id"] = f"urn:uuid:{uuid.uuid4()}"
        doc["issuer"]["id"] = signer.did
        doc["issuer"]["name"] = issuer_name
        doc["name"] = title
        doc["validUntil"] = valid_until
        subject = doc["credentialSubject"]
        subject["identifier"][0]["identityHash"] = holder
        subject["achievement"]["name"] = title
        if subject_id is not None:
            subject["id"] = subject_id
        alignment = subject["achievement"]["alignment"][0]
        alignment["targetFramework"] = framework
        alignment["targetCode"] = level
        alignment["targetName"] = f"{framework} level {level}"
        alignment["targetUrl"] = f"urn:skillpass:framework:{framework}:{level}"
        signed: dict[str, Any] = skillpass.sign_credential(doc, signer, cryptosuite=cryptosuite)
        return signed

    return make


@pytest.fixture
def wallet_path(tmp_path: Path) -> Path:
    return tmp_path / "maria.wallet"


@pytest.fixture
def wallet(wallet_path: Path) -> Any:
    with Wallet.create(wallet_path, PASSPHRASE, kdf=FAST) as w:
        yield w
