"""Trust lists: which issuers an accreditation authority accredits, for which framework levels,
with which keys over which periods (not public API; see ``verifier``).

The record of each accredited issuer follows the W3C Credentials Community Group's *Verifiable
Credentials for Recognition* (formerly "Verifiable Issuers and Verifiers") model: a recognised
entity (``id``, ``name``, country) and what it is recognised to do (here: award levels of named
qualification frameworks), over a period. SkillPass never fetches JSON-LD contexts and no pinned
context defines that vocabulary, so the signed list is an Open Badges 3.0
``EndorsementCredential`` by the authority whose one ``EndorsementSubject`` carries the records
as canonical JSON text in ``endorsementComment``: every byte is covered by the proof, and the
verifier parses it strictly (see README, "Verifier").
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import skillpass
from skillpass.errors import MalformedValueError

from ._time import stamp, utc

__all__ = [
    "TRUST_LIST_TYPE",
    "Accreditation",
    "KeyRecord",
    "ListedIssuer",
    "TrustList",
    "level_in_range",
]

TRUST_LIST_TYPE = "SkillPassTrustList"
_VERSION = 1
_OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
_V2 = "https://www.w3.org/ns/credentials/v2"
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_DID = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]*[A-Za-z0-9._%-]$")
_MAX_TEXT = 300
_NUMBER = re.compile(r"[0-9]{1,2}")


def _bad(message: str, path: str | None = None) -> MalformedValueError:
    return MalformedValueError(message, code="invalid_trust_list", path=path)


def _text(value: Any, name: str, path: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_TEXT:
        raise _bad(f"{name} must be a non-empty string of at most {_MAX_TEXT} characters", path)
    if skillpass.printable(value) != value:
        raise _bad(f"{name} contains control characters", path)
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate (from a "\ud800" escape, or a non-UTF-8 command-line argument)
            # could be read but never written back: the list file could not be saved.
            raise _bad(f"{name} is not valid Unicode text", path) from None
    return value


def _date(value: Any, name: str, path: str) -> datetime | None:
    if value is None:
        return None
    try:
        return utc(value, name)
    except skillpass.SkillpassError as exc:
        raise _bad(f"{name}: {exc.message}", path) from None


def _stamp(when: datetime | None) -> str | None:
    return None if when is None else stamp(when)


def _did(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _DID.match(value) or len(value) > 2000:
        raise _bad(f"{value!r} is not a DID", path)
    return value


def _check_keys(data: Any, allowed: set[str], path: str) -> None:
    if not isinstance(data, Mapping):
        raise _bad("expected a JSON object", path)
    extra = sorted(set(data) - allowed)
    if extra:
        # A misspelt field would silently weaken a rule: refuse it.
        raise _bad(f"unknown field(s) {', '.join(extra)}", path)


def _level_labels(framework: str) -> tuple[str, ...] | None:
    """The level labels of a known framework in order, or None for one SkillPass lacks."""
    from skillpass.frameworks import get_framework

    try:
        return tuple(level.label for level in get_framework(framework).levels)
    except skillpass.SkillpassError:
        return None


def _parse_levels(framework: str, text: str, path: str) -> tuple[str, ...]:
    """``"1-5"``, ``"4"``, ``"1,3,5"`` or ``"E1-E3"`` → the level labels they cover."""
    if not isinstance(text, str) or not text.strip():
        raise _bad("levels must be a range like 1-5, one level, or a comma-separated list", path)
    _text(text, "levels", path)  # bounded: every part of "1-99,1-99,…" expands to 99 labels
    order = _level_labels(framework)
    out: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if order is not None and part in order:
            out.append(part)
            continue
        low, sep, high = part.partition("-")
        if sep and order is not None:
            if low not in order or high not in order or order.index(low) > order.index(high):
                raise _bad(
                    f"{part!r} is not a range of {framework} levels (levels: {', '.join(order)})",
                    path,
                )
            out.extend(order[order.index(low) : order.index(high) + 1])
        elif sep and _NUMBER.fullmatch(low) and _NUMBER.fullmatch(high) and int(low) <= int(high):
            # ASCII digits only: str.isdigit() accepts "²", which int() refuses.
            out.extend(str(n) for n in range(int(low), int(high) + 1))
        elif order is not None:
            raise _bad(f"{framework} has no level {part!r} (levels: {', '.join(order)})", path)
        elif part and not sep:
            out.append(part)
        else:
            raise _bad(f"{part!r} is not a level range", path)
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True, slots=True)
class Accreditation:
    """An issuer may award these ``levels`` (labels) of ``framework`` (e.g. ``PH-PQF``).

    ``text`` is the range as written (``"1-5"``); ``levels`` every label it covers.
    """

    framework: str
    text: str
    levels: tuple[str, ...]

    @classmethod
    def parse(cls, framework: str, levels: str, *, path: str = "") -> Accreditation:
        """Read ``--framework PH-PQF --levels 1-5`` (checked against the framework's table)."""
        name = _text(framework, "framework", path + "/framework")
        assert name is not None
        return cls(name, levels, _parse_levels(name, levels, path + "/levels"))

    def to_json(self) -> dict[str, Any]:
        return {"framework": self.framework, "levels": self.text}


def level_in_range(accreditations: Iterable[Accreditation], framework: str, level: str) -> bool:
    """Whether one of ``accreditations`` covers ``level`` of ``framework``."""
    return any(a.framework == framework and level in a.levels for a in accreditations)


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """One signing key of an accredited issuer, pinned by its public key, and its history.

    * ``valid_from`` / ``valid_until``: the period the key may sign in (a rotated key gets a
      ``valid_until``; what it signed before stays valid).
    * ``compromised``: the key is known to be compromised from this instant; anything it signed
      with a later signed date is invalid.
    """

    id: str
    public_key_multibase: str
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    compromised: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "publicKeyMultibase": self.public_key_multibase}
        for name, value in (
            ("validFrom", self.valid_from),
            ("validUntil", self.valid_until),
            ("compromised", self.compromised),
        ):
            if value is not None:
                out[name] = _stamp(value)
        return out

    @classmethod
    def from_json(cls, data: Any, path: str) -> KeyRecord:
        _check_keys(
            data, {"id", "publicKeyMultibase", "validFrom", "validUntil", "compromised"}, path
        )
        vm = data.get("id")
        if not isinstance(vm, str) or "#" not in vm or not _DID.match(vm.partition("#")[0]):
            raise _bad("a key id is a verification method URL (did:…#key)", path + "/id")
        try:
            public = skillpass.PublicKey.from_multibase(data.get("publicKeyMultibase")).multibase
        except skillpass.SkillpassError as exc:
            raise _bad(f"publicKeyMultibase: {exc.message}", path + "/publicKeyMultibase") from None
        return cls(
            vm,
            public,
            _date(data.get("validFrom"), "validFrom", path + "/validFrom"),
            _date(data.get("validUntil"), "validUntil", path + "/validUntil"),
            _date(data.get("compromised"), "compromised", path + "/compromised"),
        )


