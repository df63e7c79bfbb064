"""The W3C vc-di-eddsa test vectors (Recommendation, May 2025), reproduced exactly."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from skillpass import KeyPair, sign_credential, verify_credential
from skillpass._canon import canonicalize_rdfc, check_and_expand
from skillpass._multibase import decode_multibase
from tests.conftest import VECTORS, load_json

V = VECTORS / "vc-di-eddsa"


def text(path: str) -> str:
    return (V / path).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def key() -> KeyPair:
    return KeyPair.from_json(load_json(V / "keyPair.json"))


def rdfc(doc: dict[str, Any]) -> str:
    return canonicalize_rdfc(check_and_expand(doc, allow_test_contexts=True))


def test_vector_key_is_the_did_key_of_its_public_key(key: KeyPair) -> None:
    pair = load_json(V / "keyPair.json")
    assert key.public_key.multibase == pair["publicKeyMultibase"]
    assert key.did == "did:key:" + pair["publicKeyMultibase"]


@pytest.mark.parametrize(
    ("unsigned", "folder"),
    [("unsigned.json", "eddsa-rdfc-2022"), ("employmentAuth.json", "eddsa-rdfc-2022/employ")],
)
def test_rdfc_intermediate_values(unsigned: str, folder: str) -> None:
    doc = load_json(V / unsigned)
    config = load_json(V / folder / "proofConfigDataInt.json")
    canon_doc = rdfc(doc)
    canon_proof = rdfc(config)
    assert canon_doc == text(f"{folder}/canonDocDataInt.txt")
    assert canon_proof == text(f"{folder}/proofCanonDataInt.txt")
    doc_hash = hashlib.sha256(canon_doc.encode()).hexdigest()
    proof_hash = hashlib.sha256(canon_proof.encode()).hexdigest()
    assert doc_hash == text(f"{folder}/docHashDataInt.txt")
    assert proof_hash == text(f"{folder}/proofHashDataInt.txt")
    assert proof_hash + doc_hash == text(f"{folder}/combinedHashDataInt.txt")


@pytest.mark.parametrize(
    ("unsigned", "folder"),
    [("unsigned.json", "eddsa-rdfc-2022"), ("employmentAuth.json", "eddsa-rdfc-2022/employ")],
)
def test_rdfc_signature_and_signed_document(key: KeyPair, unsigned: str, folder: str) -> None:
    config = load_json(V / folder / "proofConfigDataInt.json")
    signed = sign_credential(
        load_json(V / unsigned),
        key,
        created=config["created"],
        verification_method=config["verificationMethod"],
        allow_test_contexts=True,
    )
    assert signed["proof"]["proofValue"] == text(f"{folder}/sigBTC58DataInt.txt")
    signature = decode_multibase(signed["proof"]["proofValue"])
    assert signature.hex() == text(f"{folder}/sigHexDataInt.txt")
    expected = load_json(V / folder / "signedDataInt.json")
    assert signed == expected
    assert list(signed["proof"]) == list(expected["proof"])  # same key order too


def test_jcs_vector(key: KeyPair) -> None:
    import rfc8785

    doc = load_json(V / "unsigned.json")
    config = load_json(V / "eddsa-jcs-2022/proofConfigJCS.json")
    assert rfc8785.dumps(doc).decode() == text("eddsa-jcs-2022/canonDocJCS.txt")
    assert rfc8785.dumps(config).decode() == text("eddsa-jcs-2022/proofCanonJCS.txt")
    signed = sign_credential(
        doc,
        key,
        cryptosuite="eddsa-jcs-2022",
        created=config["created"],
        verification_method=config["verificationMethod"],
        allow_test_contexts=True,
    )
    expected = load_json(V / "eddsa-jcs-2022/signedJCS.json")
    assert signed == expected
    assert list(signed["proof"]) == list(expected["proof"])
    assert decode_multibase(signed["proof"]["proofValue"]).hex() == text(
        "eddsa-jcs-2022/sigHexJCS.txt"
    )


@pytest.mark.parametrize(
    "signed",
    [
        "eddsa-rdfc-2022/signedDataInt.json",
        "eddsa-rdfc-2022/employ/signedDataInt.json",
        "eddsa-jcs-2022/signedJCS.json",
        "proof-set-chain/signedProofSet1.json",
        "proof-set-chain/signedProofSet2.json",
        "proof-set-chain/signedProofChain1.json",
        "proof-set-chain/signedProofChain2.json",
    ],
)
def test_signed_vectors_verify(signed: str) -> None:
    report = verify_credential(load_json(V / signed), allow_test_contexts=True)
    assert report.check("format").status == "valid"
    assert report.check("proof").status == "valid", report.check("proof").message
    _assert_issuer_not_the_signer(report, load_json(V / signed)["issuer"])


def _assert_issuer_not_the_signer(report: Any, issuer: Any) -> None:
    """Every vector names an issuer that did not make the proof. A DID issuer is a mismatch
    (invalid); for an https issuer no DID document links the key to it offline, so the binding
    is unknown (never valid). Either way nothing is summarised."""
    issuer_id = issuer["id"] if isinstance(issuer, dict) else issuer
    did = issuer_id.startswith("did:")
    expected = ("invalid", "issuer_mismatch") if did else ("unknown", "issuer_not_bound")
    assert (report.check("issuer").status, report.check("issuer").code) == expected
    assert report.status == expected[0] and report.summary is None


def test_signed_vectors_need_the_test_context_opt_in() -> None:
    report = verify_credential(load_json(V / "eddsa-rdfc-2022/signedDataInt.json"))
    assert report.check("format").code == "context_not_allowed"
    assert report.status == "invalid"


def multikeys() -> dict[str, KeyPair]:
    pairs = load_json(V / "proof-set-chain/multiKeyPairs.json")
    return {name: KeyPair.from_json(pair) for name, pair in pairs.items()}


def _sign_like(doc: dict[str, Any], key: KeyPair, config: dict[str, Any]) -> dict[str, Any]:
    return sign_credential(
        doc,
        key,
        created=config["created"],
        verification_method=config["verificationMethod"],
        proof_id=config.get("id"),
        previous_proof=config.get("previousProof"),
        allow_test_contexts=True,
    )


def test_proof_set_and_chain_are_reproduced_step_by_step() -> None:
    keys = multikeys()
    ps = V / "proof-set-chain"
    set1 = load_json(ps / "signedProofSet1.json")
    set2 = _sign_like(set1, keys["keyPair2"], load_json(ps / "proofSetConfig2.json"))
    assert set2 == load_json(ps / "signedProofSet2.json")
    assert set2["proof"][1] == load_json(ps / "proofSetConfigSigned2.json")
    chain1 = _sign_like(set2, keys["keyPair3"], load_json(ps / "proofChainConfig1.json"))
    assert chain1 == load_json(ps / "signedProofChain1.json")
    assert chain1["proof"][2] == load_json(ps / "proofChainConfigSigned1.json")
    chain2 = _sign_like(chain1, keys["keyPair4"], load_json(ps / "proofChainConfig2.json"))
    assert chain2 == load_json(ps / "signedProofChain2.json")
    assert chain2["proof"][3] == load_json(ps / "proofChainConfigSigned2.json")


def test_first_proof_of_the_set_is_reproduced() -> None:
    keys = multikeys()
    ps = V / "proof-set-chain"
    signed = _sign_like(
        load_json(ps / "unsigned.json"), keys["keyPair1"], load_json(ps / "proofSetConfig1.json")
    )
    assert signed["proof"] == load_json(ps / "proofSetConfigSigned1.json")


def test_a_chain_without_its_previous_proof_is_invalid() -> None:
    chain = load_json(V / "proof-set-chain/signedProofChain2.json")
    del chain["proof"][2]  # the proof the last one chains to
    report = verify_credential(chain, allow_test_contexts=True)
    assert report.status == "invalid"
    assert report.check("format").code == "previous_proof_missing"


def test_a_swapped_proof_in_a_set_is_invalid() -> None:
    doc = load_json(V / "proof-set-chain/signedProofSet2.json")
    doc["proof"][0]["proofValue"], doc["proof"][1]["proofValue"] = (
        doc["proof"][1]["proofValue"],
        doc["proof"][0]["proofValue"],
    )
    report = verify_credential(doc, allow_test_contexts=True)
    assert report.check("proof").status == "invalid"
    assert report.check("proof").code == "invalid_signature"
