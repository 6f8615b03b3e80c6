"""Meeting series: DST-correct expansion, every other week, first Monday, exceptions."""

from datetime import UTC, datetime, timedelta

import pytest

from smsapp.services.domain.schedule.localtime import to_local
from smsapp.services.domain.schedule.recurrence import (
    MeetingSeriesSpec,
    occurrences,
    rrule_monthly_nth_weekday,
    rrule_weekly,
    validate_rrule,
)

NY = "America/New_York"
LONDON = "Europe/London"
MO, TU, WE, TH, FR, SA, SU = range(7)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local_walls(occs, tz):
    return [to_local(o.start_utc, tz).replace(tzinfo=None) for o in occs]


@pytest.mark.parametrize(
    ("tz", "first_local", "window", "utc_hours"),
    [
        # Saturdays 19:00; the clocks change on the Sunday after the second one.
        # NY spring (Sun 2026-03-08): EST 00:00Z, then EDT 23:00Z.
        (NY, datetime(2026, 2, 28, 19), (utc(2026, 3, 1), utc(2026, 3, 20)), [0, 0, 23]),
        # NY autumn (Sun 2026-11-01): EDT 23:00Z, then EST 00:00Z.
        (NY, datetime(2026, 10, 24, 19), (utc(2026, 10, 20), utc(2026, 11, 10)), [23, 23, 0]),
        # London spring (Sun 2026-03-29): GMT 19:00Z, then BST 18:00Z.
        (LONDON, datetime(2026, 3, 21, 19), (utc(2026, 3, 21), utc(2026, 4, 5)), [19, 19, 18]),
        # London autumn (Sun 2026-10-25): BST 18:00Z, then GMT 19:00Z.
        (LONDON, datetime(2026, 10, 17, 19), (utc(2026, 10, 17), utc(2026, 11, 1)), [18, 18, 19]),
    ],
)
def test_weekly_meeting_keeps_its_local_time_across_dst(tz, first_local, window, utc_hours):
    spec = MeetingSeriesSpec(rrule_weekly([SA]), first_local, 90, tz)
    occs = occurrences(spec, window[0], window[1], set(), {})
    assert [o.start_utc.hour for o in occs] == utc_hours
    assert all(wall.hour == 19 and wall.minute == 0 for wall in local_walls(occs, tz))
    assert all(o.end_utc - o.start_utc == timedelta(minutes=90) for o in occs)
    assert [o.start_utc.tzinfo for o in occs] == [UTC] * len(occs)


def test_every_other_week_skips_alternate_weeks():
    spec = MeetingSeriesSpec(rrule_weekly([TU], interval=2), datetime(2026, 3, 3, 18, 30), 60, NY)
    occs = occurrences(spec, utc(2026, 3, 1), utc(2026, 4, 30), set(), {})
    assert [w.date().isoformat() for w in local_walls(occs, NY)] == [
        "2026-03-03",
        "2026-03-17",
        "2026-03-31",
        "2026-04-14",
        "2026-04-28",
    ]
    assert {w.time().isoformat() for w in local_walls(occs, NY)} == {"18:30:00"}


def test_first_monday_of_the_month():
    assert rrule_monthly_nth_weekday(1, MO) == "FREQ=MONTHLY;BYDAY=1MO"
    spec = MeetingSeriesSpec(rrule_monthly_nth_weekday(1, MO), datetime(2026, 1, 1, 19), 60, LONDON)
    occs = occurrences(spec, utc(2026, 1, 1), utc(2026, 6, 1), set(), {})
    days = [w.date().isoformat() for w in local_walls(occs, LONDON)]
    assert days == ["2026-01-05", "2026-02-02", "2026-03-02", "2026-04-06", "2026-05-04"]
    # April is in BST: 19:00 local is 18:00 UTC.
    assert occs[3].start_utc == utc(2026, 4, 6, 18, 0)


def test_last_friday_of_the_month():
    spec = MeetingSeriesSpec(rrule_monthly_nth_weekday(-1, FR), datetime(2026, 1, 1, 12), 60, NY)
    occs = occurrences(spec, utc(2026, 1, 1), utc(2026, 3, 1), set(), {})
    assert [w.date().isoformat() for w in local_walls(occs, NY)] == ["2026-01-30", "2026-02-27"]


def test_cancelled_occurrence_is_left_out():
    spec = MeetingSeriesSpec(rrule_weekly([TH]), datetime(2026, 3, 5, 19), 60, NY)
    cancelled = {utc(2026, 3, 12, 23, 0)}  # Thu 12 Mar 19:00 EDT
    occs = occurrences(spec, utc(2026, 3, 1), utc(2026, 3, 25), cancelled, {})
    assert [o.start_utc for o in occs] == [utc(2026, 3, 6, 0, 0), utc(2026, 3, 19, 23, 0)]


def test_moved_occurrence_keeps_its_original_key_and_duration():
    spec = MeetingSeriesSpec(rrule_weekly([TH]), datetime(2026, 3, 5, 19), 60, NY)
    original = utc(2026, 3, 12, 23, 0)
    new_start = utc(2026, 3, 13, 22, 0)  # Friday 18:00 instead
    occs = occurrences(spec, utc(2026, 3, 10), utc(2026, 3, 17), set(), {original: new_start})
    assert len(occs) == 1
    occ = occs[0]
    assert (occ.original_start_utc, occ.start_utc, occ.moved) == (original, new_start, True)
    assert occ.end_utc == new_start + timedelta(hours=1)


