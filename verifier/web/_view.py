"""A verification report as the page shows it: the banner, the facts and every check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import skillpass

from ._i18n import plain_code, translate

__all__ = ["ResultView", "result_view"]

# An issuer check that says "the signature is good, we just do not know this issuer".
_UNTRUSTED = frozenset({"issuer_not_trusted", "no_trust_configuration", "trust_policy_error"})


@dataclass
class ResultView:
    """What the result part of the page shows (all text still to be escaped by Jinja2)."""

    status: str
    banner: str
    why: str
    kind: str
    credentials: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, str]] = field(default_factory=list)
    bundle: str = ""
    bundle_expired: str = ""


def _why(report: skillpass.VerificationReport, lang: str) -> str:
    status = report.status
    if status == "valid":
        return translate(lang, "why_valid")
    failed = [c for c in _all_checks(report) if c.status == status]
    if status == "invalid":
        first = failed[0]
        return plain_code(lang, first.code) or first.message
    if report.reason == "proof_not_checked" or any(
        r.reason == "proof_not_checked" for r in report.credentials
    ):
        return translate(lang, "why_proof_not_checked")
    ids = {c.id: c.code for c in failed}
    if ids.get("issuer") in _UNTRUSTED:
        return translate(lang, "why_issuer_not_trusted")
    if "status" in ids:
        return translate(lang, "why_status_unknown")
    return translate(lang, "why_unknown")


def _all_checks(report: skillpass.VerificationReport) -> list[skillpass.Check]:
    out = list(report.checks)
    for sub in report.credentials:
        out += _all_checks(sub)
    return out


def _check_rows(
    report: skillpass.VerificationReport, lang: str, prefix: str
) -> list[dict[str, str]]:
    rows = []
    for check in report.checks:
        key = f"check_{check.id}"
        try:
            title = translate(lang, key)
        except KeyError:
            title = check.id
        rows.append(
            {
                "id": check.id,
                "title": prefix + title,
                "status": check.status,
                "status_text": translate(lang, f"st_{check.status}"),
                "code": check.code,
                "plain": plain_code(lang, check.code) or "",
                "message": check.message,
            }
        )
    for n, sub in enumerate(report.credentials, 1):
        rows += _check_rows(sub, lang, f"{prefix}#{n} ")
    return rows


def _credential(report: skillpass.VerificationReport, lang: str) -> dict[str, Any]:
    summary = report.summary or {}
    issuer = summary.get("issuer") or {}
    holders = [
        s.get("name") or ", ".join(s.get("names") or []) for s in summary.get("subjects", [])
    ]
    comparisons = []
    for item in report.extras.get("frameworks") or []:
        source = item.get("from") or item.get("alignment") or {}
        comparisons.append(
            {
                "from": f"{source.get('framework')} {source.get('level')}",
                "to": item.get("to"),
                "error": item.get("error"),
                "reason": item.get("reason"),
                "routes": [
                    {
                        "level": route["level"],
                        "path": " → ".join(route["path"]),
                        "confidence": route["confidence"],
                        "sources": route.get("sources") or [],
                    }
                    for route in item.get("routes") or []
                ],
            }
        )
    return {
        "status": report.status,
        "id": report.document_id,
        "holders": [h for h in holders if h],
        "qualifications": [a["name"] for a in summary.get("achievements", []) if a.get("name")]
        or ([summary["name"]] if summary.get("name") else []),
        "issuer_id": issuer.get("id") or report.issuer,
        "issuer_name": issuer.get("name"),
        "issuer_source": issuer.get("name_source"),
        "levels": summary.get("levels") or [],
        "valid_until": summary.get("valid_until"),
        "comparisons": comparisons,
        "skipped": report.extras.get("frameworks_skipped"),
        "identity": report.extras.get("identity"),
        "verified_content": report.summary is not None,
    }


def result_view(
    report: skillpass.VerificationReport,
    lang: str,
    bundle_time: datetime | None,
    bundle_until: datetime | None = None,
) -> ResultView:
    """The page's view of ``report`` in ``lang``."""
    view = ResultView(
        status=report.status,
        banner=translate(lang, f"banner_{report.status}"),
        why=_why(report, lang),
        kind=report.kind,
        checks=_check_rows(report, lang, ""),
    )
    subs = list(report.credentials) if report.kind == "presentation" else [report]
    view.credentials = [_credential(sub, lang) for sub in subs]
    if bundle_time is None:
        view.bundle = translate(lang, "no_bundle")
    else:
        days = max(0, (datetime.now(UTC) - bundle_time).days)
        key = "bundle_age_one" if days == 1 else "bundle_age"
        view.bundle = translate(
            lang, key, when=bundle_time.strftime("%Y-%m-%d %H:%M UTC"), days=days
        )
        if bundle_until is not None and bundle_until < datetime.now(UTC):
            view.bundle_expired = translate(
                lang, "bundle_expired", when=bundle_until.strftime("%Y-%m-%d")
            )
    return view
