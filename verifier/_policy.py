"""The trust policy and status checker of a trust bundle, and ``verify`` (not public API).

Which signed date the key history and the accreditation period rely on: the **latest** of the
credential's ``validFrom`` (``issuanceDate`` in VCDM 1.1) and the ``created`` of the issuer's
proofs. Both are signed, and a credential that claims to be valid from a date cannot have been
issued, in any sense that matters, before it. A thief holding a compromised key can still
backdate both: no offline check can tell, so the authority should date ``compromised`` to the
earliest moment the key may have leaked, and the institute should re-issue what it signed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import skillpass
from skillpass import (
    CheckedCredential,
    StatusDecision,
    StatusEntry,
    TrustDecision,
    VerificationPolicy,
    VerificationReport,
)
from skillpass.errors import SkillpassError

from ._bundle import BundlePart, TrustBundle, human_age
from ._time import stamp
from ._trustlist import ListedIssuer, TrustList, level_in_range

__all__ = ["BundleStatus", "BundleTrust", "load_input", "make_policy", "verify"]

# A list's validity dates are judged at each verification's time (see BundleTrust.assess).
_LIST_MUST_PASS = ("format", "proof", "issuer")
_STATUS_MUST_PASS = ("format", "proof", "validity")
_SKEW = timedelta(minutes=5)
ONLINE_BUDGET_SECONDS = 30.0
"""How long ``verify(online=True)`` may spend fetching, in all."""
MAX_INPUT_FILE_BYTES = 32 * 1024 * 1024
"""The largest input file read (as ``skillpass verify``: a photo of a QR code fits)."""


_stamp = stamp


def _expired_message(bundle: TrustBundle, at: datetime) -> str:
    return (
        f"the trust bundle expired on {_stamp(bundle.valid_until)} (it is "
        f"{human_age(bundle.age(at))} old): sync a fresh bundle to check trust and status"
    )


def signed_issuance(credential: CheckedCredential) -> datetime | None:
    """The latest signed date of issuance: ``validFrom`` and the issuer's proofs' ``created``."""
    issuer = credential.view.issuer
    dates = [*credential.view.valid_from]
    dates += [p.created for p in credential.proofs if p.controller == issuer and p.created]
    return max(dates) if dates else None


def _later(a: datetime | None, b: datetime | None) -> bool:
    """Whether signed date ``a`` is later than ``b`` (no date is the earliest)."""
    return a is not None and (b is None or a > b)


def _method_key(resolver: skillpass.DidResolver, method: str) -> str | None:
    """The ``publicKeyMultibase`` the resolver gives verification method ``method``."""
    did, _, fragment = method.partition("#")
    try:
        document = resolver.resolve(did)
    except SkillpassError:
        return None
    candidates: list[Any] = []
    for name in ("verificationMethod", "assertionMethod"):
        value = document.get(name)
        if isinstance(value, list):
            candidates += [m for m in value if isinstance(m, Mapping)]
    for item in candidates:
        mid = item.get("id")
        if mid == method or mid == "#" + fragment:
            key = item.get("publicKeyMultibase")
            return key if isinstance(key, str) else None
    return None


class BundleTrust:
    """A :class:`skillpass.TrustPolicy` from a bundle's trust lists.

    Trust lists are verified once, here: format, proof, validity, and the issuer must be one of
    the ``anchors`` (by default the bundle's). A list that fails is left out and named in
    :attr:`rejected` (source → code). An issuer is trusted for a credential when a list names
    it, the credential's signed issuance date lies in its accreditation period, the signing key
    is one the list pins and was neither retired nor compromised by then, and every framework
    level the credential claims is one the issuer is accredited for.
    """

    def __init__(
        self,
        bundle: TrustBundle,
        *,
        anchors: Iterable[str] | None = None,
        resolver: skillpass.DidResolver | None = None,
        now: datetime | None = None,
        did_documents: Iterable[Mapping[str, Any]] = (),
        bundle_did_documents: bool | None = None,
    ) -> None:
        self.bundle = bundle
        self.anchors = tuple(anchors) if anchors is not None else bundle.anchors
        self.resolver = resolver if resolver is not None else bundle.resolver(did_documents)
        # The DID documents the caller vouches for (its own copies, or fetched by it now).
        self.vouched = {str(d["id"]) for d in did_documents if isinstance(d.get("id"), str)}
        # A bundle's did:web documents are not signed: their keys count only when the bundle's
        # own anchors are used (its author is trusted whole anyway) or when the caller says so.
        self.bundle_keys = anchors is None if bundle_did_documents is None else bundle_did_documents
        self._own = skillpass.OfflineResolver(
            {str(d["id"]): d for d in did_documents if isinstance(d.get("id"), str)}
        )
        self.rejected: dict[str, str] = {}
        self.lists: list[tuple[str, TrustList]] = []
        self._windows: list[tuple[datetime | None, datetime | None]] = []
        candidates: list[
            tuple[BundlePart, str, TrustList, CheckedCredential | None, datetime | None]
        ] = []
        for part in bundle.of_kind("trust-list"):
            added = self._check(part, now)
            if added is not None:
                candidates.append(added)
        # An authority re-signs its list to record a change (a compromise, a withdrawal): the
        # newest list of an anchor with a given name replaces its earlier ones, whatever order
        # the bundle gives them in, so an old list cannot revive what the new one withdrew.
        newest: dict[tuple[str, str], datetime | None] = {}
        for _, anchor, trust_list, _, signed in candidates:
            key = (anchor, trust_list.name)
            if key not in newest or _later(signed, newest[key]):
                newest[key] = signed
        for part, anchor, trust_list, checked, signed in candidates:
            if signed != newest[(anchor, trust_list.name)]:
                self.rejected[part.source] = "trust_list_superseded"
                continue
            view = checked.view if checked is not None else None
            starts = view.valid_from if view is not None else ()
            # The list's validUntil and its proofs' expires alike end its use.
            ends = [
                *(view.valid_until if view is not None else ()),
                *(p.expires for p in (checked.proofs if checked else ()) if p.expires),
            ]
            self.lists.append((anchor, trust_list))
            self._windows.append((max(starts) if starts else None, min(ends) if ends else None))
            if view is not None and not self._current(
                len(self.lists) - 1, now or datetime.now(UTC)
            ):
                self.rejected[part.source] = "trust_list_expired"

    def vouched_for(self, did: str) -> bool:
        """Whether the keys of ``did``'s DID document may be used without a list pinning them:
        ``did:key`` (self-certifying), a document the caller gave, or the bundle's documents
        when they are trusted (see :attr:`bundle_keys`)."""
        return did.startswith("did:key:") or did in self.vouched or self.bundle_keys

    def _check(
        self, part: BundlePart, now: datetime | None
    ) -> tuple[BundlePart, str, TrustList, CheckedCredential | None, datetime | None] | None:
        issuer = part.document.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        if isinstance(issuer, str) and issuer in self.anchors and not self.vouched_for(issuer):
            # The anchor's key would come from an unsigned did:web document in the bundle.
            self.rejected[part.source] = "anchor_key_not_pinned"
            return None
        report = skillpass.verify_credential(
            part.document,
            resolver=self.resolver if self.bundle_keys else self._own,
            trusted_issuers=self.anchors,
            now=now,
        )
        failed = [c for c in report.checks if c.id in _LIST_MUST_PASS and c.status != "valid"]
        if failed:
            code = failed[0].code
            self.rejected[part.source] = (
                "trust_list_not_by_anchor" if failed[0].id == "issuer" else code
            )
            return None
        try:
            trust_list = TrustList.from_credential(part.document)
        except SkillpassError as exc:
            self.rejected[part.source] = exc.code
            return None
        checked = report.checked
        signed = signed_issuance(checked) if checked is not None else None
        return part, str(report.issuer), trust_list, checked, signed

    def _current(self, i: int, at: datetime) -> bool:
        start, end = self._windows[i]
        return (start is None or start <= at + _SKEW) and (end is None or end >= at - _SKEW)

    def issuers(self) -> list[ListedIssuer]:
        """Every listed issuer of the accepted lists."""
        return [issuer for _, trust_list in self.lists for issuer in trust_list.issuers]

    def assess(self, credential: CheckedCredential, *, at: datetime) -> TrustDecision:
        """Whether the trust lists accredit the credential's issuer for this credential."""
        if self.bundle.expired(at):
            return TrustDecision(
                "unknown", "trust_bundle_expired", _expired_message(self.bundle, at)
            )
        did = credential.view.issuer
        found = [
            (anchor, e)
            for i, (anchor, tl) in enumerate(self.lists)
            if (e := tl.get(did)) is not None and self._current(i, at)
        ]
        if not found:
            why = f"{did} is not in any trust list of the bundle in force"
            if self.rejected:
                codes = ", ".join(sorted(set(self.rejected.values())))
                why += f" ({len(self.rejected)} list(s) were rejected: {codes})"
            return TrustDecision("unknown", "issuer_not_trusted", why)
        # When a list pins the issuer's keys, those pins decide which keys are its own: another
        # list naming it without keys must not let a key from an unsigned document through.
        pinned_elsewhere = any(entry.keys for _, entry in found)
        decisions = [
            self._judge(anchor, entry, credential, pinned_elsewhere=pinned_elsewhere)
            for anchor, entry in found
        ]
        for decision in decisions:
            # A compromise any anchor records is a fact about the key, whoever else lists it.
            if decision.code == "key_compromised":
                return decision
        for decision in decisions:
            if decision.status == "valid":
                return decision
        # No list accredits it for this credential: a list's "invalid" says more than another's
        # "unknown".
        return next((d for d in decisions if d.status == "invalid"), decisions[0])

    def _judge(
        self,
        anchor: str,
        entry: ListedIssuer,
        credential: CheckedCredential,
        *,
        pinned_elsewhere: bool = False,
    ) -> TrustDecision:
        issued = signed_issuance(credential)
        who = f"{entry.name} ({entry.country}, {entry.id})"
        if entry.valid_from is not None or entry.valid_until is not None:
            if issued is None:
                return TrustDecision(
                    "invalid",
                    "issuance_date_unknown",
                    f"{who} is accredited for a limited period, and the credential carries no "
                    "signed issuance date to compare with it",
                )
            if (entry.valid_from and issued < entry.valid_from) or (
                entry.valid_until and issued > entry.valid_until
            ):
                period = (
                    f"{_stamp(entry.valid_from) if entry.valid_from else 'the start'} to "
                    f"{_stamp(entry.valid_until) if entry.valid_until else 'now'}"
                )
                return TrustDecision(
                    "invalid",
                    "issuer_not_accredited_then",
                    f"the credential was issued on {_stamp(issued)}, outside the accreditation "
                    f"of {who} ({period})",
                )
        if entry.keys:
            failed = self._key_history(entry, credential, issued)
            if failed is not None:
                return failed
        for framework, level in credential.view.levels:
            if not level_in_range(entry.accreditations, framework, level):
                allowed = ", ".join(f"{a.framework} {a.text}" for a in entry.accreditations)
                return TrustDecision(
                    "invalid",
                    "level_not_accredited",
                    f"the credential claims {framework} level {level}, but {who} is accredited "
                    f"only for {allowed}",
                )
        if (
            not entry.keys
            and pinned_elsewhere
            and not entry.id.startswith("did:key:")
            and entry.id not in self.vouched
        ):
            return TrustDecision(
                "unknown",
                "key_not_pinned",
                f"{who} is listed without keys here, and another trust list pins its keys: "
                "those decide",
            )
        if not entry.keys and not self.vouched_for(entry.id):
            return TrustDecision(
                "unknown",
                "key_not_pinned",
                f"{who} is listed, but the trust list does not pin its keys and its DID document "
                "comes from the trust bundle, which anyone could have written: pin the keys in "
                "the list (--keys-from), give the issuer's DID document yourself "
                "(--did-document), or trust the bundle's documents (--bundle-did-documents)",
            )
        scope = ", ".join(f"{a.framework} {a.text}" for a in entry.accreditations)
        keys = (
            "its key is pinned by the list"
            if entry.keys or entry.id.startswith("did:key:")
            else "its key is taken from a DID document you gave"
            if entry.id in self.vouched
            else "its key is taken from the DID document in the bundle (not pinned by the list)"
        )
        return TrustDecision(
            "valid",
            "ok",
            f"{who} is accredited for {scope} by the trust list of {anchor}; {keys}",
            name=entry.name,
        )

    def signer_problem(self, checked: CheckedCredential) -> str | None:
        """Why the keys that signed ``checked`` (an issuer's status list) may not speak for its
        issuer, or None. When a list pins the issuer's keys, one of them must have signed it, in
        use and not compromised at the signed date (a forged DID document in the bundle could
        otherwise add a key and sign an "active" snapshot of a revoked credential); otherwise
        its DID document must be vouched for (:meth:`vouched_for`)."""
        did = checked.view.issuer
        entries = [e for _, tl in self.lists if (e := tl.get(did)) is not None and e.keys]
        if not entries:
            return None if self.vouched_for(did) else "key_not_pinned"
        issued = signed_issuance(checked)
        # A list dated before its key came into use is odd but harmless (only the key's holder
        # could sign it); one signed by a key retired or compromised by then is not used.
        results = [self._key_history(e, checked, issued, check_start=False) for e in entries]
        codes = [r.code for r in results if r is not None]
        if "key_compromised" in codes or len(codes) == len(results):
            return "key_compromised" if "key_compromised" in codes else codes[0]
        return None

    def _key_history(
        self,
        entry: ListedIssuer,
        credential: CheckedCredential,
        issued: datetime | None,
        *,
        check_start: bool = True,
    ) -> TrustDecision | None:
        records = {k.id: k for k in entry.keys}
        own = [p for p in credential.proofs if p.controller == entry.id]
        for proof in own:
            record = records.get(proof.verification_method)
            if record is None:
                return TrustDecision(
                    "invalid",
                    "key_not_listed",
                    f"the credential was signed with {proof.verification_method}, which is not "
                    f"a key the trust list records for {entry.name}",
                )
            if _method_key(self.resolver, record.id) != record.public_key_multibase:
                return TrustDecision(
                    "invalid",
                    "key_mismatch",
                    f"the DID document gives {record.id} another public key than the one the "
                    "trust list pins",
                )
            if record.compromised is not None and (issued is None or issued >= record.compromised):
                return TrustDecision(
                    "invalid",
                    "key_compromised",
                    f"key {record.id} is recorded as compromised from "
                    f"{_stamp(record.compromised)}, and the credential is dated "
                    f"{_stamp(issued) if issued else 'nowhere'} (after it)",
                )
            if record.valid_until is not None and (issued is None or issued > record.valid_until):
                return TrustDecision(
                    "invalid",
                    "key_retired",
                    f"key {record.id} was retired on {_stamp(record.valid_until)}, before the "
                    f"credential's date {_stamp(issued) if issued else '(none)'}",
                )
            if (
                check_start
                and record.valid_from is not None
                and issued is not None
                and issued < record.valid_from
            ):
                return TrustDecision(
                    "invalid",
                    "key_not_yet_valid",
                    f"key {record.id} was put in use on {_stamp(record.valid_from)}, after the "
                    f"credential's date {_stamp(issued)}",
                )
        return None


class BundleStatus:
    """A :class:`skillpass.StatusChecker` over a bundle's status-list snapshots.

    The lists are read with :class:`skillpass.status.StatusListChecker` (verified once, here).
    A snapshot older than its TTL, or a bundle past its date, answers ``unknown``: a credential
    revoked since would otherwise pass as active. Every answer says how old the snapshot is.
    """

    def __init__(
        self,
        bundle: TrustBundle,
        *,
        resolver: skillpass.DidResolver | None = None,
        now: datetime | None = None,
        trust: BundleTrust | None = None,
    ) -> None:
        from skillpass.status import StatusListChecker

        self.bundle = bundle
        resolver = resolver if resolver is not None else bundle.resolver()
        # Whose keys may sign a status list is the trust lists' business (see signer_problem).
        trust = trust if trust is not None else BundleTrust(bundle, resolver=resolver, now=now)
        rejected: dict[str, str] = {}
        newest: dict[str, tuple[BundlePart, datetime | None]] = {}
        self._windows: dict[str, tuple[datetime | None, datetime | None]] = {}
        for part in bundle.of_kind("status-list"):
            url = part.document.get("id")
            if not isinstance(url, str):
                continue
            report = skillpass.verify_credential(part.document, resolver=resolver, now=now)
            failed = [
                c
                for c in report.checks
                if (c.id in _STATUS_MUST_PASS and c.status != "valid")
                or (c.id == "issuer" and c.status == "invalid")  # signed in someone's name
            ]
            problem = (
                failed[0].code
                if failed
                else "invalid_status_list"
                if report.checked is None
                else trust.signer_problem(report.checked)
            )
            if problem is not None or report.checked is None:
                rejected.setdefault(url, problem or "invalid_status_list")
                continue
            # Several snapshots of one list: the newest signed one counts, whatever the order
            # of the parts (an older one may predate a revocation).
            signed = signed_issuance(report.checked)
            if url not in newest or _later(signed, newest[url][1]):
                newest[url] = (part, signed)
                view = report.checked.view
                ends = [*view.valid_until, *(p.expires for p in report.checked.proofs if p.expires)]
                # The list's own signed dates are judged at each verification's time: this
                # checker may serve for days (the routes, a reused bundle).
                self._windows[url] = (
                    max(view.valid_from) if view.valid_from else None,
                    min(ends) if ends else None,
                )
        self._parts = {url: part for url, (part, _) in newest.items()}
        self._checker = StatusListChecker(
            [p.document for p in self._parts.values()], resolver=resolver, now=now
        )
        self.rejected = {
            **{u: c for u, c in rejected.items() if u not in self._parts},
            **self._checker.rejected,
        }

    def check(
        self, entry: StatusEntry, credential: CheckedCredential, *, at: datetime
    ) -> StatusDecision:
        """The snapshot's answer for ``entry``, or ``unknown`` when there is none fresh enough."""
        if self.bundle.expired(at):
            return StatusDecision(
                "unknown", "trust_bundle_expired", _expired_message(self.bundle, at)
            )
        url = entry.list_credential
        part = self._parts.get(url) if url is not None else None
        if part is None and url in self.rejected:
            return StatusDecision(
                "unknown",
                "status_not_checked",
                f"the snapshot of the status list {url} cannot be used ({self.rejected[url]})",
            )
        if part is None:
            return StatusDecision(
                "unknown",
                "status_not_checked",
                f"the trust bundle has no snapshot of the status list {url}",
            )
        age = human_age(part.age(at))
        start, end = self._windows.get(part.document["id"], (None, None))
        if (start is not None and start > at + _SKEW) or (end is not None and end < at - _SKEW):
            return StatusDecision(
                "unknown",
                "status_list_expired",
                f"the status list {url} is signed as valid "
                + (f"until {_stamp(end)}" if end is not None and end < at else "later")
                + ": a fresh one is needed to check the credential",
            )
        if at > part.expires:
            return StatusDecision(
                "unknown",
                "status_list_stale",
                f"the snapshot of the status list {url} is {age} old, older than the "
                f"{human_age(part.ttl)} it may be used for: the credential may have been revoked "
                "since",
            )
        if url in self.rejected:
            return StatusDecision(
                "unknown",
                "status_not_checked",
                f"the snapshot of the status list {url} did not verify ({self.rejected[url]})",
            )
        decision = self._checker.check(entry, credential, at=at)
        return StatusDecision(
            decision.status, decision.code, f"{decision.message} (snapshot {age} old)"
        )


class _Either:
    """Trusted when the quick list names the issuer and no trust list says otherwise, else
    whatever the bundle says."""

    def __init__(self, quick: skillpass.TrustedIssuers, bundle: BundleTrust) -> None:
        self.quick, self.bundle = quick, bundle

    def assess(self, credential: CheckedCredential, *, at: datetime) -> TrustDecision:
        listed = self.bundle.assess(credential, at=at)
        if listed.status == "invalid":
            # What a trust list says against the credential (a compromised key, a level not
            # accredited) stands, whoever the caller trusts by name.
            return listed
        decision = self.quick.assess(credential, at=at)
        return decision if decision.status == "valid" else listed


def _as_bundle(bundle: TrustBundle | str | Path | None) -> TrustBundle | None:
    if bundle is None or isinstance(bundle, TrustBundle):
        return bundle
    return TrustBundle.load(bundle)


def make_policy(
    *,
    bundle: TrustBundle | str | Path | None = None,
    now: datetime | None = None,
    anchors: Iterable[str] | None = None,
    trusted_issuers: Iterable[str] | None = None,
    did_documents: Iterable[Mapping[str, Any]] = (),
    allow_test_contexts: bool = False,
    challenge: str | None = None,
    domain: str | None = None,
    require_challenge: bool = True,
    bundle_did_documents: bool | None = None,
) -> VerificationPolicy:
    """The :class:`skillpass.VerificationPolicy` :func:`verify` uses: DID documents from the
    bundle (and ``did_documents``), its trust lists and status snapshots, all offline.

    ``anchors`` pins the trust anchors (by default the bundle's own: then the bundle's author
    is trusted whole). With pinned anchors the bundle's unsigned did:web DID documents give no
    key the trust lists do not pin (``key_not_pinned``, ``anchor_key_not_pinned``) unless
    ``bundle_did_documents=True``; ``did_documents`` are the caller's own copies and count."""
    loaded = _as_bundle(bundle)
    documents = list(did_documents)
    quick = skillpass.TrustedIssuers(list(trusted_issuers or ()))
    if loaded is None:
        resolver = skillpass.OfflineResolver({str(d["id"]): d for d in documents if "id" in d})
        trust: skillpass.TrustPolicy = quick if quick.dids else skillpass.NoTrustConfigured()
        status: skillpass.StatusChecker = skillpass.NoStatusLists()
    else:
        key = (
            tuple(anchors) if anchors is not None else None,
            allow_test_contexts,
            bundle_did_documents,
        )
        cached = loaded.cache.get(key) if not documents else None
        if cached is None:
            resolver = loaded.resolver(documents)
            made_trust = BundleTrust(
                loaded,
                anchors=anchors,
                resolver=resolver,
                now=now,
                did_documents=documents,
                bundle_did_documents=bundle_did_documents,
            )
            if not made_trust.bundle_keys:
                # The bundle's unsigned documents are used only for the issuers the accepted
                # lists name (their keys are then judged by the lists' pins): a forged document
                # of a holder or of an unlisted issuer must not vouch for anything.
                listed = {issuer.id for issuer in made_trust.issuers()}
                kept = [d for did, d in loaded.did_documents().items() if did in listed]
                resolver = skillpass.OfflineResolver(
                    {str(d["id"]): d for d in [*kept, *documents] if isinstance(d.get("id"), str)}
                )
                made_trust.resolver = resolver
            cached = (
                resolver,
                made_trust,
                BundleStatus(loaded, resolver=resolver, now=now, trust=made_trust),
            )
            if not documents:
                loaded.cache[key] = cached
        resolver, bundle_trust, status = cached
        if not bundle_trust.anchors:
            # Only what --online fetched: no trust list to consult.
            trust = quick if quick.dids else skillpass.NoTrustConfigured()
        else:
            trust = _Either(quick, bundle_trust) if quick.dids else bundle_trust
    return VerificationPolicy(
        now=now,
        resolver=resolver,
        trust=trust,
        status=status,
        challenge=challenge,
        domain=domain,
        require_challenge=require_challenge,
        allow_test_contexts=allow_test_contexts,
    )


def load_input(data: Any) -> Any:
    """A document from a dict, JSON text, QR text (``SP2:…``) or a path (JSON, QR text, or a
    QR image / certificate PDF). Raises :class:`skillpass.SkillpassError` when unreadable."""
    import skillpass.qr as qr

    if isinstance(data, Mapping):
        return dict(data)
    if isinstance(data, Path):
        try:
            with data.open("rb") as handle:
                # Bounded: a path may name /dev/zero or a huge file.
                raw = handle.read(MAX_INPUT_FILE_BYTES + 1)
        except OSError as exc:
            raise skillpass.errors.MalformedValueError(
                f"cannot read {data}: {exc.strerror or exc}", code="input_unreadable"
            ) from None
        if len(raw) > MAX_INPUT_FILE_BYTES:
            raise skillpass.errors.RangeError(
                f"{data} is larger than {MAX_INPUT_FILE_BYTES // (1024 * 1024)} MB",
                code="input_too_large",
            )
        if qr.image_kind(raw) is not None:
            return qr.read_document(raw)
        data = raw
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise skillpass.errors.ParsingError(
                "the input is not UTF-8 text", code="not_json"
            ) from None
    if isinstance(data, str):
        if qr.is_qr_text(data):
            return qr.decode(data.strip())
        return skillpass.parse_json(data, what="the input")
    raise TypeError("input is a dict, JSON or QR text (str/bytes), or a pathlib.Path")


def not_verified(
    kind: Literal["credential", "presentation"], code: str, message: str, why: str
) -> VerificationReport:
    """The report of a document that could not be verified at all: ``format`` invalid with
    ``code``/``message``, every other check ``unknown`` (``not checked: {why}``)."""
    rest = (
        ("proof", "issuer", "validity", "status")
        if kind == "credential"
        else ("proof", "holder", "validity")
    )
    fmt = skillpass.Check("format", "invalid", code, message)
    skipped = (skillpass.Check(c, "unknown", "not_checked", f"not checked: {why}") for c in rest)
    return VerificationReport(kind, (fmt, *skipped))


def _unreadable(
    exc: SkillpassError, kind: Literal["credential", "presentation"]
) -> VerificationReport:
    return not_verified(kind, exc.code, exc.message, "the input is unreadable")


def online_sources(document: Any) -> tuple[list[str], list[str]]:
    """The did:web issuers and the status-list URLs a document names (raw JSON: what is
    fetched here is verified by the pipeline like any other part)."""
    dids: list[str] = []
    urls: list[str] = []
    docs = [document]
    if isinstance(document, dict) and "VerifiablePresentation" in skillpass.types_of(document):
        vcs = document.get("verifiableCredential", [])
        docs = vcs if isinstance(vcs, list) else [vcs]
        holder = document.get("holder")
        if isinstance(holder, str):
            dids.append(holder)
    for doc in docs[:32]:
        if not isinstance(doc, dict):
            continue
        issuer = doc.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
        if isinstance(issuer, str):
            dids.append(issuer)
        statuses = doc.get("credentialStatus", [])
        for status in statuses if isinstance(statuses, list) else [statuses]:
            if isinstance(status, dict) and isinstance(status.get("statusListCredential"), str):
                urls.append(status["statusListCredential"])
    webs = [d for d in dict.fromkeys(dids) if d.startswith("did:web:")]
    return webs, list(dict.fromkeys(urls))[:32]


def _online_bundle(
    document: Any,
    bundle: TrustBundle | None,
    now: datetime,
    *,
    refetch: bool = False,
    loopback: bool = False,
) -> tuple[TrustBundle, list[dict[str, Any]]]:
    """``bundle`` plus what the document needs, fetched now (failures leave parts out: the
    checks that needed them say ``unknown``), and the DID documents fetched (from their own
    hosts over https: the caller vouches for them). ``refetch``: fetch DID documents even
    when the bundle has them (its documents are not trusted)."""
    from ._fetch import DEFAULT_TIMEOUT, did_web_url, fetch_json

    dids, urls = online_sources(document)
    have = set(bundle.did_documents()) if bundle is not None and not refetch else set()
    parts: list[BundlePart] = []
    fetched_documents: list[dict[str, Any]] = []
    # The document names what is fetched (up to 64 URLs): one budget for all of them, or a
    # hostile credential's slow servers would hold the verifier for half an hour.
    deadline = time.monotonic() + ONLINE_BUDGET_SECONDS
    wanted = [("did-document", did) for did in dids if did not in have]
    wanted += [("status-list", url) for url in urls]
    for kind, name in wanted:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            url = did_web_url(name) if kind == "did-document" else name
            fetched = fetch_json(
                url, timeout=min(DEFAULT_TIMEOUT, left), total=left, loopback=loopback
            )
        except SkillpassError:
            continue
        if kind == "did-document" and fetched.document.get("id") == name:
            fetched_documents.append(fetched.document)
        parts.append(
            BundlePart(
                "did-document" if kind == "did-document" else "status-list",
                fetched.url,
                now,
                timedelta(hours=1),
                fetched.document,
            )
        )
    if bundle is None:
        return TrustBundle((), tuple(parts), now, now + timedelta(hours=1)), fetched_documents
    merged = TrustBundle(
        bundle.anchors,
        (*bundle.parts, *parts),
        bundle.created,
        bundle.valid_until,
        bundle.framework_tables,
    )
    return merged, fetched_documents


def verify(
    input: Any,
    *,
    bundle: TrustBundle | str | Path | None = None,
    now: datetime | None = None,
    framework: str | Iterable[str] | None = None,
    online: bool = False,
    challenge: str | None = None,
    domain: str | None = None,
    id_number: str | None = None,
    anchors: Iterable[str] | None = None,
    trusted_issuers: Iterable[str] | None = None,
    did_documents: Iterable[Mapping[str, Any]] = (),
    allow_test_contexts: bool = False,
    require_challenge: bool = True,
    bundle_did_documents: bool | None = None,
    online_loopback: bool = False,
) -> VerificationReport:
    """Verify a credential or presentation with a trust bundle, offline unless ``online``.

    ``input``: a dict, JSON text, QR text (``SP2:…``) or a :class:`~pathlib.Path` (JSON, QR
    text, a QR image or certificate PDF). An unreadable input gives a report whose ``format``
    check is ``invalid``; only a caller's mistake raises (an unknown ``framework``, a bundle
    file that cannot be read: ``trust_bundle_unreadable``, ``invalid_trust_bundle``). With
    ``online=True`` the issuers' did:web documents and the status lists the document names are
    fetched (https, timeouts, size limits) and used beside the bundle's. Those URLs come from
    the document, so none may point at this machine (a hostile credential must not make the
    verifier call its own local services) unless ``online_loopback=True`` (a local issuer under
    test; then plain http is allowed there too).

    ``anchors`` pins the trust anchors; without it the bundle's own are used, and whoever wrote
    the bundle is trusted whole. With pinned anchors, a key a trust list does not pin counts
    only from ``did_documents`` (the caller's copies), a ``did:key``, a document fetched now
    (``online``), or the bundle's documents when ``bundle_did_documents=True``.
    """
    loaded = _as_bundle(bundle)
    frameworks = (framework,) if isinstance(framework, str) else tuple(framework or ())
    try:
        document = load_input(input)
    except SkillpassError as exc:
        return _unreadable(exc, "credential")
    at = now or datetime.now(UTC)
    documents = list(did_documents)
    if online:
        bundle_keys = anchors is None if bundle_did_documents is None else bundle_did_documents
        loaded, fetched = _online_bundle(
            document, loaded, at, refetch=not bundle_keys, loopback=online_loopback
        )
        documents += fetched
    policy = make_policy(
        bundle=loaded,
        now=at,
        anchors=anchors,
        trusted_issuers=trusted_issuers,
        did_documents=documents,
        allow_test_contexts=allow_test_contexts,
        challenge=challenge,
        domain=domain,
        require_challenge=require_challenge,
        bundle_did_documents=bundle_did_documents,
    )
    if isinstance(document, dict) and "VerifiablePresentation" in skillpass.types_of(document):
        report = skillpass.verify_presentation(
            document, policy=policy, frameworks=frameworks, id_number=id_number
        )
    else:
        report = skillpass.verify_credential(
            document, policy=policy, frameworks=frameworks, id_number=id_number
        )
    return with_bundle_info(report, loaded, at, anchors_pinned=anchors is not None)


def with_bundle_info(
    report: VerificationReport,
    bundle: TrustBundle | None,
    at: datetime,
    *,
    anchors_pinned: bool = False,
) -> VerificationReport:
    """``report`` with ``trust_bundle``: the bundle's date, age, whether it expired, and whose
    anchors were used (``anchors_from``: ``"caller"`` when pinned, else ``"bundle"``)."""
    if bundle is None or not bundle.anchors:
        return report
    return report.with_extras(
        trust_bundle={
            "created": _stamp(bundle.created),
            "valid_until": _stamp(bundle.valid_until),
            "age_seconds": int(bundle.age(at).total_seconds()),
            "age": human_age(bundle.age(at)),
            "expired": bundle.expired(at),
            "anchors_from": "caller" if anchors_pinned else "bundle",
        }
    )
