"""SP1: a whole JSON credential as QR text, losslessly.

Layout (docs/qr.md has it byte by byte)::

    "SP1:" + base45( header byte + body )
    header 0x00: body is the compact CBOR itself
    header 0x01: body is raw DEFLATE (RFC 1951) of the compact CBOR, with the SP1 dictionary

The compact CBOR is the JSON tree with known strings swapped for table indexes and with
identifiers, dates and signatures in binary. A string is only swapped when expanding the swap
gives back the identical string, so any JSON document round-trips exactly, types and key order
included.
"""

from __future__ import annotations

import math
import re
import zlib
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from skillpass._dates import format_datetime
from skillpass._multibase import ALPHABET as _B58_ALPHABET
from skillpass._multibase import b58decode, b58encode
from skillpass.errors import MalformedValueError, ParsingError, RangeError
from skillpass.qr import _cbor, _table
from skillpass.qr._base45 import b45decode, b45encode
from skillpass.qr._cbor import Item, Tagged

PREFIX = "SP1:"
FORMAT_VERSION = 1

HEADER_CBOR = 0x00
HEADER_DEFLATE = 0x01

# Untrusted-input bounds. A V40 QR holds at most 4,296 characters; a credential that passes the
# V22 budget inflates to a few KB, so 64 KiB leaves room without letting a bomb cost anything.
MAX_TEXT_CHARS = 8192
MAX_DECOMPRESSED = 64 * 1024
MAX_NESTING = 48
# Keys and signatures are short; the cap keeps base58's quadratic conversion cheap.
MAX_BASE58_BYTES = 256

TAG_TERM = 6  # uint -> TERMS[n]
TAG_PREFIX = 7  # [uint, string item] -> PREFIXES[n] + string
TAG_BASE58 = 8  # bytes -> "z" + base58btc(bytes) (multibase)
TAG_DID_KEY_VM = 9  # bytes -> "did:key:z<k>#z<k>" (a did:key verification method)
TAG_UUID = 10  # 16 bytes -> canonical lowercase UUID
TAG_DATETIME = 11  # int seconds since 1970 -> "YYYY-MM-DDTHH:MM:SSZ"
TAG_DATE = 12  # int days since 1970 -> "YYYY-MM-DD"
TAG_HEX = 13  # bytes -> lowercase hex
TAG_DECIMAL = 14  # uint -> decimal digits without leading zeros
# base58 carries log2(58) = 5.86 bits per character: longer strings cannot fit the byte cap.
_MAX_B58_CHARS = MAX_BASE58_BYTES * 8 // 5 + 2
_TAGS = frozenset(range(TAG_TERM, TAG_DECIMAL + 1))
# What may follow a prefix: one level only, so expansion recursion stays bounded.
_SUFFIX_TAGS = frozenset(_TAGS - {TAG_PREFIX, TAG_DID_KEY_VM})