def test_moves_across_the_window_edge():
    spec = MeetingSeriesSpec(rrule_weekly([TH]), datetime(2026, 3, 5, 19), 60, NY)
    original = utc(2026, 3, 19, 23, 0)
    moved = {original: utc(2026, 3, 16, 23, 0)}  # moved back into the week of the 12th
    in_window = occurrences(spec, utc(2026, 3, 10), utc(2026, 3, 18), set(), moved)
    assert [(o.start_utc, o.moved) for o in in_window] == [
        (utc(2026, 3, 12, 23, 0), False),
        (utc(2026, 3, 16, 23, 0), True),
    ]
    later = occurrences(spec, utc(2026, 3, 18), utc(2026, 3, 25), set(), moved)
    assert later == []


def test_cancel_wins_over_move_and_stale_keys_are_ignored():
    spec = MeetingSeriesSpec(rrule_weekly([TH]), datetime(2026, 3, 5, 19), 60, NY)
    original = utc(2026, 3, 12, 23, 0)
    not_an_occurrence = utc(2026, 3, 11, 23, 0)
    moved = {original: utc(2026, 3, 13, 23, 0), not_an_occurrence: utc(2026, 3, 14, 23, 0)}
    occs = occurrences(spec, utc(2026, 3, 10), utc(2026, 3, 17), {original}, moved)
    assert occs == []


def test_window_is_half_open():
    spec = MeetingSeriesSpec(rrule_weekly([TH]), datetime(2026, 3, 5, 19), 60, NY)
    start = utc(2026, 3, 12, 23, 0)
    assert len(occurrences(spec, start, start + timedelta(minutes=1), set(), {})) == 1
    assert occurrences(spec, start - timedelta(days=1), start, set(), {}) == []


def test_one_off_meeting_has_empty_rule():
    spec = MeetingSeriesSpec("", datetime(2026, 11, 1, 1, 30), 60, NY)
    occs = occurrences(spec, utc(2026, 10, 1), utc(2026, 12, 1), set(), {})
    assert [o.start_utc for o in occs] == [utc(2026, 11, 1, 5, 30)]  # first 01:30 (EDT)


def test_a_rule_that_lands_in_the_spring_gap_moves_forward():
    spec = MeetingSeriesSpec("FREQ=DAILY;COUNT=3", datetime(2026, 3, 7, 2, 30), 30, NY)
    occs = occurrences(spec, utc(2026, 3, 1), utc(2026, 3, 31), set(), {})
    walls = [w.isoformat(timespec="minutes") for w in local_walls(occs, NY)]
    assert walls == ["2026-03-07T02:30", "2026-03-08T03:30", "2026-03-09T02:30"]
    # A cancellation keyed by the shifted start is recognised.
    cancelled = {occs[1].original_start_utc}
    moved = {occs[1].original_start_utc: utc(2026, 3, 20)}
    assert len(occurrences(spec, utc(2026, 3, 1), utc(2026, 3, 31), cancelled, {})) == 2
    assert len(occurrences(spec, utc(2026, 3, 1), utc(2026, 3, 31), set(), moved)) == 3


def test_rrule_helpers_validate_input():
    assert rrule_weekly([TH, MO, MO]) == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert rrule_weekly([WE], interval=2) == "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"
    with pytest.raises(ValueError, match="at least one day"):
        rrule_weekly([])
    with pytest.raises(ValueError, match="0 \\(Monday\\) to 6"):
        rrule_weekly([7])
    with pytest.raises(ValueError, match="interval"):
        rrule_weekly([MO], interval=0)
    with pytest.raises(ValueError, match="first to fifth"):
        rrule_monthly_nth_weekday(0, MO)


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=MO"),
        ("RRULE:freq=monthly;byday=1mo", "FREQ=MONTHLY;BYDAY=1MO"),
        ("  FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH  ", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH"),
        ("", ""),
    ],
)
def test_validate_rrule_normalises(text, normalised):
    assert validate_rrule(text) == normalised


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("BYDAY=MO", "needs FREQ"),
        ("FREQ=FORTNIGHTLY", "not valid"),
        ("FREQ=WEEKLY;BYDAY=XX", "not valid"),
        ("FREQ=WEEKLY;INTERVAL=two", "not valid"),
        ("FREQ=HOURLY", "at most once a day"),
        ("FREQ=DAILY;BYHOUR=9,19", "may not set BYHOUR"),
        ("DTSTART:20260101T190000\nRRULE:FREQ=WEEKLY", "one RRULE line"),
        ("FREQ=WEEKLY;DTSTART=20260101", "may not set DTSTART"),
    ],
)
def test_validate_rrule_rejects_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        validate_rrule(text)


def test_spec_validates_itself_and_keys_must_be_aware():
    with pytest.raises(ValueError, match="unknown time zone"):
        MeetingSeriesSpec("FREQ=WEEKLY", datetime(2026, 1, 1, 19), 60, "Nowhere/City")
    with pytest.raises(ValueError, match="naive local wall time"):
        MeetingSeriesSpec("FREQ=WEEKLY", utc(2026, 1, 1, 19), 60, NY)
    with pytest.raises(ValueError, match="at least one minute"):
        MeetingSeriesSpec("FREQ=WEEKLY", datetime(2026, 1, 1, 19), 0, NY)
    spec = MeetingSeriesSpec("FREQ=WEEKLY", datetime(2026, 1, 1, 19), 60, NY)
    with pytest.raises(ValueError, match="cancelled occurrence must be an aware"):
        occurrences(spec, utc(2026, 1, 1), utc(2026, 2, 1), {datetime(2026, 1, 2, 0, 0)}, {})
