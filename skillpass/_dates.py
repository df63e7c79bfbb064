"""xsd:dateTime parsing and formatting: the one place dates are read and written (not public API).

Instants keep the offset they were written with. Every xsd:dateTime of the years 0001-9999 is
accepted, including the common "does not expire" ``9999-12-31T23:59:59Z``; an instant near either
end may have no UTC form inside Python's range, so comparisons use the aware values directly
(Python compares them without converting) and :func:`format_datetime` falls back to the
original offset.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from .errors import MalformedValueError

__all__ = ["format_datetime", "parse_datetime"]

# XML Schema 1.1 dateTime lexical form; SkillPass also requires the timezone, because a validity
# window without one means a different instant in every country the credential travels to.
_XSD_DATETIME = re.compile(
    r"^(?P<y>-?(?:[1-9][0-9]{4,}|[0-9]{4}))-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})"
    r"T(?P<h>[0-9]{2}):(?P<mi>[0-9]{2}):(?P<s>[0-9]{2})(?P<f>\.[0-9]+)?"
    r"(?P<tz>Z|[+-][0-9]{2}:[0-9]{2})?\Z"  # \Z: "$" would accept a trailing newline
)


# The form nearly every credential writes (whole seconds, UTC): parsed by the C parser, which
# gives the same datetime for it; anything it refuses takes the full path for the message.
_PLAIN_UTC = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?!24)[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")


def parse_datetime(value: object, *, name: str = "date", require_timezone: bool = True) -> datetime:
    """Parse an ``xsd:dateTime`` value into an aware ``datetime`` (UTC if no zone is given)."""
    if isinstance(value, str) and _PLAIN_UTC.match(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass  # not a real date (2026-02-30): the message comes from the full path
    return _parse_full(value, name, require_timezone)


def _parse_full(value: object, name: str, require_timezone: bool) -> datetime:
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
        hour = int(m["h"])
        frac = m["f"] or ""
        micro = int((frac[1:] + "000000")[:6]) if frac else 0
        # xsd allows 24:00:00 as the first instant of the next day.
        end_of_day = hour == 24
        if end_of_day and (m["mi"] != "00" or m["s"] != "00" or micro):
            raise ValueError
        if tz is None or tz == "Z":
            zone = UTC
        else:
            hours, minutes = int(tz[1:3]), int(tz[4:6])
            if hours > 14 or minutes > 59 or (hours == 14 and minutes):
                raise ValueError
            offset = timedelta(hours=hours, minutes=minutes)
            zone = timezone(-offset if tz[0] == "-" else offset)
        # Years outside 0001-9999 (xsd allows them) raise ValueError here.
        result = datetime(
            int(m["y"]),
            int(m["mo"]),
            int(m["d"]),
            0 if end_of_day else hour,
            int(m["mi"]),
            int(m["s"]),
            micro,
            tzinfo=zone,
        )
        if end_of_day:
            result += timedelta(days=1)  # 9999-12-31T24:00:00 overflows: OverflowError
        return result
    except (ValueError, OverflowError):
        raise MalformedValueError(
            f"{name} {value!r} is not a real date and time (years 0001-9999)",
            code="invalid_datetime",
        ) from None


def format_datetime(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC, whole seconds, always four year digits.

    An instant whose UTC form falls outside the years 0001-9999 keeps its own offset instead
    (``9999-12-31T23:59:59-05:00``).
    """
    if value.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        offset = value.utcoffset() or timedelta()
        sign = "-" if offset < timedelta() else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        return _stamp(value) + f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return _stamp(utc) + "Z"


def _stamp(dt: datetime) -> str:
    # Not strftime: its %Y prints year 999 as "999" on glibc. printf-style formatting is the
    # quickest of the exact ways (f-strings, isoformat of an aware datetime).
    return "%04d-%02d-%02dT%02d:%02d:%02d" % (  # noqa: UP031
        dt.year,
        dt.month,
        dt.day,
        dt.hour,
        dt.minute,
        dt.second,
    )
