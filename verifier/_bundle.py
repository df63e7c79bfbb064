"""Trust bundles: everything an offline verifier needs, in one dated file (not public API).

A bundle holds the trust anchors (accreditation authorities' DIDs), the trust-list credentials
they signed, the issuers' DID documents and their status-list credentials, each part with the
time it was fetched and how long it may be used (TTL). The bundle itself is not signed: every
part that matters is signed by its own issuer and checked when the bundle is used, so anyone can
build and hand out bundles. Only the anchors must come from someone the verifier trusts (pin
them with ``anchors=`` / ``--anchor`` when the bundle comes from elsewhere).
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import skillpass
from skillpass.errors import MalformedValueError, RangeError, SkillpassError

from ._fetch import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, check_url, did_web_url, fetch_json
from ._files import replace_file
from ._time import stamp, utc

__all__ = ["BUNDLE_TYPE", "BundlePart", "PartKind", "Source", "TrustBundle"]

BUNDLE_TYPE = "SkillPassTrustBundle"
_VERSION = 1
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
MAX_PARTS = 10_000
PartKind = Literal["trust-list", "did-document", "status-list"]
_KINDS: tuple[PartKind, ...] = ("trust-list", "did-document", "status-list")
Source = str | Path | Mapping[str, Any]
"""A part's source: a file path, a URL (fetched only when asked), or the JSON object itself."""


_stamp = stamp


def _bad(message: str, path: str | None = None) -> MalformedValueError:
    return MalformedValueError(message, code="invalid_trust_bundle", path=path)


def _when(value: Any, name: str, path: str) -> datetime:
    try:
        return utc(value, name)
    except SkillpassError as exc:
        raise _bad(exc.message, path) from None


def _seconds(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10 * 365 * 86400:
        raise _bad("ttl is a number of seconds (at most ten years)", path)
    return value


@dataclass(frozen=True, slots=True)
class BundlePart:
    """One document of a bundle, where it came from, when it was fetched, and for how long it
    may be used (``ttl``)."""

    kind: PartKind
    source: str
    fetched_at: datetime
    ttl: timedelta
    document: dict[str, Any]

    @property
    def expires(self) -> datetime:
        return self.fetched_at + self.ttl

    def age(self, now: datetime) -> timedelta:
        return now - self.fetched_at

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "fetchedAt": _stamp(self.fetched_at),
            "ttl": int(self.ttl.total_seconds()),
            "document": self.document,
        }

    @classmethod
    def from_json(cls, data: Any, path: str) -> BundlePart:
        if not isinstance(data, dict) or set(data) != {
            "kind",
            "source",
            "fetchedAt",
            "ttl",
            "document",
        }:
            raise _bad("a part has exactly kind, source, fetchedAt, ttl and document", path)
        kind = data["kind"]
        if kind not in _KINDS:
            raise _bad(f"unknown part kind {kind!r}", path + "/kind")
        if not isinstance(data["source"], str) or len(data["source"]) > 4000:
            raise _bad("source is a string", path + "/source")
        if not isinstance(data["document"], dict):
            raise _bad("document is a JSON object", path + "/document")
        fetched = _when(data["fetchedAt"], "fetchedAt", path + "/fetchedAt")
        ttl = timedelta(seconds=_seconds(data["ttl"], path + "/ttl"))
        if fetched > datetime.max.replace(tzinfo=UTC) - ttl:
            # Its expiry (fetchedAt + ttl) would overflow each time it is checked.
            raise _bad("fetchedAt plus ttl passes the year 9999", path + "/ttl")
        return cls(kind, data["source"], fetched, ttl, data["document"])


def human_age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 120:
        return f"{sign}{seconds} s"
    if seconds < 7200:
        return f"{sign}{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{sign}{seconds // 3600} h"
    return f"{sign}{seconds // 86400} days"


