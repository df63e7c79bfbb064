"""Bitstring Status List v1.0 encoding, entries, list credentials and status lookup."""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .._dates import format_datetime
from ..errors import MalformedValueError, ParsingError, RangeError

__all__ = [
    "DEFAULT_MAX_DECODED_BYTES",
    "MIN_ENTRIES",
    "REVOCATION_AND_SUSPENSION_MESSAGES",
    "Bitstring",
    "StatusResult",
    "build_status_entry",
    "build_status_list_credential",
    "decode_encoded_list",
    "encode_bitstring",
    "read_status",
]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
# Spec §2.1: a list holds at least 131,072 entries (16 KiB for one-bit entries), for group privacy.
MIN_ENTRIES = 131_072
# A decoded list larger than this is refused: a hostile list must not exhaust memory.
DEFAULT_MAX_DECODED_BYTES = 16 * 1024 * 1024
_MAX_STATUS_SIZE = 8
_PURPOSES = frozenset({"revocation", "suspension", "message", "refresh"})
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_INDEX = re.compile(r"^(0|[1-9][0-9]{0,15})$")

#: The ``statusMessage`` of SkillPass's two-bit revocation-and-suspension entries (see the
#: package docstring): bit 1 is "revoked", bit 0 is "suspended".
REVOCATION_AND_SUSPENSION_MESSAGES: tuple[Mapping[str, str], ...] = (
    {"status": "0x0", "message": "valid"},
    {"status": "0x1", "message": "suspended"},
    {"status": "0x2", "message": "revoked"},
    {"status": "0x3", "message": "revoked"},
)


