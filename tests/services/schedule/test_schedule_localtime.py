"""Local wall time <-> UTC, including both DST edges."""

from datetime import UTC, datetime

import pytest

from smsapp.services.domain.schedule.localtime import format_local, to_local, to_utc, validate_tz

NY = "America/New_York"
LONDON = "Europe/London"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("local", "tz", "expected"),
    [
        (datetime(2026, 3, 7, 19, 0), NY, utc(2026, 3, 8, 0, 0)),  # EST, -5
        (datetime(2026, 3, 9, 19, 0), NY, utc(2026, 3, 9, 23, 0)),  # EDT, -4
        (datetime(2026, 3, 28, 19, 0), LONDON, utc(2026, 3, 28, 19, 0)),  # GMT
        (datetime(2026, 3, 30, 19, 0), LONDON, utc(2026, 3, 30, 18, 0)),  # BST
    ],
)
def test_to_utc_follows_the_offset_of_the_day(local, tz, expected):
    assert to_utc(local, tz) == expected


def test_nonexistent_spring_forward_time_moves_forward_by_the_gap():
    assert to_utc(datetime(2026, 3, 8, 2, 30), NY) == utc(2026, 3, 8, 7, 30)
    assert to_local(utc(2026, 3, 8, 7, 30), NY).hour == 3
    assert to_utc(datetime(2026, 3, 29, 1, 30), LONDON) == utc(2026, 3, 29, 1, 30)
    assert to_local(utc(2026, 3, 29, 1, 30), LONDON).hour == 2


def test_ambiguous_autumn_time_means_the_first_occurrence():
    assert to_utc(datetime(2026, 11, 1, 1, 30), NY) == utc(2026, 11, 1, 5, 30)  # still EDT
    assert to_utc(datetime(2026, 10, 25, 1, 30), LONDON) == utc(2026, 10, 25, 0, 30)  # BST


def test_to_local_round_trips_wall_time():
    local = to_local(utc(2026, 7, 1, 23, 0), NY)
    assert local.replace(tzinfo=None) == datetime(2026, 7, 1, 19, 0)
    assert to_utc(local.replace(tzinfo=None), NY) == utc(2026, 7, 1, 23, 0)


def test_naive_and_aware_mixups_are_refused():
    with pytest.raises(ValueError, match="naive"):
        to_local(datetime(2026, 7, 1, 23, 0), NY)
    with pytest.raises(ValueError, match="naive local wall time"):
        to_utc(utc(2026, 7, 1, 23, 0), NY)


def test_validate_tz():
    assert validate_tz("Europe/London") == "Europe/London"
    for bad in ("Mars/Olympus", "", " Europe/London", "../etc/passwd", None):
        with pytest.raises(ValueError, match="unknown time zone"):
            validate_tz(bad)
    with pytest.raises(ValueError, match="unknown time zone 'Nowhere/City'"):
        to_utc(datetime(2026, 1, 1), "Nowhere/City")


def test_format_local_in_english_and_spanish():
    when = utc(2026, 3, 10, 23, 0)  # Tue 10 Mar, 19:00 in New York
    assert format_local(when, NY) == "Tue 10 Mar, 7:00 PM"
    assert format_local(when, NY, "es") == "mar 10 mar, 19:00"
    assert format_local(when, NY, "es-MX") == "mar 10 mar, 19:00"
    assert format_local(when, NY, "xx") == "Tue 10 Mar, 7:00 PM"
    assert format_local(utc(2026, 1, 3, 0, 5), LONDON) == "Sat 3 Jan, 12:05 AM"
    assert format_local(utc(2026, 1, 3, 12, 5), LONDON, "es") == "sáb 3 ene, 12:05"
