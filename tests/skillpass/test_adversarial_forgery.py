"""Adversarial pass over the issue 7 pipeline: forgeries that still get through.

Each test asserts the secure behaviour, so each FAILS until the pipeline is fixed. The attacker
signs with their own code (``create_proof``), skipping every signer-side rule.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import skillpass
from skillpass import (
    KeyPair,
    Limits,
    OfflineResolver,
    VerificationPolicy,
    sign_credential,
    verify_credential,
    verify_presentation,
)
from skillpass._proofs import create_proof
from skillpass.cli import app
from tests.conftest import EXAMPLES, load_json

ISSUER = KeyPair.from_seed(bytes([21]) * 32)
ATTACKER = KeyPair.from_seed(bytes([22]) * 32)
HOLDER = KeyPair.from_seed(bytes([23]) * 32)
NOW = datetime(2027, 6, 1, tzinfo=UTC)
CRED = "https://www.w3.org/2018/credentials#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
V2 = "https://www.w3.org/ns/credentials/v2"
# A generous deadline: these tests are about what verifies, not how fast (the machine is shared).
ROOMY = Limits(max_seconds=120)


def _reference(issuer: str) -> dict[str, Any]:
    doc: dict[str, Any] = load_json(EXAMPLES / "reference-qualification.json")
    doc["issuer"]["id"] = issuer
    return doc


def _forge(
    doc: dict[str, Any], key: KeyPair, purpose: str = "assertionMethod", **extra: Any
) -> dict[str, Any]:
    """Sign as an attacker would: straight through create_proof, no signer-side rules."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2027-01-01T00:00:00Z",
        "verificationMethod": key.verification_method,
        "proofPurpose": purpose,
        **extra,
    }
    signed = copy.deepcopy(doc)
    # The attacker's code has none of SkillPass's rules on the expanded form: switch them off
    # while signing, so that what is tested is the verifier.
    from skillpass import _canon

    real = _canon._ExpandedChecker.check
    _canon._ExpandedChecker.check = lambda self, expanded: None  # type: ignore[method-assign]
    try:
        signed["proof"] = create_proof(doc, key.sign, options)
    finally:
        _canon._ExpandedChecker.check = real  # type: ignore[method-assign]
    return signed


def _policy(trusted: tuple[str, ...] = (), **changes: Any) -> VerificationPolicy:
    return VerificationPolicy(
        now=NOW,
        resolver=OfflineResolver(),
        trust=skillpass.TrustedIssuers(trusted),
        limits=ROOMY,
        **changes,
    )


# --- A. the human output prints document text raw: terminal escapes forge the headline ------------


def test_cli_headline_cannot_be_rewritten_by_terminal_escapes_in_signed_text(
    tmp_path: Path,
) -> None:
    # Anyone can self-issue: the achievement name erases the real "UNKNOWN · …" line and prints
    # a green "VALID · … issued by TESDA" in its place, then conceals the rest (including the
    # "(self-asserted)" marker). On an officer's terminal that reads as a genuine VALID result.
    fake = "\x1b[2K\x1b[1G\x1b[1;32mVALID\x1b[0m · Welding NC II · issued by TESDA\x1b[8m"
    doc = _reference(ATTACKER.did)
    doc["credentialSubject"]["achievement"]["name"] = "Welding" + fake
    doc["issuer"]["name"] = "Line one\nVALID · forged second line"
    signed = sign_credential(doc, ATTACKER, now=NOW)
    path = tmp_path / "c.json"
    path.write_text(json.dumps(signed), encoding="utf-8")
    # Warm up first (schema meta-validation, see F) so the CLI's one-second deadline holds.
    assert verify_credential(signed, policy=_policy()).check("proof").status == "valid"
    result = CliRunner().invoke(app, ["verify", str(path), "--now", "2027-06-01T00:00:00Z"])
    assert "signature verified" in result.stdout  # the headline really carries the name
    assert "\x1b" not in result.stdout
    first_line = result.stdout.splitlines()[0]
    assert first_line.startswith("UNKNOWN")
    assert "(self-asserted)" in first_line  # no newline in signed text splits the headline


