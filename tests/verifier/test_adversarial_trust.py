"""Attacks on the verifier's verdicts: a forged or untrusted credential must never get a better
verdict than it deserves (trust lists, bundles from someone else, key history, status)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import skillpass
import verifier
from tests.verifier.common import DID, NOW, T0, World, checks
from verifier import KeyRecord, TrustBundle, TrustList

MINISTRY = "did:web:ministry.example.ph"


def _pinned_world() -> World:
    """An institute whose one key the trust list pins."""
    world = World()
    world.records = [KeyRecord(world.vm(0), world.keys[0].public_key.multibase)]
    return world


def _sign_list_as(
    trust_list: TrustList, did: str, key: skillpass.KeyPair, *, when: datetime
) -> dict[str, Any]:
    """A trust-list credential of the did:web authority ``did`` signed with ``key``."""
    signed = trust_list.sign(key, now=when, valid_from=when)
    signed.pop("proof")
    signed["issuer"] = did
    signed["credentialSubject"]["id"] = did
    return skillpass.sign_credential(signed, key, verification_method=f"{did}#key-1", created=when)


def _web_doc(did: str, key: skillpass.KeyPair) -> dict[str, Any]:
    return skillpass.did_web_document(did, [skillpass.WebKey(key.public_key.multibase, "key-1")])


# --------------------------------------------------------------------------- status lists


def test_a_forged_did_document_cannot_sign_a_status_list_for_a_pinned_issuer() -> None:
    """The list pins the institute's key; a bundle from someone else adds a second key to the
    institute's DID document and signs an "active" snapshot of a revoked credential with it."""
    world = _pinned_world()
    world.status_value = 2  # revoked at the institute
    real = world.bundle()
    revoked = world.credential()
    assert checks(verifier.verify(revoked, bundle=real, now=NOW))["status"] == (
        "invalid",
        "revoked",
    )
    thief = skillpass.KeyPair.generate()
    forged_doc = skillpass.did_web_document(
        DID,
        [
            skillpass.WebKey(world.keys[0].public_key.multibase, "key-1"),
            skillpass.WebKey(thief.public_key.multibase, "key-2"),
        ],
    )
    clean = World(keys=[world.keys[0], thief], authority=world.authority)
    clean.records = world.records
    clean.status_value = 0  # the forger's "active" snapshot, signed with key-2
    forged = TrustBundle.build(
        anchors=[world.authority.did],
        trust_lists=[world.signed_list()],
        did_documents=[forged_doc],
        status_lists=[clean.status_list()],
        now=T0,
        ttl=timedelta(days=30),
        status_ttl=timedelta(days=30),
    )
    report = verifier.verify(revoked, bundle=forged, now=NOW)
    assert checks(report)["proof"] == ("valid", "ok")
    assert checks(report)["status"][0] != "valid"
    assert report.status != "valid"


def test_the_newest_snapshot_of_a_status_list_counts_whatever_the_part_order() -> None:
    """Two snapshots of one list: the later (signed) one, which revokes, wins."""
    world = World()
    old = world.status_list(0)
    world_later = copy.deepcopy(world)
    newer_bits = world_later.status_list(2)
    # Re-sign the revoking snapshot with a later signed date.
    newer_bits.pop("proof")
    newer_bits["validFrom"] = "2026-03-10T00:00:00Z"
    newer = skillpass.sign_credential(
        newer_bits, world.keys[0], verification_method=world.vm(0), created=T0
    )
    for order in ([newer, old], [old, newer]):
        bundle = TrustBundle.build(
            anchors=[world.authority.did],
            trust_lists=[world.signed_list()],
            did_documents=[world.did_document()],
            status_lists=order,
            now=datetime(2026, 3, 11, tzinfo=UTC),
            ttl=timedelta(days=30),
            status_ttl=timedelta(days=30),
        )
        report = verifier.verify(world.credential(), bundle=bundle, now=NOW)
        assert checks(report)["status"] == ("invalid", "revoked"), order[0] is old


# --------------------------------------------------------------------------- trust lists


def test_a_superseded_trust_list_cannot_revive_a_compromised_key() -> None:
    """The authority re-signed its list to record a compromise; the old list (still within its
    dates) in the same bundle must not make the thief's credential pass."""
    world = _pinned_world()
    old_list = world.signed_list()
    compromised = datetime(2026, 3, 5, tzinfo=UTC)
    world.records = [
        KeyRecord(world.vm(0), world.keys[0].public_key.multibase, compromised=compromised)
    ]
    new_list = world.trust_list().sign(world.authority, now=T0, valid_from=T0)
    stolen = world.credential(created=datetime(2026, 3, 14, tzinfo=UTC))
    for lists in ([old_list, new_list], [new_list, old_list]):
        report = verifier.verify(stolen, bundle=world.bundle(trust_lists=lists), now=NOW)
        assert checks(report)["issuer"] == ("invalid", "key_compromised")