_TERM_INDEX = {term: i for i, term in enumerate(_table.TERMS)}
_PREFIXES_LONGEST_FIRST = sorted(
    enumerate(_table.PREFIXES), key=lambda pair: len(pair[1]), reverse=True
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX_RE = re.compile(r"(?:[0-9a-f]{2}){8,}")
_B58_RE = re.compile(f"z[{_B58_ALPHABET}]{{11,}}")
_DID_KEY_VM_RE = re.compile(f"did:key:z([{_B58_ALPHABET}]+)#z\\1")


class _MalformedError(Exception):
    """Internal: the decoded tree is not a valid SP1 tree."""


# --------------------------------------------------------------------------- string <-> item


def _expand_string(item: Item, *, allow: frozenset[int]) -> str:
    if isinstance(item, str):
        return item
    if not isinstance(item, Tagged) or item.tag not in allow:
        raise _MalformedError("expected a string")
    tag, value = item.tag, item.value
    if tag == TAG_TERM:
        if not isinstance(value, int) or isinstance(value, bool):
            raise _MalformedError("term index is not an integer")
        return _term(value)
    if tag == TAG_PREFIX:
        if not (isinstance(value, list) and len(value) == 2 and type(value[0]) is int):
            raise _MalformedError("prefix is not [index, suffix]")
        if not 0 <= value[0] < len(_table.PREFIXES):
            raise _MalformedError(f"unknown prefix index {value[0]}")
        return _table.PREFIXES[value[0]] + _expand_string(value[1], allow=_SUFFIX_TAGS)
    if tag == TAG_DECIMAL:
        if type(value) is not int or not 0 <= value < 1 << 64:
            raise _MalformedError("decimal string is not an unsigned 64-bit integer")
        return str(value)
    if tag in (TAG_DATETIME, TAG_DATE):
        if type(value) is not int:
            raise _MalformedError("date is not an integer")
        try:
            if tag == TAG_DATE:
                day = _EPOCH + timedelta(days=value)
                return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
            return format_datetime(_EPOCH + timedelta(seconds=value))
        except OverflowError:
            raise _MalformedError("date out of range") from None
    if not isinstance(value, bytes):
        raise _MalformedError("binary string value is not a byte string")
    if tag == TAG_UUID:
        if len(value) != 16:
            raise _MalformedError("UUID is not 16 bytes")
        h = value.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    if tag == TAG_HEX:
        return value.hex()
    if len(value) > MAX_BASE58_BYTES:
        raise _MalformedError("base58 value too long")
    if tag == TAG_BASE58:
        return "z" + b58encode(value)
    key = "z" + b58encode(value)  # TAG_DID_KEY_VM
    return f"did:key:{key}#{key}"


def _term(index: int) -> str:
    if not 0 <= index < len(_table.TERMS):
        raise _MalformedError(f"unknown term index {index}")
    return _table.TERMS[index]


def _compact_candidate(s: str, *, allow_prefix: bool) -> Item:
    term = _TERM_INDEX.get(s)
    if term is not None:
        return Tagged(TAG_TERM, term)
    if (
        s.startswith("did:key:z")
        and len(s) < _MAX_B58_CHARS * 2
        and (m := _DID_KEY_VM_RE.fullmatch(s))
    ):
        raw = b58decode(m.group(1))
        if len(raw) <= MAX_BASE58_BYTES:
            return Tagged(TAG_DID_KEY_VM, raw)
    if allow_prefix:
        for index, prefix in _PREFIXES_LONGEST_FIRST:
            if s.startswith(prefix) and len(s) > len(prefix):
                rest = _compact_string(s[len(prefix) :], allow_prefix=False)
                return Tagged(TAG_PREFIX, [index, rest])
    if s.isascii() and s.isdigit() and len(s) < 20:
        number = int(s)
        if number < 1 << 64:
            return Tagged(TAG_DECIMAL, number)
    if len(s) < _MAX_B58_CHARS and _B58_RE.fullmatch(s):
        raw = b58decode(s[1:])
        if len(raw) <= MAX_BASE58_BYTES:
            return Tagged(TAG_BASE58, raw)
    if _UUID_RE.fullmatch(s):
        return Tagged(TAG_UUID, bytes.fromhex(s.replace("-", "")))
    if _DATETIME_RE.fullmatch(s):
        try:
            dt = datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            return s
        return Tagged(TAG_DATETIME, int((dt - _EPOCH).total_seconds()))
    if _DATE_RE.fullmatch(s):
        try:
            day = datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            return s
        return Tagged(TAG_DATE, (day - _EPOCH).days)
    if _HEX_RE.fullmatch(s):
        return Tagged(TAG_HEX, bytes.fromhex(s))
    return s


def _compact_string(s: str, *, allow_prefix: bool = True) -> Item:
    candidate = _compact_candidate(s, allow_prefix=allow_prefix)
    if candidate == s:
        return s
    # Losslessness does not rest on each rule's reasoning: a swap that does not expand back to
    # the identical string (a non-canonical date, base58 with odd leading ones...) is not made.
    allow = _TAGS if allow_prefix else _SUFFIX_TAGS
    try:
        if _expand_string(candidate, allow=allow) == s:
            return candidate
    except _MalformedError:
        pass
    return s


# --------------------------------------------------------------------------- JSON <-> tree


def _to_tree(value: Any, depth: int) -> Item:
    if depth > MAX_NESTING:
        raise RangeError(f"the document nests deeper than {MAX_NESTING} levels", code="qr_too_deep")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if value.bit_length() > 8 * _cbor.MAX_BIGNUM_BYTES:
            raise MalformedValueError(
                "an integer is too large for the QR format", code="qr_unsupported_value"
            )
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise MalformedValueError(
                "NaN and infinite numbers are not JSON", code="qr_unsupported_value"
            )
        return value
    if isinstance(value, str):
        _check_text(value)
        return _compact_string(value)
    if isinstance(value, list):
        return [_to_tree(v, depth + 1) for v in value]
    if isinstance(value, dict):
        tree: dict[int | str, Item] = {}
        for key, v in value.items():
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be strings, not {type(key).__name__}")
            _check_text(key)
            tree[_TERM_INDEX.get(key, key)] = _to_tree(v, depth + 1)
        return tree
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def _check_text(s: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedValueError(
            "a string holds a lone surrogate, which UTF-8 cannot carry",
            code="qr_unsupported_value",
        ) from None


def _from_tree(item: Item, depth: int) -> Any:
    if depth > MAX_NESTING:
        raise _MalformedError(f"nesting deeper than {MAX_NESTING}")
    if isinstance(item, float) and not math.isfinite(item):
        raise _MalformedError("NaN and infinite numbers are not JSON")
    if item is None or isinstance(item, bool | int | float | str):
        return item
    if isinstance(item, list):
        return [_from_tree(v, depth + 1) for v in item]
    if isinstance(item, dict):
        result: dict[str, Any] = {}
        for key, v in item.items():
            name = _term(key) if isinstance(key, int) else key
            if name in result:
                raise _MalformedError(f"duplicate key {name!r}")
            result[name] = _from_tree(v, depth + 1)
        return result
    if isinstance(item, Tagged):
        return _expand_string(item, allow=_TAGS)
    raise _MalformedError("byte string outside a tag")


# --------------------------------------------------------------------------- bytes and text


@cache
def compression_dictionary() -> bytes:
    """The frozen SP1 DEFLATE preset dictionary (phrases, then a CBOR skeleton)."""
    return _table.dictionary_seed() + _cbor.dumps(_externalize(_to_tree(_TEMPLATE, 0), {}))


# A made-up credential whose compact CBOR teaches DEFLATE the byte patterns that every
# credential repeats (key/term sequences, tag heads). Frozen with the tables.
_TEMPLATE: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:00000000-0000-4000-8000-000000000000",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {
        "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "type": ["Profile"],
        "name": "Training Centre",
    },
    "name": "National Certificate",
    "validFrom": "2025-01-01T00:00:00Z",
    "validUntil": "2030-01-01T00:00:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": "",
            },
            {
                "type": "IdentityObject",
                "identityType": "ext:passportNumber",
                "hashed": True,
                "identityHash": "sha256$" + "00" * 32,
                "salt": "",
            },
        ],
        "activityEndDate": "2025-01-01T00:00:00Z",
        "achievement": {
            "id": "https://example.org/qualifications/",
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": "National Certificate",
            "description": "",
            "criteria": {"narrative": ""},
            "fieldOfStudy": "",
            "inLanguage": "en",
            "alignment": [
                {
                    "type": ["Alignment"],
                    "targetType": "ext:QualificationLevel",
                    "targetFramework": "EQF",
                    "targetCode": "4",
                    "targetName": "European Qualifications Framework level 4",
                    "targetUrl": "http://data.europa.eu/snb/eqf/4",
                },
                {
                    "type": ["Alignment"],
                    "targetType": "ext:ISCED-F",
                    "targetFramework": "ISCED-F 2013",
                    "targetCode": "",
                    "targetName": "",
                    "targetUrl": "urn:skillpass:framework:ISCED-F:",
                },
                {
                    "type": ["Alignment"],
                    "targetType": "ceasn:Competency",
                    "targetFramework": "ESCO",
                    "targetName": "",
                    "targetUrl": "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000000",
                },
            ],
        },
    },
    "credentialStatus": {
        "id": "https://example.org/status/1#1",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "1",
        "statusListCredential": "https://example.org/status/1",
    },
    "proof": {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-01-01T00:00:00Z",
        "verificationMethod": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
        "#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + "1" * 64,
    },
}


