"""Meeting series and one-offs: validation with clear errors, recurrence, cancel and move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from smsapp.models import Group, Timer
from smsapp.services.domain import calendar, meetings
from smsapp.services.domain.meetings import MeetingError
from smsapp.services.domain.schedule import rrule_monthly_nth_weekday, rrule_weekly


@pytest.fixture
def hope(runtime, world):
    with runtime.session() as s:
        yield s, s.get(Group, world.hope.id)


def make(session, group, now, **kw):
    kw.setdefault("title", "Meeting")
    kw.setdefault("start_local", "2026-03-03T18:00")
    return meetings.create_series(session, group, now=now, **kw)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "needs a title"),
        ({"start_local": "next tuesday"}, "not a date and time"),
        ({"start_local": "2026-03-03T18:00+00:00"}, "local wall time"),
        ({"rrule": "FREQ=HOURLY"}, "at most once a day"),
        ({"rrule": "BYDAY=MO"}, "needs FREQ"),
        ({"duration_minutes": 0}, "at least one minute"),
        ({"reminder_offsets_minutes": [0]}, "reminder offsets"),
        ({"start_local": "2026-03-01T18:00"}, "must start in the future"),
    ],
)
def test_bad_meetings_are_refused_with_a_clear_message(hope, clock, changes, message):
    session, group = hope
    with pytest.raises(MeetingError, match=message):
        make(session, group, clock.now(), **changes)


def test_every_other_week_and_first_monday(hope, clock):
    session, group = hope
    fortnightly = make(session, group, clock.now(), rrule=rrule_weekly([1], interval=2))
    monthly = make(
        session, group, clock.now(), rrule=rrule_monthly_nth_weekday(1, 0),
        start_local="2026-03-02T19:00",
    )  # fmt: skip
    end = clock.now() + timedelta(days=70)
    starts = [
        o.start_utc.date().isoformat()
        for o in calendar.between(session, fortnightly, group, clock.now(), end)
    ]
    assert starts[:3] == ["2026-03-03", "2026-03-17", "2026-03-31"]
    firsts = [o.start_utc for o in calendar.between(session, monthly, group, clock.now(), end)]
    assert firsts == [
        datetime(2026, 3, 3, 0, 0, tzinfo=UTC),  # Mon 2 Mar 19:00 EST
        datetime(2026, 4, 6, 23, 0, tzinfo=UTC),  # Mon 6 Apr 19:00 EDT
        datetime(2026, 5, 4, 23, 0, tzinfo=UTC),
    ]


def test_creating_a_meeting_plans_its_reminders(hope, clock, world):
    session, group = hope
    series = make(session, group, clock.now(), reminder_offsets_minutes=[1440, 120, 30])
    keys = sorted(
        t.key.rsplit(":", 1)[1]
        for t in session.query(Timer).filter(
            Timer.kind == "reminder", Timer.member_id == world.members["sam"].id
        )
    )
    assert keys == ["120", "1440", "30"]
    assert series.reminder_offsets_minutes == "1440,120,30"


def test_cancel_and_move_refuse_what_cannot_be_done(hope, clock):
    session, group = hope
    series = make(session, group, clock.now(), rrule=rrule_weekly([1]))
    first = datetime(2026, 3, 3, 23, 0, tzinfo=UTC)
    with pytest.raises(MeetingError, match="no such meeting"):
        meetings.cancel_occurrence(session, series, first + timedelta(hours=1), clock.now())
    with pytest.raises(MeetingError, match="in the future"):
        meetings.move_occurrence(session, series, first, datetime(2026, 3, 1, 9, 0), clock.now())
    meetings.cancel_occurrence(session, series, first, clock.now())
    with pytest.raises(MeetingError, match="already cancelled"):
        meetings.move_occurrence(session, series, first, datetime(2026, 3, 5, 9, 0), clock.now())
    with pytest.raises(MeetingError, match="already started"):
        second = datetime(2026, 3, 10, 22, 0, tzinfo=UTC)  # 18:00 EDT
        meetings.cancel_occurrence(session, series, second, second + timedelta(minutes=5))


def test_a_moved_meeting_is_found_where_it_now_starts(hope, clock):
    session, group = hope
    series = make(session, group, clock.now(), rrule=rrule_weekly([1]))
    first = datetime(2026, 3, 3, 23, 0, tzinfo=UTC)
    meetings.move_occurrence(session, series, first, datetime(2026, 3, 4, 17, 0), clock.now())
    [occ] = calendar.between(
        session, series, group, first - timedelta(hours=1), first + timedelta(days=2)
    )
    assert occ.moved and occ.start_utc == datetime(2026, 3, 4, 22, 0, tzinfo=UTC)
    assert calendar.find_occurrence(session, series, first).start_utc == occ.start_utc
