"""verify_* never raise on bad input, whatever JSON sits wherever in a document, and dates at
the edges of the calendar are refused cleanly (found in review: `"type": 5` crashed verify)."""

from __future__ import annotations

import contextlib
import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillpass import (
    KeyPair,
    OfflineResolver,
    SkillpassError,
    sign_credential,
    sign_presentation,
    verify_credential,
    verify_presentation,
)
from tests.conftest import EXAMPLES, load_json

KEY = KeyPair.from_seed(bytes([7]) * 32)
HOLDER = KeyPair.from_seed(bytes([8]) * 32)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)


def _signed() -> dict[str, Any]:
    doc = load_json(EXAMPLES / "reference-qualification.json")
    doc["issuer"]["id"] = KEY.did
    return sign_credential(doc, KEY)


SIGNED = _signed()


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, (*path, i))
    return out


PATHS = _paths(SIGNED)[1:]


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    doc = copy.deepcopy(doc)
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=json_values)
def test_any_json_anywhere_gives_a_report_never_an_exception(
    path: tuple[Any, ...], value: Any
) -> None:
    tampered = _replace(SIGNED, path, value)
    report = verify_credential(tampered)
    assert report.status in ("invalid", "unknown")
    assert report.check("proof").status != "valid" or report.check("format").status == "valid"
    report.to_dict()  # serializable


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=json_values)
def test_signing_garbage_raises_only_skillpass_errors(path: tuple[Any, ...], value: Any) -> None:
    unsigned = (
        _replace({k: v for k, v in SIGNED.items() if k != "proof"}, path, value)
        if (path[0] != "proof")
        else dict(SIGNED)
    )
    with contextlib.suppress(SkillpassError):
        sign_credential(unsigned, KEY)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=json_values)
def test_a_presentation_with_a_garbled_credential_gives_a_report(
    path: tuple[Any, ...], value: Any
) -> None:
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER.did,
        "verifiableCredential": [_replace(SIGNED, path, value)],
    }
    try:
        signed = sign_presentation(vp, HOLDER, challenge="abc")
    except SkillpassError:
        signed = {**vp, "proof": {"type": "DataIntegrityProof"}}
    report = verify_presentation(signed, challenge="abc")
    assert report.status in ("invalid", "unknown")


@pytest.mark.parametrize("value", [5, True, {"a": 1}, [1, 2], "OpenBadgeCredential"])
def test_odd_type_values_are_invalid_not_a_crash(value: Any) -> None:
    report = verify_credential({**SIGNED, "type": value})
    assert report.status == "invalid"
    assert report.check("format").status == "invalid"


@pytest.mark.parametrize(
    "when",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-14:00"],
)
def test_dates_at_the_edges_of_the_calendar_are_real_dates(when: str) -> None:
    # "9999-12-31T23:59:59Z" is the common "does not expire": every xsd:dateTime of the years
    # 0001-9999 is a date, even where its UTC instant falls outside Python's calendar.
    report = verify_credential({**SIGNED, "validUntil": when})
    assert report.check("format").code != "invalid_datetime"


@pytest.mark.parametrize(
    "when", ["10000-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T24:00:00Z"]
)
def test_dates_outside_the_years_0001_9999_are_refused(when: str) -> None:
    report = verify_credential({**SIGNED, "validUntil": when})
    assert report.check("format").code == "invalid_datetime"


def test_a_did_document_with_an_edge_of_calendar_revocation_is_refused_cleanly() -> None:
    did = "did:web:rtc7.example.ph"
    doc = load_json(EXAMPLES / "reference-qualification.json")
    doc["issuer"]["id"] = did
    signed = sign_credential(doc, KEY, verification_method=f"{did}#k1")
    did_doc = {
        "id": did,
        "verificationMethod": [
            {
                "id": f"{did}#k1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": KEY.public_key.multibase,
                "revoked": "0001-01-01T00:00:00+14:00",
            }
        ],
        "assertionMethod": [f"{did}#k1"],
    }
    report = verify_credential(signed, resolver=OfflineResolver({did: did_doc}))
    assert report.check("proof").status == "invalid"
    assert report.check("proof").code == "key_revoked"
    assert "0001-01-01T00:00:00+14:00" in report.check("proof").message


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(TypeError):
        verify_credential(SIGNED, now=datetime(2027, 1, 1))
    assert (
        verify_credential(SIGNED, now=datetime(2027, 1, 1, tzinfo=UTC)).check("validity").status
        == "valid"
    )


def test_unknown_proof_purpose_is_refused_when_signing() -> None:
    doc = {k: v for k, v in SIGNED.items() if k != "proof"}
    with pytest.raises(SkillpassError) as info:
        sign_credential(doc, KEY, proof_purpose="garbage")
    assert info.value.code == "unsupported_proof_purpose"
