"""ecdsa-rdfc-2019 and ecdsa-jcs-2019 with P-256 and P-384 Multikeys: the W3C vc-di-ecdsa
test vectors (Recommendation), signing, and what must not verify."""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest

from skillpass import (
    EcdsaKeyPair,
    EcPublicKey,
    KeyPair,
    SkillpassError,
    did_key_document,
    sign_credential,
    sign_presentation,
    verify_credential,
    verify_presentation,
)
from skillpass._canon import canonicalize_rdfc, check_and_expand
from skillpass._multibase import decode_multibase, encode_multibase
from skillpass._proofs import _jcs
from tests.conftest import VECTORS, load_json
from tests.skillpass.test_vectors import _assert_issuer_not_the_signer

V = VECTORS / "vc-di-ecdsa"
NOW = datetime(2027, 1, 1, tzinfo=UTC)
SIGNED_AT = datetime(2026, 3, 14, tzinfo=UTC)
ECDSA_SUITES = ["ecdsa-rdfc-2019", "ecdsa-jcs-2019"]
CURVES = ["P-256", "P-384"]

# (folder, unsigned document, file suffix, curve)
VECTOR_CASES = [
    ("ecdsa-rdfc-2019-p256", "unsigned.json", "ECDSAP256", "P-256"),
    ("ecdsa-rdfc-2019-p384", "unsigned.json", "ECDSAP384", "P-384"),
    ("ecdsa-rdfc-2019-p256/employ", "employmentAuth.json", "ECDSAP256", "P-256"),
    ("ecdsa-jcs-2019-p256", "unsigned.json", "JCSECDSAP256", "P-256"),
    ("ecdsa-jcs-2019-p384", "unsigned.json", "JCSECDSAP384", "P-384"),
]
IDS = [c[0] for c in VECTOR_CASES]


def text(path: str) -> str:
    return (V / path).read_text(encoding="utf-8")


def _canon(doc: dict[str, Any], folder: str) -> bytes:
    if folder.startswith("ecdsa-jcs"):
        check_and_expand(doc, allow_test_contexts=True)  # the safety rules still apply
        return _jcs(doc)
    return canonicalize_rdfc(check_and_expand(doc, allow_test_contexts=True)).encode()


@pytest.mark.parametrize(("folder", "unsigned", "suffix", "curve"), VECTOR_CASES, ids=IDS)
def test_intermediate_values(folder: str, unsigned: str, suffix: str, curve: str) -> None:
    doc = load_json(V / unsigned)
    config = load_json(V / folder / f"proofConfig{suffix}.json")
    canon_doc = _canon(doc, folder)
    canon_proof = _canon(config, folder)
    assert canon_doc == text(f"{folder}/canonDoc{suffix}.txt").encode()
    assert canon_proof == text(f"{folder}/proofCanon{suffix}.txt").encode()
    algorithm = "sha256" if curve == "P-256" else "sha384"
    doc_hash = hashlib.new(algorithm, canon_doc).hexdigest()
    proof_hash = hashlib.new(algorithm, canon_proof).hexdigest()
    assert doc_hash == text(f"{folder}/docHash{suffix}.txt")
    assert proof_hash == text(f"{folder}/proofHash{suffix}.txt")
    assert proof_hash + doc_hash == text(f"{folder}/combinedHash{suffix}.txt")


def test_the_p384_employ_vector_is_not_rdfc_of_its_document() -> None:
    """The vc-di-ecdsa p384/employ files hold canonical N-Quads of employmentAuth.json with the
    blank-node labels c14n0 and c14n2 swapped against p256/employ (same document, same RDF).
    RDFC-1.0 is deterministic: we reproduce the p256 form, so that vector (and its signature,
    made over the other labelling) is left out of the cases above."""
    doc = load_json(V / "employmentAuth.json")
    canon = _canon(doc, "ecdsa-rdfc-2019")
    assert canon == text("ecdsa-rdfc-2019-p256/employ/canonDocECDSAP256.txt").encode()
    p384 = text("ecdsa-rdfc-2019-p384/employ/canonDocECDSAP384.txt").encode()
    assert canon != p384
    assert sorted(canon.splitlines()) != sorted(p384.splitlines())
    swap = {b"_:c14n0": b"_:c14n2", b"_:c14n2": b"_:c14n0"}
    relabelled = b"".join(
        sorted(
            b" ".join(swap.get(part, part) for part in line.split(b" ")) + b"\n"
            for line in p384.splitlines()
        )
    )
    assert relabelled == canon


