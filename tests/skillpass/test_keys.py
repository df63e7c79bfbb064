"""Keys, key files, Ed25519 public-key validation, did:key and did:web with key history."""

from __future__ import annotations

import copy
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from skillpass import (
    KeyPair,
    OfflineResolver,
    PublicKey,
    SkillpassError,
    WebKey,
    did_key_document,
    did_web_document,
    sign_credential,
    verify_credential,
)
from skillpass._keys import load_key_file_text
from skillpass._multibase import ED25519_PUB, encode_multibase
from skillpass.errors import CryptographicSecurityError, KeyFileError

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
REFERENCE = ROOT / "examples" / "reference-qualification.json"
P = 2**255 - 19
NOW = datetime(2027, 1, 1, tzinfo=UTC)

# The eight points of small order on edwards25519, canonically encoded.
SMALL_ORDER = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
]


def _key(n: int) -> KeyPair:
    return KeyPair.from_seed(bytes([n]) * 32)


# --------------------------------------------------------------------------- Multikey


def test_multikey_round_trip() -> None:
    key = KeyPair.generate()
    data = key.to_json()
    assert data["type"] == "Multikey"
    assert data["publicKeyMultibase"].startswith("z6Mk")
    assert data["secretKeyMultibase"].startswith("z3u2")
    assert data["controller"] == key.did
    assert data["id"] == f"{key.did}#{data['publicKeyMultibase']}"
    again = KeyPair.from_json(json.loads(json.dumps(data)))
    assert again.did == key.did
    message = b"skillpass"
    assert key.public_key.verify(again.sign(message), message)
    assert PublicKey.from_multibase(data["publicKeyMultibase"]) == key.public_key


def test_w3c_vector_key_pair() -> None:
    data = json.loads((VECTORS / "vc-di-eddsa" / "keyPair.json").read_text(encoding="utf-8"))
    key = KeyPair.from_json(data)  # privateKeyMultibase, the vectors' spelling
    assert key.did == "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    assert key.public_key.multibase == data["publicKeyMultibase"]


def test_key_file_with_another_public_key_is_refused() -> None:
    data = _key(1).to_json()
    data["publicKeyMultibase"] = _key(2).public_key.multibase
    with pytest.raises(KeyFileError) as info:
        KeyPair.from_json(data)
    assert info.value.code == "key_mismatch"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({}, "no_private_key"),
        ({"secretKeyMultibase": "not multibase"}, "invalid_key_file"),
        ({"secretKeyMultibase": encode_multibase(b"\x80\x26" + bytes(31))}, "invalid_key_file"),
        ({"secretKeyMultibase": encode_multibase(ED25519_PUB + bytes(32))}, "invalid_key_file"),
        ({"encryptedSecretKey": {}}, "passphrase_required"),
    ],
)
def test_bad_key_files(data: dict[str, Any], code: str) -> None:
    with pytest.raises(KeyFileError) as info:
        KeyPair.from_json(data)
    assert info.value.code == code


def test_key_file_text_must_be_json() -> None:
    with pytest.raises(KeyFileError) as info:
        load_key_file_text("not json")
    assert info.value.code == "invalid_key_file"


# --------------------------------------------------------------------------- encrypted keys


@pytest.fixture(scope="module")
def encrypted() -> tuple[KeyPair, dict[str, Any]]:
    key = _key(7)
    return key, key.to_json(passphrase="correct horse battery staple")


def test_encrypted_key_round_trip(encrypted: tuple[KeyPair, dict[str, Any]]) -> None:
    key, data = encrypted
    assert "secretKeyMultibase" not in data
    text = json.dumps(data)
    assert key.to_json()["secretKeyMultibase"] not in text
    again = load_key_file_text(text, passphrase="correct horse battery staple")
    assert again.did == key.did


def test_wrong_passphrase(encrypted: tuple[KeyPair, dict[str, Any]]) -> None:
    with pytest.raises(KeyFileError) as info:
        KeyPair.from_json(encrypted[1], passphrase="Correct horse battery staple")
    assert info.value.code == "wrong_passphrase"


def _flip(text: str) -> str:
    """Change one base64url character of ``text``."""
    return ("B" if text[0] == "A" else "A") + text[1:]


