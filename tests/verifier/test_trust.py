"""Trust lists, key history, accreditation, bundles and status snapshots: every check of
``verifier.verify`` in both directions, offline."""

from __future__ import annotations

import copy
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import skillpass
import skillpass.qr
import verifier
from tests.verifier.common import DID, NOW, T0, World, checks, tamper
from verifier import KeyRecord, TrustBundle, TrustList


def test_a_credential_of_an_accredited_issuer_is_valid_with_the_registry_name() -> None:
    world = World()
    report = verifier.verify(world.credential(), bundle=world.bundle(), now=NOW)
    assert checks(report) == {
        "format": ("valid", "ok"),
        "proof": ("valid", "ok"),
        "issuer": ("valid", "ok"),
        "validity": ("valid", "ok"),
        "status": ("valid", "ok"),
    }
    assert report.verified
    # The registry's name, not the self-asserted "Regional Training Center Central Visayas".
    assert report.summary is not None
    assert report.summary["issuer"]["name"] == "Regional Training Center 7 (registry)"
    assert report.summary["issuer"]["name_source"] == "trust_list"
    assert report.extras["trust_bundle"]["age_seconds"] == int((NOW - T0).total_seconds())
    assert "snapshot 19 days old" in report.check("status").message


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_both_cryptosuites_and_qr_text(cryptosuite: str) -> None:
    world = World()
    signed = world.credential(cryptosuite=cryptosuite)
    bundle = world.bundle()
    for source in (signed, skillpass.qr.encode(signed)):
        assert verifier.verify(source, bundle=bundle, now=NOW).verified


def test_inputs_from_a_path_and_json_text(tmp_path: Path) -> None:
    import json

    world = World()
    signed = world.credential()
    path = tmp_path / "c.json"
    path.write_text(json.dumps(signed), encoding="utf-8")
    bundle_path = tmp_path / "bundle.json"
    world.bundle().save(bundle_path)
    assert verifier.verify(path, bundle=bundle_path, now=NOW).verified
    assert verifier.verify(json.dumps(signed), bundle=str(bundle_path), now=NOW).verified


@pytest.mark.parametrize("garbage", ["", "{", "SP2:!!!", b"\xff\xfe", "[1, 2]"])
def test_unreadable_input_is_an_invalid_report(garbage: Any) -> None:
    report = verifier.verify(garbage, now=NOW)
    assert report.status == "invalid"
    assert report.check("format").status == "invalid"


def test_tampered_credential_fails_the_proof() -> None:
    world = World()
    report = verifier.verify(tamper(world.credential()), bundle=world.bundle(), now=NOW)
    assert checks(report)["proof"][0] == "invalid"
    assert report.status == "invalid"


def test_without_a_bundle_trust_and_status_are_unknown() -> None:
    world = World()
    report = verifier.verify(world.credential(), did_documents=[world.did_document()], now=NOW)
    assert checks(report)["issuer"] == ("unknown", "no_trust_configuration")
    assert checks(report)["status"] == ("unknown", "status_not_checked")
    assert report.status == "unknown"


def test_unknown_issuer_is_unknown() -> None:
    world = World()
    other = World(authority=world.authority)
    report = verifier.verify(
        world.credential(), bundle=world.bundle(trust_lists=[other.signed_list()]), now=NOW
    )
    # `other` lists the same DID with other keys: pin nothing, so build a list without it.
    empty = TrustList("empty").sign(world.authority, now=T0, valid_from=T0)
    report = verifier.verify(world.credential(), bundle=world.bundle(trust_lists=[empty]), now=NOW)
    assert checks(report)["issuer"] == ("unknown", "issuer_not_trusted")
    assert report.status == "unknown"
    assert report.summary is not None
    assert report.summary["issuer"]["name_source"] == "self_asserted"