@pytest.mark.parametrize(("folder", "unsigned", "suffix", "curve"), VECTOR_CASES, ids=IDS)
def test_signed_vector_verifies(folder: str, unsigned: str, suffix: str, curve: str) -> None:
    signed = load_json(V / folder / f"signed{suffix}.json")
    assert decode_multibase(signed["proof"]["proofValue"]).hex() == text(
        f"{folder}/sigHex{suffix}.txt"
    )
    report = verify_credential(signed, now=NOW, allow_test_contexts=True)
    assert report.check("format").status == "valid", report.to_dict()
    assert report.check("proof").status == "valid", report.to_dict()
    _assert_issuer_not_the_signer(report, signed["issuer"])
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["id"] = "did:example:someone-else"
    assert verify_credential(tampered, now=NOW, allow_test_contexts=True).check("proof").code == (
        "invalid_signature"
    )


@pytest.mark.parametrize("curve", CURVES)
def test_vector_keys_are_their_did_keys(curve: str) -> None:
    pair = load_json(V / f"p{curve[2:]}KeyPair.json")
    key = EcdsaKeyPair.from_secret_multibase(pair["secretKeyMultibase"])
    assert key.public_key.multibase == pair["publicKeyMultibase"]
    assert key.did.startswith("did:key:zDn" if curve == "P-256" else "did:key:z82")
    document = did_key_document(key.did)
    assert document["verificationMethod"][0]["publicKeyMultibase"] == pair["publicKeyMultibase"]


@pytest.mark.parametrize("curve", CURVES)
def test_vector_key_signs_what_verifies(curve: str) -> None:
    """ECDSA signatures are randomised: a new proof differs from the vector's, but verifies."""
    pair = load_json(V / f"p{curve[2:]}KeyPair.json")
    key = EcdsaKeyPair.from_secret_multibase(pair["secretKeyMultibase"])
    doc = load_json(V / "unsigned.json")
    doc["issuer"] = key.did
    signed = sign_credential(
        doc, key, cryptosuite="ecdsa-rdfc-2019", created=SIGNED_AT, allow_test_contexts=True
    )
    size = 64 if curve == "P-256" else 96
    assert len(decode_multibase(signed["proof"]["proofValue"])) == size
    report = verify_credential(signed, now=NOW, allow_test_contexts=True, trusted_issuers={key.did})
    assert report.status == "valid", report.to_dict()


def _credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-03-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:worker", "name": "Maria"},
    }


@pytest.mark.parametrize("curve", CURVES)
@pytest.mark.parametrize("suite", ECDSA_SUITES)
def test_sign_and_verify_both_directions(curve: str, suite: str) -> None:
    key = EcdsaKeyPair.generate(curve)
    signed = sign_credential(_credential(key.did), key, cryptosuite=suite, created=SIGNED_AT)
    report = verify_credential(signed, now=NOW, trusted_issuers={key.did})
    assert report.status == "valid", report.to_dict()
    changed = copy.deepcopy(signed)
    changed["credentialSubject"]["name"] = "Mario"
    assert verify_credential(changed, now=NOW).check("proof").code == "invalid_signature"
    # The same signature under another key of the same curve does not verify.
    other = EcdsaKeyPair.generate(curve)
    moved = copy.deepcopy(signed)
    moved["issuer"] = other.did
    moved["proof"]["verificationMethod"] = other.verification_method
    assert verify_credential(moved, now=NOW).check("proof").code == "invalid_signature"


