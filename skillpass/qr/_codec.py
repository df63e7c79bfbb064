"""SP1 and SP2: a whole JSON credential as QR text, losslessly.

Layout (docs/qr.md has it byte by byte)::

    "SP2:" + base45( header byte + body + binary values )
    header 0x00: body is the compact CBOR itself
    header 0x01: body is a zstd frame (without its 4-byte magic number, no checksum, no
                 dictionary id) of the compact CBOR, compressed with the frozen SP2 dictionary

    "SP1:" (read only): the same, with the SP1 tables and raw DEFLATE with the SP1 dictionary

SP2 adds to SP1's tree: a script-aware text coding (one byte per character of a 128-character
Unicode block, in the spirit of SCSU), values rebuilt from others (a framework targetUrl from
the framework and code...), and more terms and prefixes (appended, so SP1 indexes keep meaning).

The compact CBOR is the JSON tree with known strings swapped for table indexes and with
identifiers, dates and signatures in binary. A string is only swapped when expanding the swap
gives back the identical string, so any JSON document round-trips exactly, types and key order
included.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

import pyzstd

from skillpass._dates import format_datetime
from skillpass._multibase import ALPHABET as _B58_ALPHABET
from skillpass._multibase import b58decode, b58encode
from skillpass.errors import MalformedValueError, ParsingError, RangeError
from skillpass.qr import _cbor, _script, _table
from skillpass.qr._base45 import b45decode, b45encode
from skillpass.qr._cbor import Item, Tagged

PREFIX = "SP2:"
FORMAT_VERSION = 2
READABLE_VERSIONS = frozenset({1, 2})

HEADER_CBOR = 0x00
HEADER_COMPRESSED = 0x01  # SP1: raw DEFLATE; SP2: magicless zstd

# Untrusted-input bounds. A V40 QR holds at most 4,296 characters (four V40 symbols 17,184); a
# credential that passes the budget inflates to a few KB, so 64 KiB leaves room without letting
# a bomb cost anything.
MAX_TEXT_CHARS = 20_000
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
TAG_SCRIPT = 15  # SP2: bytes -> text in the script-aware coding (_script)
TAG_DERIVED = 16  # SP2, object values only: uint rule -> the value rebuilt from others
TAG_BASE64URL = 17  # SP2, "salt" values only: bytes -> unpadded base64url (random salts)
TAG_ED25519 = 18  # SP2: 32 bytes -> "z" + base58btc(0xed01 + bytes) (an Ed25519 multikey)
TAG_DID_KEY_ED25519_VM = 19  # SP2: 32 bytes -> "did:key:z<k>#z<k>", k that Ed25519 multikey
_ED25519_HEADER = b"\xed\x01"
# base58 carries log2(58) = 5.86 bits per character: longer strings cannot fit the byte cap.
_MAX_B58_CHARS = MAX_BASE58_BYTES * 8 // 5 + 2
_SP1_TAGS = frozenset(range(TAG_TERM, TAG_DECIMAL + 1))
_SP2_TAGS = _SP1_TAGS | {TAG_SCRIPT, TAG_ED25519, TAG_DID_KEY_ED25519_VM}

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BASE64URL_RE = re.compile(r"(?:[A-Za-z0-9_-]{4}){2,16}")
_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX_RE = re.compile(r"(?:[0-9a-f]{2}){8,}")
_B58_RE = re.compile(f"z[{_B58_ALPHABET}]{{11,}}")
_DID_KEY_VM_RE = re.compile(f"did:key:z([{_B58_ALPHABET}]+)#z\\1")


@dataclass(frozen=True)
class _Format:
    """The tables and string tags of one format version."""

    terms: tuple[str, ...]
    prefixes: tuple[str, ...]
    tags: frozenset[int]  # string tags allowed anywhere
    derive: bool  # TAG_DERIVED allowed as an object value
    term_index: dict[str, int] = field(init=False, compare=False)
    prefixes_longest_first: list[tuple[int, str]] = field(init=False, compare=False)
    suffix_tags: frozenset[int] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "term_index", {t: i for i, t in enumerate(self.terms)})
        ordered = sorted(enumerate(self.prefixes), key=lambda pair: len(pair[1]), reverse=True)
        object.__setattr__(self, "prefixes_longest_first", ordered)
        # What may follow a prefix: one level only, so expansion recursion stays bounded.
        object.__setattr__(
            self, "suffix_tags", self.tags - {TAG_PREFIX, TAG_DID_KEY_VM, TAG_DID_KEY_ED25519_VM}
        )


SP1 = _Format(_table.TERMS, _table.PREFIXES, _SP1_TAGS, derive=False)
SP2 = _Format(
    _table.TERMS + _table.SP2_TERMS, _table.PREFIXES + _table.SP2_PREFIXES, _SP2_TAGS, derive=True
)


class _MalformedError(Exception):
    """Internal: the decoded tree is not a valid tree of its format."""


# --------------------------------------------------------------------------- string <-> item


def _expand_string(item: Item, fmt: _Format, *, allow: frozenset[int]) -> str:
    if isinstance(item, str):
        return item
    if not isinstance(item, Tagged) or item.tag not in allow:
        raise _MalformedError("expected a string")
    tag, value = item.tag, item.value
    if tag == TAG_TERM:
        if not isinstance(value, int) or isinstance(value, bool):
            raise _MalformedError("term index is not an integer")
        return _term(value, fmt)
    if tag == TAG_PREFIX:
        if not (isinstance(value, list) and len(value) == 2 and type(value[0]) is int):
            raise _MalformedError("prefix is not [index, suffix]")
        if not 0 <= value[0] < len(fmt.prefixes):
            raise _MalformedError(f"unknown prefix index {value[0]}")
        return fmt.prefixes[value[0]] + _expand_string(value[1], fmt, allow=fmt.suffix_tags)
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
    if tag == TAG_SCRIPT:
        try:
            return _script.decode(value)
        except _script.ScriptCodingError as exc:
            raise _MalformedError(f"script-coded text: {exc}") from None
    if tag == TAG_UUID:
        if len(value) != 16:
            raise _MalformedError("UUID is not 16 bytes")
        h = value.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    if tag == TAG_HEX:
        return value.hex()
    if tag in (TAG_ED25519, TAG_DID_KEY_ED25519_VM):
        if len(value) != 32:
            raise _MalformedError("Ed25519 key is not 32 bytes")
        key = "z" + b58encode(_ED25519_HEADER + value)
        return key if tag == TAG_ED25519 else f"did:key:{key}#{key}"
    if len(value) > MAX_BASE58_BYTES:
        raise _MalformedError("base58 value too long")
    if tag == TAG_BASE58:
        return "z" + b58encode(value)
    key = "z" + b58encode(value)  # TAG_DID_KEY_VM
    return f"did:key:{key}#{key}"


def _term(index: int, fmt: _Format) -> str:
    if not 0 <= index < len(fmt.terms):
        raise _MalformedError(f"unknown term index {index}")
    return fmt.terms[index]


def _compact_candidate(s: str, fmt: _Format, *, allow_prefix: bool) -> Item:
    term = fmt.term_index.get(s)
    if term is not None:
        return Tagged(TAG_TERM, term)
    if (
        s.startswith("did:key:z")
        and len(s) < _MAX_B58_CHARS * 2
        and (m := _DID_KEY_VM_RE.fullmatch(s))
    ):
        raw = b58decode(m.group(1))
        if len(raw) <= MAX_BASE58_BYTES:
            return _ed25519(TAG_DID_KEY_VM, raw, fmt)
    if allow_prefix:
        for index, prefix in fmt.prefixes_longest_first:
            if s.startswith(prefix) and len(s) > len(prefix):
                rest = _compact_string(s[len(prefix) :], fmt, allow_prefix=False)
                return Tagged(TAG_PREFIX, [index, rest])
    if s.isascii() and s.isdigit() and len(s) < 20:
        number = int(s)
        if number < 1 << 64:
            return Tagged(TAG_DECIMAL, number)
    if len(s) < _MAX_B58_CHARS and _B58_RE.fullmatch(s):
        raw = b58decode(s[1:])
        if len(raw) <= MAX_BASE58_BYTES:
            return _ed25519(TAG_BASE58, raw, fmt)
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
    if TAG_SCRIPT in fmt.tags and not s.isascii():
        coded = _script.encode(s)
        # The tag costs one byte: worth it only when the coding saves more than that.
        if len(coded) + 1 < len(s.encode("utf-8")):
            return Tagged(TAG_SCRIPT, coded)
    return s


def _ed25519(tag: int, raw: bytes, fmt: _Format) -> Tagged:
    # An Ed25519 multikey always starts with the same two-byte multicodec header: SP2 drops it.
    if TAG_ED25519 in fmt.tags and len(raw) == 34 and raw.startswith(_ED25519_HEADER):
        return Tagged(TAG_ED25519 if tag == TAG_BASE58 else TAG_DID_KEY_ED25519_VM, raw[2:])
    return Tagged(tag, raw)


def _compact_string(s: str, fmt: _Format, *, allow_prefix: bool = True) -> Item:
    candidate = _compact_candidate(s, fmt, allow_prefix=allow_prefix)
    if candidate == s:
        return s
    # Losslessness does not rest on each rule's reasoning: a swap that does not expand back to
    # the identical string (a non-canonical date, base58 with odd leading ones...) is not made.
    allow = fmt.tags if allow_prefix else fmt.suffix_tags
    try:
        if _expand_string(candidate, fmt, allow=allow) == s:
            return candidate
    except _MalformedError:
        pass
    return s


# --------------------------------------------------------------------------- rebuilt values
#
# SP2 leaves out a value that the builders (skillpass.credentials) compute from others in the
# same document, and writes TAG_DERIVED(rule) in its place: the key keeps its position, so the
# rebuilt JSON is identical. The encoder only does so when the rule gives back exactly the
# value; a rule reads plain strings only, never another rebuilt value, so there is no cycle.

_EQF_URL = "http://data.europa.eu/snb/eqf/"
_FRAMEWORK_URN = "urn:skillpass:framework:"
_LANGUAGE_URLS = {
    "ISO 639-1": "http://id.loc.gov/vocabulary/iso639-1/",
    "ISO 639-3": "https://iso639-3.sil.org/code/",
}
_EMPLOYMENT = ("Employment as ", ", attested by the employer.")


def _text(obj: Any, key: str) -> str | None:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, str) else None


def _rule_target_url(obj: dict[str, Any], root: dict[str, Any]) -> str | None:
    framework, code = _text(obj, "targetFramework"), _text(obj, "targetCode")
    if framework is None or code is None:
        return None
    if framework == "EQF":
        return _EQF_URL + code
    if framework == "ISCED-F 2013":
        return f"{_FRAMEWORK_URN}ISCED-F:{code}"
    if framework in _LANGUAGE_URLS:
        return _LANGUAGE_URLS[framework] + code
    return f"{_FRAMEWORK_URN}{framework}:{code}"


def _rule_level_name(obj: dict[str, Any], root: dict[str, Any]) -> str | None:
    framework, code = _text(obj, "targetFramework"), _text(obj, "targetCode")
    if framework is None or code is None or "targetUrl" not in obj:
        return None
    return f"{framework} level {code}"


def _rule_status_id(obj: dict[str, Any], root: dict[str, Any]) -> str | None:
    status_list, index = _text(obj, "statusListCredential"), _text(obj, "statusListIndex")
    if status_list is None or index is None:
        return None
    return f"{status_list}#{index}"


def _rule_root_name(obj: dict[str, Any], root: dict[str, Any]) -> str | None:
    return None if obj is root else _text(root, "name")


def _rule_employment(obj: dict[str, Any], root: dict[str, Any]) -> str | None:
    role = _text(root.get("credentialSubject"), "role")
    return None if role is None else _EMPLOYMENT[0] + role + _EMPLOYMENT[1]


def _rule_field_of_study(obj: dict[str, Any], root: dict[str, Any]) -> str | None:
    # The builders write fieldOfStudy as "<code> <name>" of the ISCED-F alignment beside it.
    alignments = obj.get("alignment")
    if not isinstance(alignments, list):
        return None
    for entry in alignments:
        if isinstance(entry, dict) and entry.get("targetType") == "ext:ISCED-F":
            code, name = _text(entry, "targetCode"), _text(entry, "targetName")
            return None if code is None or name is None else f"{code} {name}"
    return None


# Rule number -> (the key it rebuilds, how). Frozen with SP2: append only.
_RULES = (
    ("targetUrl", _rule_target_url),
    ("targetName", _rule_level_name),
    ("id", _rule_status_id),
    ("name", _rule_root_name),
    ("narrative", _rule_employment),
    ("fieldOfStudy", _rule_field_of_study),
)
_RULES_BY_KEY: dict[str, list[int]] = {}
for _number, (_key, _) in enumerate(_RULES):
    _RULES_BY_KEY.setdefault(_key, []).append(_number)


class _Derived:
    """Decoder placeholder for a rebuilt value, filled in once the whole tree is known."""

    __slots__ = ("rule",)

    def __init__(self, rule: int) -> None:
        self.rule = rule


def _derivable(key: str, value: Any, obj: dict[str, Any], root: dict[str, Any]) -> int | None:
    if not isinstance(value, str):
        return None
    for rule in _RULES_BY_KEY.get(key, ()):
        if _RULES[rule][1](obj, root) == value:
            return rule
    return None


def _resolve(pending: list[tuple[dict[str, Any], str]], root: dict[str, Any]) -> None:
    # A rule reads plain strings only (_text ignores placeholders) and sources are rebuilt at
    # most one level deep (fieldOfStudy from a rebuilt targetName), so three passes settle all.
    for _ in range(3):
        waiting: list[tuple[dict[str, Any], str]] = []
        for obj, key in pending:
            value = _RULES[obj[key].rule][1](obj, root)
            if value is None:
                waiting.append((obj, key))
            else:
                obj[key] = value
        if not waiting:
            return
        pending = waiting
    raise _MalformedError(f"value of {pending[0][1]!r} cannot be rebuilt here")


# --------------------------------------------------------------------------- JSON <-> tree


def _to_tree(value: Any, depth: int, fmt: _Format = SP1, root: Any = None) -> Item:
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
        return _compact_string(value, fmt)
    if isinstance(value, list):
        return [_to_tree(v, depth + 1, fmt, root) for v in value]
    if isinstance(value, dict):
        if root is None:
            root = value
        tree: dict[int | str, Item] = {}
        for key, v in value.items():
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be strings, not {type(key).__name__}")
            _check_text(key)
            rule = _derivable(key, v, value, root) if fmt.derive else None
            if rule is not None:
                _check_text(v)
                tree[fmt.term_index.get(key, key)] = Tagged(TAG_DERIVED, rule)
            elif fmt.derive and key == "salt" and (raw := _base64url_bytes(v)) is not None:
                tree[fmt.term_index.get(key, key)] = Tagged(TAG_BASE64URL, raw)
            else:
                tree[fmt.term_index.get(key, key)] = _to_tree(v, depth + 1, fmt, root)
        return tree
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def _base64url_bytes(value: Any) -> bytes | None:
    # Builders draw salts as random base64url: 16 characters carry 12 bytes.
    if not isinstance(value, str) or not _BASE64URL_RE.fullmatch(value):
        return None
    raw = base64.urlsafe_b64decode(value)
    return raw if base64.urlsafe_b64encode(raw).decode("ascii") == value else None


def _check_text(s: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedValueError(
            "a string holds a lone surrogate, which UTF-8 cannot carry",
            code="qr_unsupported_value",
        ) from None


def _from_tree(
    item: Item,
    depth: int,
    fmt: _Format = SP1,
    pending: list[tuple[dict[str, Any], str]] | None = None,
) -> Any:
    if depth > MAX_NESTING:
        raise _MalformedError(f"nesting deeper than {MAX_NESTING}")
    if isinstance(item, float) and not math.isfinite(item):
        raise _MalformedError("NaN and infinite numbers are not JSON")
    if item is None or isinstance(item, bool | int | float | str):
        return item
    if isinstance(item, list):
        return [_from_tree(v, depth + 1, fmt, pending) for v in item]
    if isinstance(item, dict):
        result: dict[str, Any] = {}
        for key, v in item.items():
            name = _term(key, fmt) if isinstance(key, int) else key
            if name in result:
                raise _MalformedError(f"duplicate key {name!r}")
            if isinstance(v, Tagged) and v.tag == TAG_BASE64URL and fmt.derive:
                if name != "salt" or not isinstance(v.value, bytes) or not 6 <= len(v.value) <= 48:
                    raise _MalformedError("base64url value out of place")
                result[name] = base64.urlsafe_b64encode(v.value).decode("ascii")
            elif isinstance(v, Tagged) and v.tag == TAG_DERIVED and fmt.derive:
                rule = v.value
                if type(rule) is not int or not 0 <= rule < len(_RULES):
                    raise _MalformedError("unknown rebuild rule")
                if _RULES[rule][0] != name or pending is None:
                    raise _MalformedError(f"rebuild rule {rule} does not apply to {name!r}")
                result[name] = _Derived(rule)
                pending.append((result, name))
            else:
                result[name] = _from_tree(v, depth + 1, fmt, pending)
        return result
    if isinstance(item, Tagged):
        return _expand_string(item, fmt, allow=fmt.tags)
    raise _MalformedError("byte string outside a tag")


# --------------------------------------------------------------------------- bytes and text


@cache
def compression_dictionary() -> bytes:
    """The frozen SP1 DEFLATE preset dictionary (phrases, then a CBOR skeleton). Read only."""
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


# The SP2 zstd dictionary: content and entropy tables trained on credentials the builders make
# (tools/train_qr_dictionary.py; skillpass/qr/data/README.md). It IS the format: a changed byte
# would misread every printed code, so its SHA-256 is checked before first use.
SP2_DICTIONARY_FILE = "sp2-dictionary.zstd"
SP2_DICTIONARY_SHA256 = "403d385f2bb2bae73d63b40266285d5580bc49200b7eb2682be7acf2a9fb6a43"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_ZSTD_DESCRIPTOR = 0x00
_ZSTD_LEVEL = 19
_ZSTD_WINDOW_LOG = 17


@cache
def sp2_dictionary_bytes() -> bytes:
    """The frozen SP2 zstd dictionary, checked against its SHA-256."""
    data = resources.files("skillpass.qr").joinpath("data", SP2_DICTIONARY_FILE).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SP2_DICTIONARY_SHA256:
        raise RuntimeError(
            f"the SP2 QR dictionary is damaged (SHA-256 {digest}): reinstall SkillPass"
        )
    return data


@cache
def _sp2_dictionary() -> pyzstd.ZstdDict:
    return pyzstd.ZstdDict(sp2_dictionary_bytes())


def _zstd_compress(body: bytes) -> bytes:
    options: dict[int, int] = {
        pyzstd.CParameter.compressionLevel: _ZSTD_LEVEL,
        pyzstd.CParameter.contentSizeFlag: 0,
        pyzstd.CParameter.checksumFlag: 0,
        pyzstd.CParameter.dictIDFlag: 0,
        # The decoder refuses larger windows (memory bound); 128 KiB covers the dictionary
        # and the largest body it accepts.
        pyzstd.CParameter.windowLog: _ZSTD_WINDOW_LOG,
    }
    # A digested dictionary is loaded once, not at every call (8 ms -> 2 ms).
    frame = pyzstd.compress(body, options, _sp2_dictionary().as_digested_dict)
    if not frame.startswith(_ZSTD_MAGIC):
        raise AssertionError("zstd frame without its magic number")
    # A magicless frame, and without its descriptor byte too: with these parameters it is
    # always 0x00 (no content size, checksum or dictionary id), so it says nothing either.
    if frame[len(_ZSTD_MAGIC)] != _ZSTD_DESCRIPTOR:
        raise AssertionError("unexpected zstd frame header descriptor")
    return frame[len(_ZSTD_MAGIC) + 1 :]


def to_payload(doc: dict[str, Any], fmt: _Format = SP2) -> tuple[bytes, bytes]:
    """The compact CBOR of ``doc`` and the payload bytes (header + body + blobs) base45 carries.

    ``fmt`` is SP2 (what :func:`encode_text` writes) or SP1 (kept for tests and comparisons).
    """
    if not isinstance(doc, dict):
        raise TypeError(f"expected a JSON object (dict), not {type(doc).__name__}")
    blobs: dict[bytes, int] = {}
    body = _cbor.dumps(_externalize(_to_tree(doc, 0, fmt), blobs))
    area = b"".join(blobs)
    if fmt is SP1:
        deflater = zlib.compressobj(level=9, wbits=-15, memLevel=9, zdict=compression_dictionary())
        packed = deflater.compress(body) + deflater.flush()
    else:
        packed = _zstd_compress(body)
    if len(packed) < len(body):
        return body, bytes([HEADER_COMPRESSED]) + packed + area
    return body, bytes([HEADER_CBOR]) + body + area


# Binary values (keys, signatures, UUIDs, hashes) are random bytes: inside the compressed
# stream they would only widen its entropy codes for text, so they travel after it, as they are.
# In the CBOR a binary tag holds a reference instead: n >= 0 takes the next n bytes of the blob
# area, -1-k repeats the k-th blob (a did:key appears as issuer and in the proof's key id).
_BLOB_TAGS = frozenset(
    {
        TAG_BASE58,
        TAG_DID_KEY_VM,
        TAG_UUID,
        TAG_HEX,
        TAG_BASE64URL,
        TAG_ED25519,
        TAG_DID_KEY_ED25519_VM,
    }
)


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


def binary_bytes(doc: dict[str, Any]) -> int:
    """How many bytes of ``doc``'s SP2 payload are binary values carried outside compression."""
    blobs: dict[bytes, int] = {}
    _externalize(_to_tree(doc, 0, SP2), blobs)
    return sum(len(blob) for blob in blobs)


