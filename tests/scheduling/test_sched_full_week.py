"""A full week of Hope Circle (America/New_York), Mon 2 to Mon 9 March 2026, on the manual clock.

Meetings on Tuesdays and Thursdays at 18:00 with reminders 24 h and 2 h before, a
Saturday breakfast at 08:30 (its 2 h reminder would land at 06:30 and comes the evening
before instead), daily 19:00 check-ins that sam and maria answer, maria's NO, Thursday's
meeting cancelled on Wednesday evening, sam moving his check-in to 22:00 (quiet hours, so
it comes at 08:00 the next morning), and the spring-forward change on Sunday 8 March:
every local time below stays put while UTC moves by an hour.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from smsapp.models import Group, MeetingSeries
from smsapp.services.domain import meetings
from smsapp.services.domain.schedule import rrule_weekly, to_utc
from tests.scheduling.sched_helpers import run_until, sent_to

NY = "America/New_York"
WEEK = [date(2026, 3, 2) + timedelta(days=i) for i in range(8)]  # Mon 2 .. Mon 9


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return to_utc(datetime.combine(day, time(hour, minute)), NY)


def transcript(runtime, member) -> list[str]:
    """What the member's phone showed from the worker, as 'Tue 03 Mar 16:00 Reminder: …'."""
    return [
        f"{_local(r.sent_at):%a %d %b %H:%M} {(r.body or '')[:40]}"
        for r in sent_to(runtime, member)
    ]


def _local(at: datetime | None) -> datetime:
    assert at is not None
    return at.astimezone(ZoneInfo(NY))


def plan_meetings(runtime, world, clock) -> int:
    with runtime.session() as s:
        hope = s.get(Group, world.hope.id)
        series = meetings.create_series(
            s, hope, title="Circle", start_local="2026-03-03T18:00", now=clock.now(),
            rrule=rrule_weekly([1, 3]), location="Library",
        )  # fmt: skip
        meetings.create_one_off(
            s, hope, title="Breakfast", start_local="2026-03-07T08:30", now=clock.now(),
            location="Cafe",
        )  # fmt: skip
        s.commit()
        return series.id


def live_the_week(phones, clock, runtime, world, series_id: int) -> dict[str, str | None]:
    replies: dict[str, str | None] = {}
    for day in WEEK[:-1]:
        if day == date(2026, 3, 2):  # Tuesday's 24 h reminder came at 18:00
            run_until(phones, clock, runtime, local(day, 18, 20))
            replies["sam yes"] = phones.text("sam", "YES")
            replies["maria no"] = phones.text("maria", "no")
        if day == date(2026, 3, 4):  # Thursday's meeting is called off on Wednesday evening
            run_until(phones, clock, runtime, local(day, 18, 30))
            with runtime.session() as s:
                series = s.get(MeetingSeries, series_id)
                meetings.cancel_occurrence(s, series, local(WEEK[3], 18), clock.now())
                s.commit()
        run_until(phones, clock, runtime, local(day, 19, 30))
        replies[f"sam {day:%a}"] = phones.text("sam", "4")
        if day.weekday() in (0, 2, 4):  # maria answers Mon, Wed and Fri
            replies[f"maria {day:%a}"] = phones.text("maria", "3")
        if day == date(2026, 3, 6):
            replies["sam TIME"] = phones.text("sam", "TIME 10PM")
    run_until(phones, clock, runtime, local(WEEK[-1], 19, 30))
    return replies