def to_payload(doc: dict[str, Any]) -> tuple[bytes, bytes]:
    """The compact CBOR of ``doc`` and the payload bytes (header + body + blobs) base45 carries."""
    if not isinstance(doc, dict):
        raise TypeError(f"expected a JSON object (dict), not {type(doc).__name__}")
    blobs: dict[bytes, int] = {}
    body = _cbor.dumps(_externalize(_to_tree(doc, 0), blobs))
    area = b"".join(blobs)
    deflater = zlib.compressobj(level=9, wbits=-15, memLevel=9, zdict=compression_dictionary())
    packed = deflater.compress(body) + deflater.flush()
    if len(packed) < len(body):
        return body, bytes([HEADER_DEFLATE]) + packed + area
    return body, bytes([HEADER_CBOR]) + body + area


# Binary values (keys, signatures, UUIDs, hashes) are random bytes: inside the DEFLATE stream
# they would only widen its Huffman codes for text, so they travel after it, uncompressed. In
# the CBOR a binary tag holds a reference instead: n >= 0 takes the next n bytes of the blob
# area, -1-k repeats the k-th blob (a did:key appears as issuer and in the proof's key id).
_BLOB_TAGS = frozenset({TAG_BASE58, TAG_DID_KEY_VM, TAG_UUID, TAG_HEX})


def _externalize(item: Item, blobs: dict[bytes, int]) -> Item:
    if isinstance(item, list):
        return [_externalize(v, blobs) for v in item]
    if isinstance(item, dict):
        return {k: _externalize(v, blobs) for k, v in item.items()}
    if isinstance(item, Tagged):
        if item.tag in _BLOB_TAGS and isinstance(item.value, bytes):
            seen = blobs.get(item.value)
            if seen is not None:
                return Tagged(item.tag, -1 - seen)
            blobs[item.value] = len(blobs)
            return Tagged(item.tag, len(item.value))
        return Tagged(item.tag, _externalize(item.value, blobs))
    return item