def encode_text(doc: dict[str, Any]) -> str:
    """``doc`` as SP2 QR text, with no size budget applied."""
    return PREFIX + b45encode(to_payload(doc)[1])


def encode_text_sp1(doc: dict[str, Any]) -> str:
    """``doc`` as SP1 QR text (the previous format; for comparisons and tests)."""
    return "SP1:" + b45encode(to_payload(doc, SP1)[1])


_PREFIX_RE = re.compile(r"SP(\d{1,4}):")


def decode_text(text: str) -> dict[str, Any]:
    """Parse SP2 or SP1 QR text back into the identical JSON object; only SkillpassErrors
    escape."""
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
    version = int(match.group(1))
    if version not in READABLE_VERSIONS:
        raise ParsingError(
            f"QR format version SP{match.group(1)} is not supported by this version of"
            " SkillPass (it reads SP1 and SP2); update SkillPass to read it",
            code="qr_unsupported_version",
        )
    fmt = SP2 if version == 2 else SP1
    try:
        payload = b45decode(text[match.end() :])
    except ValueError as exc:
        raise ParsingError(f"QR text is not valid base45: {exc}", code="qr_malformed") from None
    if not payload:
        raise ParsingError("QR text carries no data", code="qr_malformed")
    header, data = payload[0], payload[1:]
    cbor_tags = fmt.tags | ({TAG_DERIVED, TAG_BASE64URL} if fmt.derive else set())
    try:
        if header == HEADER_COMPRESSED:
            body, area = _inflate(data) if fmt is SP1 else _unzstd(data)
            tree = _cbor.loads(body, allowed_tags=cbor_tags, max_depth=MAX_NESTING + 4)
        elif header == HEADER_CBOR:
            tree, end = _cbor.loads_prefix(data, allowed_tags=cbor_tags, max_depth=MAX_NESTING + 4)
            area = data[end:]
        else:
            raise ParsingError(
                f"unknown SP{version} payload header 0x{header:02x}", code="qr_malformed"
            )
        if not isinstance(tree, dict):
            raise _MalformedError("the document is not a JSON object")
        reader = _BlobReader(area)
        tree = reader.internalize(tree)
        if reader.pos != len(area):
            raise _MalformedError(f"{len(area) - reader.pos} bytes of trailing data")
        pending: list[tuple[dict[str, Any], str]] = []
        doc = _from_tree(tree, 0, fmt, pending)
        if not isinstance(doc, dict):  # _from_tree keeps the object it was given
            raise _MalformedError("the document is not a JSON object")
        _resolve(pending, doc)
    except (_cbor.CBORDecodeError, _MalformedError) as exc:
        raise ParsingError(f"QR payload is malformed: {exc}", code="qr_malformed") from None
    return doc