def test_a_compromise_any_anchor_records_is_decisive() -> None:
    """Two anchors list the institute; one has recorded the key's compromise."""
    world = _pinned_world()
    other = skillpass.KeyPair.generate()
    unaware = world.trust_list().sign(other, now=T0, valid_from=T0)
    world.records = [
        KeyRecord(
            world.vm(0),
            world.keys[0].public_key.multibase,
            compromised=datetime(2026, 3, 5, tzinfo=UTC),
        )
    ]
    aware = world.signed_list()
    bundle = world.bundle(trust_lists=[unaware, aware], anchors=[other.did, world.authority.did])
    stolen = world.credential(created=datetime(2026, 3, 14, tzinfo=UTC))
    assert checks(verifier.verify(stolen, bundle=bundle, now=NOW))["issuer"] == (
        "invalid",
        "key_compromised",
    )


def test_a_forged_did_document_of_a_did_web_anchor_cannot_sign_a_trust_list() -> None:
    """The verifier pins a did:web anchor; a bundle from someone else carries a forged DID
    document for it and a list, signed with the forger's key, that accredits the forger."""
    forger = skillpass.KeyPair.generate()
    world = World(authority=forger)
    forged_list = _sign_list_as(world.trust_list(), MINISTRY, forger, when=T0)
    bundle = TrustBundle.build(
        anchors=[MINISTRY],
        trust_lists=[forged_list],
        did_documents=[world.did_document(), _web_doc(MINISTRY, forger)],
        status_lists=[world.status_list()],
        now=T0,
        ttl=timedelta(days=30),
        status_ttl=timedelta(days=30),
    )
    report = verifier.verify(world.credential(), bundle=bundle, now=NOW, anchors=[MINISTRY])
    assert checks(report)["issuer"][0] == "unknown"
    assert report.status == "unknown"
    rejected = verifier.BundleTrust(bundle, anchors=[MINISTRY], now=NOW).rejected
    assert set(rejected.values()) == {"anchor_key_not_pinned"}
    # The verifier's own copy of the ministry's DID document is what counts.
    ministry = skillpass.KeyPair.generate()
    report = verifier.verify(
        world.credential(),
        bundle=bundle,
        now=NOW,
        anchors=[MINISTRY],
        did_documents=[_web_doc(MINISTRY, ministry)],
    )
    assert checks(report)["issuer"][0] == "unknown"
    # A genuine list signed with the key of that document passes.
    genuine_list = _sign_list_as(world.trust_list(), MINISTRY, ministry, when=T0)
    genuine = TrustBundle.build(
        anchors=[MINISTRY],
        trust_lists=[genuine_list],
        did_documents=[world.did_document()],
        status_lists=[world.status_list()],
        now=T0,
        ttl=timedelta(days=30),
        status_ttl=timedelta(days=30),
    )
    world.records = [KeyRecord(world.vm(0), world.keys[0].public_key.multibase)]
    report = verifier.verify(
        world.credential(),
        bundle=genuine,
        now=NOW,
        anchors=[MINISTRY],
        did_documents=[_web_doc(MINISTRY, ministry)],
    )
    # The institute's key is not pinned by that list: unknown until pinned or opted in.
    assert checks(report)["issuer"] == ("unknown", "key_not_pinned")
    report = verifier.verify(
        world.credential(),
        bundle=genuine,
        now=NOW,
        anchors=[MINISTRY],
        did_documents=[_web_doc(MINISTRY, ministry)],
        bundle_did_documents=True,
    )
    assert checks(report)["issuer"] == ("valid", "ok")