@pytest.mark.parametrize("field", ["ciphertext", "nonce", "salt"])
def test_tampered_encrypted_key(encrypted: tuple[KeyPair, dict[str, Any]], field: str) -> None:
    data = copy.deepcopy(encrypted[1])
    blob = data["encryptedSecretKey"]
    holder = blob if field == "ciphertext" else blob["cipher" if field == "nonce" else "kdf"]
    holder[field] = _flip(holder[field])
    with pytest.raises(KeyFileError):
        KeyPair.from_json(data, passphrase="correct horse battery staple")


def test_encrypted_key_bound_to_its_public_key(encrypted: tuple[KeyPair, dict[str, Any]]) -> None:
    """The public key is authenticated data: pairing the ciphertext with another public key
    (so that signatures would be attributed to someone else) fails."""
    data = copy.deepcopy(encrypted[1])
    data["publicKeyMultibase"] = _key(8).public_key.multibase
    with pytest.raises(KeyFileError):
        KeyPair.from_json(data, passphrase="correct horse battery staple")
    del data["publicKeyMultibase"]
    with pytest.raises(KeyFileError):
        KeyPair.from_json(data, passphrase="correct horse battery staple")


@pytest.mark.parametrize(
    "kdf",
    [
        {"n": 2**21, "r": 8, "p": 1},  # too much work
        {"n": 2**20, "r": 16, "p": 1},  # 2 GiB of memory
        {"n": 2**20, "r": 8, "p": 4},  # 1 GiB of memory, four times over
        {"n": 2**15, "r": 8, "p": 64},
        {"n": 2**15, "r": 1024, "p": 1},
        {"n": 3, "r": 8, "p": 1},  # not a power of two
        {"n": 1, "r": 8, "p": 1},
        {"n": 2**15, "r": 0, "p": 1},
        {"n": 2**15, "r": 8, "p": 0},
        {"n": -(2**15), "r": 8, "p": 1},
        {"n": True, "r": 8, "p": 1},
        {"n": 2.0**15, "r": 8, "p": 1},
        {"n": "32768", "r": 8, "p": 1},
    ],
)
def test_absurd_scrypt_parameters_are_refused_before_any_work(
    encrypted: tuple[KeyPair, dict[str, Any]], kdf: dict[str, Any]
) -> None:
    data = copy.deepcopy(encrypted[1])
    data["encryptedSecretKey"]["kdf"].update(kdf)
    start = time.monotonic()
    with pytest.raises(KeyFileError) as info:
        KeyPair.from_json(data, passphrase="correct horse battery staple")
    assert info.value.code == "invalid_key_file"
    assert time.monotonic() - start < 0.5


@pytest.mark.parametrize(
    "blob",
    [
        "not an object",
        {"version": 2},
        {"version": 1, "kdf": {"name": "pbkdf2"}, "cipher": {"name": "A256GCM"}},
        {"version": 1, "kdf": {"name": "scrypt"}, "cipher": {"name": "chacha"}},
    ],
)
def test_unsupported_encrypted_formats(blob: Any) -> None:
    data = {"publicKeyMultibase": _key(7).public_key.multibase, "encryptedSecretKey": blob}
    with pytest.raises(KeyFileError) as info:
        KeyPair.from_json(data, passphrase="x")
    assert info.value.code == "invalid_key_file"


def test_secret_never_in_repr_or_public_json() -> None:
    key = _key(9)
    secret = key.to_json()["secretKeyMultibase"]
    seed_hex = (bytes([9]) * 32).hex()
    public = key.to_json(include_private=False)
    encrypted = key.to_json(passphrase="pw")
    for text in (repr(key), str(key), json.dumps(public), json.dumps(encrypted), repr(public)):
        assert secret not in text
        assert secret[1:] not in text
        assert seed_hex not in text
    assert set(public) == {"type", "id", "controller", "publicKeyMultibase"}
    assert not hasattr(key, "__dict__")  # nothing to dump by accident


# --------------------------------------------------------------------------- Ed25519 checks


def _speccheck() -> list[dict[str, str]]:
    path = VECTORS / "ed25519-speccheck" / "cases.json"
    cases: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return cases