def _too_large() -> RangeError:
    return RangeError(
        f"QR payload decompresses to more than {MAX_DECOMPRESSED} bytes",
        code="qr_too_large_decompressed",
    )


def _inflate(data: bytes) -> tuple[bytes, bytes]:
    """The inflated DEFLATE stream at the start of ``data``, and the bytes after it."""
    inflater = zlib.decompressobj(wbits=-15, zdict=compression_dictionary())
    try:
        # max_length bounds memory and time: a bomb stops after MAX_DECOMPRESSED + 1 bytes.
        out = inflater.decompress(data, MAX_DECOMPRESSED + 1)
    except zlib.error as exc:
        raise ParsingError(f"QR payload does not decompress: {exc}", code="qr_malformed") from None
    if len(out) > MAX_DECOMPRESSED:
        raise _too_large()
    if not inflater.eof:
        raise ParsingError("QR payload is truncated", code="qr_malformed")
    return out, inflater.unused_data


def _unzstd(data: bytes) -> tuple[bytes, bytes]:
    """The decompressed magicless zstd frame at the start of ``data``, and the bytes after it."""
    # The window limit bounds the decoder's memory whatever the frame header claims.
    decompressor = pyzstd.ZstdDecompressor(
        _sp2_dictionary(), {pyzstd.DParameter.windowLogMax: _ZSTD_WINDOW_LOG}
    )
    try:
        # max_length bounds memory and time: a bomb stops after MAX_DECOMPRESSED + 1 bytes.
        out = decompressor.decompress(
            _ZSTD_MAGIC + bytes([_ZSTD_DESCRIPTOR]) + data, MAX_DECOMPRESSED + 1
        )
    except pyzstd.ZstdError as exc:
        raise ParsingError(f"QR payload does not decompress: {exc}", code="qr_malformed") from None
    if len(out) > MAX_DECOMPRESSED:
        raise _too_large()
    if not decompressor.eof:
        raise ParsingError("QR payload is truncated", code="qr_malformed")
    return out, decompressor.unused_data
