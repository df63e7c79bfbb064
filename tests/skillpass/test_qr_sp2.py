"""SP2: the size goals of issue 16, script coding, rebuilt values, the frozen dictionary, and
Structured Append over up to four real QR symbols read back by zxing-cpp."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import skillpass
import skillpass.qr as qr
from skillpass.errors import ParsingError, RangeError
from skillpass.qr import _codec, _images, _script, _table
from tests.skillpass import qr_samples


def _json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False)


@pytest.fixture(scope="module")
def samples() -> dict[str, dict[str, Any]]:
    return {name: build() for name, (build, _) in qr_samples.GOALS.items()}


@pytest.mark.parametrize("name", list(qr_samples.GOALS))
def test_goal_versions_and_lossless_round_trip(
    samples: dict[str, dict[str, Any]], name: str
) -> None:
    doc = samples[name]
    text = qr.encode(doc)
    assert text.startswith("SP2:")
    assert qr.qr_version(text, "M") <= qr_samples.GOALS[name][1]
    back = qr.decode(text)
    assert _json(back) == _json(doc)  # byte for byte, key order included
    report = skillpass.verify_credential(back)
    assert report.checks[1].id == "proof" and report.checks[1].status == "valid"


def test_sp2_is_smaller_than_sp1_for_two_scripts(samples: dict[str, dict[str, Any]]) -> None:
    for name in ("moroccan_diploma", "uae_work_experience", "cyrillic_certificate"):
        sizes = qr.info(samples[name])
        assert int(sizes["version_m"]) <= int(sizes["sp1_version_m"]) - 3


def test_jcs_credential_round_trips(samples: dict[str, dict[str, Any]]) -> None:
    doc = samples["moroccan_diploma"]
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    key = skillpass.KeyPair.from_seed(b"\x41" * 32)
    jcs = skillpass.sign_credential(unsigned, key, cryptosuite="eddsa-jcs-2022")
    back = qr.decode(qr.encode(jcs))
    assert _json(back) == _json(jcs)
    assert skillpass.verify_credential(back).checks[1].status == "valid"


def test_sp1_codes_still_decode(samples: dict[str, dict[str, Any]]) -> None:
    doc = samples["reference"]
    assert qr.decode(_codec.encode_text_sp1(doc)) == doc


# --------------------------------------------------------------------------- pieces


@given(st.text())
def test_script_coding_round_trips_any_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return
    assert _script.decode(_script.encode(text)) == text


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_script_decoding_is_bounded_and_strict(data: bytes) -> None:
    try:
        out = _script.decode(data)
    except _script.ScriptCodingError:
        return
    assert len(out) <= len(data)


def test_script_coding_is_one_byte_per_letter() -> None:
    for word in ("الدار البيضاء", "Самарканд", "डकर्मी"):
        coded = _script.encode(word)
        assert len(coded) <= len(word) + 2 < len(word.encode("utf-8"))
    assert len(_script.encode("Génie climatique")) == len("Génie climatique")  # no switch


def test_rebuilt_values_are_only_used_when_identical() -> None:
    alignment = {
        "targetFramework": "MA-CNC",
        "targetCode": "5",
        "targetName": "MA-CNC level 5",
        "targetUrl": "urn:skillpass:framework:MA-CNC:5",
    }
    odd = dict(alignment, targetUrl="urn:skillpass:framework:MA-CNC:05")
    for doc in ({"name": "x", "a": alignment}, {"name": "x", "a": odd}):
        assert _json(qr.decode(_codec.encode_text(doc))) == _json(doc)
    rebuilt = _codec._to_tree(alignment, 0, _codec.SP2)
    assert isinstance(rebuilt, dict)
    assert isinstance(rebuilt[_codec.SP2.term_index["targetUrl"]], _codec.Tagged)
    assert not isinstance(_codec._to_tree(odd, 0, _codec.SP2), str)


def test_dictionary_and_tables_are_frozen() -> None:
    data = _codec.sp2_dictionary_bytes()
    assert hashlib.sha256(data).hexdigest() == _codec.SP2_DICTIONARY_SHA256
    assert len(data) == 32768
    terms = _table.TERMS + _table.SP2_TERMS
    assert len(set(terms)) == len(terms)
    assert len(set(_table.PREFIXES + _table.SP2_PREFIXES)) == len(
        _table.PREFIXES + _table.SP2_PREFIXES
    )
    digest = hashlib.sha256(
        json.dumps([_table.SP2_TERMS, _table.SP2_PREFIXES, [k for k, _ in _codec._RULES]]).encode()
    ).hexdigest()
    assert digest == SP2_TABLES_DIGEST, "the SP2 tables changed: that breaks every printed QR"


SP2_TABLES_DIGEST = "a19dd00c7c0130107d871901444ecaa47507f63224ba90507a60ae1774df3248"


# --------------------------------------------------------------------------- structured append


def test_oversized_credential_is_split_and_read_from_one_photo() -> None:
    doc = qr_samples.oversized()
    text = qr.encode(doc, max_symbols=4)
    assert qr.qr_version(text, "M") > 22
    parts = qr.split(text)
    assert 2 <= len(parts) <= 4
    assert all(v <= 22 for v in qr.symbol_versions(text))
    png = qr.render_png(text, max_version=22, scale=4)
    width, height = Image.open(io.BytesIO(png)).size
    assert width > len(parts) * height * 0.9  # side by side
    read = qr.read_image(png)
    assert read == text
    assert _json(qr.decode(read)) == _json(doc)


def test_parts_read_from_separate_images_in_any_order() -> None:
    doc = qr_samples.oversized()
    text = qr.encode(doc, max_symbols=4)
    parts = qr.split(text)
    images = [qr.render_png(part, scale=4) for part in reversed(parts)]
    assert qr.read_images(images) == text
    assert qr.join(list(reversed(parts))) == text
    assert qr.decode("".join(parts)) == doc  # a reader that merges the sequence itself
    with pytest.raises(ParsingError) as excinfo:
        qr.read_images(images[:-1])
    assert excinfo.value.code == "qr_parts_missing"


def test_bad_part_sets_are_refused() -> None:
    text = qr.encode(qr_samples.oversized(), max_symbols=4)
    parts = qr.split(text)
    changed = qr_samples.oversized()
    changed["name"] += " (copy)"
    other = qr.split(qr.encode(changed, max_symbols=4))
    assert len(other) == len(parts)
    with pytest.raises(ParsingError) as excinfo:
        qr.join([parts[0], *other[1:]])
    assert excinfo.value.code == "qr_parts_mismatch"
    with pytest.raises(ParsingError) as excinfo:
        qr.join(["SP2/15000:AAAA"])
    assert excinfo.value.code == "qr_too_many_parts"
    with pytest.raises(ParsingError) as excinfo:
        qr.decode("SP2/12000:ABC")
    assert excinfo.value.code == "qr_parts_missing"


def test_more_than_four_symbols_is_refused() -> None:
    doc = qr_samples.oversized()
    doc["credentialSubject"]["achievement"]["description"] = " ".join(
        hashlib.sha256(str(i).encode()).hexdigest()[:9] for i in range(600)
    )
    with pytest.raises(RangeError) as excinfo:
        qr.encode(doc, max_symbols=4)
    assert excinfo.value.code == "qr_too_large"
    assert "more than 4 QR codes" in excinfo.value.message


def test_symbol_headers_are_real_structured_append() -> None:
    text = qr.encode(qr_samples.oversized(), max_symbols=4)
    parts = qr.split(text)
    symbols = _images._sequence(parts, "M")
    # segno's own division of the content falls on the part boundaries.
    assert len(symbols) == len(parts)
    for symbol, part in zip(symbols, parts, strict=True):
        assert _images.scan_image(qr.render_png(part, scale=4)) == [part]
        assert symbol.version <= 22


@pytest.mark.parametrize("ec", ["L", "M", "Q", "H"])
def test_version_arithmetic_matches_segno(ec: str) -> None:
    import segno

    for length in [*range(1, 30, 3), *range(30, 4400, 263)]:
        text = "SP2:" + "A" * length
        try:
            expected = int(
                segno.make(
                    text, error=ec, mode="alphanumeric", boost_error=False, micro=False
                ).version
            )
        except segno.DataOverflowError:
            expected = 41
        assert qr.qr_version(text, ec) == expected, length


def test_sequence_versions_match_the_rendered_symbols() -> None:
    text = qr.encode(qr_samples.oversized(), max_symbols=4)
    for ec, max_version in (("M", 22), ("M", 15), ("Q", 22)):
        parts = qr.split(text, ec=ec, max_version=max_version)
        rendered = [int(s.version) for s in _images._sequence(parts, ec)]
        assert qr.symbol_versions(text, ec=ec, max_version=max_version) == rendered
        assert max(rendered) <= max_version


def test_large_documents_round_trip_within_the_decoder_bounds() -> None:
    # A presentation-sized body (tens of KB) still decodes: the encoder's zstd window never
    # exceeds the window the decoder accepts.
    doc = {
        "notes": [
            {"n": i, "text": f"entry {i}: " + "a long repeated free text note " * 8}
            for i in range(200)
        ]
    }
    text = _codec.encode_text(doc)
    assert len(text) <= _codec.MAX_TEXT_CHARS
    assert len(_codec.to_payload(doc)[0]) > 40_000
    assert qr.decode(text) == doc


_WORDS = st.sampled_from(["EQF", "ISCED-F 2013", "ISO 639-1", "ISO 639-3", "MA-CNC", "x", ""])
_CODES = st.sampled_from(["1", "05", "0715", "fr", "B2", "", "é"])


@st.composite
def _rule_objects(draw: st.DrawFn) -> dict[str, Any]:
    """Objects where the rebuild rules apply, almost apply, or apply to a rebuilt source."""
    framework, code = draw(_WORDS), draw(_CODES)
    obj: dict[str, Any] = {}
    keys = draw(
        st.permutations(["targetFramework", "targetCode", "targetName", "targetUrl", "targetType"])
    )
    candidates = {
        "targetFramework": framework,
        "targetCode": code,
        "targetType": draw(st.sampled_from(["ext:ISCED-F", "ext:QualificationLevel"])),
        "targetName": draw(st.sampled_from([f"{framework} level {code}", "Name", code])),
        "targetUrl": draw(
            st.sampled_from(
                [
                    f"urn:skillpass:framework:{framework}:{code}",
                    f"http://data.europa.eu/snb/eqf/{code}",
                    f"urn:skillpass:framework:ISCED-F:{code}",
                    f"http://id.loc.gov/vocabulary/iso639-1/{code}",
                    "urn:other",
                ]
            )
        ),
    }
    for key in keys[: draw(st.integers(0, len(keys)))]:
        obj[key] = candidates[key]
    return obj


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_rule_objects(), max_size=4),
    st.sampled_from(["Mason", "", "Name"]),
    st.sampled_from(["Mason", "Name", "Employment as Mason, attested by the employer."]),
    st.booleans(),
)
def test_rebuilt_values_round_trip_exactly(
    alignments: list[dict[str, Any]], role: str, name: str, status: bool
) -> None:
    achievement: dict[str, Any] = {"name": name, "criteria": {"narrative": name}}
    if alignments:
        first = alignments[0]
        achievement["fieldOfStudy"] = f"{first.get('targetCode')} {first.get('targetName')}"
        achievement["alignment"] = alignments
    doc: dict[str, Any] = {
        "name": name,
        "credentialSubject": {"role": role, "achievement": achievement},
    }
    if status:
        doc["credentialStatus"] = {
            "id": "https://s.example/1#7",
            "statusListIndex": "7",
            "statusListCredential": "https://s.example/1",
        }
    back = qr.decode(_codec.encode_text(doc))
    assert _json(back) == _json(doc)


def test_known_sp2_text_still_decodes() -> None:
    """A code printed with SP2 today must decode identically forever (script text, a rebuilt
    targetUrl, name and status id, a base64url salt, an Ed25519 did:key)."""
    assert _json(qr.decode(KNOWN_SP2_TEXT)) == _json(KNOWN_SP2_DOC)


KNOWN_SP2_DOC: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:2f6d4c1e-8a3b-4e57-9c0d-71b5e2a9f804",
    "type": ["VerifiableCredential"],
    "issuer": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
    "name": "Technicien \u2013 تقني",
    "validFrom": "2026-03-14T00:00:00Z",
    "credentialSubject": {
        "identifier": [{"identityHash": "Дилшод Турсунов", "salt": "mQ7vT2xLp9Rz4sKe"}],
        "achievement": {
            "name": "Technicien \u2013 تقني",
            "alignment": [
                {
                    "targetFramework": "MA-CNC",
                    "targetCode": "5",
                    "targetUrl": "urn:skillpass:framework:MA-CNC:5",
                }
            ],
        },
    },
    "credentialStatus": {
        "id": "https://s.example/status/1#42",
        "statusListIndex": "42",
        "statusListCredential": "https://s.example/status/1",
    },
}
KNOWN_SP2_TEXT = (
    "SP2:V501T1N10 K0*20.1PZMGNS0M9Q570CUIU%KX$0CF2+OK-FN0HPWYM.PKPGOOXO%4OULKGDQ6Q1-UKD23K2QLG"
    "5V.5RHUF-GE-8ZEIMKFQHA3A4C:0OPH7+NG:6WCU9CVZTHF3H300-AJCFI :8 8F.37 :51S9HLHU+9YWJ*GEKTS.F"
    "VOBMI+HT0IF3FWCA%KB++6PO4QR6P4GG936QV*+7QE2B%19EGWFJIBU3VDY9LBTE7RO"
)