def test_a_trust_list_not_signed_by_an_anchor_is_ignored() -> None:
    world = World()
    rogue = skillpass.KeyPair.generate()
    bundle = world.bundle(trust_lists=[world.signed_list(rogue)])
    report = verifier.verify(world.credential(), bundle=bundle, now=NOW)
    assert checks(report)["issuer"] == ("unknown", "issuer_not_trusted")
    assert "trust_list_not_by_anchor" in report.check("issuer").message
    # Pinning the anchors overrides those the bundle names.
    own = world.bundle(anchors=[rogue.did], trust_lists=[world.signed_list(rogue)])
    pinned = verifier.verify(world.credential(), bundle=own, now=NOW, anchors=[world.authority.did])
    # With your own anchors the bundle's documents count only for issuers your lists name: the
    # signature of an unlisted did:web issuer is not checked against an unvouched document.
    assert checks(pinned)["issuer"][0] == "unknown"
    assert pinned.status == "unknown"
    assert verifier.verify(world.credential(), bundle=own, now=NOW).verified


def test_a_tampered_trust_list_is_rejected() -> None:
    world = World(levels="3-5")
    signed = world.signed_list()
    forged = copy.deepcopy(signed)
    forged["credentialSubject"]["endorsementComment"] = signed["credentialSubject"][
        "endorsementComment"
    ].replace('"3-5"', '"1-5"')
    report = verifier.verify(world.credential(), bundle=world.bundle(trust_lists=[forged]), now=NOW)
    assert checks(report)["issuer"] == ("unknown", "issuer_not_trusted")
    summary = world.bundle(trust_lists=[forged]).summary(NOW)
    assert summary["parts"][0]["problem"] == "invalid_signature"


def test_an_expired_trust_list_is_not_used() -> None:
    world = World(list_valid_until=NOW - timedelta(days=1))
    report = verifier.verify(world.credential(), bundle=world.bundle(), now=NOW)
    assert checks(report)["issuer"] == ("unknown", "issuer_not_trusted")


@pytest.mark.parametrize(("levels", "claimed", "ok"), [("1-5", "5", True), ("1-3", "4", False)])
def test_level_accreditation(levels: str, claimed: str, ok: bool) -> None:
    world = World(levels=levels)
    report = verifier.verify(world.credential(level=claimed), bundle=world.bundle(), now=NOW)
    if ok:
        assert report.verified
    else:
        assert checks(report)["issuer"] == ("invalid", "level_not_accredited")
        assert f"PH-PQF level {claimed}" in report.check("issuer").message
        assert report.status == "invalid"


def test_accreditation_period_uses_the_signed_issuance_date() -> None:
    world = World(accredited_until=datetime(2026, 3, 10, tzinfo=UTC))
    late = world.credential(created=datetime(2026, 3, 14, tzinfo=UTC))
    report = verifier.verify(late, bundle=world.bundle(), now=NOW)
    assert checks(report)["issuer"] == ("invalid", "issuer_not_accredited_then")
    early = world.credential(
        created=datetime(2026, 3, 1, tzinfo=UTC), valid_from=datetime(2026, 3, 1, tzinfo=UTC)
    )
    assert verifier.verify(early, bundle=world.bundle(), now=NOW).verified


def _rotated_world(*, compromised: datetime | None = None) -> World:
    old, new = skillpass.KeyPair.generate(), skillpass.KeyPair.generate()
    retired = datetime(2026, 3, 15, tzinfo=UTC)
    world = World(keys=[old, new])
    world.web_keys = [
        skillpass.WebKey(old.public_key.multibase, key_id="key-1", expires=retired),
        skillpass.WebKey(new.public_key.multibase, key_id="key-2"),
    ]
    world.records = [
        KeyRecord(world.vm(0), old.public_key.multibase, None, retired, compromised),
        KeyRecord(world.vm(1), new.public_key.multibase, retired),
    ]
    return world


def test_a_rotated_key_still_validates_what_it_signed_before() -> None:
    world = _rotated_world()
    bundle = world.bundle()
    before = world.credential(key=0, created=datetime(2026, 3, 14, tzinfo=UTC))
    assert verifier.verify(before, bundle=bundle, now=NOW).verified
    after_new = world.credential(
        key=1,
        created=datetime(2026, 3, 16, tzinfo=UTC),
        valid_from=datetime(2026, 3, 16, tzinfo=UTC),
    )
    assert verifier.verify(after_new, bundle=bundle, now=NOW).verified