@dataclass(frozen=True, slots=True)
class ListedIssuer:
    """One accredited issuer: its DID, its registered name and country, the framework levels it
    may award, the period of its accreditation and (optionally) its pinned keys."""

    id: str
    name: str
    country: str
    accreditations: tuple[Accreditation, ...]
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    keys: tuple[KeyRecord, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "country": self.country,
            "accreditations": [a.to_json() for a in self.accreditations],
        }
        if self.valid_from is not None:
            out["validFrom"] = _stamp(self.valid_from)
        if self.valid_until is not None:
            out["validUntil"] = _stamp(self.valid_until)
        if self.keys:
            out["keys"] = [k.to_json() for k in self.keys]
        return out

    @classmethod
    def from_json(cls, data: Any, path: str) -> ListedIssuer:
        allowed = {"id", "name", "country", "accreditations", "validFrom", "validUntil", "keys"}
        _check_keys(data, allowed, path)
        country = data.get("country")
        if not isinstance(country, str) or not _COUNTRY.match(country):
            raise _bad("country is an ISO 3166-1 alpha-2 code (e.g. PH)", path + "/country")
        accreditations = data.get("accreditations")
        if not isinstance(accreditations, list) or not accreditations:
            raise _bad("an issuer needs at least one accreditation", path + "/accreditations")
        parsed = []
        for i, item in enumerate(accreditations):
            where = f"{path}/accreditations/{i}"
            _check_keys(item, {"framework", "levels"}, where)
            parsed.append(
                Accreditation.parse(item.get("framework"), item.get("levels"), path=where)
            )
        keys = data.get("keys", [])
        if not isinstance(keys, list):
            raise _bad("keys is a list", path + "/keys")
        name = _text(data.get("name"), "name", path + "/name")
        assert name is not None
        listed = cls(
            _did(data.get("id"), path + "/id"),
            name,
            country,
            tuple(parsed),
            _date(data.get("validFrom"), "validFrom", path + "/validFrom"),
            _date(data.get("validUntil"), "validUntil", path + "/validUntil"),
            tuple(KeyRecord.from_json(k, f"{path}/keys/{i}") for i, k in enumerate(keys)),
        )
        for i, key in enumerate(listed.keys):
            if key.id.partition("#")[0] != listed.id:
                raise _bad(f"key {key.id} is not a key of {listed.id}", f"{path}/keys/{i}/id")
        return listed


