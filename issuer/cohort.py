"""A graduating cohort as CSV, one graduate per row, mapped onto the qualification builder.

Columns (header row required; names are case-sensitive):

========================  ===============================================================
``holder_name``           required: the graduate's name as on the passport
``qualification_name``    required: e.g. ``Shielded Metal Arc Welding (SMAW) NC II``
``achievement_type``      required: Open Badges achievementType, e.g. ``Certificate``
``description``           required
``criteria``              required: how it was earned
``holder_id``             optional: the holder's DID (credentialSubject.id)
``passport_number``       optional: stored only as a salted hash (OB ``identifier``)
``achievement_id``        optional: the qualification's IRI
``levels``                optional: ``FRAMEWORK:LEVEL`` pairs separated by ``;``
                          (``PH-PQF:2;EQF:3``)
``field_of_study_code``,  optional: ISCED-F 2013 code and name
``field_of_study_name``
``skills``                optional: ``ESCO-URI|name`` pairs separated by ``;``
``credits_earned``        optional: a number
``awarded_on``,           optional: dates (``YYYY-MM-DD`` or date-time)
``completed_on``,
``valid_until``
========================  ===============================================================

Every row is checked before anything is issued; an error names the CSV line and the column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from skillpass.credentials import build_qualification
from skillpass.errors import MalformedValueError, SkillpassError

__all__ = ["COLUMNS", "REQUIRED", "CohortRow", "check_cohort", "parse_cohort"]

REQUIRED = ("holder_name", "qualification_name", "achievement_type", "description", "criteria")
COLUMNS = (
    *REQUIRED,
    "holder_id",
    "passport_number",
    "achievement_id",
    "levels",
    "field_of_study_code",
    "field_of_study_name",
    "skills",
    "credits_earned",
    "awarded_on",
    "completed_on",
    "valid_until",
)
# The builder's error paths, back to the CSV columns they came from.
_PATH_TO_COLUMN = {
    "/holder/name": "holder_name",
    "/holder/id": "holder_id",
    "/holder/passport": "passport_number",
    "/name": "qualification_name",
    "/achievement_type": "achievement_type",
    "/description": "description",
    "/criteria": "criteria",
    "/achievement_id": "achievement_id",
    "/levels": "levels",
    "/field_of_study": "field_of_study_code",
    "/skills": "skills",
    "/credits_earned": "credits_earned",
    "/awarded_on": "awarded_on",
    "/completed_on": "completed_on",
    "/valid_until": "valid_until",
}


def _row_error(line: int, column: str, message: str) -> MalformedValueError:
    return MalformedValueError(
        f"row {line}, column {column}: {message}",
        code="invalid_cohort_row",
        path=f"/rows/{line}/{column}",
    )


def _pairs(value: str, sep: str, line: int, column: str) -> list[tuple[str, str]]:
    out = []
    for part in filter(None, (p.strip() for p in value.split(";"))):
        left, found, right = part.rpartition(sep) if sep == ":" else part.partition(sep)
        if not found or not left.strip() or not right.strip():
            raise _row_error(line, column, f"{part!r} is not of the form A{sep}B")
        out.append((left.strip(), right.strip()))
    return out


def _row_input(row: dict[str, str], line: int, issuer: dict[str, Any]) -> dict[str, Any]:
    for column in REQUIRED:
        if not row.get(column, "").strip():
            raise _row_error(line, column, "is required")
    data: dict[str, Any] = {
        "issuer": issuer,
        "holder": {"name": row["holder_name"].strip()},
        "name": row["qualification_name"].strip(),
        "achievement_type": row["achievement_type"].strip(),
        "description": row["description"].strip(),
        "criteria": row["criteria"].strip(),
    }
    if row.get("holder_id"):
        data["holder"]["id"] = row["holder_id"].strip()
    if row.get("passport_number"):
        data["holder"]["passport"] = {"number": row["passport_number"].strip()}
    for column, key in (
        ("achievement_id", "achievement_id"),
        ("awarded_on", "awarded_on"),
        ("completed_on", "completed_on"),
        ("valid_until", "valid_until"),
        ("credits_earned", "credits_earned"),
    ):
        if row.get(column, "").strip():
            data[key] = row[column].strip()
    if row.get("levels", "").strip():
        data["levels"] = [
            {"framework": f, "level": level}
            for f, level in _pairs(row["levels"], ":", line, "levels")
        ]
    if row.get("skills", "").strip():
        data["skills"] = [
            {"uri": uri, "name": name} for uri, name in _pairs(row["skills"], "|", line, "skills")
        ]
    code, name = row.get("field_of_study_code", "").strip(), row.get("field_of_study_name", "")
    if code or name.strip():
        data["field_of_study"] = {"code": code, "name": name.strip()}
    return data


@dataclass(frozen=True, slots=True)
class CohortRow:
    """One CSV row checked: its line, the unsigned credential, or the error that stops it."""

    line: int
    credential: dict[str, Any] | None
    error: MalformedValueError | None
    fields: dict[str, str] = field(default_factory=dict)
    """The row as read (column -> text), to show beside its error."""


def _credential(row: dict[str, str | None], line: int, issuer: dict[str, Any]) -> dict[str, Any]:
    if None in row or any(v is None for v in row.values()):
        raise _row_error(line, "*", "the row has a different number of fields")
    data = _row_input({k: v or "" for k, v in row.items() if k is not None}, line, issuer)
    try:
        return build_qualification(data)
    except SkillpassError as exc:
        path = exc.path or ""
        column = next(
            (c for p, c in _PATH_TO_COLUMN.items() if path == p or path.startswith(p + "/")),
            path.strip("/") or "*",
        )
        raise _row_error(line, column, exc.message) from None


def check_cohort(text: str, *, issuer: dict[str, Any], max_rows: int) -> list[CohortRow]:
    """Every row of a cohort CSV checked, each with its credential or its error (a preview
    before issuing). A header that is wrong, or more than ``max_rows`` rows, raises."""
    reader = csv.DictReader(io.StringIO(text), strict=True)
    rows: list[CohortRow] = []
    try:
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in COLUMNS]
        if unknown:
            raise MalformedValueError(
                f"unknown column(s) {', '.join(map(repr, unknown))}; known: {', '.join(COLUMNS)}",
                code="invalid_cohort_csv",
                path="/header",
            )
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise MalformedValueError(
                f"missing column(s) {', '.join(missing)}",
                code="invalid_cohort_csv",
                path="/header",
            )
        for row in reader:
            line = reader.line_num
            if len(rows) >= max_rows:
                raise MalformedValueError(
                    f"at most {max_rows} rows per cohort", code="batch_too_large"
                )
            fields = {k: v for k, v in row.items() if isinstance(k, str) and isinstance(v, str)}
            try:
                rows.append(CohortRow(line, _credential(row, line, issuer), None, fields))
            except MalformedValueError as exc:
                rows.append(CohortRow(line, None, exc, fields))
    except csv.Error as exc:
        raise MalformedValueError(
            f"not a readable CSV file: {exc}", code="invalid_cohort_csv"
        ) from None
    if not rows:
        raise MalformedValueError("the cohort has no rows", code="empty_batch")
    return rows


def parse_cohort(text: str, *, issuer: dict[str, Any], max_rows: int) -> list[dict[str, Any]]:
    """Unsigned qualification credentials, one per CSV row, or the first row error (line,
    column)."""
    credentials: list[dict[str, Any]] = []
    for row in check_cohort(text, issuer=issuer, max_rows=max_rows):
        if row.error is not None:
            raise row.error
        assert row.credential is not None
        credentials.append(row.credential)
    return credentials