def _accepts(case: dict[str, str]) -> bool:
    try:
        public = PublicKey.from_bytes(bytes.fromhex(case["pub_key"]))
    except SkillpassError:
        return False
    return public.verify(bytes.fromhex(case["signature"]), bytes.fromhex(case["message"]))


def test_speccheck_cases() -> None:
    """'Taming the many EdDSAs': 0-1 small-order A, 2-3 valid (mixed-order A or small-order R,
    which cofactorless and cofactored verification both accept), 4-5 pass only cofactored
    verification, 6-7 S >= L, 8-9 non-canonical R, 10-11 non-canonical A."""
    cases = _speccheck()
    assert len(cases) == 12
    accepted = {i for i, case in enumerate(cases) if _accepts(case)}
    assert accepted == {2, 3}


@pytest.mark.parametrize(
    ("index", "code"),
    [
        (0, "small_order_public_key"),
        (1, "small_order_public_key"),
        (10, "non_canonical_public_key"),
        (11, "non_canonical_public_key"),
    ],
)
def test_speccheck_keys_refused_at_import(index: int, code: str) -> None:
    with pytest.raises(CryptographicSecurityError) as info:
        PublicKey.from_bytes(bytes.fromhex(_speccheck()[index]["pub_key"]))
    assert info.value.code == code


@pytest.mark.parametrize("encoded", SMALL_ORDER)
def test_small_order_keys_refused(encoded: str) -> None:
    raw = bytes.fromhex(encoded)
    with pytest.raises(CryptographicSecurityError) as info:
        PublicKey.from_bytes(raw)
    assert info.value.code == "small_order_public_key"
    with pytest.raises(SkillpassError):
        PublicKey.from_multibase(encode_multibase(ED25519_PUB + raw))


@pytest.mark.parametrize("y", range(P, 2**255))
@pytest.mark.parametrize("sign", [0, 1])
def test_non_canonical_y_refused(y: int, sign: int) -> None:
    raw = (y | (sign << 255)).to_bytes(32, "little")
    with pytest.raises(CryptographicSecurityError) as info:
        PublicKey.from_bytes(raw)
    assert info.value.code == "non_canonical_public_key"


@pytest.mark.parametrize("y", [1, P - 1])
def test_negative_zero_x_refused(y: int) -> None:
    with pytest.raises(CryptographicSecurityError) as info:
        PublicKey.from_bytes((y | (1 << 255)).to_bytes(32, "little"))
    assert info.value.code == "non_canonical_public_key"


@pytest.mark.parametrize("length", [0, 31, 33, 64])
def test_wrong_length_keys_refused(length: int) -> None:
    with pytest.raises(CryptographicSecurityError) as info:
        PublicKey.from_bytes(bytes(length))
    assert info.value.code == "invalid_public_key"


def test_verify_refuses_malformed_signatures() -> None:
    key = _key(3)
    signature = key.sign(b"m")
    assert key.public_key.verify(signature, b"m")
    assert not key.public_key.verify(signature[:63], b"m")
    assert not key.public_key.verify(signature + b"\0", b"m")
    assert not key.public_key.verify(signature, b"n")
    # S + L: the same signature, non-canonical S (malleability) is refused.
    order = 2**252 + 27742317777372353535851937790883648493
    s = int.from_bytes(signature[32:], "little") + order
    assert not key.public_key.verify(signature[:32] + s.to_bytes(32, "little"), b"m")


# --------------------------------------------------------------------------- did:key


def test_did_key_document_shape() -> None:
    key = _key(4)
    doc = did_key_document(key.did)
    fragment = key.public_key.multibase
    vm_id = f"{key.did}#{fragment}"
    assert doc["id"] == key.did
    assert doc["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert doc["verificationMethod"] == [
        {"id": vm_id, "type": "Multikey", "controller": key.did, "publicKeyMultibase": fragment}
    ]
    for rel in (
        "authentication",
        "assertionMethod",
        "capabilityInvocation",
        "capabilityDelegation",
    ):
        assert doc[rel] == [vm_id]
    assert key.verification_method == vm_id