def test_a_bundle_from_someone_else_cannot_lend_an_unpinned_issuer_a_forged_key() -> None:
    """With the verifier's own anchors, a did:web key the list does not pin is taken from the
    bundle only when the caller opts in."""
    world = World()  # the list names the institute without keys
    thief = skillpass.KeyPair.generate()
    forged_world = World(keys=[thief], authority=world.authority)
    bundle = forged_world.bundle(trust_lists=[world.signed_list()])
    forged = forged_world.credential()
    pinned_anchor = verifier.verify(forged, bundle=bundle, now=NOW, anchors=[world.authority.did])
    assert checks(pinned_anchor)["proof"] == ("valid", "ok")
    assert checks(pinned_anchor)["issuer"] == ("unknown", "key_not_pinned")
    assert pinned_anchor.status == "unknown"
    assert "name" not in (pinned_anchor.summary or {}).get("issuer", {}) or (
        pinned_anchor.summary["issuer"].get("name_source") != "trust_list"
    )
    # The caller's own copy of the institute's DID document vouches for its key.
    genuine = verifier.verify(
        world.credential(),
        bundle=world.bundle(),
        now=NOW,
        anchors=[world.authority.did],
        did_documents=[world.did_document()],
    )
    assert checks(genuine)["issuer"] == ("valid", "ok")
    # Opting in trusts the bundle's documents (a bundle the caller built, e.g. with --fetch).
    opted = verifier.verify(
        world.credential(),
        bundle=world.bundle(),
        now=NOW,
        anchors=[world.authority.did],
        bundle_did_documents=True,
    )
    assert checks(opted)["issuer"] == ("valid", "ok")


def test_the_bundle_anchors_default_is_reported() -> None:
    """Without anchors= the bundle's own anchors decide: the report says so."""
    world = World()
    report = verifier.verify(world.credential(), bundle=world.bundle(), now=NOW)
    assert report.extras["trust_bundle"]["anchors_from"] == "bundle"
    report = verifier.verify(
        world.credential(), bundle=world.bundle(), now=NOW, anchors=[world.authority.did]
    )
    assert report.extras["trust_bundle"]["anchors_from"] == "caller"


def test_duplicate_keys_in_the_signed_records_are_refused() -> None:
    world = World()
    text = json.dumps(world.trust_list().to_json(), sort_keys=True, separators=(",", ":"))
    doubled = text.replace('"country":"PH"', '"country":"PH","country":"DE"', 1)
    unsigned = world.trust_list().sign(world.authority, now=T0)
    unsigned.pop("proof")
    unsigned["credentialSubject"]["endorsementComment"] = doubled
    signed = skillpass.sign_credential(unsigned, world.authority, created=T0)
    bundle = world.bundle(trust_lists=[signed])
    report = verifier.verify(world.credential(), bundle=bundle, now=NOW)
    assert checks(report)["issuer"][0] == "unknown"


# --------------------------------------------------------------------------- CLI and routes


def _forged_setup(tmp_path: Path, at: datetime = T0) -> tuple[World, Path, Path, Path]:
    """A bundle from someone else: the genuine list (no pinned keys) beside a forged DID
    document of the institute; the forger's credential; the institute's real document."""
    world = World()
    thief = skillpass.KeyPair.generate()
    forged_world = World(keys=[thief], authority=world.authority)
    bundle = forged_world.bundle(trust_lists=[world.signed_list()], at=at)
    bundle_path = tmp_path / "bundle.json"
    bundle.save(bundle_path)
    vc = tmp_path / "vc.json"
    vc.write_text(json.dumps(forged_world.credential()), "utf-8")
    doc = tmp_path / "did.json"
    doc.write_text(json.dumps(world.did_document()), "utf-8")
    return world, bundle_path, vc, doc