def test_a_retired_key_does_not_validate_later_dates() -> None:
    world = _rotated_world()
    # The DID document's `expires` is checked by the core proof check (created after expiry) …
    late = world.credential(key=0, created=datetime(2026, 3, 16, tzinfo=UTC))
    assert checks(verifier.verify(late, bundle=world.bundle(), now=NOW))["proof"] == (
        "invalid",
        "key_expired",
    )
    # … and the trust list's key history on its own, even when the DID document forgets it.
    world.web_keys = [
        skillpass.WebKey(k.public_key.multibase, key_id=f"key-{i + 1}")
        for i, k in enumerate(world.keys)
    ]
    report = verifier.verify(late, bundle=world.bundle(), now=NOW)
    assert checks(report)["issuer"] == ("invalid", "key_retired")
    new_key_too_early = world.credential(key=1, created=datetime(2026, 3, 14, tzinfo=UTC))
    report = verifier.verify(new_key_too_early, bundle=world.bundle(), now=NOW)
    assert checks(report)["issuer"] == ("invalid", "key_not_yet_valid")


def test_a_compromised_key_invalidates_credentials_dated_after_the_compromise() -> None:
    world = _rotated_world(compromised=datetime(2026, 3, 12, tzinfo=UTC))
    bundle = world.bundle()
    before = world.credential(
        key=0,
        created=datetime(2026, 3, 11, tzinfo=UTC),
        valid_from=datetime(2026, 3, 11, tzinfo=UTC),
    )
    assert verifier.verify(before, bundle=bundle, now=NOW).verified
    # validFrom is signed too: the later of the two dates counts.
    after = world.credential(
        key=0,
        created=datetime(2026, 3, 11, tzinfo=UTC),
        valid_from=datetime(2026, 3, 13, tzinfo=UTC),
    )
    report = verifier.verify(after, bundle=bundle, now=NOW)
    assert checks(report)["issuer"] == ("invalid", "key_compromised")
    assert report.status == "invalid"


def test_a_key_the_list_does_not_pin_or_pins_differently_is_invalid() -> None:
    world = _rotated_world()
    world.records = world.records[1:]
    report = verifier.verify(world.credential(key=0), bundle=world.bundle(), now=NOW)
    assert checks(report)["issuer"] == ("invalid", "key_not_listed")
    world = _rotated_world()
    swapped = skillpass.KeyPair.generate()
    world.records[0] = KeyRecord(world.vm(0), swapped.public_key.multibase)
    report = verifier.verify(world.credential(key=0), bundle=world.bundle(), now=NOW)
    assert checks(report)["issuer"] == ("invalid", "key_mismatch")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, ("valid", "ok")), (2, ("invalid", "revoked")), (1, ("invalid", "suspended"))],
)
def test_status_from_the_snapshot(value: int, expected: tuple[str, str]) -> None:
    world = World(status_value=value)
    report = verifier.verify(world.credential(), bundle=world.bundle(), now=NOW)
    assert checks(report)["status"] == expected


def test_suspended_then_reinstated() -> None:
    world = World(status_value=1)
    signed = world.credential()
    assert checks(verifier.verify(signed, bundle=world.bundle(), now=NOW))["status"][1] == (
        "suspended"
    )
    world.status_value = 0  # the issuer lifts the suspension; the next sync carries it
    assert verifier.verify(signed, bundle=world.bundle(), now=NOW).verified


def test_status_absent_or_stale_is_unknown() -> None:
    world = World()
    report = verifier.verify(world.credential(), bundle=world.bundle(status=False), now=NOW)
    assert checks(report)["status"] == ("unknown", "status_not_checked")
    stale = world.bundle(status_ttl=timedelta(days=2))
    report = verifier.verify(world.credential(), bundle=stale, now=NOW)
    assert checks(report)["status"] == ("unknown", "status_list_stale")
    assert "19 days old" in report.check("status").message
    # A credential without a status entry needs no snapshot.
    report = verifier.verify(world.credential(status=False), bundle=stale, now=NOW)
    assert report.verified