@pytest.mark.parametrize("curve", CURVES)
def test_presentation_with_ecdsa(curve: str) -> None:
    holder = EcdsaKeyPair.generate(curve)
    issuer = KeyPair.generate()
    vc = sign_credential(_credential(issuer.did), issuer, created=SIGNED_AT)
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": [vc],
    }
    signed = sign_presentation(
        vp, holder, challenge="c1", cryptosuite="ecdsa-jcs-2019", created=SIGNED_AT
    )
    report = verify_presentation(signed, now=NOW, challenge="c1")
    assert report.check("proof").status == "valid", report.to_dict()
    assert report.check("holder").status == "valid"


def test_key_and_cryptosuite_must_match() -> None:
    ec_key = EcdsaKeyPair.generate()
    ed_key = KeyPair.generate()
    with pytest.raises(SkillpassError) as info:
        sign_credential(_credential(ec_key.did), ec_key, cryptosuite="eddsa-rdfc-2022")
    assert info.value.code == "key_cryptosuite_mismatch"
    with pytest.raises(SkillpassError) as info:
        sign_credential(_credential(ed_key.did), ed_key, cryptosuite="ecdsa-rdfc-2019")
    assert info.value.code == "key_cryptosuite_mismatch"
    # A proof that names an ecdsa suite but an Ed25519 key (or the reverse) is invalid.
    signed = sign_credential(_credential(ed_key.did), ed_key, cryptosuite="eddsa-jcs-2022")
    signed["proof"]["cryptosuite"] = "ecdsa-jcs-2019"
    assert verify_credential(signed, now=NOW).check("proof").code == "key_cryptosuite_mismatch"


def test_p256_signature_of_the_wrong_length_is_refused() -> None:
    key = EcdsaKeyPair.generate("P-256")
    signed = sign_credential(_credential(key.did), key, cryptosuite="ecdsa-rdfc-2019")
    raw = decode_multibase(signed["proof"]["proofValue"])
    signed["proof"]["proofValue"] = encode_multibase(raw + b"\0" * 32)
    assert verify_credential(signed, now=NOW).check("proof").code == "invalid_proof_value"
    signed["proof"]["proofValue"] = encode_multibase(bytes(64))  # r = s = 0
    assert verify_credential(signed, now=NOW).check("proof").code == "invalid_signature"


@pytest.mark.parametrize(
    "raw",
    [
        b"\x80\x24" + b"\x02" + b"\xff" * 32,  # x >= p on P-256
        b"\x80\x24" + b"\x04" + bytes(64),  # uncompressed form: Multikey uses compressed points
        b"\x80\x24" + b"\x02" + bytes(31),  # too short
        b"\x81\x24" + b"\x03" + b"\xff" * 48,  # x >= p on P-384
    ],
)
def test_invalid_public_keys_are_refused(raw: bytes) -> None:
    with pytest.raises(SkillpassError) as info:
        EcPublicKey.from_multibase(encode_multibase(raw))
    assert info.value.code == "invalid_public_key"
    with pytest.raises(SkillpassError):
        did_key_document("did:key:" + encode_multibase(raw))


def test_private_key_is_not_in_repr() -> None:
    key = EcdsaKeyPair.generate("P-384")
    assert repr(key) == f"EcdsaKeyPair(did={key.did!r})"


@pytest.mark.parametrize("curve", CURVES)
def test_key_pair_json_round_trip(curve: str) -> None:
    key = EcdsaKeyPair.generate(curve)
    data = key.to_json()
    again = EcdsaKeyPair.from_secret_multibase(data["secretKeyMultibase"])
    assert again.did == key.did == data["controller"]
    assert "secretKeyMultibase" not in key.to_json(include_private=False)
    with pytest.raises(SkillpassError) as info:
        EcdsaKeyPair.from_secret_multibase(KeyPair.generate().to_json()["secretKeyMultibase"])
    assert info.value.code == "invalid_key_file"