@pytest.mark.parametrize("encoded", [SMALL_ORDER[0], SMALL_ORDER[5]])
def test_did_key_with_small_order_key_is_refused(encoded: str) -> None:
    did = "did:key:" + encode_multibase(ED25519_PUB + bytes.fromhex(encoded))
    with pytest.raises(SkillpassError) as info:
        did_key_document(did)
    assert info.value.code == "small_order_public_key"


def test_credential_claiming_a_small_order_did_key_is_invalid() -> None:
    """A proof 'by' a small-order key is known to be worthless: invalid, not unknown."""
    did = "did:key:" + encode_multibase(ED25519_PUB + bytes.fromhex(SMALL_ORDER[5]))
    key = _key(5)
    credential = _credential(key.did)
    signed = sign_credential(credential, key, created=datetime(2026, 3, 14, tzinfo=UTC))
    signed["issuer"]["id"] = did
    signed["proof"]["verificationMethod"] = f"{did}#{did[len('did:key:') :]}"
    report = verify_credential(signed, now=NOW, trusted_issuers={did})
    assert report.check("proof").status == "invalid"
    assert report.check("proof").code == "small_order_public_key"


# --------------------------------------------------------------------------- did:web history

WEB_DID = "did:web:rtc7.example.ph"
ROTATED = datetime(2026, 6, 1, tzinfo=UTC)
REVOKED = datetime(2026, 9, 1, tzinfo=UTC)