def test_an_expired_bundle_makes_trust_and_status_unknown() -> None:
    world = World()
    bundle = world.bundle(ttl=timedelta(days=7))
    report = verifier.verify(world.credential(), bundle=bundle, now=NOW)
    assert checks(report)["issuer"] == ("unknown", "trust_bundle_expired")
    assert checks(report)["status"] == ("unknown", "trust_bundle_expired")
    assert "expired on 2026-03-08" in report.check("issuer").message
    assert report.extras["trust_bundle"]["expired"] is True
    # The signature is still checked with the bundle's DID documents.
    assert checks(report)["proof"] == ("valid", "ok")


def test_validity_dates_both_ways() -> None:
    world = World()
    bundle = world.bundle()
    signed = world.credential()
    assert verifier.verify(signed, bundle=bundle, now=NOW).verified
    report = verifier.verify(signed, bundle=bundle, now=datetime(2031, 4, 1, tzinfo=UTC))
    assert checks(report)["validity"] == ("invalid", "expired")


def test_trusted_issuers_still_work_beside_a_bundle() -> None:
    world = World()
    empty = TrustList("empty").sign(world.authority, now=T0, valid_from=T0)
    report = verifier.verify(
        world.credential(),
        bundle=world.bundle(trust_lists=[empty]),
        trusted_issuers=[DID],
        now=NOW,
    )
    assert report.verified


def test_presentations_check_the_holder_challenge_and_domain() -> None:
    world = World()
    holder = skillpass.KeyPair.generate()
    signed = world.credential()
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": [signed],
    }
    presented = skillpass.sign_presentation(vp, holder, challenge="c-1", domain="border.example")
    bundle = world.bundle()
    ok = verifier.verify(
        presented, bundle=bundle, now=NOW, challenge="c-1", domain="border.example"
    )
    assert ok.check("holder").status == "valid"
    assert ok.credentials[0].verified
    replay = verifier.verify(presented, bundle=bundle, now=NOW, challenge="other")
    assert checks(replay)["proof"] == ("invalid", "challenge_mismatch")
    elsewhere = verifier.verify(
        presented, bundle=bundle, now=NOW, challenge="c-1", domain="other.example"
    )
    assert checks(elsewhere)["proof"] == ("invalid", "domain_mismatch")
    no_challenge = verifier.verify(presented, bundle=bundle, now=NOW)
    assert checks(no_challenge)["holder"] == ("unknown", "challenge_not_checked")


def test_offline_verification_opens_no_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    world = World()
    bundle = world.bundle()
    signed = world.credential()

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("offline verification opened a socket")

    monkeypatch.setattr(socket.socket, "__init__", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    report = verifier.verify(signed, bundle=bundle, now=NOW)
    assert report.verified


def test_bundles_round_trip_and_bad_bundles_are_refused(tmp_path: Path) -> None:
    world = World()
    bundle = world.bundle()
    path = tmp_path / "b.json"
    bundle.save(path)
    again = TrustBundle.load(path)
    assert again.to_json() == bundle.to_json()
    summary = again.summary(NOW)
    assert summary["issuers"][0]["name"] == "Regional Training Center 7 (registry)"
    assert summary["age"] == "19 days"
    for bad in ("[]", "{}", '{"type": "SkillPassTrustBundle", "version": 1}', "nope"):
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(skillpass.SkillpassError) as caught:
            TrustBundle.load(path)
        assert caught.value.code in ("invalid_trust_bundle", "not_json")
    with pytest.raises(skillpass.SkillpassError) as caught:
        TrustBundle.load(tmp_path / "missing.json")
    assert caught.value.code == "trust_bundle_unreadable"


def test_url_sources_need_fetch() -> None:
    with pytest.raises(skillpass.SkillpassError) as caught:
        TrustBundle.build(anchors=["did:key:z6Mk"], trust_lists=["https://example.org/list"])
    assert caught.value.code == "fetch_not_allowed"


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"type": "SkillPassTrustList", "version": 1, "name": "x", "issuers": [{}]}, "/issuers/0"),
        ({"type": "Other", "version": 1, "name": "x", "issuers": []}, "/type"),
        ({"type": "SkillPassTrustList", "version": 1, "name": "x", "issuers": [], "x": 1}, ""),
    ],
)
def test_trust_list_files_are_checked(data: dict[str, Any], path: str) -> None:
    with pytest.raises(skillpass.SkillpassError) as caught:
        TrustList.from_json(data)
    assert caught.value.code == "invalid_trust_list"
    assert (caught.value.path or "").startswith(path)


