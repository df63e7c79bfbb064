"""Bitstring Status List v1.0: encoding round trips, bit order, entries, list credentials."""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import skillpass
from skillpass import StatusEntry
from skillpass.errors import MalformedValueError, ParsingError, RangeError
from skillpass.status import (
    MIN_ENTRIES,
    REVOCATION_AND_SUSPENSION_MESSAGES,
    Bitstring,
    StatusListChecker,
    build_status_entry,
    build_status_list_credential,
    decode_encoded_list,
    encode_bitstring,
    read_status,
)

URL = "https://issuer.example/status-lists/1"


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=0, max_size=4096))
def test_encode_decode_round_trip(raw: bytes) -> None:
    encoded = encode_bitstring(raw)
    assert encoded.startswith("u") and "=" not in encoded
    assert decode_encoded_list(encoded) == raw


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=1, max_value=3),
    st.dictionaries(st.integers(min_value=0, max_value=MIN_ENTRIES - 1), st.integers(0, 7)),
)
def test_bitstring_set_get_round_trip(size: int, values: dict[int, int]) -> None:
    bits = Bitstring(status_size=size)
    expected = {i: v % (1 << size) for i, v in values.items()}
    for index, value in expected.items():
        bits.set(index, value)
    decoded = Bitstring.decode(bits.encode(), status_size=size)
    assert decoded == bits
    for index, value in expected.items():
        assert decoded.get(index) == value
    assert decoded.get(MIN_ENTRIES - 1) == expected.get(MIN_ENTRIES - 1, 0)


def test_index_zero_is_the_leftmost_bit() -> None:
    bits = Bitstring()
    bits.set(0, 1)
    bits.set(9, 1)
    raw = bits.to_bytes()
    assert raw[0] == 0b1000_0000 and raw[1] == 0b0100_0000
    two = Bitstring(status_size=2)
    two.set(1, 0b10)  # bits 2..3 of byte 0: '10'
    assert two.to_bytes()[0] == 0b0010_0000


def test_spec_example_empty_list_decodes() -> None:
    # An independently produced GZIP of 16 KiB of zeros (Python's gzip, any mtime) decodes too.
    other = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(16384), mtime=12345)).decode()
    assert decode_encoded_list(other.rstrip("=")) == bytes(16384)


@pytest.mark.parametrize(
    ("encoded", "code"),
    [
        ("zABC", "invalid_encoded_list"),
        ("u!!!", "invalid_encoded_list"),
        ("uAAAA", "invalid_encoded_list"),
        (12, "invalid_encoded_list"),
        (
            "u" + base64.urlsafe_b64encode(gzip.compress(b"x" * 64)[:-4]).decode().rstrip("="),
            "invalid_encoded_list",
        ),
    ],
)
def test_bad_encoded_lists(encoded: object, code: str) -> None:
    with pytest.raises(ParsingError) as info:
        decode_encoded_list(encoded)
    assert info.value.code == code


def test_zip_bomb_is_refused_not_expanded() -> None:
    bomb = encode_bitstring(bytes(64 * 1024 * 1024))
    assert len(bomb) < 200_000
    with pytest.raises(RangeError) as info:
        decode_encoded_list(bomb)
    assert info.value.code == "status_list_too_large"


def _list(bits: Bitstring, purpose: str = "revocation") -> dict[str, object]:
    return build_status_list_credential(
        URL,
        issuer="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        bitstring=bits,
        purpose=purpose,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        ttl_ms=300_000,
    )


def test_revocation_entry_and_list() -> None:
    bits = Bitstring()
    entry = build_status_entry(URL, 94567)
    assert entry == {
        "id": f"{URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": URL,
    }
    assert read_status(entry, _list(bits)).revoked is False
    bits.set(94567, 1)
    result = read_status(entry, _list(bits))
    assert result.revoked and result.set and result.index == 94567 and not result.suspended