def _credential(issuer: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    doc["issuer"]["id"] = issuer
    del doc["credentialStatus"]
    return doc


@pytest.fixture(scope="module")
def web_keys() -> dict[str, KeyPair]:
    return {"key-1": _key(11), "key-2": _key(12), "key-3": _key(13)}


@pytest.fixture(scope="module")
def resolver(web_keys: dict[str, KeyPair]) -> OfflineResolver:
    doc = did_web_document(
        WEB_DID,
        [
            WebKey(web_keys["key-1"].public_key.multibase, key_id="key-1", expires=ROTATED),
            WebKey(web_keys["key-2"].public_key.multibase, key_id="key-2"),
            WebKey(web_keys["key-3"].public_key.multibase, key_id="key-3", revoked=REVOKED),
        ],
    )
    return OfflineResolver({WEB_DID: doc})


def test_did_web_document_keeps_history(resolver: OfflineResolver) -> None:
    doc = resolver.resolve(WEB_DID)
    methods = {m["id"]: m for m in doc["verificationMethod"]}
    assert set(methods) == {f"{WEB_DID}#key-{i}" for i in (1, 2, 3)}
    assert methods[f"{WEB_DID}#key-1"]["expires"] == "2026-06-01T00:00:00Z"
    assert methods[f"{WEB_DID}#key-3"]["revoked"] == "2026-09-01T00:00:00Z"
    assert all(m["controller"] == WEB_DID for m in methods.values())
    assert set(doc["assertionMethod"]) == set(methods)


def _sign_web(key: KeyPair, key_id: str, created: datetime) -> dict[str, Any]:
    return sign_credential(
        _credential(WEB_DID), key, created=created, verification_method=f"{WEB_DID}#{key_id}"
    )


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_current_key_verifies(
    web_keys: dict[str, KeyPair], resolver: OfflineResolver, cryptosuite: str
) -> None:
    signed = sign_credential(
        _credential(WEB_DID),
        web_keys["key-2"],
        cryptosuite=cryptosuite,
        created=datetime(2026, 7, 1, tzinfo=UTC),
        verification_method=f"{WEB_DID}#key-2",
    )
    report = verify_credential(signed, now=NOW, resolver=resolver, trusted_issuers={WEB_DID})
    assert report.status == "valid", [c.to_dict() for c in report.checks]


def test_rotated_key_still_verifies_old_credentials(
    web_keys: dict[str, KeyPair], resolver: OfflineResolver
) -> None:
    signed = _sign_web(web_keys["key-1"], "key-1", ROTATED - timedelta(days=30))
    report = verify_credential(signed, now=NOW, resolver=resolver, trusted_issuers={WEB_DID})
    assert report.check("proof").status == "valid"
    assert report.status == "valid"


def test_rotated_key_cannot_sign_after_it_expired(
    web_keys: dict[str, KeyPair], resolver: OfflineResolver
) -> None:
    signed = _sign_web(web_keys["key-1"], "key-1", ROTATED + timedelta(seconds=1))
    report = verify_credential(signed, now=NOW, resolver=resolver, trusted_issuers={WEB_DID})
    assert (report.check("proof").status, report.check("proof").code) == (
        "invalid",
        "key_expired",
    )
    # Backdating `created` to before the expiry is covered by the signature.
    signed["proof"]["created"] = "2026-05-01T00:00:00Z"
    report = verify_credential(signed, now=NOW, resolver=resolver, trusted_issuers={WEB_DID})
    assert report.check("proof").status == "invalid"
    assert report.status == "invalid"


def test_rotated_key_without_created_is_refused(
    web_keys: dict[str, KeyPair], resolver: OfflineResolver
) -> None:
    signed = _sign_web(web_keys["key-1"], "key-1", ROTATED - timedelta(days=1))
    del signed["proof"]["created"]
    report = verify_credential(signed, now=NOW, resolver=resolver, trusted_issuers={WEB_DID})
    assert report.check("proof").status == "invalid"


@pytest.mark.parametrize("days", [-30, 30])
def test_revoked_key_never_verifies(
    web_keys: dict[str, KeyPair], resolver: OfflineResolver, days: int
) -> None:
    signed = _sign_web(web_keys["key-3"], "key-3", REVOKED + timedelta(days=days))
    report = verify_credential(signed, now=NOW, resolver=resolver, trusted_issuers={WEB_DID})
    assert (report.check("proof").status, report.check("proof").code) == (
        "invalid",
        "key_revoked",
    )


def test_unknown_did_web_is_unknown_never_valid(web_keys: dict[str, KeyPair]) -> None:
    signed = _sign_web(web_keys["key-2"], "key-2", datetime(2026, 7, 1, tzinfo=UTC))
    report = verify_credential(signed, now=NOW, trusted_issuers={WEB_DID})
    proof = report.check("proof")
    assert (proof.status, proof.code) == ("unknown", "did_not_found")
    assert report.status == "unknown"
    assert not report.verified


def test_key_of_another_did_web_is_refused(
    web_keys: dict[str, KeyPair], resolver: OfflineResolver
) -> None:
    """A did:web key signing as another issuer: the proof verifies, the issuer check fails."""
    other = _key(14)
    signed = sign_credential(
        _credential(WEB_DID),
        other,
        created=datetime(2026, 7, 1, tzinfo=UTC),
        verification_method=other.verification_method,
    )
    report = verify_credential(signed, now=NOW, resolver=resolver, trusted_issuers={WEB_DID})
    assert report.check("proof").status == "valid"
    assert (report.check("issuer").status, report.check("issuer").code) == (
        "invalid",
        "issuer_mismatch",
    )
    assert report.status == "invalid"


def test_did_web_document_with_wrong_id_is_refused(web_keys: dict[str, KeyPair]) -> None:
    doc = did_web_document(
        "did:web:evil.example", [WebKey(web_keys["key-2"].public_key.multibase, key_id="key-2")]
    )
    resolver = OfflineResolver({WEB_DID: doc})
    signed = _sign_web(web_keys["key-2"], "key-2", datetime(2026, 7, 1, tzinfo=UTC))
    report = verify_credential(signed, now=NOW, resolver=resolver, trusted_issuers={WEB_DID})
    assert report.check("proof").status != "valid"
    assert report.status != "valid"


@pytest.mark.parametrize(
    "did", ["did:web:", "did:web:exa mple.com", "did:key:z6Mk", "https://rtc7.example.ph"]
)
def test_invalid_did_web_identifiers(did: str) -> None:
    with pytest.raises(SkillpassError) as info:
        did_web_document(did, [WebKey(_key(1).public_key.multibase)])
    assert info.value.code == "invalid_did"


def test_did_web_refuses_small_order_key() -> None:
    bad = encode_multibase(ED25519_PUB + bytes.fromhex(SMALL_ORDER[6]))
    with pytest.raises(SkillpassError) as info:
        did_web_document(WEB_DID, [WebKey(bad)])
    assert info.value.code == "small_order_public_key"
