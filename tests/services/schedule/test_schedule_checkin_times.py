"""Check-in and reminder fire times, and reading times of day from texts."""

from datetime import UTC, datetime, time, timedelta

import pytest

from smsapp.services.domain.schedule.checkin_times import (
    DEFAULT_REMINDER_OFFSETS,
    next_checkin_at,
    parse_time_of_day,
    reminder_fire_times,
)
from smsapp.services.domain.schedule.localtime import to_local, to_utc
from smsapp.services.domain.schedule.quiet_hours import DEFAULT_QUIET_HOURS, QuietHours

NY = "America/New_York"
LONDON = "Europe/London"
QH = DEFAULT_QUIET_HOURS
DAILY = set(range(7))
H24, H2 = timedelta(hours=24), timedelta(hours=2)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def walls(times: list[datetime], tz: str) -> list[str]:
    return [to_local(t, tz).strftime("%a %d %b %H:%M") for t in times]


def fires(days, at, tz, start_utc, count, qh=QH, member_tz=None) -> list[datetime]:
    out, after = [], start_utc
    for _ in range(count):
        after = next_checkin_at(days, at, tz, after, qh, member_tz=member_tz)
        out.append(after)
    return out


@pytest.mark.parametrize(
    ("tz", "change_day"),
    [(NY, "2026-03-08"), (NY, "2026-11-01"), (LONDON, "2026-03-29"), (LONDON, "2026-10-25")],
)
def test_daily_19h_checkin_stays_at_19h_local_across_dst(tz, change_day):
    day = datetime.fromisoformat(change_day)
    start = to_utc(day - timedelta(days=2), tz)
    times = fires(DAILY, time(19, 0), tz, start, 5)
    assert {to_local(t, tz).strftime("%H:%M") for t in times} == {"19:00"}
    dates = [to_local(t, tz).date() for t in times]
    assert dates == [(day + timedelta(days=i - 2)).date() for i in range(5)]
    # The UTC time moves by one hour at the change, which is the point.
    assert len({t.hour for t in times}) == 2
    gaps = {later - earlier for earlier, later in zip(times, times[1:], strict=False)}
    assert gaps <= {timedelta(hours=23), timedelta(hours=24), timedelta(hours=25)}


def test_next_checkin_is_strictly_after():
    at_fire = to_utc(datetime(2026, 6, 10, 19, 0), NY)
    nxt = next_checkin_at(DAILY, time(19, 0), NY, at_fire, QH)
    assert nxt == at_fire + timedelta(days=1)
    just_before = at_fire - timedelta(seconds=1)
    assert next_checkin_at(DAILY, time(19, 0), NY, just_before, QH) == at_fire


def test_weekly_days_are_honoured():
    mon_wed = {0, 2}
    start = to_utc(datetime(2026, 6, 8, 9, 0), LONDON)  # Monday morning
    times = fires(mon_wed, time(18, 30), LONDON, start, 4)
    assert walls(times, LONDON) == [
        "Mon 08 Jun 18:30",
        "Wed 10 Jun 18:30",
        "Mon 15 Jun 18:30",
        "Wed 17 Jun 18:30",
    ]


def test_checkin_inside_quiet_hours_moves_later_to_08h():
    start = to_utc(datetime(2026, 6, 10, 12, 0), NY)
    times = fires(DAILY, time(22, 30), NY, start, 2)
    assert walls(times, NY) == ["Thu 11 Jun 08:00", "Fri 12 Jun 08:00"]


def test_shifted_checkin_from_last_night_is_still_due_this_morning():
    # Tuesday's 23:00 check-in moved to Wednesday 08:00; at 07:00 Wednesday it is next.
    now = to_utc(datetime(2026, 6, 10, 7, 0), NY)
    nxt = next_checkin_at({1}, time(23, 0), NY, now, QH)
    assert walls([nxt], NY) == ["Wed 10 Jun 08:00"]


def test_group_checkin_judged_in_a_members_own_quiet_hours():
    # 19:00 New York is 00:00 London: a London member gets it at 08:00 London.
    start = to_utc(datetime(2026, 6, 10, 12, 0), NY)
    nxt = next_checkin_at(DAILY, time(19, 0), NY, start, QH, member_tz=LONDON)
    assert walls([nxt], LONDON) == ["Thu 11 Jun 08:00"]
    assert walls([nxt], NY) == ["Thu 11 Jun 03:00"]


def test_checkin_in_the_spring_gap_moves_forward():
    # With quiet hours out of the way, a 02:30 check-in on 8 Mar (no such time) fires 03:30.
    no_quiet = QuietHours(time(12, 0), time(12, 1))
    start = to_utc(datetime(2026, 3, 7, 12, 0), NY)
    times = fires(DAILY, time(2, 30), NY, start, 2, qh=no_quiet)
    assert walls(times, NY) == ["Sun 08 Mar 03:30", "Mon 09 Mar 02:30"]


def test_checkin_schedule_needs_valid_days():
    now = utc(2026, 6, 10)
    with pytest.raises(ValueError, match="at least one day"):
        next_checkin_at(set(), time(19, 0), NY, now, QH)
    with pytest.raises(ValueError, match="0 \\(Monday\\) to 6"):
        next_checkin_at({7}, time(19, 0), NY, now, QH)