@dataclass(frozen=True)
class TrustBundle:
    """Trust anchors, trust lists, DID documents and status-list snapshots for offline use.

    ``created`` and ``valid_until`` date the whole bundle: past ``valid_until`` it is expired
    and verification says ``unknown`` for trust and status (``trust_bundle_expired``).
    """

    anchors: tuple[str, ...]
    parts: tuple[BundlePart, ...]
    created: datetime
    valid_until: datetime
    framework_tables: str | None = None
    # The verified trust policy and status checker, per set of anchors (see make_policy):
    # checking the lists' signatures once per bundle, not once per credential.
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    # ----------------------------------------------------------------- reading and writing

    @classmethod
    def from_json(cls, data: Any) -> TrustBundle:
        """A bundle from its JSON; every field is checked (``invalid_trust_bundle``)."""
        allowed = {
            "type",
            "version",
            "created",
            "validUntil",
            "anchors",
            "frameworkTables",
            "parts",
        }
        if not isinstance(data, dict) or not set(data) <= allowed:
            raise _bad(
                f"a trust bundle is a JSON object with the fields {', '.join(sorted(allowed))}"
            )
        if data.get("type") != BUNDLE_TYPE or data.get("version") != _VERSION:
            raise _bad(f"not a {BUNDLE_TYPE} of version {_VERSION}", "/type")
        anchors = data.get("anchors")
        if (
            not isinstance(anchors, list)
            or not anchors
            or not all(isinstance(a, str) and a.startswith("did:") for a in anchors)
        ):
            raise _bad("anchors is a non-empty list of DIDs", "/anchors")
        parts = data.get("parts")
        if not isinstance(parts, list) or len(parts) > MAX_PARTS:
            raise _bad(f"parts is a list of at most {MAX_PARTS}", "/parts")
        tables = data.get("frameworkTables")
        if tables is not None and not isinstance(tables, str):
            raise _bad("frameworkTables is a string", "/frameworkTables")
        return cls(
            tuple(anchors),
            tuple(BundlePart.from_json(p, f"/parts/{i}") for i, p in enumerate(parts)),
            _when(data.get("created"), "created", "/created"),
            _when(data.get("validUntil"), "validUntil", "/validUntil"),
            tables,
        )

    @classmethod
    def load(cls, path: str | Path) -> TrustBundle:
        """Read a bundle file (``trust_bundle_unreadable``, ``invalid_trust_bundle``)."""
        try:
            # Non-blocking open: a FIFO put in the bundle's place must not hang the service
            # (it re-reads the file when it changes); only a regular file is read.
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            with open(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    raise MalformedValueError(
                        f"cannot read the trust bundle {path}: not a regular file",
                        code="trust_bundle_unreadable",
                    )
                raw = handle.read(MAX_BUNDLE_BYTES + 1)
        except OSError as exc:
            raise MalformedValueError(
                f"cannot read the trust bundle {path}: {exc.strerror or exc}",
                code="trust_bundle_unreadable",
            ) from None
        if len(raw) > MAX_BUNDLE_BYTES:
            raise RangeError(
                f"the trust bundle {path} is larger than {MAX_BUNDLE_BYTES:,} bytes",
                code="input_too_large",
            )
        # Not the 4 MB default of one document: a bundle gathers many.
        data = skillpass.parse_json(raw, what="the trust bundle", max_bytes=MAX_BUNDLE_BYTES)
        return cls.from_json(data)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": BUNDLE_TYPE,
            "version": _VERSION,
            "created": _stamp(self.created),
            "validUntil": _stamp(self.valid_until),
            "anchors": list(self.anchors),
        }
        if self.framework_tables is not None:
            out["frameworkTables"] = self.framework_tables
        out["parts"] = [p.to_json() for p in self.parts]
        return out

    def save(self, path: str | Path) -> None:
        """Write the bundle (atomically: a verifier never reads half a bundle)."""
        text = json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n"
        if len(text.encode("utf-8")) > MAX_BUNDLE_BYTES:
            # Refused here rather than written and then refused by every verifier.
            raise RangeError(
                f"the trust bundle would be larger than {MAX_BUNDLE_BYTES:,} bytes",
                code="input_too_large",
            )
        replace_file(path, text)

    # ----------------------------------------------------------------- building

    @classmethod
    def build(
        cls,
        *,
        anchors: Iterable[str],
        trust_lists: Iterable[Source] = (),
        did_documents: Iterable[Source] = (),
        status_lists: Iterable[Source] = (),
        fetch: bool = False,
        now: datetime | None = None,
        ttl: timedelta = timedelta(days=7),
        list_ttl: timedelta = timedelta(days=30),
        did_ttl: timedelta = timedelta(days=30),
        status_ttl: timedelta = timedelta(days=1),
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> TrustBundle:
        """Gather the parts into a new bundle.

        Each source is a file path, a JSON object, or (only with ``fetch=True``) an https URL
        (plain http only on loopback). With ``fetch`` the did:web documents of the anchors and
        of every issuer the trust lists name are fetched too. Nothing is verified here: the
        parts are checked each time the bundle is used.
        """
        when = now or datetime.now(UTC)
        anchor_dids = tuple(dict.fromkeys(anchors))
        if not anchor_dids:
            raise MalformedValueError("a trust bundle needs at least one anchor", code="no_anchor")
        for anchor in anchor_dids:
            if not isinstance(anchor, str) or not anchor.startswith("did:"):
                raise MalformedValueError(f"anchor {anchor!r} is not a DID", code="invalid_did")
        parts: list[BundlePart] = []

        def add(kind: PartKind, source: Source, part_ttl: timedelta) -> BundlePart:
            if len(parts) >= MAX_PARTS:
                # Lists name issuers, documents name status lists: what --fetch follows is
                # the sources' say. A bigger bundle could be written but never loaded.
                raise RangeError(
                    f"a trust bundle holds at most {MAX_PARTS:,} parts", code="too_many_parts"
                )
            name, document = _load_source(source, fetch, timeout, max_bytes)
            part = BundlePart(kind, name, when, part_ttl, document)
            parts.append(part)
            return part

        lists = [add("trust-list", s, list_ttl) for s in trust_lists]
        for source in did_documents:
            add("did-document", source, did_ttl)
        for source in status_lists:
            add("status-list", source, status_ttl)
        if fetch:
            have = {p.document.get("id") for p in parts if p.kind == "did-document"}
            wanted = list(anchor_dids)
            from ._trustlist import TrustList

            for part in lists:
                try:
                    wanted += [i.id for i in TrustList.from_credential(part.document).issuers]
                except SkillpassError:
                    continue  # an unreadable list is reported when the bundle is used
            for did in dict.fromkeys(wanted):
                if did.startswith("did:web:") and did not in have:
                    add("did-document", did_web_url(did), did_ttl)
                    have.add(did)
            lists_have = {p.document.get("id") for p in parts if p.kind == "status-list"}
            for part in [p for p in parts if p.kind == "did-document"]:
                for url in _status_list_urls(part.document, timeout, max_bytes):
                    if url not in lists_have:
                        add("status-list", url, status_ttl)
                        lists_have.add(url)
        tables = None
        try:
            from skillpass.frameworks import framework_table_version

            tables = framework_table_version()
        except (ImportError, SkillpassError):
            tables = None
        return cls(anchor_dids, tuple(parts), when, when + ttl, tables)

    # ----------------------------------------------------------------- using

    def of_kind(self, kind: PartKind) -> tuple[BundlePart, ...]:
        return tuple(p for p in self.parts if p.kind == kind)

    def expired(self, now: datetime) -> bool:
        """Whether the bundle is past its ``valid_until``."""
        return now > self.valid_until

    def age(self, now: datetime) -> timedelta:
        return now - self.created

    def did_documents(self) -> dict[str, dict[str, Any]]:
        """The DID documents by DID (a later part replaces an earlier one of the same DID)."""
        out: dict[str, dict[str, Any]] = {}
        for part in self.of_kind("did-document"):
            did = part.document.get("id")
            if isinstance(did, str):
                out[did] = part.document
        return out

    def resolver(self, extra: Iterable[Mapping[str, Any]] = ()) -> skillpass.OfflineResolver:
        """An offline resolver over the bundle's DID documents (and ``extra`` ones)."""
        documents: dict[str, Mapping[str, Any]] = dict(self.did_documents())
        for doc in extra:
            if isinstance(doc.get("id"), str):
                documents[str(doc["id"])] = doc
        return skillpass.OfflineResolver(documents)

    def summary(self, now: datetime | None = None) -> dict[str, Any]:
        """What the bundle holds and how old each part is (``skillpass trust bundle show``)."""
        when = now or datetime.now(UTC)
        from ._policy import BundleTrust

        trust = BundleTrust(self, now=when)
        parts = []
        for part in self.parts:
            entry: dict[str, Any] = {
                "kind": part.kind,
                "source": part.source,
                "id": part.document.get("id"),
                "fetched_at": _stamp(part.fetched_at),
                "age": human_age(part.age(when)),
                "ttl_seconds": int(part.ttl.total_seconds()),
                "fresh": when <= part.expires,
            }
            if part.kind == "trust-list":
                entry["problem"] = trust.rejected.get(part.source)
            parts.append(entry)
        return {
            "created": _stamp(self.created),
            "valid_until": _stamp(self.valid_until),
            "age": human_age(self.age(when)),
            "age_seconds": int(self.age(when).total_seconds()),
            "expired": self.expired(when),
            "anchors": list(self.anchors),
            "framework_tables": self.framework_tables,
            "issuers": [
                {
                    "id": issuer.id,
                    "name": issuer.name,
                    "country": issuer.country,
                    "accreditations": [f"{a.framework} {a.text}" for a in issuer.accreditations],
                    "keys": len(issuer.keys),
                }
                for issuer in trust.issuers()
            ],
            "parts": parts,
        }


MAX_FOLLOWED_LISTS = 1000


def _fetchable(url: object) -> bool:
    try:
        return isinstance(url, str) and "://" in url and check_url(url) == url
    except SkillpassError:
        return False


def _status_list_urls(document: Mapping[str, Any], timeout: float, max_bytes: int) -> list[str]:
    """The status lists an issuer's DID document points to: a ``BitstringStatusListIndex``
    service whose endpoint answers ``{"statusLists": [URL, …]}`` (as the SkillPass issuer
    service publishes)."""
    services = document.get("service")
    urls: list[str] = []
    for service in services if isinstance(services, list) else []:
        if not isinstance(service, Mapping) or service.get("type") != "BitstringStatusListIndex":
            continue
        endpoint = service.get("serviceEndpoint")
        if not isinstance(endpoint, str):
            continue
        index = fetch_json(endpoint, timeout=timeout, max_bytes=max_bytes).document
        found = index.get("statusLists")
        if not isinstance(found, list) or not all(_fetchable(u) for u in found):
            # URLs only: a bare name would be read as a local file (the index is the
            # issuer's say, and a key file must never end up in a bundle).
            raise MalformedValueError(
                f"{endpoint} does not list status-list URLs", code="invalid_status_list_index"
            )
        urls += found
    if len(urls) > MAX_FOLLOWED_LISTS:
        raise RangeError(
            f"the issuers name more than {MAX_FOLLOWED_LISTS} status lists",
            code="too_many_status_lists",
        )
    return urls


def _load_source(
    source: Source, fetch: bool, timeout: float, max_bytes: int
) -> tuple[str, dict[str, Any]]:
    if isinstance(source, Mapping):
        document = dict(source)
        return str(document.get("id", "(inline)")), document
    text = str(source)
    if isinstance(source, str) and "://" in text:
        if not fetch:
            raise MalformedValueError(
                f"{text} is a URL: add --fetch to download it (or give a file)",
                code="fetch_not_allowed",
            )
        return text, fetch_json(text, timeout=timeout, max_bytes=max_bytes).document
    try:
        with open(text, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise MalformedValueError(
            f"cannot read {text}: {exc.strerror or exc}", code="input_unreadable"
        ) from None
    if len(raw) > max_bytes:
        raise RangeError(f"{text} is larger than {max_bytes:,} bytes", code="input_too_large")
    document = skillpass.parse_json(raw, what=text)
    if not isinstance(document, dict):
        raise MalformedValueError(f"{text} is not a JSON object", code="not_an_object")
    return Path(text).name, document