@pytest.mark.parametrize(
    ("value", "message", "revoked", "suspended"),
    [
        (0, "valid", False, False),
        (1, "suspended", False, True),
        (2, "revoked", True, False),
        (3, "revoked", True, False),
    ],
)
def test_revocation_and_suspension_message_entry(
    value: int, message: str, revoked: bool, suspended: bool
) -> None:
    entry = build_status_entry(
        URL, 7, "message", status_size=2, messages=REVOCATION_AND_SUSPENSION_MESSAGES
    )
    assert entry["statusSize"] == 2 and len(entry["statusMessage"]) == 4
    bits = Bitstring(status_size=2)
    bits.set(7, value)
    result = read_status(entry, _list(bits, "message"))
    assert (result.value, result.message) == (value, message)
    assert (result.revoked, result.suspended) == (revoked, suspended)


def test_signed_list_credential_verifies() -> None:
    key = skillpass.KeyPair.generate()
    unsigned = build_status_list_credential(URL, issuer=key.did, bitstring=Bitstring())
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        signed = skillpass.sign_credential(unsigned, key, cryptosuite=suite)
        report = skillpass.verify_credential(signed, trusted_issuers=[key.did])
        assert report.status == "valid", [c.to_dict() for c in report.checks]


def test_entry_inside_a_credential_passes_the_safety_rules() -> None:
    key = skillpass.KeyPair.generate()
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": key.did,
        "credentialSubject": {"id": "did:example:1"},
        "credentialStatus": build_status_entry(
            URL, 3, "message", status_size=2, messages=REVOCATION_AND_SUSPENSION_MESSAGES
        ),
    }
    # did:example is fine as an IRI; the point is every status term is defined and signed.
    skillpass.sign_credential(credential, key)


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda e, c: e.update(statusListIndex=5), "invalid_status_entry"),
        (lambda e, c: e.update(statusListIndex="-1"), "invalid_status_entry"),
        (lambda e, c: e.update(statusListIndex="007"), "invalid_status_entry"),
        (lambda e, c: e.update(type="Other"), "invalid_status_entry"),
        (lambda e, c: e.update(statusPurpose="fun"), "invalid_status_entry"),
        (lambda e, c: e.update(statusSize=2), "invalid_status_entry"),
        (lambda e, c: e.update(statusListCredential=URL + "x"), "status_list_mismatch"),
        (lambda e, c: e.update(statusPurpose="suspension"), "status_purpose_mismatch"),
        (lambda e, c: c.update(type=["VerifiableCredential"]), "invalid_status_list"),
        (lambda e, c: c["credentialSubject"].update(type="X"), "invalid_status_list"),
    ],
)
def test_bad_entries_and_lists(mutate: object, code: str) -> None:
    entry = build_status_entry(URL, 5)
    credential = _list(Bitstring())
    mutate(entry, credential)  # type: ignore[operator]
    with pytest.raises(MalformedValueError) as info:
        read_status(entry, credential)
    assert info.value.code == code


def test_short_list_and_out_of_range_index() -> None:
    entry = build_status_entry(URL, 5)
    credential = _list(Bitstring())
    credential["credentialSubject"]["encodedList"] = encode_bitstring(bytes(100))  # type: ignore[index]
    with pytest.raises(RangeError) as info:
        read_status(entry, credential)
    assert info.value.code == "status_list_too_short"
    with pytest.raises(RangeError) as info:
        read_status(build_status_entry(URL, MIN_ENTRIES), _list(Bitstring()))
    assert info.value.code == "status_index_out_of_range"
    with pytest.raises(RangeError):
        build_status_list_credential(URL, issuer="did:example:1", bitstring=Bitstring(10))


def _credential_with_entry(key: skillpass.KeyPair, entry: dict[str, object]) -> dict[str, object]:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": key.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:1"},
        "credentialStatus": entry,
    }
    return skillpass.sign_credential(credential, key)