SAM_WEEK = [
    "Mon 02 Mar 18:00 Reminder: Hope Circle meets Tue 3 Mar, 6",
    "Mon 02 Mar 19:00 Hi Sam, how are you today? Reply 1-5 (1 ",
    "Tue 03 Mar 16:00 Reminder: Hope Circle meets Tue 3 Mar, 6",  # he said YES: still reminded
    "Tue 03 Mar 19:00 Hi Sam, how are you today? Reply 1-5 (1 ",
    "Wed 04 Mar 18:00 Reminder: Hope Circle meets Thu 5 Mar, 6",
    "Wed 04 Mar 18:30 Hope Circle: the meeting on Thu 5 Mar, 6",  # cancelled: no 2 h reminder
    "Wed 04 Mar 19:00 Hi Sam, how are you today? Reply 1-5 (1 ",
    "Thu 05 Mar 19:00 Hi Sam, how are you today? Reply 1-5 (1 ",
    "Fri 06 Mar 08:30 Reminder: Hope Circle meets Sat 7 Mar, 8",
    "Fri 06 Mar 19:00 Hi Sam, how are you today? Reply 1-5 (1 ",
    "Fri 06 Mar 20:59 Reminder: Hope Circle meets Sat 7 Mar, 8",  # 06:30 Sat is quiet hours
    "Sat 07 Mar 08:00 Hi Sam, how are you today? Reply 1-5 (1 ",  # TIME 10PM: after quiet hours
    "Sun 08 Mar 08:00 Hi Sam, how are you today? Reply 1-5 (1 ",  # first morning of EDT
    "Mon 09 Mar 08:00 Hi Sam, how are you today? Reply 1-5 (1 ",
    "Mon 09 Mar 18:00 Reminder: Hope Circle meets Tue 10 Mar, ",
]
MARIA_WEEK = [
    "Mon 02 Mar 18:00 Recordatorio: Hope Circle se reune mar 3",
    "Mon 02 Mar 19:00 Hola Maria, ¿como estas hoy? Responde 1-",
    "Tue 03 Mar 19:00 Hola Maria, ¿como estas hoy? Responde 1-",  # NO: no reminder at 16:00
    "Wed 04 Mar 18:00 Recordatorio: Hope Circle se reune jue 5",
    "Wed 04 Mar 18:30 Hope Circle: la reunion del jue 5 mar, 1",
    "Wed 04 Mar 19:00 Hola Maria, ¿como estas hoy? Responde 1-",
    "Thu 05 Mar 19:00 Hola Maria, ¿como estas hoy? Responde 1-",
    "Fri 06 Mar 08:30 Recordatorio: Hope Circle se reune sáb 7",
    "Fri 06 Mar 19:00 Hola Maria, ¿como estas hoy? Responde 1-",
    "Fri 06 Mar 20:59 Recordatorio: Hope Circle se reune sáb 7",
    "Sat 07 Mar 19:00 Hola Maria, ¿como estas hoy? Responde 1-",
    "Sun 08 Mar 19:00 Hola Maria, ¿como estas hoy? Responde 1-",  # EDT: an hour earlier in UTC
    "Mon 09 Mar 18:00 Recordatorio: Hope Circle se reune mar 1",
    "Mon 09 Mar 19:00 Hola Maria, ¿como estas hoy? Responde 1-",
]


def test_a_full_week_of_hope_circle(phones, clock, runtime, world):
    series_id = plan_meetings(runtime, world, clock)
    replies = live_the_week(phones, clock, runtime, world, series_id)
    sam, maria = world.members["sam"], world.members["maria"]
    assert transcript(runtime, sam) == SAM_WEEK
    assert transcript(runtime, maria) == MARIA_WEEK
    assert replies["sam yes"] == "Great, see you there! Thanks for letting us know."
    assert (replies["maria no"] or "").startswith("Gracias por avisar")
    assert (replies["sam Fri"] or "").startswith("Glad to hear it, Sam!")
    assert replies["sam TIME"] == "Got it: your check-ins will come around 22:00."
    # The clocks changed on Sunday; local times did not.
    maria = [
        r.sent_at for r in sent_to(runtime, world.members["maria"]) if "Hola" in (r.body or "")
    ]
    assert maria[-3:] == [
        datetime(2026, 3, 8, 0, 0, tzinfo=UTC),  # Sat 19:00 EST
        datetime(2026, 3, 8, 23, 0, tzinfo=UTC),  # Sun 19:00 EDT
        datetime(2026, 3, 9, 23, 0, tzinfo=UTC),
    ]
    sam = [r.sent_at for r in sent_to(runtime, world.members["sam"]) if "Hi Sam" in (r.body or "")]
    assert sam[-3:] == [
        datetime(2026, 3, 7, 13, 0, tzinfo=UTC),  # Sat 08:00 EST
        datetime(2026, 3, 8, 12, 0, tzinfo=UTC),  # Sun 08:00 EDT
        datetime(2026, 3, 9, 12, 0, tzinfo=UTC),
    ]
    # Nobody got anything in quiet hours (21:00-08:00 New York), all week.
    everything = sent_to(runtime, world.members["sam"]) + sent_to(runtime, world.members["maria"])
    assert all(8 <= _local(r.sent_at).hour < 21 for r in everything)
    assert phones.text("alice", "HEADCOUNT") == (
        "Hope Circle, Tue 10 Mar, 6:00 PM: 0 yes, 0 no, 0 later, 2 no answer."
    )
