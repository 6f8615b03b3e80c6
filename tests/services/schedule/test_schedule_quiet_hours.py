"""Quiet hours: the window, organisation overrides, and shifts in both directions."""

from datetime import UTC, datetime, time

import pytest

from smsapp.services.domain.schedule.localtime import to_local, to_utc
from smsapp.services.domain.schedule.quiet_hours import (
    DEFAULT_QUIET_HOURS,
    QuietHours,
    shift_earlier,
    shift_later,
    validate_org_quiet_hours,
)

NY = "America/New_York"
LONDON = "Europe/London"
QH = DEFAULT_QUIET_HOURS


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def wall(when: datetime | None, tz: str) -> str:
    assert when is not None
    return to_local(when, tz).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("local", "quiet"),
    [
        ("20:59", False),
        ("21:00", True),
        ("23:30", True),
        ("00:00", True),
        ("07:59", True),
        ("08:00", False),
        ("12:00", False),
    ],
)
def test_default_window_is_21_to_08_local(local, quiet):
    hour, minute = map(int, local.split(":"))
    when = to_utc(datetime(2026, 6, 10, hour, minute), NY)
    assert QH.contains(when, NY) is quiet


def test_the_same_instant_is_quiet_for_one_member_and_not_another():
    when = utc(2026, 6, 10, 21, 30)  # 17:30 in New York, 22:30 in London
    assert not QH.contains(when, NY)
    assert QH.contains(when, LONDON)


def test_window_that_does_not_span_midnight():
    lunch = QuietHours(time(12, 0), time(13, 0))
    assert lunch.contains(utc(2026, 1, 10, 12, 30), LONDON)
    assert not lunch.contains(utc(2026, 1, 10, 13, 0), LONDON)
    assert not lunch.contains(utc(2026, 1, 10, 23, 0), LONDON)


def test_stricter_compares_windows():
    assert QuietHours(time(20, 0), time(9, 0)).stricter(QH)
    assert QH.stricter(QH)
    assert not QuietHours(time(22, 0), time(8, 0)).stricter(QH)
    assert not QuietHours(time(21, 0), time(7, 30)).stricter(QH)
    assert not QH.stricter(QuietHours(time(20, 0), time(9, 0)))


def test_organisation_may_only_widen_quiet_hours():
    assert validate_org_quiet_hours(time(20, 0), time(9, 0)) == QuietHours(time(20), time(9))
    assert validate_org_quiet_hours("21:00", "08:00") == QH
    assert validate_org_quiet_hours("18:00", "10:00").contains(utc(2026, 1, 10, 18, 30), LONDON)
    with pytest.raises(ValueError, match="must cover at least 21:00-08:00"):
        validate_org_quiet_hours("22:00", "08:00")
    with pytest.raises(ValueError, match="must cover at least 21:00-08:00"):
        validate_org_quiet_hours("09:00", "17:00")
    with pytest.raises(ValueError, match="different times"):
        validate_org_quiet_hours("21:00", "21:00")
    with pytest.raises(ValueError, match="start must be a time like 21:00"):
        validate_org_quiet_hours("late", "08:00")


def test_shift_earlier_moves_to_the_minute_before_quiet_hours_began():
    late_evening = to_utc(datetime(2026, 6, 10, 23, 0), NY)
    assert wall(shift_earlier(late_evening, NY, QH, None), NY) == "2026-06-10 20:59"
    early_morning = to_utc(datetime(2026, 6, 11, 5, 0), NY)
    assert wall(shift_earlier(early_morning, NY, QH, None), NY) == "2026-06-10 20:59"


def test_shift_earlier_leaves_allowed_times_alone():
    afternoon = to_utc(datetime(2026, 6, 10, 17, 0), NY)
    assert shift_earlier(afternoon, NY, QH, None) == afternoon


def test_shift_earlier_gives_up_when_the_new_time_has_passed():
    early_morning = to_utc(datetime(2026, 6, 11, 5, 0), NY)
    now = to_utc(datetime(2026, 6, 10, 22, 0), NY)
    assert shift_earlier(early_morning, NY, QH, now) is None
    just_before = to_utc(datetime(2026, 6, 10, 20, 59), NY)
    assert shift_earlier(early_morning, NY, QH, just_before) == just_before


def test_shift_earlier_uses_the_members_zone_not_the_groups():
    # 19:00 in New York is midnight in London: a London member gets it at 20:59 London.
    send = to_utc(datetime(2026, 6, 10, 19, 0), NY)
    shifted = shift_earlier(send, LONDON, QH, None)
    assert wall(shifted, LONDON) == "2026-06-10 20:59"
    assert wall(shifted, NY) == "2026-06-10 15:59"


def test_shift_later_moves_to_the_end_of_quiet_hours_on_the_right_day():
    late_evening = to_utc(datetime(2026, 6, 10, 22, 0), LONDON)
    assert wall(shift_later(late_evening, LONDON, QH), LONDON) == "2026-06-11 08:00"
    after_midnight = to_utc(datetime(2026, 6, 11, 6, 0), LONDON)
    assert wall(shift_later(after_midnight, LONDON, QH), LONDON) == "2026-06-11 08:00"
    afternoon = to_utc(datetime(2026, 6, 11, 15, 0), LONDON)
    assert shift_later(afternoon, LONDON, QH) == afternoon


def test_shift_later_across_a_dst_night():
    # 23:00 on Sat 28 Mar London (GMT) moves to 08:00 Sun 29 Mar (BST, 07:00Z).
    saturday_night = to_utc(datetime(2026, 3, 28, 23, 0), LONDON)
    assert shift_later(saturday_night, LONDON, QH) == utc(2026, 3, 29, 7, 0)
    # 22:00 on Sat 31 Oct New York (EDT) moves to 08:00 Sun 1 Nov (EST, 13:00Z).
    halloween = to_utc(datetime(2026, 10, 31, 22, 0), NY)
    assert shift_later(halloween, NY, QH) == utc(2026, 11, 1, 13, 0)


def test_shift_earlier_across_a_dst_night():
    # 05:00 Sun 8 Mar New York (EDT) moves to 20:59 Sat 7 Mar (EST, 01:59Z on the 8th).
    early = to_utc(datetime(2026, 3, 8, 5, 0), NY)
    assert shift_earlier(early, NY, QH, None) == utc(2026, 3, 8, 1, 59)


def test_quiet_hours_must_be_whole_minutes():
    with pytest.raises(ValueError, match="whole minutes"):
        QuietHours(time(21, 0, 30), time(8, 0))