class Bitstring:
    """A status bitstring of ``entries`` entries of ``status_size`` bits each (all 0 at first).

    Index 0 is the left-most bit of the first byte, as the specification orders them.
    """

    __slots__ = ("_bits", "entries", "status_size")

    def __init__(self, entries: int = MIN_ENTRIES, *, status_size: int = 1) -> None:
        if not 1 <= status_size <= _MAX_STATUS_SIZE:
            raise ValueError(f"status_size must be 1..{_MAX_STATUS_SIZE}")
        if entries < 1:
            raise ValueError("a bitstring needs at least one entry")
        self.entries = entries
        self.status_size = status_size
        self._bits = bytearray((entries * status_size + 7) // 8)

    @classmethod
    def from_bytes(cls, data: bytes, *, status_size: int = 1) -> Bitstring:
        """A bitstring over raw (uncompressed) bytes; trailing bits that do not fill an entry
        are ignored."""
        entries = len(data) * 8 // status_size
        if entries < 1:
            raise RangeError("the status list is empty", code="status_list_too_short")
        bitstring = cls(entries, status_size=status_size)
        bitstring._bits[:] = data[: len(bitstring._bits)]
        return bitstring

    @classmethod
    def decode(
        cls,
        encoded: str,
        *,
        status_size: int = 1,
        max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
    ) -> Bitstring:
        """Decode an ``encodedList`` value (see :func:`decode_encoded_list`)."""
        raw = decode_encoded_list(encoded, max_decoded_bytes=max_decoded_bytes)
        return cls.from_bytes(raw, status_size=status_size)

    def _check(self, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError("a status index is an int")
        if not 0 <= index < self.entries:
            raise RangeError(
                f"status index {index} is outside the list (0..{self.entries - 1})",
                code="status_index_out_of_range",
            )

    def get(self, index: int) -> int:
        """The status value at ``index`` (0 .. 2**status_size - 1)."""
        self._check(index)
        value = 0
        start = index * self.status_size
        for bit in range(start, start + self.status_size):
            value = (value << 1) | ((self._bits[bit >> 3] >> (7 - (bit & 7))) & 1)
        return value

    def set(self, index: int, value: int) -> None:
        """Set the status value at ``index``."""
        self._check(index)
        if not 0 <= value < (1 << self.status_size):
            raise ValueError(
                f"a {self.status_size}-bit status value must be < {1 << self.status_size}"
            )
        start = index * self.status_size
        for offset in range(self.status_size):
            bit = start + offset
            mask = 1 << (7 - (bit & 7))
            if (value >> (self.status_size - 1 - offset)) & 1:
                self._bits[bit >> 3] |= mask
            else:
                self._bits[bit >> 3] &= ~mask & 0xFF

    def to_bytes(self) -> bytes:
        """The raw, uncompressed bitstring."""
        return bytes(self._bits)

    def encode(self) -> str:
        """The ``encodedList`` value: GZIP, then multibase base64url without padding."""
        return encode_bitstring(self.to_bytes())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Bitstring):
            return NotImplemented
        return (self.entries, self.status_size, self._bits) == (
            other.entries,
            other.status_size,
            other._bits,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Bitstring(entries={self.entries}, status_size={self.status_size})"


def encode_bitstring(raw: bytes) -> str:
    """GZIP-compress ``raw`` and encode it as multibase base64url without padding (``u…``).

    The GZIP header's time is fixed at 0, so equal lists encode to equal strings (stable ETags).
    """
    compressed = gzip.compress(raw, compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_encoded_list(
    encoded: object, *, max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES
) -> bytes:
    """Decode an ``encodedList``: multibase base64url (``u`` prefix), then GZIP, with the
    decompressed size bounded by ``max_decoded_bytes`` (a zip bomb is refused, not expanded)."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ParsingError(
            "encodedList must be a multibase base64url string (prefix 'u')",
            code="invalid_encoded_list",
        )
    body = encoded[1:]
    if not _B64URL.match(body) or len(body) % 4 == 1:
        raise ParsingError("encodedList is not unpadded base64url", code="invalid_encoded_list")
    # Compressed data cannot be much smaller than 1/1032 of its output (deflate's best ratio).
    if len(body) * 3 // 4 > max_decoded_bytes:
        raise RangeError("encodedList is too large", code="status_list_too_large")
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ParsingError(
            "encodedList is not unpadded base64url", code="invalid_encoded_list"
        ) from exc
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP framing only
    try:
        raw = inflater.decompress(compressed, max_decoded_bytes + 1)
    except zlib.error as exc:
        raise ParsingError(
            f"encodedList is not GZIP data: {exc}", code="invalid_encoded_list"
        ) from exc
    if len(raw) > max_decoded_bytes:
        raise RangeError(
            f"the decoded status list exceeds {max_decoded_bytes} bytes",
            code="status_list_too_large",
        )
    if not inflater.eof or inflater.unused_data:
        raise ParsingError(
            "encodedList is truncated or has trailing data", code="invalid_encoded_list"
        )
    return raw


def build_status_entry(
    list_url: str,
    index: int,
    purpose: str = "revocation",
    *,
    status_size: int = 1,
    messages: Sequence[Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """A ``BitstringStatusListEntry`` for ``index`` of the list credential at ``list_url``.

    For ``statusSize`` > 1 the purpose must be ``"message"`` and ``messages`` gives one
    ``{"status": "0x…", "message": …}`` per possible value; use
    :data:`REVOCATION_AND_SUSPENSION_MESSAGES` for SkillPass's revocation-and-suspension entry.
    """
    if purpose not in _PURPOSES:
        raise MalformedValueError(f"unknown statusPurpose {purpose!r}", code="invalid_status_entry")
    if index < 0:
        raise RangeError("a status index is not negative", code="status_index_out_of_range")
    entry: dict[str, Any] = {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
    if status_size != 1:
        if purpose != "message" or messages is None or len(messages) != 1 << status_size:
            raise MalformedValueError(
                "an entry of more than one bit needs statusPurpose 'message' and one "
                "statusMessage per value",
                code="invalid_status_entry",
            )
        entry["statusSize"] = status_size
        entry["statusMessage"] = [dict(m) for m in messages]
    elif messages is not None:
        entry["statusMessage"] = [dict(m) for m in messages]
    return entry


def build_status_list_credential(
    list_url: str,
    *,
    issuer: str,
    bitstring: Bitstring,
    purpose: str = "revocation",
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    ttl_ms: int | None = None,
) -> dict[str, Any]:
    """The unsigned VCDM 2.0 ``BitstringStatusListCredential`` publishing ``bitstring``.

    Sign it with :func:`skillpass.sign_credential` using the issuer's key. ``ttl_ms`` tells
    verifiers how long (milliseconds) they may cache it.
    """
    if purpose not in _PURPOSES:
        raise MalformedValueError(f"unknown statusPurpose {purpose!r}", code="invalid_status_entry")
    if bitstring.entries < MIN_ENTRIES:
        raise RangeError(
            f"a status list holds at least {MIN_ENTRIES} entries", code="status_list_too_short"
        )
    subject: dict[str, Any] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": bitstring.encode(),
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    credential: dict[str, Any] = {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": format_datetime(valid_from or datetime.now(UTC)),
        "credentialSubject": subject,
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    return credential


@dataclass(frozen=True, slots=True)
class StatusResult:
    """A credential's status as one list credential states it.

    ``value`` is the raw status; ``set`` is ``value != 0``; ``message`` is the entry's
    ``statusMessage`` text for that value, if any. For SkillPass's revocation-and-suspension
    entries, ``revoked``/``suspended`` decode the two bits.
    """

    purpose: str
    index: int
    value: int
    message: str | None

    @property
    def set(self) -> bool:
        """True when the status bit(s) are not all zero."""
        return self.value != 0

    @property
    def revoked(self) -> bool:
        """True when this status means the credential is revoked."""
        if self.purpose == "revocation":
            return self.value != 0
        return self.purpose == "message" and self.message == "revoked"

    @property
    def suspended(self) -> bool:
        """True when this status means the credential is suspended (and not revoked)."""
        if self.purpose == "suspension":
            return self.value != 0
        return self.purpose == "message" and self.message == "suspended"


def _value_at(raw: bytes, index: int, size: int) -> int:
    """What ``Bitstring.from_bytes(raw, status_size=size).get(index)`` gives, without copying
    ``raw`` (up to 16 MB) for each entry read."""
    entries = len(raw) * 8 // size
    if not 0 <= index < entries:
        raise RangeError(
            f"status index {index} is outside the list (0..{entries - 1})",
            code="status_index_out_of_range",
        )
    value = 0
    for bit in range(index * size, index * size + size):
        value = (value << 1) | ((raw[bit >> 3] >> (7 - (bit & 7))) & 1)
    return value


def _types(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else [value]


def read_status(
    entry: Mapping[str, Any],
    list_credential: Mapping[str, Any],
    *,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
) -> StatusResult:
    """Read the status an entry points at from its (already verified) list credential.

    This checks that the list credential is the one the entry names, that its purpose matches,
    and that the list is long enough (spec §3.2); it does NOT check the list credential's proof
    or dates: verify it with :func:`skillpass.verify_credential` first.
    """
    return _read_status_with(
        entry,
        list_credential,
        lambda encoded: decode_encoded_list(encoded, max_decoded_bytes=max_decoded_bytes),
    )


def _read_status_with(
    entry: Mapping[str, Any],
    list_credential: Mapping[str, Any],
    decode: Callable[[object], bytes],
) -> StatusResult:
    """:func:`read_status` with the list's ``encodedList`` decoded by ``decode`` (a checker
    that reads many entries of one list decodes it once, not once per entry)."""
    if not isinstance(entry, Mapping) or "BitstringStatusListEntry" not in _types(
        entry.get("type")
    ):
        raise MalformedValueError(
            "credentialStatus is not a BitstringStatusListEntry", code="invalid_status_entry"
        )
    purpose = entry.get("statusPurpose")
    raw_index = entry.get("statusListIndex")
    list_url = entry.get("statusListCredential")
    size = entry.get("statusSize", 1)
    if not isinstance(purpose, str) or purpose not in _PURPOSES:
        raise MalformedValueError(f"unknown statusPurpose {purpose!r}", code="invalid_status_entry")
    if not isinstance(raw_index, str) or not _INDEX.match(raw_index):
        raise MalformedValueError(
            "statusListIndex must be a string holding a non-negative integer",
            code="invalid_status_entry",
        )
    if not isinstance(list_url, str) or not list_url:
        raise MalformedValueError("statusListCredential must be a URL", code="invalid_status_entry")
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= _MAX_STATUS_SIZE:
        raise MalformedValueError(
            f"statusSize must be an integer 1..{_MAX_STATUS_SIZE}", code="invalid_status_entry"
        )
    messages = entry.get("statusMessage")
    if size > 1 and (not isinstance(messages, list) or len(messages) != 1 << size):
        raise MalformedValueError(
            "an entry with statusSize > 1 needs one statusMessage per possible value",
            code="invalid_status_entry",
        )
    if not isinstance(list_credential, Mapping) or list_credential.get("id") != list_url:
        raise MalformedValueError(
            "the status list credential is not the one the entry names",
            code="status_list_mismatch",
        )
    if "BitstringStatusListCredential" not in _types(list_credential.get("type")):
        raise MalformedValueError(
            "the status list is not a BitstringStatusListCredential",
            code="invalid_status_list",
        )
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or "BitstringStatusList" not in _types(subject.get("type")):
        raise MalformedValueError(
            "the status list's subject is not a BitstringStatusList", code="invalid_status_list"
        )
    if purpose not in _types(subject.get("statusPurpose")):
        raise MalformedValueError(
            f"the status list is not for statusPurpose {purpose!r}",
            code="status_purpose_mismatch",
        )
    raw = decode(subject.get("encodedList"))
    if len(raw) * 8 < MIN_ENTRIES * size:
        raise RangeError(
            f"the status list is shorter than {MIN_ENTRIES} entries",
            code="status_list_too_short",
        )
    index = int(raw_index)
    value = _value_at(raw, index, size)
    message: str | None = None
    if isinstance(messages, list):
        wanted = f"0x{value:x}"
        for item in messages:
            if (
                isinstance(item, Mapping)
                and isinstance(item.get("status"), str)
                and item["status"].lower() == wanted
                and isinstance(item.get("message"), str)
            ):
                message = item["message"]
                break
    return StatusResult(purpose=purpose, index=index, value=value, message=message)