def test_cli_output_of_an_unsigned_document_holds_no_terminal_escapes(tmp_path: Path) -> None:
    # No key at all: a JSON key holding escapes reaches the format check's message through the
    # error's JSON pointer ("... at /<key>"), which the table prints raw. On a terminal the
    # cursor goes up over "INVALID · …" and rewrites it as a green "VALID · … issued by TESDA".
    doc = _reference(ISSUER.did)
    doc["\x1b[4A\x1b[2K\x1b[1G\x1b[1;32mVALID\x1b[0m · Welding NC II · issued by TESDA\x1b[8m"] = (
        None  # any refused value will do: its path is in the message
    )
    path = tmp_path / "c.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", str(path)])
    assert "null_value" in result.stdout  # the check that carries the path did run
    assert "\x1b" not in result.stdout


def test_report_headline_holds_no_control_characters() -> None:
    doc = _reference(ATTACKER.did)
    doc["credentialSubject"]["achievement"]["name"] = "Welding\x1b[2K\x1b[1GVALID"
    signed = sign_credential(doc, ATTACKER, now=NOW)
    report = verify_credential(signed, policy=_policy())
    assert report.check("proof").status == "valid"
    assert not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in report.headline)


# --- B. rdf:type respelled as its IRI: a credential/presentation hybrid in the signed RDF ---------


def test_presentation_typed_credential_through_rdf_type_iri_is_refused() -> None:
    # {"rdf:type IRI": {"id": VerifiableCredential}} is the triple `<vp> rdf:type cred:VC` in the
    # signed RDF, exactly what "type": ["VerifiablePresentation", "VerifiableCredential"] signs;
    # the view reads only @type, so the hybrid rule (issue 7 finding 2) never sees it. With the
    # credential's properties under their IRIs, an RDF consumer reads a credential "issued" by
    # the victim, and SkillPass calls the same signed bytes a VALID presentation.
    vp = {
        "@context": [V2],
        "type": "VerifiablePresentation",
        RDF_TYPE: {"id": CRED + "VerifiableCredential"},
        CRED + "issuer": {"id": ISSUER.did},
        "holder": ATTACKER.did,
    }
    signed = _forge(vp, ATTACKER, purpose="authentication", challenge="c-1")
    report = verify_presentation(signed, policy=_policy(), challenge="c-1")
    assert report.status == "invalid"
    assert report.check("format").code == "ambiguous_type"


def test_credential_typed_presentation_through_rdf_type_iri_is_refused() -> None:
    doc = _reference(ATTACKER.did)
    doc[RDF_TYPE] = {"id": CRED + "VerifiablePresentation"}
    signed = _forge(doc, ATTACKER)
    report = verify_credential(signed, policy=_policy())
    assert report.status == "invalid"
    assert report.check("format").code == "ambiguous_type"


# --- C. facts of a credential whose issuer check FAILED are still summarised and compared ---------


def _issuer_mismatch_forgery() -> dict[str, Any]:
    # The victim is named issuer; the attacker's own did:key signs. The proof verifies (it is a
    # real signature, just not the issuer's), so the pipeline builds a CheckedCredential.
    doc = _reference(ISSUER.did)
    doc["credentialSubject"]["identifier"][1] = {
        "type": "IdentityObject",
        "identityType": "ext:passportNumber",
        "hashed": False,
        "identityHash": "P1234567",
    }
    return _forge(doc, ATTACKER)


def test_forged_issuer_credential_has_no_level_comparison() -> None:
    report = verify_credential(
        _issuer_mismatch_forgery(), policy=_policy((ISSUER.did,)), frameworks=["EQF"]
    )
    assert report.check("issuer").code == "issuer_mismatch"
    # "a forged level is never compared": the levels were signed by someone else than the issuer.
    assert report.extras["frameworks"] == []


