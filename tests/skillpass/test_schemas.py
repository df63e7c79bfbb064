"""JSON Schema validation: VC DM 2.0 and Open Badges 3.0 (skillpass._schemas)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from skillpass import _schemas
from skillpass._schemas import validate_credential_schemas
from skillpass.errors import MalformedValueError
from tests.conftest import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors" / "vc-di-eddsa"
V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def reference() -> dict[str, Any]:
    return _load(ROOT / "examples" / "reference-qualification.json")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("schema validation tried to use the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def _invalid(doc: Any) -> MalformedValueError:
    with pytest.raises(MalformedValueError) as info:
        validate_credential_schemas(doc)
    assert info.value.code == "schema_invalid"
    return info.value


def test_reference_credential_is_valid(reference: dict[str, Any]) -> None:
    validate_credential_schemas(reference)


@pytest.mark.parametrize(
    "vector",
    [
        "unsigned.json",
        "eddsa-rdfc-2022/signedDataInt.json",
        "eddsa-jcs-2022/signedJCS.json",
        "employmentAuth.json",
    ],
)
def test_vc_di_vectors_pass_the_vc_schema(vector: str) -> None:
    # Not Open Badges (no OB type), so only the VC DM 2.0 schema applies.
    validate_credential_schemas(_load(VECTORS / vector))


def test_vc_di_vector_typed_as_open_badge_fails_the_ob_schema() -> None:
    doc = _load(VECTORS / "unsigned.json")
    doc["type"].append("OpenBadgeCredential")
    assert "Open Badges 3.0" in _invalid(doc).message


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.pop("validFrom"), "/validFrom"),
        (lambda d: d.pop("issuer"), "/issuer"),
        (lambda d: d["credentialSubject"].pop("achievement"), "/credentialSubject/achievement"),
        (lambda d: d["credentialSubject"]["achievement"].pop("criteria"), None),
        (lambda d: d.update(type=["OpenBadgeCredential"]), "/type"),
        (lambda d: d.update(type=["VerifiableCredential", "OpenBadgeCredential", 7]), "/type/2"),
        (lambda d: d["@context"].insert(1, "https://www.w3.org/ns/credentials/examples/v2"), None),
        (lambda d: d.update(validFrom="2026-03-14"), "/validFrom"),
        (lambda d: d.update(validUntil="tomorrow"), "/validUntil"),
        (lambda d: d["credentialSubject"].update(activityEndDate="2026-02-30T00:00:00Z"), None),
        (lambda d: d["credentialSubject"].update(type="AchievementSubject"), None),
        (lambda d: d["credentialSubject"]["achievement"].update(achievementType="Diploma2"), None),
        (lambda d: d["credentialSubject"]["achievement"].update(inLanguage="English"), None),
        (lambda d: d["credentialSubject"]["identifier"][1].update(extra=1), None),
        (lambda d: d["credentialSubject"]["achievement"]["alignment"][0].pop("targetUrl"), None),
        (lambda d: d["issuer"].pop("type"), "/issuer/type"),
        (lambda d: d.update(credentialStatus=[d["credentialStatus"]]), "/credentialStatus"),
    ],
)
def test_schema_errors_carry_a_json_pointer(
    reference: dict[str, Any], mutate: Any, path: str | None
) -> None:
    doc = copy.deepcopy(reference)
    mutate(doc)
    error = _invalid(doc)
    assert error.path is not None
    assert error.path.startswith("/")
    if path is not None:
        assert error.path == path
    assert len(error.message) < 400


def test_paths_point_into_nested_objects(reference: dict[str, Any]) -> None:
    doc = copy.deepcopy(reference)
    doc["credentialSubject"]["achievement"]["alignment"][2]["type"] = "Alignment"
    assert _invalid(doc).path == "/credentialSubject/achievement/alignment/2/type"


@pytest.mark.parametrize(
    "context",
    [
        [OB, V2],
        ["https://example.com/ctx", V2, OB],
        [],
        None,
        V2 + "/",
    ],
)
def test_wrong_base_context_is_refused(reference: dict[str, Any], context: Any) -> None:
    doc = dict(reference, **{"@context": context})
    assert _invalid(doc).path == "/@context"


def test_v2_context_as_a_string_fails_the_vc_schema(reference: dict[str, Any]) -> None:
    doc = _load(VECTORS / "unsigned.json")
    doc["@context"] = V2
    assert _invalid(doc).path == "/@context"


def test_not_an_object() -> None:
    assert _invalid(["VerifiableCredential"]).path == ""


def test_single_proof_object_is_accepted_for_open_badges(reference: dict[str, Any]) -> None:
    # Data Integrity signers emit one proof as an object; the OB schema only knows arrays.
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-03-14T00:00:00Z",
        "verificationMethod": "did:key:z6Mk#z6Mk",
        "proofPurpose": "assertionMethod",
        "proofValue": "z5",
    }
    validate_credential_schemas(dict(reference, proof=proof))
    validate_credential_schemas(dict(reference, proof=[proof, proof]))
    bad = dict(proof, created="yesterday")
    assert _invalid(dict(reference, proof=bad)).path == "/proof/0/created"


def _as_vcdm11(doc: dict[str, Any]) -> dict[str, Any]:
    v11 = copy.deepcopy(doc)
    v11["@context"] = [V1, OB]
    v11["issuanceDate"] = v11.pop("validFrom")
    v11["expirationDate"] = v11.pop("validUntil")
    return v11


def test_vcdm11_open_badge_is_checked_with_the_ob_schema(reference: dict[str, Any]) -> None:
    v11 = _as_vcdm11(reference)
    validate_credential_schemas(v11)

    missing = dict(v11)
    del missing["issuanceDate"]
    assert _invalid(missing).path == "/issuanceDate"

    wrong = copy.deepcopy(v11)
    wrong["credentialSubject"]["achievement"]["type"] = "Achievement"
    assert _invalid(wrong).path == "/credentialSubject/achievement/type"


def test_vcdm11_plain_credential_skips_both_schemas() -> None:
    doc = {
        "@context": [V1],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2020-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject"},
    }
    validate_credential_schemas(doc)


def test_validators_are_compiled_once() -> None:
    assert _schemas._validators() is _schemas._validators()


def test_remote_references_fail_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: dict[str, Any]
) -> None:
    (tmp_path / "json").mkdir()
    for name in ("verifiable-credential-schema.json", "ob_v3p0_achievementcredential_schema.json"):
        schema = {
            "$id": f"https://example.com/{name}",
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": "https://example.com/elsewhere.json",
        }
        (tmp_path / "json" / name).write_text(json.dumps(schema), encoding="utf-8")
    monkeypatch.setattr(_schemas, "data_path", lambda *parts: tmp_path.joinpath(*parts))
    caches = (_schemas._schema_documents, _schemas._fast_validators, _schemas._validators)
    for cached in caches:
        cached.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="refers to other documents"):
            validate_credential_schemas(reference)
    finally:
        for cached in caches:
            cached.cache_clear()


def test_pinned_schemas_are_valid_against_their_metaschemas() -> None:
    # Checked here rather than at run time: the check costs more than a whole verification.
    from jsonschema import Draft201909Validator, Draft202012Validator

    schemas = _schemas._schema_documents()
    Draft202012Validator.check_schema(schemas["verifiable-credential-schema.json"])
    Draft201909Validator.check_schema(schemas["ob_v3p0_achievementcredential_schema.json"])


def test_a_valid_credential_does_not_import_the_python_validator() -> None:
    path = str(EXAMPLES / "reference-qualification.json")
    code = (
        "import json, sys; from skillpass._schemas import validate_credential_schemas;"
        f" validate_credential_schemas(json.load(open({path!r})));"
        " print('jsonschema' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_registry_holds_no_retriever() -> None:
    # A $ref to a URI outside the registry must not be fetched: referencing raises instead.
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing.exceptions import Unresolvable

    validator = Draft202012Validator({"$ref": "https://example.com/s.json"}, registry=Registry())
    with pytest.raises(Unresolvable):
        validator.validate({})


def test_pinned_schemas_are_valid_for_their_metaschemas() -> None:
    # Checked here rather than at run time, where it cost the first verification of every
    # process hundreds of milliseconds.
    from jsonschema import Draft201909Validator, Draft202012Validator

    from skillpass._resources import data_path

    for file, validator in (
        (_schemas._VC_SCHEMA_FILE, Draft202012Validator),
        (_schemas._OB_SCHEMA_FILE, Draft201909Validator),
    ):
        validator.check_schema(json.loads(data_path("json", file).read_text(encoding="utf-8")))