class _BlobReader:
    def __init__(self, area: bytes) -> None:
        self.area = area
        self.pos = 0
        self.blobs: list[bytes] = []

    def internalize(self, item: Item) -> Item:
        # Same traversal order as _externalize, so references resolve to the same blobs.
        if isinstance(item, list):
            return [self.internalize(v) for v in item]
        if isinstance(item, dict):
            return {k: self.internalize(v) for k, v in item.items()}
        if isinstance(item, Tagged):
            if item.tag not in _BLOB_TAGS:
                return Tagged(item.tag, self.internalize(item.value))
            ref = item.value
            if type(ref) is not int:
                raise _MalformedError("binary value reference is not an integer")
            if ref < 0:
                if -1 - ref >= len(self.blobs):
                    raise _MalformedError("binary value refers to a later value")
                return Tagged(item.tag, self.blobs[-1 - ref])
            if ref > len(self.area) - self.pos:
                raise _MalformedError("binary value runs past the end of the payload")
            blob = self.area[self.pos : self.pos + ref]
            self.pos += ref
            self.blobs.append(blob)
            return Tagged(item.tag, blob)
        return item


def encode_text(doc: dict[str, Any]) -> str:
    """``doc`` as SP1 QR text, with no size budget applied."""
    return PREFIX + b45encode(to_payload(doc)[1])


_PREFIX_RE = re.compile(r"SP(\d{1,4}):")


def decode_text(text: str) -> dict[str, Any]:
    """Parse SP1 QR text back into the identical JSON object; only SkillpassErrors escape."""
    if not isinstance(text, str):
        raise TypeError(f"expected QR text (str), not {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise RangeError(
            f"QR text of {len(text)} characters is longer than any QR code holds"
            f" (limit {MAX_TEXT_CHARS})",
            code="qr_text_too_long",
        )
    text = text.strip()  # base45 never ends in a space, so stripping cannot eat data
    match = _PREFIX_RE.match(text)
    if not match:
        raise ParsingError(
            f"not SkillPass QR text: it must start with {PREFIX!r}", code="qr_malformed"
        )
    if int(match.group(1)) != FORMAT_VERSION:
        raise ParsingError(
            f"QR format version SP{match.group(1)} is not supported by this version of"
            f" SkillPass (it reads {PREFIX[:-1]}); update SkillPass to read it",
            code="qr_unsupported_version",
        )
    try:
        payload = b45decode(text[match.end() :])
    except ValueError as exc:
        raise ParsingError(f"QR text is not valid base45: {exc}", code="qr_malformed") from None
    if not payload:
        raise ParsingError("QR text carries no data", code="qr_malformed")
    header, data = payload[0], payload[1:]
    try:
        if header == HEADER_DEFLATE:
            body, area = _inflate(data)
            tree = _cbor.loads(body, allowed_tags=_TAGS, max_depth=MAX_NESTING + 4)
        elif header == HEADER_CBOR:
            tree, end = _cbor.loads_prefix(data, allowed_tags=_TAGS, max_depth=MAX_NESTING + 4)
            area = data[end:]
        else:
            raise ParsingError(f"unknown SP1 payload header 0x{header:02x}", code="qr_malformed")
        if not isinstance(tree, dict):
            raise _MalformedError("the document is not a JSON object")
        reader = _BlobReader(area)
        tree = reader.internalize(tree)
        if reader.pos != len(area):
            raise _MalformedError(f"{len(area) - reader.pos} bytes of trailing data")
        doc = _from_tree(tree, 0)
    except (_cbor.CBORDecodeError, _MalformedError) as exc:
        raise ParsingError(f"QR payload is malformed: {exc}", code="qr_malformed") from None
    if not isinstance(doc, dict):  # _from_tree keeps the object it was given
        raise ParsingError("QR payload is not a JSON object", code="qr_malformed")
    return doc


def _inflate(data: bytes) -> tuple[bytes, bytes]:
    """The inflated DEFLATE stream at the start of ``data``, and the bytes after it."""
    inflater = zlib.decompressobj(wbits=-15, zdict=compression_dictionary())
    try:
        # max_length bounds memory and time: a bomb stops after MAX_DECOMPRESSED + 1 bytes.
        out = inflater.decompress(data, MAX_DECOMPRESSED + 1)
    except zlib.error as exc:
        raise ParsingError(f"QR payload does not decompress: {exc}", code="qr_malformed") from None
    if len(out) > MAX_DECOMPRESSED:
        raise RangeError(
            f"QR payload decompresses to more than {MAX_DECOMPRESSED} bytes",
            code="qr_too_large_decompressed",
        )
    if not inflater.eof:
        raise ParsingError("QR payload is truncated", code="qr_malformed")
    return out, inflater.unused_data
