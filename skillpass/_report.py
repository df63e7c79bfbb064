"""Verification reports (not public API; re-exported from ``skillpass``)."""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import TYPE_CHECKING, Any, Literal

from ._records import record

if TYPE_CHECKING:
    from ._view import CheckedCredential

Status = Literal["valid", "invalid", "unknown"]

__all__ = ["Check", "Status", "VerificationReport", "combine", "printable"]

# Joiners and direction marks that names in Arabic, Indic and other scripts legitimately use;
# every other character str.isprintable() refuses (controls, C1, bidi overrides and isolates,
# line separators) is shown as an escape, so signed text cannot drive a terminal.
_KEEP = frozenset("\u200c\u200d\u200e\u200f\u061c")


def printable(text: str) -> str:
    """``text`` safe to show a person: every control or formatting character that could move
    the cursor, recolour or reorder what a terminal or page shows becomes an escape such as
    ``\\u001b``."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in _KEEP else f"\\u{ord(ch):04x}" for ch in text)


@record
class Check:
    """One verification check: ``id`` is one of ``format``, ``proof``, ``issuer``,
    ``validity``, ``status``, ``holder``; ``code`` is a stable machine-readable reason."""

    id: str
    status: Status
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """The check as JSON."""
        return {"id": self.id, "status": self.status, "code": self.code, "message": self.message}


def combine(statuses: list[Status]) -> Status:
    """Invalid if anything is invalid, else unknown if anything is unknown, else valid."""
    if "invalid" in statuses:
        return "invalid"
    if "unknown" in statuses:
        return "unknown"
    return "valid"


@record
class VerificationReport:
    """The outcome of verifying a credential or presentation.

    ``status`` is ``valid`` only when every check is valid; a check that could not be made
    (no trust configuration, no status list offline) makes it ``unknown``, never ``valid``.
    ``reason`` is ``"proof_not_checked"`` when a signature could not be checked at all (an
    unresolvable DID, an unsupported cryptosuite): that ``unknown`` says nothing about the
    content, unlike "signature good, issuer not yet trusted". ``summary`` says what was
    verified (holder, achievement, issuer, levels, dates), read from the signed data only, and
    is present only when the proofs verified. ``checked`` is the verified view itself, for
    code that needs more than the summary (level comparison, certificates, identity checks).
    """

    kind: Literal["credential", "presentation"]
    checks: tuple[Check, ...]
    document_id: str | None = None
    issuer: str | None = None
    holder: str | None = None
    credentials: tuple[VerificationReport, ...] = ()
    extras: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] | None = None
    reason: str | None = None
    checked: CheckedCredential | None = field(default=None, repr=False, compare=False)

    @property
    def status(self) -> Status:
        """The overall status (credentials in a presentation count too)."""
        return combine([c.status for c in self.checks] + [r.status for r in self.credentials])

    @property
    def verified(self) -> bool:
        """True only when :attr:`status` is ``valid``."""
        return self.status == "valid"

    def check(self, check_id: str) -> Check:
        """The check with the given id (``KeyError`` if it was not made)."""
        for c in self.checks:
            if c.id == check_id:
                return c
        raise KeyError(check_id)

    def with_extras(self, **extras: Any) -> VerificationReport:
        """A copy with extra top-level report fields (e.g. framework comparisons)."""
        return dataclasses.replace(self, extras={**self.extras, **extras})

    @property
    def headline(self) -> str:
        """One line for people: ``VALID · <achievement> · <holder> · issued by <issuer>``.

        When a signature could not be checked it says so first, so that this ``unknown`` is
        never read as "signature good, issuer not yet trusted".
        """
        parts = [self.status.upper()]
        if self.reason == "proof_not_checked":
            parts.append("signature NOT checked")
        summary = self.summary or {}
        if self.kind == "credential":
            parts += [a["name"] for a in summary.get("achievements", []) if a.get("name")]
            parts += [h["name"] for h in summary.get("subjects", []) if h.get("name")]
            issuer = summary.get("issuer") or {}
            if issuer.get("name"):
                marked = "" if issuer.get("name_source") == "trust_list" else " (self-asserted)"
                parts.append(f"issued by {issuer['name']}{marked}")
            elif self.issuer:
                parts.append(f"issued by {self.issuer}")
        else:
            parts.append(f"presentation by {self.holder}" if self.holder else "presentation")
            parts.append(f"{len(self.credentials)} credential(s)")
        return printable(" · ".join(parts))

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON, in the shape DESIGN.md fixes."""
        out: dict[str, Any] = {
            "status": self.status,
            "verified": self.verified,
            "kind": self.kind,
            "id": self.document_id,
        }
        if self.reason is not None:
            out["reason"] = self.reason
        out["checks"] = [c.to_dict() for c in self.checks]
        if self.kind == "credential":
            out["issuer"] = self.issuer
        else:
            out["holder"] = self.holder
            out["credentials"] = [r.to_dict() for r in self.credentials]
        if self.summary is not None:
            out["summary"] = self.summary
        out.update(self.extras)
        return out
