"""SP1 codec: lossless for any JSON, bounded on any input, within the QR budget."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import time
import zlib
from pathlib import Path
from typing import Any

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import skillpass.qr as qr
from skillpass import _multibase as _base58
from skillpass.errors import MalformedValueError, ParsingError, RangeError, SkillpassError
from skillpass.qr import _base45, _codec, _table
from tests.skillpass import qr_samples

REFERENCE = Path(__file__).resolve().parents[2] / "examples" / "reference-qualification.json"


def reference() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return doc


def signed_looking(doc: dict[str, Any]) -> dict[str, Any]:
    """The credential with an eddsa-rdfc-2022 proof whose signature is 64 random-looking bytes."""
    doc = copy.deepcopy(doc)
    did = doc["issuer"]["id"]
    doc["proof"] = {
        "type": "DataIntegrityProof",
        "created": "2026-03-14T09:30:00Z",
        "verificationMethod": f"{did}#{did.removeprefix('did:key:')}",
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + _base58.b58encode(hashlib.sha512(b"not a signature").digest()),
    }
    return doc


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**256), max_value=2**256)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
# Strings that look like what the codec compacts, with near misses around each rule.
LOOKALIKES = st.sampled_from(
    [
        "2026-03-14T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-03-14T00:00:60Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "2026-03-14t00:00:00z",
        "2026-03-14T00:00:00.000Z",
        "2026-03-14",
        "0000-01-01",
        "urn:uuid:2f6d4c1e-8a3b-4e57-9c0d-71b5e2a9f804",
        "urn:uuid:2F6D4C1E-8A3B-4E57-9C0D-71B5E2A9F804",
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6Mk",
        "z111111111111111",
        "z1111111111111110",
        "94567",
        "094567",
        "0",
        "18446744073709551616",
        "sha256$5c2a4f0e8b7d1396a2e4c8f10b3d5a7e",
        "sha256$5C2A4F0E8B7D1396A2E4C8F10B3D5A7E",
        "http://data.europa.eu/snb/eqf/4",
        "https://",
        "eddsa-rdfc-2022",
        "",
    ]
)
JSON = st.recursive(
    JSON_SCALARS | LOOKALIKES,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text() | LOOKALIKES, children, max_size=5)
    ),
    max_leaves=25,
)
DOCS = st.dictionaries(st.text() | st.sampled_from(_table.TERMS[:40]), JSON, max_size=8)


# --------------------------------------------------------------------------- lossless


@settings(max_examples=400, deadline=None)
@given(DOCS)
def test_any_json_object_round_trips_exactly(doc: dict[str, Any]) -> None:
    back = qr.decode(_codec.encode_text(doc))
    assert back == doc
    # Key order and int/float/str types too, which dict equality alone would not show.
    assert _json(back) == _json(doc)


@pytest.mark.parametrize(
    "value",
    [1, 1.0, -0.0, 0.5, 1e300, 2**64, -(2**64) - 1, 2**200, "1", "1.0", True, None, [], {}],
)
def test_numbers_keep_their_type(value: Any) -> None:
    doc = {"v": value, "statusListIndex": "94567"}
    back = qr.decode(_codec.encode_text(doc))
    assert _json(back) == _json(doc)
    assert type(back["v"]) is type(value)


def test_reference_credential_round_trips() -> None:
    for doc in (reference(), signed_looking(reference())):
        text = qr.encode(doc)
        assert text.startswith("SP2:")
        assert qr.is_qr_text(text)
        assert qr.decode(text) == doc
        assert _json(qr.decode(text)) == _json(doc)


def test_jcs_proof_and_presentation_round_trip() -> None:
    cred = signed_looking(reference())
    cred["proof"]["cryptosuite"] = "eddsa-jcs-2022"
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "verifiableCredential": [cred],
    }
    assert qr.decode(qr.encode(presentation)) == presentation


def test_body_is_standard_cbor() -> None:
    body, payload = _codec.to_payload(signed_looking(reference()))
    assert isinstance(cbor2.loads(body), dict)  # a generic CBOR decoder reads it too
    assert payload[0] == _codec.HEADER_COMPRESSED


def test_unsupported_values_are_refused_on_encode() -> None:
    with pytest.raises(MalformedValueError) as excinfo:
        _codec.encode_text({"x": "\ud800"})
    assert excinfo.value.code == "qr_unsupported_value"
    with pytest.raises(MalformedValueError):
        _codec.encode_text({"x": float("nan")})
    with pytest.raises(MalformedValueError):
        _codec.encode_text({"x": 2**1000})
    deep: Any = 1
    for _ in range(_codec.MAX_NESTING + 1):
        deep = [deep]
    with pytest.raises(RangeError) as range_info:
        _codec.encode_text({"x": deep})
    assert range_info.value.code == "qr_too_deep"
    with pytest.raises(TypeError):
        _codec.encode_text({"x": {1, 2}})
    with pytest.raises(TypeError):
        _codec.encode_text([1])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- budget


def test_reference_credential_fits_the_budget() -> None:
    text = qr.encode(signed_looking(reference()))
    assert qr.qr_version(text, "M") <= 22
    assert set(text) <= set(_base45.ALPHABET), "one alphanumeric segment"
    # The issue's goal, on the reference as the builders' signer writes it (qr_samples).
    signed = qr_samples.reference()
    assert qr.qr_version(qr.encode(signed), "M") <= 18


def test_too_large_credential_is_refused_with_advice() -> None:
    doc = signed_looking(reference())
    doc["credentialSubject"]["achievement"]["description"] = " ".join(
        hashlib.sha256(str(i).encode()).hexdigest()[:9] for i in range(200)
    )
    with pytest.raises(RangeError) as excinfo:
        qr.encode(doc)
    err = excinfo.value
    assert err.code == "qr_too_large"
    assert "version 22" in err.message and "1134" in err.message
    assert "file or a link" in err.message
    # A caller may choose a larger limit.
    assert qr.decode(qr.encode(doc, max_version=40, ec="L")) == doc


def test_qr_version_arithmetic() -> None:
    assert qr.qr_version("SP1:" + "A" * 1130, "M") == 22
    assert qr.qr_version("SP1:" + "A" * 1131, "M") == 23
    assert qr.qr_version("A" * 5000, "L") == 41


# --------------------------------------------------------------------------- bounded decoding


def _sp1(payload: bytes) -> str:
    return "SP1:" + _base45.b45encode(payload)


def _sp2(payload: bytes) -> str:
    return "SP2:" + _base45.b45encode(payload)


def _zstd(data: bytes) -> bytes:
    """A magicless zstd frame without its descriptor byte, as SP2 carries it."""
    import pyzstd

    frame = pyzstd.compress(
        data,
        {
            pyzstd.CParameter.contentSizeFlag: 0,
            pyzstd.CParameter.checksumFlag: 0,
            pyzstd.CParameter.dictIDFlag: 0,
            pyzstd.CParameter.windowLog: 17,  # the largest window the decoder accepts
        },
        pyzstd.ZstdDict(_codec.sp2_dictionary_bytes()),
    )
    assert frame[4] == 0
    return frame[5:]


def _deflate(data: bytes, zdict: bytes | None = None) -> bytes:
    c = (
        zlib.compressobj(9, zlib.DEFLATED, -15, zdict=zdict)
        if zdict
        else zlib.compressobj(9, zlib.DEFLATED, -15)
    )
    return c.compress(data) + c.flush()


def test_compression_bomb_is_refused_quickly() -> None:
    bomb = _sp1(b"\x01" + _deflate(b"\0" * 5_000_000))
    assert len(bomb) < _codec.MAX_TEXT_CHARS
    start = time.perf_counter()
    with pytest.raises(RangeError) as excinfo:
        qr.decode(bomb)
    assert time.perf_counter() - start < 1.0  # generous; it takes about a millisecond
    assert excinfo.value.code == "qr_too_large_decompressed"


def test_zstd_bomb_is_refused_quickly() -> None:
    bomb = _sp2(b"\x01" + _zstd(b"\0" * 5_000_000))
    assert len(bomb) < _codec.MAX_TEXT_CHARS
    start = time.perf_counter()
    with pytest.raises(RangeError) as excinfo:
        qr.decode(bomb)
    assert time.perf_counter() - start < 1.0  # generous; it takes about a millisecond
    assert excinfo.value.code == "qr_too_large_decompressed"


@pytest.mark.parametrize(
    "cbor_prefix",
    [
        b"\x9b\x10\x00\x00\x00\x00\x00\x00\x00",  # array claiming 2^60 items
        b"\x5b\x10\x00\x00\x00\x00\x00\x00\x00",  # byte string claiming 2^60 bytes
        b"\xbb\xff\xff\xff\xff\xff\xff\xff\xff",  # map claiming 2^64 - 1 pairs
        b"\x9f",  # indefinite-length array
        b"\xd8\x1c\x80",  # value-sharing tag
        b"\xc1\x00",  # epoch date tag
        b"\xf7",  # undefined
        b"\xf9\x7c\x00",  # half-precision infinity
    ],
)
def test_hostile_cbor_is_refused(cbor_prefix: bytes) -> None:
    for text in (
        _sp1(b"\x00" + cbor_prefix),
        _sp1(b"\x01" + _deflate(cbor_prefix)),
        _sp2(b"\x00" + cbor_prefix),
        _sp2(b"\x01" + _zstd(cbor_prefix)),
    ):
        with pytest.raises(ParsingError) as excinfo:
            qr.decode(text)
        assert excinfo.value.code == "qr_malformed"


def test_deep_nesting_is_refused() -> None:
    body = b"\xa1\x61x" + b"\x81" * 200 + b"\x00"
    with pytest.raises(ParsingError):
        qr.decode(_sp1(b"\x00" + body))
    with pytest.raises(ParsingError):
        qr.decode(_sp2(b"\x01" + _zstd(body)))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fuzz_mutated_compressed_payloads(data: st.DataObject) -> None:
    payload = bytearray(_codec.to_payload(signed_looking(reference()))[1])
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(payload) - 1))
        payload[index] = data.draw(st.integers(0, 255))
    with contextlib.suppress(SkillpassError):
        qr.decode(_sp2(bytes(payload)))


def test_huge_base58_value_is_refused() -> None:
    body = b"\xa1\x61x\xc8" + bytes([0x19]) + (4000).to_bytes(2, "big")
    with pytest.raises(ParsingError):
        qr.decode(_sp1(b"\x00" + body + b"\x07" * 4000))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "qr_malformed"),
        ("HC1:NCFOXN", "qr_malformed"),
        ("sp1:ABC", "qr_malformed"),
        ("SP3:ABC", "qr_unsupported_version"),
        ("SP2:", "qr_malformed"),
        ("SP2:" + _base45.b45encode(b"\x01garbage"), "qr_malformed"),  # not a zstd frame
        ("SP2:" + _base45.b45encode(b"\x00\xa1\x01\xd0\x07"), "qr_malformed"),  # bad rule
        ("SP2:" + _base45.b45encode(b"\x00\xa1\x01\xd0\x00"), "qr_malformed"),  # misplaced
        ("SP2:" + _base45.b45encode(b"\x00\xa1\x61x\xcf\x42\x01\x00"), "qr_malformed"),
        ("SP0:ABC", "qr_unsupported_version"),
        ("SP1:", "qr_malformed"),
        ("SP1:A", "qr_malformed"),
        ("SP1:abc", "qr_malformed"),
        ("SP1:GGW", "qr_malformed"),  # base45 triplet above 65535
        ("SP1:" + _base45.b45encode(b"\x07{}"), "qr_malformed"),  # unknown header
        ("SP1:" + _base45.b45encode(b"\x00\x80"), "qr_malformed"),  # top level not an object
        ("SP1:" + _base45.b45encode(b"\x00\xa1\x19\xff\xff\x00"), "qr_malformed"),  # term index
    ],
)
def test_bad_text_gives_clear_errors(text: str, code: str) -> None:
    with pytest.raises(SkillpassError) as excinfo:
        qr.decode(text)
    assert excinfo.value.code == code


def test_overlong_text_is_refused() -> None:
    with pytest.raises(RangeError) as excinfo:
        qr.decode("SP1:" + "0" * 30_000)
    assert excinfo.value.code == "qr_text_too_long"


def test_truncated_and_corrupted_payloads_are_refused() -> None:
    text = qr.encode(signed_looking(reference()))
    for cut in range(5, len(text), 37):
        with pytest.raises(SkillpassError):
            qr.decode(text[:cut])
    payload = bytearray(_base45.b45decode(text[4:]))
    payload += b"\0"
    with pytest.raises(ParsingError):
        qr.decode(_sp2(bytes(payload)))


def test_surrounding_whitespace_is_ignored() -> None:
    doc = reference()
    assert qr.decode("\n " + qr.encode(doc) + " \r\n") == doc


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300))
def test_fuzz_any_text_raises_only_skillpass_errors(text: str) -> None:
    for candidate in (text, "SP1:" + text, "SP2:" + text, "SP2/121AA:" + text):
        with contextlib.suppress(SkillpassError):
            qr.decode(candidate)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=400), st.booleans())
def test_fuzz_any_payload_raises_only_skillpass_errors(data: bytes, deflate: bool) -> None:
    payload = b"\x01" + _deflate(data, _codec.compression_dictionary()) if deflate else data
    with contextlib.suppress(SkillpassError):
        qr.decode(_sp1(payload))
    payload = b"\x01" + _zstd(data) if deflate else data
    with contextlib.suppress(SkillpassError):
        qr.decode(_sp2(payload))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fuzz_mutated_valid_payloads(data: st.DataObject) -> None:
    body, _ = _codec.to_payload(signed_looking(reference()))
    mutated = bytearray(body)
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(mutated) - 1))
        mutated[index] = data.draw(st.integers(0, 255))
    for text in (
        _sp1(b"\x00" + bytes(mutated)),
        _sp1(b"\x01" + _deflate(bytes(mutated))),
        _sp2(b"\x00" + bytes(mutated)),
        _sp2(b"\x01" + _zstd(bytes(mutated))),
    ):
        with contextlib.suppress(SkillpassError):
            qr.decode(text)


# --------------------------------------------------------------------------- primitives


@given(st.binary(max_size=200))
def test_base45_round_trip(data: bytes) -> None:
    assert _base45.b45decode(_base45.b45encode(data)) == data


def test_base45_rfc9285_examples() -> None:
    assert _base45.b45encode(b"AB") == "BB8"
    assert _base45.b45encode(b"Hello!!") == "%69 VD92EX0"
    assert _base45.b45encode(b"base-45") == "UJCLQE7W581"
    assert _base45.b45decode("QED8WEX0") == b"ietf!"


@given(st.binary(max_size=100))
def test_base58_round_trip(data: bytes) -> None:
    assert _base58.b58decode(_base58.b58encode(data)) == data


def test_base58_known_value() -> None:
    assert _base58.b58encode(b"\0\0hello world") == "11StV1DL6CwTryKyV"


# --------------------------------------------------------------------------- frozen format


def test_sp1_tables_are_frozen() -> None:
    """SP1 is a published format: its tables must never change (make SP2 instead)."""
    digest = hashlib.sha256(
        json.dumps([_table.TERMS, _table.PREFIXES]).encode() + _codec.compression_dictionary()
    ).hexdigest()
    assert digest == SP1_DIGEST, "the SP1 tables changed: that breaks every printed QR"
    assert len(set(_table.TERMS)) == len(_table.TERMS)
    assert len(set(_table.PREFIXES)) == len(_table.PREFIXES)


def test_known_text_still_decodes() -> None:
    """A code printed with SP1 today must decode identically forever."""
    assert qr.decode(KNOWN_TEXT) == KNOWN_DOC


KNOWN_DOC: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:2f6d4c1e-8a3b-4e57-9c0d-71b5e2a9f804",
    "type": ["VerifiableCredential"],
    "issuer": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
    "validFrom": "2026-03-14T00:00:00Z",
    "credentialSubject": {"name": "Nguyễn Thị Lan", "level": 4.5, "statusListIndex": "94567"},
}
SP1_DIGEST = "a6708d13f2b65f84ca4342d90656eccff0ce33794cb1328c4d6d09c170c99fc2"
KNOWN_TEXT = (
    "SP1:W70I1P4%MZ61CEE/4T%+AMWJ5WSXSESGAY4N3$P:1G:-K:.156NFUMX5P72SKDK$C8S-U: 5L689*KZ13HUQ :51S9"
    "HLHU+9YWJ*GEKTS.FVD/TOBMI+HT0IF3FWCA%KB++6PO4QR6P4GG936QV*+7QE2B%19EG"
)
