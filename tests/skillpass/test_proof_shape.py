"""``validate_proof_shape`` reads proofValue with one regular expression and the property names
with one set operation: the same verdicts, codes and paths as the checks they replaced."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillpass._multibase import ALPHABET
from skillpass._proofs import validate_proof_shape
from skillpass.errors import MalformedValueError

_PROOF = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-jcs-2022",
    "created": "2026-03-14T00:00:00Z",
    "verificationMethod": "did:key:z6Mk#z6Mk",
    "proofPurpose": "assertionMethod",
    "proofValue": "z3FXQ",
}


def _reference_value_ok(value: object) -> bool:
    return isinstance(value, str) and value[:1] == "z" and set(value[1:]) <= frozenset(ALPHABET)


def _outcome(proof: dict[str, Any]) -> object:
    try:
        validate_proof_shape(proof, path="/proof")
    except MalformedValueError as exc:
        return (exc.code, exc.path)
    return "ok"


@given(
    st.one_of(
        st.text(alphabet=ALPHABET + "z0OIl \n\t+/é", max_size=12).map(lambda t: "z" + t),
        st.text(max_size=5),
        st.sampled_from([None, 5, ["z1"], "z", "", "Z1", "z1\n"]),
    )
)
def test_proof_value_as_before(value: object) -> None:
    expected = "ok" if _reference_value_ok(value) else ("invalid_proof_value", "/proof/proofValue")
    assert _outcome({**_PROOF, "proofValue": value}) == expected


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ({"zeta": 1}, "/proof/zeta"),
        ({"alpha": 1, "beta": 2}, "/proof/alpha"),  # the first unknown one, in document order
        ({"proofValue2": "z1"}, "/proof/proofValue2"),
    ],
)
def test_unknown_property_named_first_in_order(extra: dict[str, Any], path: str) -> None:
    assert _outcome({**_PROOF, **extra}) == ("unknown_proof_field", path)


@pytest.mark.parametrize("key", ["id", "verificationMethod", "proofPurpose", "challenge", "nonce"])
def test_string_fields(key: str) -> None:
    assert _outcome({**_PROOF, key: 5}) == ("invalid_proof", f"/proof/{key}")
