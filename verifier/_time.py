"""Dates in trust lists and bundles: read into UTC, written back so they read again (not public
API).

Every date is turned to UTC when read: an instant whose UTC form falls outside the years
0001-9999 (``0001-01-01T00:00:00+01:00``) is refused there, not when a later computation
overflows. Written dates always have four year digits (``strftime("%Y")`` prints year 999 as
``999`` on glibc, which no parser accepts back: a list saved that way could not be read again).
"""

from __future__ import annotations

from datetime import UTC, datetime

import skillpass
from skillpass.errors import MalformedValueError

__all__ = ["stamp", "utc"]


def utc(value: object, name: str) -> datetime:
    """``value`` (an xsd:dateTime string) as a UTC datetime (``invalid_datetime``)."""
    when = skillpass.parse_datetime(value, name=name)
    try:
        return when.astimezone(UTC)
    except OverflowError:
        raise MalformedValueError(
            f"{name} {value!r} falls outside the years 0001-9999 in UTC", code="invalid_datetime"
        ) from None


def stamp(when: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``; an instant with no UTC form in 0001-9999 keeps its offset."""
    try:
        at = when.astimezone(UTC)
    except OverflowError:
        return when.replace(microsecond=0).isoformat()
    return (
        f"{at.year:04d}-{at.month:02d}-{at.day:02d}T{at.hour:02d}:{at.minute:02d}:{at.second:02d}Z"
    )
