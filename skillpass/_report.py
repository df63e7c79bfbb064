"""Verification reports (not public API; re-exported from ``skillpass``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["valid", "invalid", "unknown"]

__all__ = ["Check", "Status", "VerificationReport", "combine"]


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """The outcome of verifying a credential or presentation.

    ``status`` is ``valid`` only when every check is valid; a check that could not be made
    (no trust configuration, no status list offline) makes it ``unknown``, never ``valid``.
    """

    kind: Literal["credential", "presentation"]
    checks: tuple[Check, ...]
    document_id: str | None = None
    issuer: str | None = None
    holder: str | None = None
    credentials: tuple[VerificationReport, ...] = ()
    extras: dict[str, Any] = field(default_factory=dict)

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
        return VerificationReport(
            kind=self.kind,
            checks=self.checks,
            document_id=self.document_id,
            issuer=self.issuer,
            holder=self.holder,
            credentials=self.credentials,
            extras={**self.extras, **extras},
        )

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON, in the shape DESIGN.md fixes."""
        out: dict[str, Any] = {
            "status": self.status,
            "verified": self.verified,
            "kind": self.kind,
            "id": self.document_id,
            "checks": [c.to_dict() for c in self.checks],
        }
        if self.kind == "credential":
            out["issuer"] = self.issuer
        else:
            out["holder"] = self.holder
            out["credentials"] = [r.to_dict() for r in self.credentials]
        out.update(self.extras)
        return out
