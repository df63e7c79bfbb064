"""xsd:dateTime parsing and formatting (not public API)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from .errors import MalformedValueError

# XML Schema 1.1 dateTime lexical form; SkillPass also requires the timezone, because a validity
# window without one means a different instant in every country the credential travels to.
_XSD_DATETIME = re.compile(
    r"^(?P<y>-?(?:[1-9][0-9]{4,}|[0-9]{4}))-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})"
    r"T(?P<h>[0-9]{2}):(?P<mi>[0-9]{2}):(?P<s>[0-9]{2})(?P<f>\.[0-9]+)?"
    r"(?P<tz>Z|[+-][0-9]{2}:[0-9]{2})?\Z"  # \Z: "$" would accept a trailing newline
)


_EARLIEST = datetime(2, 1, 1, tzinfo=UTC)
_LATEST = datetime(9998, 12, 31, tzinfo=UTC)


def parse_datetime(value: object, *, name: str = "date", require_timezone: bool = True) -> datetime:
    """Parse an ``xsd:dateTime`` value into an aware ``datetime`` (UTC if no zone is given)."""
    if not isinstance(value, str):
        raise MalformedValueError(f"{name} must be an xsd:dateTime string", code="invalid_datetime")
    m = _XSD_DATETIME.match(value)
    if not m:
        raise MalformedValueError(
            f"{name} {value!r} is not a valid xsd:dateTime (e.g. 2026-03-14T00:00:00Z)",
            code="invalid_datetime",
        )
    tz = m["tz"]
    if tz is None and require_timezone:
        raise MalformedValueError(
            f"{name} {value!r} has no timezone (add Z for UTC)", code="invalid_datetime"
        )
    try:
        year = int(m["y"])
        hour = int(m["h"])
        frac = m["f"] or ""
        micro = int((frac[1:] + "000000")[:6]) if frac else 0
        # xsd allows 24:00:00 as the first instant of the next day.
        end_of_day = hour == 24
        if end_of_day and (m["mi"] != "00" or m["s"] != "00" or micro):
            raise ValueError
        base = datetime(
            year,
            int(m["mo"]),
            int(m["d"]),
            0 if end_of_day else hour,
            int(m["mi"]),
            int(m["s"]),
            micro,
        )
        if end_of_day:
            base += timedelta(days=1)
        if tz is None or tz == "Z":
            zone = UTC
        else:
            hours, minutes = int(tz[1:3]), int(tz[4:6])
            if hours > 14 or minutes > 59 or (hours == 14 and minutes):
                raise ValueError
            offset = timedelta(hours=hours, minutes=minutes)
            zone = timezone(-offset if tz[0] == "-" else offset)
        result = base.replace(tzinfo=zone)
        # Keep every instant comfortably inside Python's range, so that converting it to UTC or
        # adding the clock-skew allowance can never overflow.
        if not _EARLIEST <= result.astimezone(UTC) <= _LATEST:
            raise ValueError
        return result
    except (ValueError, OverflowError):
        raise MalformedValueError(
            f"{name} {value!r} is not a real date and time (years 0002-9998)",
            code="invalid_datetime",
        ) from None


def format_datetime(value: datetime) -> str:
    """Format an aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC, whole seconds)."""
    if value.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