def test_cli_verify_with_anchor_does_not_take_keys_from_the_bundle(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from skillpass.cli import app as cli

    world, bundle, vc, _ = _forged_setup(tmp_path)
    base = ["verify", str(vc), "--trust", str(bundle), "--now", "2026-03-20T00:00:00Z", "--json"]
    runner = CliRunner()
    trusting = runner.invoke(cli, base)
    # The bundle's own anchors: its author is trusted whole (the report says so).
    assert json.loads(trusting.stdout)["trust_bundle"]["anchors_from"] == "bundle"
    pinned = runner.invoke(cli, [*base, "--anchor", world.authority.did])
    assert pinned.exit_code == 3, pinned.output
    report = json.loads(pinned.stdout)
    issuer = next(c for c in report["checks"] if c["id"] == "issuer")
    assert (issuer["status"], issuer["code"]) == ("unknown", "key_not_pinned")
    assert report["trust_bundle"]["anchors_from"] == "caller"
    text = runner.invoke(cli, [*base[:-1], "--anchor", world.authority.did])
    assert "anchors: your --anchor" in text.stdout
    bad = runner.invoke(cli, [*base, "--anchor", "not-a-did"])
    assert bad.exit_code == 2 and "invalid_did" in bad.stderr


def test_routes_with_pinned_anchors_do_not_take_keys_from_the_bundle(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    world, bundle, vc, _ = _forged_setup(tmp_path, at=datetime.now(UTC))
    body = {"verifiableCredential": json.loads(vc.read_text("utf-8"))}
    settings = verifier.VerifierSettings(
        bundle=bundle, require_trust=True, anchors=(world.authority.did,)
    )
    reply = TestClient(verifier.create_app(settings)).post("/credentials/verify", json=body)
    assert reply.status_code == 422
    assert reply.json()["code"] == "key_not_pinned"


def test_the_issuer_services_verify_routes_take_its_trust_anchors(tmp_path: Path) -> None:
    """The issuer service mounts the same routes: SKILLPASS_TRUST_ANCHORS pins them there too,
    and without it the bundle's own anchors lend the forged key (reported as such)."""
    import base64

    from fastapi.testclient import TestClient

    import issuer

    world, bundle, vc, _ = _forged_setup(tmp_path, at=datetime.now(UTC))
    body = {"verifiableCredential": json.loads(vc.read_text("utf-8"))}

    def post(**extra: Any) -> Any:
        settings = issuer.Settings(
            database_url=f"sqlite:///{tmp_path / 'issuer.db'}",
            public_url="http://127.0.0.1:8000",
            admin_token="admin-token-for-the-test",
            master_key=base64.urlsafe_b64encode(b"k" * 32).decode(),
            data_dir=tmp_path / "data",
            trust_bundle=bundle,
            require_trust=True,
            **extra,
        )
        with TestClient(issuer.create_app(settings)) as client:
            return client.post("/credentials/verify", json=body)

    pinned = post(trust_anchors=world.authority.did)
    assert pinned.status_code == 422
    assert pinned.json()["code"] == "key_not_pinned"
    lent = post()
    assert lent.json()["report"]["trust_bundle"]["anchors_from"] == "bundle"


def test_anchors_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILLPASS_TRUST_ANCHORS", "did:key:z6MkA, did:web:b.example")
    assert verifier.VerifierSettings.from_env().anchors == ("did:key:z6MkA", "did:web:b.example")
    monkeypatch.delenv("SKILLPASS_TRUST_ANCHORS")
    assert verifier.VerifierSettings.from_env().anchors is None


# --------------------------------------------------------------------------- several lists


def test_a_list_without_keys_cannot_override_another_lists_pins() -> None:
    """Anchor A pins the institute's key, anchor B lists it without keys; a forged DID document
    in the bundle must not pass through B's entry (even with the bundle's own anchors)."""
    world = _pinned_world()
    pins = world.signed_list()
    other = skillpass.KeyPair.generate()
    no_keys = World(authority=other)
    unpinned = no_keys.trust_list().sign(other, now=T0, valid_from=T0)
    thief = skillpass.KeyPair.generate()
    forged_world = World(keys=[thief], authority=world.authority)
    bundle = forged_world.bundle(
        trust_lists=[unpinned, pins], anchors=[other.did, world.authority.did]
    )
    report = verifier.verify(forged_world.credential(), bundle=bundle, now=NOW)
    assert checks(report)["proof"] == ("valid", "ok")
    assert checks(report)["issuer"] == ("invalid", "key_mismatch")
    # The genuine credential passes through either entry.
    genuine = World(keys=world.keys, authority=world.authority)
    report = verifier.verify(
        genuine.credential(),
        bundle=genuine.bundle(
            trust_lists=[unpinned, pins], anchors=[other.did, world.authority.did]
        ),
        now=NOW,
    )
    assert checks(report)["issuer"] == ("valid", "ok")


def test_quick_trust_does_not_hide_what_a_trust_list_says_against_the_key() -> None:
    """--trust-issuer names the institute; the bundle's list records its key compromised."""
    world = _pinned_world()
    world.records = [
        KeyRecord(
            world.vm(0),
            world.keys[0].public_key.multibase,
            compromised=datetime(2026, 3, 5, tzinfo=UTC),
        )
    ]
    stolen = world.credential(created=datetime(2026, 3, 14, tzinfo=UTC))
    report = verifier.verify(stolen, bundle=world.bundle(), trusted_issuers=[DID], now=NOW)
    assert checks(report)["issuer"] == ("invalid", "key_compromised")


def test_a_status_list_past_its_signed_validity_is_not_used_by_a_long_lived_policy() -> None:
    """A bundle object (or the routes' policy) is verified once and reused: the status list's
    own signed validUntil must still be judged at each verification's time."""
    world = World()
    world.status_value = 0
    bits = world.status_list()
    bits.pop("proof")
    bits["validUntil"] = "2026-03-05T00:00:00Z"  # the issuer vouches for 4 days
    short = skillpass.sign_credential(
        bits, world.keys[0], verification_method=world.vm(0), created=T0
    )
    bundle = TrustBundle.build(
        anchors=[world.authority.did],
        trust_lists=[world.signed_list()],
        did_documents=[world.did_document()],
        status_lists=[short],
        now=T0,
        ttl=timedelta(days=30),
        status_ttl=timedelta(days=30),
    )
    early = datetime(2026, 3, 2, tzinfo=UTC)
    credential = world.credential(created=T0, valid_from=T0)
    assert checks(verifier.verify(credential, bundle=bundle, now=early))["status"][0] == "valid"
    late = verifier.verify(credential, bundle=bundle, now=NOW)
    assert checks(late)["status"] == ("unknown", "status_list_expired")


def test_a_status_list_signed_in_the_issuers_name_by_another_key_is_not_used() -> None:
    from skillpass.status import Bitstring, build_status_list_credential
    from tests.verifier.common import LIST_URL

    world = World()
    world.status_value = 2
    attacker = skillpass.KeyPair.generate()
    unsigned = build_status_list_credential(
        LIST_URL, issuer=DID, bitstring=Bitstring(status_size=2), purpose="message", valid_from=T0
    )
    forged = skillpass.sign_credential(
        unsigned, attacker, verification_method=attacker.verification_method, created=T0
    )
    bundle = TrustBundle.build(
        anchors=[world.authority.did],
        trust_lists=[world.signed_list()],
        did_documents=[world.did_document()],
        status_lists=[forged],
        now=T0,
        ttl=timedelta(days=30),
        status_ttl=timedelta(days=30),
    )
    report = verifier.verify(world.credential(), bundle=bundle, now=NOW)
    assert checks(report)["status"] == ("unknown", "status_not_checked")
    assert "issuer_mismatch" in report.check("status").message


def test_add_issuer_says_when_a_did_web_issuers_keys_are_not_pinned(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from skillpass.cli import app as cli

    world = World()
    doc = tmp_path / "did.json"
    doc.write_text(json.dumps(world.did_document()), "utf-8")
    base = ["trust", "list", "add-issuer", "--list", str(tmp_path / "l.json"), "--did", DID]
    base += ["--name", "RTC 7", "--country", "PH", "--framework", "PH-PQF", "--levels", "1-5"]
    runner = CliRunner()
    bare = runner.invoke(cli, base)
    assert bare.exit_code == 0 and "not pinned" in bare.stderr
    pinned = runner.invoke(cli, [*base, "--keys-from", str(doc)])
    assert pinned.exit_code == 0 and "not pinned" not in pinned.stderr


def test_a_bundle_from_someone_else_cannot_vouch_for_a_did_web_holder() -> None:
    """With the verifier's own anchors, a forged did:web document of the credential's subject
    in the bundle must not let a thief present the credential as its holder."""
    maria = "did:web:maria.example.ph"
    world = _pinned_world()
    doc = copy.deepcopy(world.credential())
    doc.pop("proof")
    doc["credentialSubject"]["id"] = maria
    signed = skillpass.sign_credential(
        doc,
        world.keys[0],
        verification_method=world.vm(0),
        created=datetime(2026, 3, 14, tzinfo=UTC),
    )
    thief = skillpass.KeyPair.generate()
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": maria,
        "verifiableCredential": [signed],
    }
    presented = skillpass.sign_presentation(
        vp,
        thief,
        verification_method=f"{maria}#key-1",
        challenge="c-1",
        created=datetime(2026, 3, 19, tzinfo=UTC),
    )
    bundle = TrustBundle.build(
        anchors=[world.authority.did],
        trust_lists=[world.signed_list()],
        did_documents=[world.did_document(), _web_doc(maria, thief)],
        status_lists=[world.status_list()],
        now=T0,
        ttl=timedelta(days=30),
        status_ttl=timedelta(days=30),
    )
    trusting = verifier.verify(presented, bundle=bundle, now=NOW, challenge="c-1")
    assert trusting.check("holder").status == "valid"  # the bundle's author is trusted whole
    pinned = verifier.verify(
        presented, bundle=bundle, now=NOW, challenge="c-1", anchors=[world.authority.did]
    )
    assert pinned.status != "valid"
    assert pinned.credentials[0].check("issuer").status == "valid"  # the pinned issuer still is