@dataclass(frozen=True, slots=True)
class TrustList:
    """An accreditation authority's list of accredited issuers (the unsigned list file).

    Edit it with :meth:`with_issuer` / :meth:`without_issuer`, save :meth:`to_json`, and sign it
    with :meth:`sign`; :meth:`from_credential` reads a signed list back (verify it first).
    """

    name: str = "SkillPass trust list"
    issuers: tuple[ListedIssuer, ...] = field(default=())

    def with_issuer(self, issuer: ListedIssuer) -> TrustList:
        """This list with ``issuer`` added, or replacing the entry of the same DID."""
        others = tuple(i for i in self.issuers if i.id != issuer.id)
        return replace(self, issuers=(*others, issuer))

    def without_issuer(self, did: str) -> TrustList:
        """This list without the issuer ``did`` (refused if it is not listed)."""
        if not any(i.id == did for i in self.issuers):
            raise MalformedValueError(f"{did} is not in the trust list", code="issuer_not_listed")
        return replace(self, issuers=tuple(i for i in self.issuers if i.id != did))

    def get(self, did: str) -> ListedIssuer | None:
        """The entry of ``did``, if listed."""
        return next((i for i in self.issuers if i.id == did), None)

    def to_json(self) -> dict[str, Any]:
        """The list file (unsigned)."""
        return {
            "type": TRUST_LIST_TYPE,
            "version": _VERSION,
            "name": self.name,
            "issuers": [i.to_json() for i in self.issuers],
        }

    @classmethod
    def from_json(cls, data: Any) -> TrustList:
        """Read a list file; every field is checked (``invalid_trust_list`` with a path)."""
        _check_keys(data, {"type", "version", "name", "issuers"}, "")
        if data.get("type") != TRUST_LIST_TYPE or data.get("version") != _VERSION:
            raise _bad(f"not a {TRUST_LIST_TYPE} of version {_VERSION}", "/type")
        issuers = data.get("issuers")
        if not isinstance(issuers, list):
            raise _bad("issuers is a list", "/issuers")
        parsed = tuple(
            ListedIssuer.from_json(item, f"/issuers/{i}") for i, item in enumerate(issuers)
        )
        if len({i.id for i in parsed}) != len(parsed):
            raise _bad("an issuer is listed twice", "/issuers")
        name = _text(data.get("name"), "name", "/name")
        assert name is not None
        return cls(name, parsed)

    def sign(
        self,
        key: skillpass.KeyPair,
        *,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
        list_id: str | None = None,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """The trust-list credential: this list, signed by the authority's ``key``."""
        when = now or datetime.now(UTC)
        credential: dict[str, Any] = {
            "@context": [_V2, _OB_CONTEXT],
            "id": list_id or f"urn:uuid:{uuid.uuid4()}",
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "name": self.name,
            "issuer": key.did,
            "validFrom": _stamp(valid_from or when),
            "credentialSubject": {
                "id": key.did,
                "type": ["EndorsementSubject"],
                "endorsementComment": json.dumps(
                    self.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":")
                ),
            },
        }
        if valid_until is not None:
            credential["validUntil"] = _stamp(valid_until)
        return skillpass.sign_credential(credential, key, now=when)

    @classmethod
    def from_credential(cls, credential: Mapping[str, Any]) -> TrustList:
        """The list a trust-list credential carries (its signature is checked elsewhere)."""
        if "EndorsementCredential" not in skillpass.types_of(dict(credential)):
            raise _bad("not a trust-list credential (an EndorsementCredential)", "/type")
        subject = credential.get("credentialSubject")
        # Exactly the fields the list uses, so no second spelling of a field can hide a value.
        _check_keys(subject, {"id", "type", "endorsementComment"}, "/credentialSubject")
        text = subject.get("endorsementComment") if isinstance(subject, Mapping) else None
        if not isinstance(text, str):
            raise _bad("the credential carries no trust list", "/credentialSubject")
        try:
            data = skillpass.parse_json(text, what="the trust list")
        except skillpass.SkillpassError as exc:
            raise _bad(exc.message, "/credentialSubject/endorsementComment") from None
        return cls.from_json(data)
