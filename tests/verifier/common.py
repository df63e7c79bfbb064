"""A small world for verifier tests: an accreditation authority, a did:web institute with a
key history, its status list, a trust list and a bundle, all built with the public APIs."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import skillpass
from skillpass.status import (
    REVOCATION_AND_SUSPENSION_MESSAGES,
    Bitstring,
    build_status_entry,
    build_status_list_credential,
)
from tests.conftest import EXAMPLES
from verifier import Accreditation, KeyRecord, ListedIssuer, TrustBundle, TrustList

T0 = datetime(2026, 3, 1, tzinfo=UTC)  # the bundle is built
NOW = datetime(2026, 3, 20, tzinfo=UTC)  # verification time (bundle 19 days old: needs TTL)
DID = "did:web:rtc7.example.ph"
LIST_URL = "https://rtc7.example.ph/status-lists/1"
INDEX = 94567


def reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (EXAMPLES / "reference-qualification.json").read_text(encoding="utf-8")
    )
    return data


@dataclass
class World:
    """Keys, documents and lists; every piece can be changed before :meth:`bundle`."""

    authority: skillpass.KeyPair = field(default_factory=skillpass.KeyPair.generate)
    keys: list[skillpass.KeyPair] = field(default_factory=lambda: [skillpass.KeyPair.generate()])
    web_keys: list[skillpass.WebKey] = field(default_factory=list)
    records: list[KeyRecord] = field(default_factory=list)
    levels: str = "1-5"
    status_value: int = 0
    accredited_from: datetime | None = None
    accredited_until: datetime | None = None
    list_valid_until: datetime | None = None

    def __post_init__(self) -> None:
        if not self.web_keys:
            self.web_keys = [
                skillpass.WebKey(k.public_key.multibase, key_id=f"key-{i + 1}")
                for i, k in enumerate(self.keys)
            ]

    def vm(self, i: int) -> str:
        return f"{DID}#key-{i + 1}"

    def did_document(self) -> dict[str, Any]:
        return skillpass.did_web_document(DID, self.web_keys)

    def credential(
        self,
        *,
        key: int = 0,
        created: datetime | None = None,
        valid_from: datetime | None = None,
        status: bool = True,
        level: str = "2",
        cryptosuite: str = "eddsa-rdfc-2022",
    ) -> dict[str, Any]:
        doc = reference()
        doc["issuer"]["id"] = DID
        if valid_from is not None:
            doc["validFrom"] = valid_from.strftime("%Y-%m-%dT%H:%M:%SZ")
        alignment = doc["credentialSubject"]["achievement"]["alignment"][0]
        alignment["targetCode"] = level
        alignment["targetUrl"] = f"urn:skillpass:framework:PH-PQF:{level}"
        if status:
            doc["credentialStatus"] = build_status_entry(
                LIST_URL,
                INDEX,
                "message",
                status_size=2,
                messages=REVOCATION_AND_SUSPENSION_MESSAGES,
            )
        else:
            doc.pop("credentialStatus")
        return skillpass.sign_credential(
            doc,
            self.keys[key],
            verification_method=self.vm(key),
            created=created or datetime(2026, 3, 14, tzinfo=UTC),
            cryptosuite=cryptosuite,
        )

    def status_list(self, value: int | None = None) -> dict[str, Any]:
        bits = Bitstring(status_size=2)
        bits.set(INDEX, self.status_value if value is None else value)
        unsigned = build_status_list_credential(
            LIST_URL, issuer=DID, bitstring=bits, purpose="message", valid_from=T0
        )
        # The list is signed with the newest key (the issuer signs lists with its current key).
        newest = len(self.keys) - 1
        return skillpass.sign_credential(
            unsigned, self.keys[newest], verification_method=self.vm(newest), created=T0
        )

    def trust_list(self) -> TrustList:
        entry = ListedIssuer(
            DID,
            "Regional Training Center 7 (registry)",
            "PH",
            (Accreditation.parse("PH-PQF", self.levels),),
            self.accredited_from,
            self.accredited_until,
            tuple(self.records),
        )
        return TrustList("Philippine TVET trust list").with_issuer(entry)

    def signed_list(self, signer: skillpass.KeyPair | None = None) -> dict[str, Any]:
        return self.trust_list().sign(
            signer or self.authority,
            valid_from=T0 - timedelta(days=1),
            valid_until=self.list_valid_until,
            now=T0 - timedelta(days=1),
        )

    def bundle(
        self,
        *,
        trust_lists: list[dict[str, Any]] | None = None,
        status: bool = True,
        ttl: timedelta = timedelta(days=30),
        status_ttl: timedelta = timedelta(days=30),
        anchors: list[str] | None = None,
        at: datetime = T0,
    ) -> TrustBundle:
        return TrustBundle.build(
            anchors=anchors or [self.authority.did],
            trust_lists=trust_lists if trust_lists is not None else [self.signed_list()],
            did_documents=[self.did_document()],
            status_lists=[self.status_list()] if status else [],
            now=at,
            ttl=ttl,
            status_ttl=status_ttl,
        )


def checks(report: skillpass.VerificationReport) -> dict[str, tuple[str, str]]:
    return {c.id: (c.status, c.code) for c in report.checks}


def tamper(doc: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["name"] = out["name"] + " (forged)"
    return out