def test_reminders_default_to_24h_and_2h_before():
    meeting = to_utc(datetime(2026, 6, 11, 19, 0), NY)
    now = meeting - timedelta(days=3)
    got = reminder_fire_times(meeting, None, NY, QH, now)
    assert got == [(H24, meeting - H24), (H2, meeting - H2)]
    assert reminder_fire_times(meeting, list(DEFAULT_REMINDER_OFFSETS), NY, QH, now) == got


def test_reminders_in_quiet_hours_move_earlier():
    # Meeting 09:00: the 2 h reminder (07:00) goes out at 20:59 the evening before.
    meeting = to_utc(datetime(2026, 6, 11, 9, 0), NY)
    got = reminder_fire_times(meeting, [H24, H2], NY, QH, meeting - timedelta(days=3))
    assert [off for off, _ in got] == [H24, H2]
    assert walls([t for _, t in got], NY) == ["Wed 10 Jun 09:00", "Wed 10 Jun 20:59"]


def test_reminders_for_a_member_in_another_zone_use_their_quiet_hours():
    # Group meets Thu 19:00 New York = Fri 00:00 London; both reminders (Thu 00:00 and
    # Thu 22:00 London) fall at night for the London member.
    meeting = to_utc(datetime(2026, 6, 11, 19, 0), NY)
    got = reminder_fire_times(meeting, [H24, H2], LONDON, QH, meeting - timedelta(days=3))
    assert walls([t for _, t in got], LONDON) == ["Wed 10 Jun 20:59", "Thu 11 Jun 20:59"]
    assert [off for off, _ in got] == [H24, H2]


def test_past_reminders_are_dropped():
    meeting = to_utc(datetime(2026, 6, 11, 19, 0), NY)
    now = meeting - timedelta(hours=5)
    assert reminder_fire_times(meeting, [H24, H2], NY, QH, now) == [(H2, meeting - H2)]
    assert reminder_fire_times(meeting, [H24, H2], NY, QH, meeting + timedelta(hours=1)) == []


def test_reminder_that_can_only_go_out_before_now_is_dropped_not_sent_at_night():
    # Meeting 07:30; at 22:00 the evening before, the 2 h reminder's 20:59 slot has passed.
    meeting = to_utc(datetime(2026, 6, 11, 7, 30), NY)
    now = to_utc(datetime(2026, 6, 10, 22, 0), NY)
    assert reminder_fire_times(meeting, [H2], NY, QH, now) == []


def test_reminder_that_would_be_after_the_meeting_start_is_dropped():
    meeting = to_utc(datetime(2026, 6, 11, 19, 0), NY)
    now = meeting - timedelta(days=1)
    # A zero or negative offset cannot remind anyone before the meeting.
    assert reminder_fire_times(meeting, [timedelta(0), -H2], NY, QH, now) == []
    # Inside quiet hours a zero offset moves earlier, to before the start, and is kept.
    early_meeting = to_utc(datetime(2026, 6, 11, 7, 0), NY)
    got = reminder_fire_times(early_meeting, [timedelta(0)], NY, QH, now - timedelta(days=1))
    assert walls([t for _, t in got], NY) == ["Wed 10 Jun 20:59"]


def test_two_reminders_shifted_onto_the_same_minute_are_sent_once():
    meeting = to_utc(datetime(2026, 6, 11, 7, 0), NY)
    hour = timedelta(hours=1)
    got = reminder_fire_times(meeting, [H2, hour], NY, QH, meeting - timedelta(days=2))
    assert [off for off, _ in got] == [H2]
    assert walls([t for _, t in got], NY) == ["Wed 10 Jun 20:59"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7PM", time(19, 0)),
        ("7 pm", time(19, 0)),
        ("7pm", time(19, 0)),
        ("7 p.m.", time(19, 0)),
        ("7p", time(19, 0)),
        ("19:00", time(19, 0)),
        ("7:30pm", time(19, 30)),
        ("7.30 pm", time(19, 30)),
        ("7:30", time(7, 30)),
        ("07:05", time(7, 5)),
        ("noon", time(12, 0)),
        ("Noon", time(12, 0)),
        ("midnight", time(0, 0)),
        ("19h", time(19, 0)),
        ("19h30", time(19, 30)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("9 AM", time(9, 0)),
        ("19", time(19, 0)),
        ("  8:15 a.m. ", time(8, 15)),
    ],
)
def test_parse_time_of_day_accepts_common_forms(text, expected):
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("", "didn't understand"),
        ("tonight", "didn't understand"),
        ("7", "add am or pm"),
        ("13pm", "1 to 12"),
        ("0am", "1 to 12"),
        ("19h pm", "1 to 12"),
        ("7:60", "up to 59"),
        ("25:00", "up to 23"),
        ("24h", "up to 23"),
        ("7:", "didn't understand"),
        ("7:3", "didn't understand"),
        ("7 30", "didn't understand"),
        ("7pm tomorrow please ok", "didn't understand"),
    ],
)
def test_parse_time_of_day_explains_bad_input(text, hint):
    with pytest.raises(ValueError, match=hint) as caught:
        parse_time_of_day(text)
    assert "Try 7PM, 7:30pm or 19:00." in str(caught.value)
