"""``skillpass.sealing``: passphrase sealing shared by key files and the wallet."""

from __future__ import annotations

import base64
import copy
import os
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from hypothesis import given, settings
from hypothesis import strategies as st

from skillpass import KeyPair, sealing
from skillpass.errors import SealingError, SkillpassError

FAST = sealing.ScryptParams(n=2**10)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_round_trip_and_envelope_shape() -> None:
    envelope = sealing.seal(b"secret", "pass", associated_data=b"here", params=FAST)
    assert envelope["version"] == 1
    assert envelope["kdf"]["name"] == "scrypt"
    assert (envelope["kdf"]["n"], envelope["kdf"]["r"], envelope["kdf"]["p"]) == (2**10, 8, 1)
    assert envelope["cipher"]["name"] == "A256GCM"
    assert sealing.unseal(envelope, "pass", associated_data=b"here") == b"secret"
    assert sealing.envelope_params(envelope) == FAST
    again = sealing.seal(b"secret", "pass", associated_data=b"here", params=FAST)
    assert again["kdf"]["salt"] != envelope["kdf"]["salt"]  # fresh salt and nonce every time
    assert again["ciphertext"] != envelope["ciphertext"]


@pytest.mark.parametrize(
    ("passphrase", "ad"), [("Pass", b"here"), ("pass", b"there"), ("pass", b"")]
)
def test_wrong_passphrase_or_place_is_bad_passphrase(passphrase: str, ad: bytes) -> None:
    envelope = sealing.seal(b"secret", "pass", associated_data=b"here", params=FAST)
    with pytest.raises(SealingError) as info:
        sealing.unseal(envelope, passphrase, associated_data=ad)
    assert info.value.code == "bad_passphrase"
    assert isinstance(info.value, SkillpassError)
    assert "--" not in info.value.message  # no CLI wording in the core


@settings(max_examples=60, deadline=None)
@given(field=st.sampled_from(["ciphertext", "nonce", "salt"]), position=st.integers(0, 20))
def test_any_tampering_is_refused(field: str, position: int) -> None:
    envelope = sealing.seal(b"secret seed", "pass", params=FAST)
    changed = copy.deepcopy(envelope)
    holder = changed if field == "ciphertext" else changed["cipher" if field == "nonce" else "kdf"]
    raw = bytearray(base64.urlsafe_b64decode(holder[field] + "=" * (-len(holder[field]) % 4)))
    raw[position % len(raw)] ^= 0x01
    holder[field] = _b64(bytes(raw))
    with pytest.raises(SealingError) as info:
        sealing.unseal(changed, "pass")
    assert info.value.code == "bad_passphrase"


@pytest.mark.parametrize(
    "envelope",
    [
        "text",
        None,
        {"version": 2},
        {"version": 1, "kdf": {"name": "pbkdf2"}, "cipher": {"name": "A256GCM"}},
        {"version": 1, "kdf": {"name": "scrypt", "n": 2**10, "r": 8, "p": 1}, "cipher": {}},
        {
            "version": 1,
            "kdf": {"name": "scrypt", "n": 2**21, "r": 8, "p": 1},
            "cipher": {"name": "A256GCM"},
        },
        {
            "version": 1,
            "kdf": {"name": "scrypt", "n": 2**10, "r": 8, "p": 1, "salt": 5},
            "cipher": {"name": "A256GCM", "nonce": "AA"},
            "ciphertext": "AA",
        },
        {
            "version": 1,
            "kdf": {"name": "scrypt", "n": 2**10, "r": 8, "p": 1, "salt": "AA"},
            "cipher": {"name": "A256GCM", "nonce": "!!"},
            "ciphertext": "AA",
        },
    ],
)
def test_malformed_envelopes(envelope: Any) -> None:
    with pytest.raises(SealingError) as info:
        sealing.unseal(envelope, "pass")
    assert info.value.code == "sealed_data_invalid"


def test_empty_passphrase() -> None:
    with pytest.raises(SealingError) as info:
        sealing.seal(b"x", "", params=FAST)
    assert info.value.code == "empty_passphrase"


def test_record_encryption() -> None:
    key = sealing.random_key()
    assert len(key) == 32
    blob = sealing.encrypt(key, b"record", associated_data=b"rid-1")
    assert sealing.decrypt(key, blob, associated_data=b"rid-1") == b"record"
    for bad_key, bad_blob, ad in [
        (key, blob, b"rid-2"),
        (sealing.random_key(), blob, b"rid-1"),
        (key, blob[:-1] + bytes([blob[-1] ^ 1]), b"rid-1"),
        (key, blob[:10], b"rid-1"),
    ]:
        with pytest.raises(SealingError) as info:
            sealing.decrypt(bad_key, bad_blob, associated_data=ad)
        assert info.value.code == "sealed_data_damaged"


def test_key_files_written_before_the_shared_helper_still_open() -> None:
    """The envelope is the key-file format of release 0.1: files already on disk keep working."""
    key = KeyPair.from_seed(bytes(range(32)))
    salt, nonce = os.urandom(16), os.urandom(12)
    derived = Scrypt(salt=salt, length=32, n=2**10, r=8, p=1).derive(b"old passphrase")
    seed = bytes(range(32))
    public = key.public_key.multibase
    data = {
        "publicKeyMultibase": public,
        "encryptedSecretKey": {
            "version": 1,
            "kdf": {"name": "scrypt", "n": 2**10, "r": 8, "p": 1, "salt": _b64(salt)},
            "cipher": {"name": "A256GCM", "nonce": _b64(nonce)},
            "ciphertext": _b64(AESGCM(derived).encrypt(nonce, seed, public.encode())),
        },
    }
    assert KeyPair.from_json(data, passphrase="old passphrase").did == key.did
    written = key.to_json(passphrase="new")["encryptedSecretKey"]
    assert set(written) == {"version", "kdf", "cipher", "ciphertext"}
    assert sealing.envelope_params(written) == sealing.KEY_FILE_SCRYPT