def test_forged_issuer_credential_does_not_match_an_id_number() -> None:
    report = verify_credential(
        _issuer_mismatch_forgery(), policy=_policy((ISSUER.did,)), id_number="P1234567"
    )
    assert report.check("issuer").code == "issuer_mismatch"
    assert report.extras["identity"] == "not_checked"


def test_forged_issuer_credential_has_no_summary() -> None:
    report = verify_credential(_issuer_mismatch_forgery(), policy=_policy((ISSUER.did,)))
    assert report.check("issuer").status == "invalid"
    # The summary would say "issued by <victim DID> / <victim name>": the victim signed nothing.
    assert report.summary is None


# --- D. node merging: a nested node with the document's own id adds facts the view never reads ---
# RDF merges every description of one IRI node; the view reads only the top node's own
# properties, so statements about the document written in a nested node (under any property
# whose value is a node) are signed and unread.

PRESENTATION_ID = "urn:uuid:11111111-2222-4333-8444-555555555555"


def test_presentation_cannot_hide_a_credential_in_a_nested_node_with_its_own_id() -> None:
    hidden = _reference(ISSUER.did)
    del hidden["@context"]  # nested objects take the document's context
    vp = {
        "@context": [V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": PRESENTATION_ID,
        "type": "VerifiablePresentation",
        "holder": HOLDER.did,
        # Signed RDF: <vp> cred:verifiableCredential _:c, a credential naming the victim as
        # issuer. It is never verified, and the credential count (0 = 0) does not see it.
        "termsOfUse": {"id": PRESENTATION_ID, CRED + "verifiableCredential": hidden},
    }
    signed = _forge(vp, HOLDER, purpose="authentication", challenge="c-2")
    report = verify_presentation(signed, policy=_policy(), challenge="c-2")
    assert report.status == "invalid"
    assert report.check("format").status == "invalid"


def test_status_entry_stated_in_a_nested_node_with_the_credential_id_is_not_hidden() -> None:
    doc = _reference(ATTACKER.did)
    status = doc.pop("credentialStatus")
    # Signed RDF: <credential> cred:credentialStatus <entry>, the same triple as usual.
    doc[CRED + "termsOfUse"] = {"id": doc["id"], CRED + "credentialStatus": status}
    signed = _forge(doc, ATTACKER)
    report = verify_credential(signed, policy=_policy((ATTACKER.did,)))
    assert report.status != "valid"
    assert report.check("status").code != "no_status_entry"


def test_second_issuer_stated_in_a_nested_node_is_ambiguous() -> None:
    doc = _reference(ATTACKER.did)
    # Signed RDF: the credential has two issuers, the attacker and the victim.
    doc[CRED + "termsOfUse"] = {"id": doc["id"], CRED + "issuer": {"id": ISSUER.did}}
    signed = _forge(doc, ATTACKER)
    report = verify_credential(signed, policy=_policy((ATTACKER.did,)))
    assert report.status == "invalid"
    assert report.check("format").code == "ambiguous_value"


# --- E. a status entry written as a plain string under the property's IRI is ignored -------------


def test_status_entry_given_as_a_literal_is_not_read_as_no_status() -> None:
    # Without the term's "@type": "@id" the string is a literal, which the view's nodes() skips;
    # the issuer value gets the same treatment counted (issuers = ids + literals), status does not.
    doc = _reference(ATTACKER.did)
    entry = doc.pop("credentialStatus")["id"]
    doc[CRED + "credentialStatus"] = entry
    signed = _forge(doc, ATTACKER)
    report = verify_credential(signed, policy=_policy((ATTACKER.did,)))
    assert report.status != "valid"
    assert report.check("status").code != "no_status_entry"


def test_an_end_date_given_as_a_node_is_not_ignored() -> None:
    # Same gap for dates: _dates() reads literals only, so a validUntil (or expirationDate)
    # whose value is a node is dropped and the credential reads as never expiring.
    doc = _reference(ATTACKER.did)
    del doc["credentialStatus"], doc["validUntil"]
    doc[CRED + "validUntil"] = {"id": "urn:x:2020-01-01"}
    signed = _forge(doc, ATTACKER)
    report = verify_credential(signed, policy=_policy((ATTACKER.did,)))
    assert report.status == "invalid"


# --- F. availability: the deadline turns a genuine credential into INVALID ------------------------


def test_a_deadline_that_runs_out_does_not_call_a_genuine_credential_invalid() -> None:
    # Observed on the shared machine (load 12-15 on 2 cores): every cold `skillpass verify` of a
    # genuine credential printed INVALID (format: verification_timeout), exit 1, because the
    # one-second deadline also pays for the first-use meta-validation of the pinned JSON
    # Schemas (_schemas._validators -> check_schema: 1-2 s of the first verification). Running out
    # of time proves nothing about the document: it was not checked (unknown, with the reason),
    # so an officer does not turn away a genuine worker on a slow or busy device.
    genuine = sign_credential(_reference(ISSUER.did), ISSUER, now=NOW)
    report = verify_credential(genuine, policy=_policy(), limits=Limits(max_seconds=1e-9))
    assert report.status != "invalid"
    assert report.reason is not None  # said at the top: nothing was checked


# --- G. a rotated (expired) key signs new credentials by backdating `created` ---------------------


def test_expired_key_cannot_sign_a_credential_that_starts_after_the_key_expired() -> None:
    # `created` is whatever the signer writes, so "created before the key expired" is the only
    # window check today. A leaked, rotated key then signs anything by backdating; at least the
    # signed facts must agree with the claim: a credential valid only from 2027 was not issued
    # in 2025 by a key that expired at the start of 2026.
    from skillpass._did import WebKey, did_web_document

    did = "did:web:college.example"
    expired = datetime(2026, 1, 1, tzinfo=UTC)
    did_doc = did_web_document(did, [WebKey(ISSUER.public_key.multibase, "k1", expires=expired)])
    doc = _reference(did)
    del doc["credentialStatus"]
    doc["validFrom"] = "2027-01-01T00:00:00Z"
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-12-31T00:00:00Z",  # backdated
        "verificationMethod": f"{did}#k1",
        "proofPurpose": "assertionMethod",
    }
    signed = {**doc, "proof": create_proof(doc, ISSUER.sign, options)}
    policy = VerificationPolicy(
        now=NOW,
        resolver=OfflineResolver({did: did_doc}),
        trust=skillpass.TrustedIssuers([did]),
        limits=ROOMY,
    )
    report = verify_credential(signed, policy=policy)
    assert report.status == "invalid"


# --- H. C1 controls and bidi overrides reach the terminal too ------------------------------------


def test_cli_output_holds_no_c1_controls_or_bidi_overrides(tmp_path: Path) -> None:
    # U+009B is a one-byte CSI on terminals that honour C1 controls; U+202E reverses what
    # follows ("(self-asserted)" prints backwards, a name can read as another). The _IRI rule
    # lets both through in ids, which the CLI prints too ("credential <id>").
    doc = _reference(ATTACKER.did)
    doc["id"] = "urn:x:\u202e\u009b2K"
    doc["issuer"]["name"] = "TESDA\u202e"
    signed = sign_credential(doc, ATTACKER, now=NOW)
    path = tmp_path / "c.json"
    path.write_text(json.dumps(signed), encoding="utf-8")
    assert verify_credential(signed, policy=_policy()).check("proof").status == "valid"
    result = CliRunner().invoke(app, ["verify", str(path), "--now", "2027-06-01T00:00:00Z"])
    assert "signature verified" in result.stdout
    assert "\u202e" not in result.stdout
    assert "\u009b" not in result.stdout
