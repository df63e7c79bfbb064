"""A signed credential is a copy: nothing in it is shared with the caller's input, so changing
the input afterwards (its @context list included, which the JCS suites repeat in the proof)
changes nothing that was signed."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from skillpass import KeyPair, sign_credential, verify_credential
from skillpass._verify import _json_copy

REFERENCE = Path(__file__).resolve().parents[2] / "examples" / "reference-qualification.json"


def _containers(value: Any) -> list[int]:
    if isinstance(value, dict):
        return [id(value), *(i for item in value.values() for i in _containers(item))]
    if isinstance(value, list):
        return [id(value), *(i for item in value for i in _containers(item))]
    return []


@pytest.mark.parametrize("cryptosuite", ["eddsa-jcs-2022", "eddsa-rdfc-2022"])
@pytest.mark.parametrize("with_float", [False, True])
def test_signed_shares_nothing_with_the_input(cryptosuite: str, with_float: bool) -> None:
    key = KeyPair.from_seed(bytes([3]) * 32)
    credential = json.loads(REFERENCE.read_text())
    credential["issuer"]["id"] = key.did
    if with_float:  # not plain JSON for JCS: copied the other way
        credential["credentialSubject"]["creditsEarned"] = 2.5
    signed = sign_credential(credential, key, cryptosuite=cryptosuite)
    assert not set(_containers(signed)) & set(_containers(credential))
    before = copy.deepcopy(signed)
    credential["@context"].append("https://example.org/changed")
    credential["issuer"]["name"] = "changed"
    assert signed == before
    assert verify_credential(signed).check("proof").status == "valid"


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, "x", None, True, {"b": []}], "c": "é\u2028"},
        {"a": 1.5, "b": [-0.0]},
        {"a": "\ud800"},  # a lone surrogate: orjson refuses it, copied the other way
        {"a": 2**70},
    ],
)
def test_json_copy_is_an_equal_deep_copy(value: dict[str, Any]) -> None:
    for plain in (False, True):
        copied = _json_copy(value, plain)
        assert copied == value
        assert json.dumps(copied) == json.dumps(value)  # same types, same order
        assert not set(_containers(copied)) & set(_containers(value))
