"""The verification policy and the two decisions it delegates: trust and status (public via
``skillpass``).

One frozen :class:`VerificationPolicy` carries everything a verification depends on besides the
document: the time, the clock-skew allowance, DID resolution, the bounds on work (with one
deadline over the whole verification), and two protocols that later parts plug in without
touching the pipeline — a :class:`TrustPolicy` (is this issuer accredited for this credential?)
and a :class:`StatusChecker` (what does the status list say about this entry?). Their defaults
decide nothing and say so: ``unknown``, never ``valid``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from ._canon import DEFAULT_LIMITS, Limits
from ._did import DidResolver, OfflineResolver
from ._records import record
from ._report import Status
from ._view import CheckedCredential, StatusEntry

__all__ = [
    "NoStatusLists",
    "NoTrustConfigured",
    "StatusChecker",
    "StatusDecision",
    "TrustDecision",
    "TrustPolicy",
    "TrustedIssuers",
    "VerificationPolicy",
]


@record
class TrustDecision:
    """A trust policy's answer for one credential.

    ``name`` is the issuer's name as the trust list records it; the report's summary shows it
    instead of the name the credential gives itself.
    """

    status: Status
    code: str
    message: str
    name: str | None = None


class TrustPolicy(Protocol):
    """Decides whether a credential's issuer is accredited to issue it."""

    def assess(self, credential: CheckedCredential, *, at: datetime) -> TrustDecision:
        """Judge the verified ``credential`` (its view and proofs) at time ``at``."""
        ...


@record
class StatusDecision:
    """A status checker's answer for one status entry."""

    status: Status
    code: str
    message: str


class StatusChecker(Protocol):
    """Looks up a status entry (revocation, suspension) in the lists it has."""

    def check(
        self, entry: StatusEntry, credential: CheckedCredential, *, at: datetime
    ) -> StatusDecision:
        """What the status list says about ``entry`` of ``credential`` at time ``at``."""
        ...


class NoTrustConfigured:
    """The default trust policy: no trust list is configured, so trust is ``unknown``."""

    def assess(self, credential: CheckedCredential, *, at: datetime) -> TrustDecision:
        return TrustDecision(
            "unknown",
            "no_trust_configuration",
            f"the proof is by the issuer {credential.view.issuer}, but no trust list says "
            "whether it is an accredited institution",
        )


@record
class TrustedIssuers:
    """Trust exactly these issuer DIDs (a quick stand-in for a trust list)."""

    dids: frozenset[str]

    def __init__(self, dids: Collection[str]) -> None:
        object.__setattr__(self, "dids", frozenset(dids))

    def assess(self, credential: CheckedCredential, *, at: datetime) -> TrustDecision:
        issuer = credential.view.issuer
        if issuer in self.dids:
            return TrustDecision("valid", "ok", f"{issuer} is a trusted issuer")
        return TrustDecision("unknown", "issuer_not_trusted", f"{issuer} is not in the trust list")


class NoStatusLists:
    """The default status checker: no status list is available, so status is ``unknown``."""

    def check(
        self, entry: StatusEntry, credential: CheckedCredential, *, at: datetime
    ) -> StatusDecision:
        return StatusDecision(
            "unknown",
            "status_not_checked",
            "the credential has a status entry, but no status list is available offline to "
            "check revocation or suspension",
        )


_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*\Z")


def _clock() -> datetime:
    return datetime.now(UTC)


@record
class VerificationPolicy:
    """Everything a verification depends on besides the document; frozen and reusable.

    * ``now``: verify as of this instant (aware); ``None`` reads ``clock`` once per verification.
    * ``max_clock_skew``: allowance on validity dates and proof creation times.
    * ``resolver``: DID resolution (offline ``did:key`` and a cache of documents by default).
    * ``limits``: bounds on untrusted input; ``limits.max_seconds`` is one deadline over the
      whole verification, presentations and their credentials included.
    * ``trust`` / ``status``: the trust policy and the status checker.
    * ``challenge`` / ``domain``: what a presentation must have been signed for. Without a
      challenge the ``holder`` check is ``unknown`` (``challenge_not_checked``): a presentation
      could be a replay. ``require_challenge=False`` opts out explicitly.
    * ``require_holder_binding``: when ``True``, a credential whose subject is another DID
      than the holder makes the presentation invalid. By default (``False``) the ``holder``
      check only reports which credentials are about the holder and which are not: VCDM 2.0
      allows a holder to present credentials about others (an employer's agent presenting a
      worker's credential). A verifier that needs "this is the holder's own credential"
      (a border officer) turns it on.
    * ``allow_test_contexts``: accept the W3C test-only contexts (never for real credentials).
    * ``language``: the reader's language (a BCP 47 tag such as ``"fr"``); the report's
      summary shows names and descriptions in it when the credential gives them in it.
    """

    now: datetime | None = None
    max_clock_skew: timedelta = timedelta(minutes=5)
    resolver: DidResolver = field(default_factory=OfflineResolver)
    limits: Limits = DEFAULT_LIMITS
    trust: TrustPolicy = field(default_factory=NoTrustConfigured)
    status: StatusChecker = field(default_factory=NoStatusLists)
    challenge: str | None = None
    domain: str | None = None
    require_challenge: bool = True
    require_holder_binding: bool = False
    allow_test_contexts: bool = False
    clock: Callable[[], datetime] = _clock
    language: str | None = None

    def __post_init__(self) -> None:
        if self.now is not None:
            _check_instant(self.now)
        if not isinstance(self.max_clock_skew, timedelta) or not (
            timedelta(0) <= self.max_clock_skew <= timedelta(days=1)
        ):
            raise ValueError("max_clock_skew must be a timedelta between 0 and one day")
        if not isinstance(self.limits, Limits):
            raise TypeError("limits must be a skillpass.Limits")
        if self.language is not None and not (
            isinstance(self.language, str) and _LANGUAGE_TAG.match(self.language)
        ):
            raise ValueError("language must be a BCP 47 language tag such as 'fr' or 'pt-BR'")

    def instant(self) -> datetime:
        """The time a verification judges dates against."""
        return self.now if self.now is not None else _check_instant(self.clock())


# Inside these years, adding the skew allowance can never overflow.
_EARLIEST = datetime(2, 1, 1, tzinfo=UTC)
_LATEST = datetime(9998, 12, 31, tzinfo=UTC)


def _check_instant(now: datetime) -> datetime:
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise TypeError("now must be a timezone-aware datetime (e.g. datetime.now(UTC))")
    if not _EARLIEST <= now <= _LATEST:
        raise ValueError("now is outside the years 0002-9998")
    return now
