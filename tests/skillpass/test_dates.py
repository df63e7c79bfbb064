"""``skillpass._dates``: the fast paths (the C parser for plain UTC instants, ``isoformat`` for
the stamp) give exactly what the full parser and the field-by-field stamp give."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillpass._dates import _parse_full, format_datetime, parse_datetime
from skillpass.errors import MalformedValueError


def _outcome(fn: object, *args: object) -> object:
    try:
        result = fn(*args)  # type: ignore[operator]
    except MalformedValueError as exc:
        return ("error", exc.code, exc.message)
    return (result, result.tzinfo, result.utcoffset())


@st.composite
def _plain_utc(draw: st.DrawFn) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` with any digits: real instants and impossible ones."""
    parts = [
        draw(
            st.sampled_from(["2026", "0001", "9999", "0000", "1969"])
            | st.from_regex(r"[0-9]{4}", fullmatch=True)
        ),
        draw(
            st.sampled_from(["01", "02", "12", "13", "00"])
            | st.from_regex(r"[0-9]{2}", fullmatch=True)
        ),
        draw(
            st.sampled_from(["01", "28", "29", "30", "31", "32", "00"])
            | st.from_regex(r"[0-9]{2}", fullmatch=True)
        ),
        draw(
            st.sampled_from(["00", "23", "24", "25"]) | st.from_regex(r"[0-9]{2}", fullmatch=True)
        ),
        draw(st.sampled_from(["00", "59", "60"]) | st.from_regex(r"[0-9]{2}", fullmatch=True)),
        draw(st.sampled_from(["00", "59", "60"]) | st.from_regex(r"[0-9]{2}", fullmatch=True)),
    ]
    return "{}-{}-{}T{}:{}:{}Z".format(*parts)


@settings(max_examples=500)
@given(_plain_utc())
def test_plain_utc_fast_path_is_the_full_parser(value: str) -> None:
    assert _outcome(parse_datetime, value) == _outcome(_parse_full, value, "date", True)


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-14T00:00:00Z",
        "2026-03-14T24:00:00Z",  # xsd's end of day: the next day's first instant
        "2026-02-29T00:00:00Z",
        "2028-02-29T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "2026-03-14T00:00:00z",
        "2026-03-14T00:00:00Z\n",
        "2026-03-14 00:00:00Z",
        "20260314T000000Z",
        "2026-03-14T00:00:00.5Z",
        "2026-03-14T00:00:00+02:00",
        "\uff12\uff10\uff12\uff16-03-14T00:00:00Z",  # fullwidth digits: not xsd digits
    ],
)
def test_edge_forms_read_as_the_full_parser(value: str) -> None:
    assert _outcome(parse_datetime, value) == _outcome(_parse_full, value, "date", True)


def _stamp_reference(dt: datetime) -> str:
    return (
        f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}"
    )


def _reference_format(value: datetime) -> str:
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        offset = value.utcoffset() or timedelta()
        sign = "-" if offset < timedelta() else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        return _stamp_reference(value) + f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return _stamp_reference(utc) + "Z"


@settings(max_examples=500)
@given(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
    st.integers(-14 * 60, 14 * 60),
)
def test_format_is_the_field_by_field_stamp(naive: datetime, minutes: int) -> None:
    value = naive.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    assert format_datetime(value) == _reference_format(value)
