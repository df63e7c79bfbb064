"""A :class:`skillpass.StatusChecker` over status list credentials the caller has fetched."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from .._did import DidResolver
from .._policy import StatusDecision
from .._verify import verify_credential
from .._view import CheckedCredential, StatusEntry
from ..errors import SkillpassError
from ._bitstring import (
    DEFAULT_MAX_DECODED_BYTES,
    REVOCATION_AND_SUSPENSION_MESSAGES,
    _read_status_with,
    decode_encoded_list,
)

__all__ = ["StatusListChecker"]

_MUST_PASS = ("format", "proof", "validity")
# Decoded lists kept for reuse, at most this many bytes in all (the most recently used first).
_CACHE_BYTES = 64 * 1024 * 1024


class StatusListChecker:
    """Answers status checks from status list credentials fetched beforehand (online, or from a
    trust bundle), so verification can run offline.

    Each list credential is verified when the checker is made (format, proof and validity, with
    ``resolver``, and its proof must be by a key of its issuer); one that fails is left out and
    listed in :attr:`rejected`, so entries that point at it stay ``unknown``. A list only
    counts for credentials of the same issuer.
    ``statusPurpose: "message"`` entries are read with their own signed ``statusMessage``
    (``"revoked"`` and ``"suspended"`` make the status invalid; another message for a set
    value is reported as ``unknown``), or, lacking one, with SkillPass's
    revocation-and-suspension messages (:data:`REVOCATION_AND_SUSPENSION_MESSAGES`).
    """

    def __init__(
        self,
        list_credentials: Iterable[Mapping[str, Any]],
        *,
        resolver: DidResolver | None = None,
        now: datetime | None = None,
        max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
    ) -> None:
        self._lists: dict[str, tuple[str, dict[str, Any]]] = {}
        self.rejected: dict[str, str] = {}
        self._max = max_decoded_bytes
        # A list decodes to as much as max_decoded_bytes: decoding it for every entry of every
        # credential made one request with 128 entries cost 128 decompressions of 16 MB.
        self._decoded: OrderedDict[str, bytes | SkillpassError] = OrderedDict()
        self._lock = threading.Lock()
        for item in list_credentials:
            document = dict(item)
            url = document.get("id")
            name = url if isinstance(url, str) else "(a list without an id)"
            report = verify_credential(document, resolver=resolver, now=now)
            # Trust in the list's issuer is not asked here (it must be the credential's), but
            # the key must be that issuer's: a list signed by anyone else in its name is not
            # the issuer's word on its credentials.
            failed = [
                c
                for c in report.checks
                if (c.id in _MUST_PASS and c.status != "valid")
                # issuer_not_bound: nothing says the key is the (https) issuer's either.
                or (c.id == "issuer" and (c.status == "invalid" or c.code == "issuer_not_bound"))
            ]
            issuer_id = report.issuer
            if failed or not isinstance(url, str) or not isinstance(issuer_id, str):
                self.rejected[name] = failed[0].code if failed else "invalid_status_list"
                continue
            self._lists[url] = (issuer_id, document)

    def check(
        self, entry: StatusEntry, credential: CheckedCredential, *, at: datetime
    ) -> StatusDecision:
        """The status the list gives ``entry``: ``valid``, ``invalid`` (revoked, suspended, a
        bad entry) or ``unknown`` (no verified list for it)."""
        url = entry.list_credential
        if url is None or url not in self._lists:
            return StatusDecision(
                "unknown",
                "status_not_checked",
                f"no verified status list {url} is available to check the status entry",
            )
        issuer, document = self._lists[url]
        if issuer != credential.view.issuer:
            return StatusDecision(
                "invalid",
                "status_list_mismatch",
                "the status list is published by another issuer than the credential's",
            )
        raw: dict[str, Any] = {
            "type": list(entry.type_names),
            "statusPurpose": entry.purpose,
            "statusListIndex": entry.index,
            "statusListCredential": url,
        }
        if entry.size is not None:
            raw["statusSize"] = entry.size
        if entry.messages:
            # The entry's own signed statusMessage says what each value means.
            raw["statusMessage"] = [{"status": s, "message": m} for s, m in entry.messages]
        elif entry.purpose == "message" and entry.size == 2:
            raw["statusMessage"] = [dict(m) for m in REVOCATION_AND_SUSPENSION_MESSAGES]
        try:
            result = _read_status_with(raw, document, lambda encoded: self._decode(url, encoded))
        except SkillpassError as exc:
            return StatusDecision("invalid", exc.code, exc.message)
        if result.revoked:
            return StatusDecision("invalid", "revoked", "the issuer has revoked the credential")
        if result.suspended:
            return StatusDecision("invalid", "suspended", "the issuer has suspended the credential")
        if result.purpose in ("revocation", "suspension", "message") and not result.set:
            return StatusDecision("valid", "ok", f"not {_words(result.purpose)} ({url})")
        said = f" ({result.message!r})" if result.message else ""
        return StatusDecision(
            "unknown",
            "status_not_checked",
            f"status {result.value}{said} of a {result.purpose} list",
        )

    def _decode(self, url: str, encoded: object) -> bytes:
        """The decoded ``encodedList`` of the list ``url`` (its credential never changes)."""
        with self._lock:
            found = self._decoded.get(url)
            if found is not None:
                self._decoded.move_to_end(url)
        if found is None:
            try:
                found = decode_encoded_list(encoded, max_decoded_bytes=self._max)
            except SkillpassError as exc:
                found = exc  # a bomb is refused once, not expanded on every request
            with self._lock:
                self._decoded[url] = found
                self._decoded.move_to_end(url)
                while len(self._decoded) > 1 and (
                    sum(len(v) for v in self._decoded.values() if isinstance(v, bytes))
                    > _CACHE_BYTES
                ):
                    self._decoded.popitem(last=False)
        if isinstance(found, SkillpassError):
            raise found
        return found


def _words(purpose: str) -> str:
    return {"revocation": "revoked", "suspension": "suspended"}.get(purpose, "revoked or suspended")