def _status_check(credential: dict[str, object], *lists: dict[str, object]) -> tuple[str, str]:
    checker = StatusListChecker(lists)
    policy = skillpass.VerificationPolicy(status=checker)
    report = skillpass.verify_credential(credential, policy=policy)
    check = next(c for c in report.checks if c.id == "status")
    return check.status, check.code


def test_status_list_checker() -> None:
    key = skillpass.KeyPair.generate()
    revocable = _credential_with_entry(key, build_status_entry(URL, 42))
    bits = Bitstring()

    def signed(bitstring: Bitstring, purpose: str = "revocation") -> dict[str, object]:
        unsigned = build_status_list_credential(
            URL, issuer=key.did, bitstring=bitstring, purpose=purpose
        )
        return skillpass.sign_credential(unsigned, key)

    assert _status_check(revocable) == ("unknown", "status_not_checked")
    assert _status_check(revocable, signed(bits)) == ("valid", "ok")
    bits.set(42, 1)
    assert _status_check(revocable, signed(bits)) == ("invalid", "revoked")
    # A list whose bits were changed after signing is rejected, so the status stays unknown.
    tampered = signed(Bitstring())
    tampered["credentialSubject"]["encodedList"] = bits.encode()  # type: ignore[index]
    assert set(StatusListChecker([tampered]).rejected) == {URL}
    assert _status_check(revocable, tampered) == ("unknown", "status_not_checked")
    # Another issuer's list does not count for this credential.
    other = skillpass.KeyPair.generate()
    foreign = skillpass.sign_credential(
        build_status_list_credential(URL, issuer=other.did, bitstring=Bitstring()), other
    )
    assert _status_check(revocable, foreign) == ("invalid", "status_list_mismatch")
    suspendable = _credential_with_entry(
        key,
        build_status_entry(
            URL, 9, "message", status_size=2, messages=REVOCATION_AND_SUSPENSION_MESSAGES
        ),
    )
    two = Bitstring(status_size=2)
    assert _status_check(suspendable, signed(two, "message")) == ("valid", "ok")
    two.set(9, 1)
    assert _status_check(suspendable, signed(two, "message")) == ("invalid", "suspended")
    two.set(9, 3)
    assert _status_check(suspendable, signed(two, "message")) == ("invalid", "revoked")
    assert _status_check(suspendable, signed(two)) == ("invalid", "status_purpose_mismatch")


def test_a_message_entry_is_read_with_its_own_signed_messages() -> None:
    """An issuer may give its two-bit values other meanings than SkillPass's: the checker reads
    the entry's signed statusMessage, never assumes SkillPass's table."""
    key = skillpass.KeyPair.generate()
    own = (
        {"status": "0x0", "message": "valid"},
        {"status": "0x1", "message": "revoked"},
        {"status": "0x2", "message": "under review"},
        {"status": "0x3", "message": "suspended"},
    )
    entry = build_status_entry(URL, 5, "message", status_size=2, messages=own)
    credential = _credential_with_entry(key, entry)
    signed_entry = next(iter(_checked_entries(credential)))
    assert signed_entry.messages == tuple(sorted((m["status"], m["message"]) for m in own))

    def signed(value: int) -> dict[str, object]:
        bits = Bitstring(status_size=2)
        bits.set(5, value)
        unsigned = build_status_list_credential(
            URL, issuer=key.did, bitstring=bits, purpose="message"
        )
        return skillpass.sign_credential(unsigned, key)

    assert _status_check(credential, signed(0)) == ("valid", "ok")
    assert _status_check(credential, signed(1)) == ("invalid", "revoked")  # SkillPass: suspended
    assert _status_check(credential, signed(3)) == ("invalid", "suspended")  # SkillPass: revoked
    assert _status_check(credential, signed(2)) == ("unknown", "status_not_checked")


def _checked_entries(credential: dict[str, object]) -> tuple[StatusEntry, ...]:
    report = skillpass.verify_credential(credential)
    assert report.checked is not None, report.to_dict()
    return report.checked.view.statuses