@pytest.mark.parametrize(
    ("framework", "levels", "expected"),
    [
        ("PH-PQF", "1-3", ("1", "2", "3")),
        ("PH-PQF", "2,4", ("2", "4")),
        ("XX-UNKNOWN", "1-2", ("1", "2")),
    ],
)
def test_level_ranges(framework: str, levels: str, expected: tuple[str, ...]) -> None:
    assert verifier.Accreditation.parse(framework, levels).levels == expected


@pytest.mark.parametrize("levels", ["5-1", "0-99", "a-b", "", "9"])
def test_bad_level_ranges(levels: str) -> None:
    with pytest.raises(skillpass.SkillpassError):
        verifier.Accreditation.parse("PH-PQF", levels)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=25,
)
_list_like = st.fixed_dictionaries(
    {"type": st.just("SkillPassTrustList"), "version": st.just(1), "name": st.text(max_size=5)},
    optional={"issuers": st.lists(_json, max_size=3)},
)
_bundle_like = st.fixed_dictionaries(
    {"type": st.just("SkillPassTrustBundle"), "version": st.just(1)},
    optional={
        "created": _json,
        "validUntil": _json,
        "anchors": _json,
        "parts": st.lists(_json, max_size=3),
    },
)


@settings(max_examples=150, deadline=None)
@given(data=st.one_of(_json, _list_like))
def test_trust_list_parser_refuses_garbage_with_codes(data: Any) -> None:
    try:
        TrustList.from_json(data)
    except skillpass.SkillpassError as exc:
        assert exc.code == "invalid_trust_list"


@settings(max_examples=150, deadline=None)
@given(data=st.one_of(_json, _bundle_like))
def test_bundle_parser_refuses_garbage_with_codes(data: Any) -> None:
    try:
        TrustBundle.from_json(data)
    except skillpass.SkillpassError as exc:
        assert exc.code == "invalid_trust_bundle"


def test_format_and_validity_both_ways() -> None:
    world = World()
    bundle = world.bundle()
    signed = world.credential()
    extra = copy.deepcopy(signed)
    extra["favouriteColour"] = "blue"  # a term no context defines: it would not be signed
    report = verifier.verify(extra, bundle=bundle, now=NOW)
    assert checks(report)["format"] == ("invalid", "undefined_term")
    early = verifier.verify(signed, bundle=bundle, now=datetime(2026, 3, 13, tzinfo=UTC))
    assert checks(early)["validity"] == ("invalid", "not_yet_valid")


def test_the_issuer_check_says_whether_the_key_is_pinned() -> None:
    world = World()
    message = verifier.verify(world.credential(), bundle=world.bundle(), now=NOW).check("issuer")
    assert "not pinned by the list" in message.message
    pinned = _rotated_world()
    report = verifier.verify(pinned.credential(key=0), bundle=pinned.bundle(), now=NOW)
    assert "its key is pinned by the list" in report.check("issuer").message


def test_a_forged_did_document_in_a_bundle_cannot_pass_a_pinned_issuer() -> None:
    world = _rotated_world()
    thief = skillpass.KeyPair.generate()
    forged_world = World(keys=[thief, thief], authority=world.authority)
    forged_world.records = world.records
    bundle = forged_world.bundle(trust_lists=[world.signed_list()])
    report = verifier.verify(forged_world.credential(key=0), bundle=bundle, now=NOW)
    assert checks(report)["proof"] == ("valid", "ok")
    assert checks(report)["issuer"] == ("invalid", "key_mismatch")
