"""A 19:00 check-in stays at 19:00 local across both DST changes, in New York and London."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from smsapp.services.domain.schedule import to_utc
from tests.scheduling.sched_helpers import local_times, run_until, sent_to, set_group

NEW_YORK, LONDON = "America/New_York", "Europe/London"


def live_days(phones, clock, runtime, tz: str, first: date, people: list[str]) -> None:
    """Four days; everyone answers each check-in at 19:30, as members do."""
    clock.set(to_utc(datetime.combine(first, time(12, 0)), tz))
    for offset in range(4):
        day = first + timedelta(days=offset)
        run_until(phones, clock, runtime, to_utc(datetime.combine(day, time(19, 30)), tz))
        for who in people:
            assert phones.text(who, "4")


@pytest.mark.parametrize("first", [date(2026, 3, 6), date(2026, 10, 30)])  # 8 Mar, 1 Nov
def test_new_york_checkins_stay_at_seven_pm(phones, clock, runtime, world, first):
    live_days(phones, clock, runtime, NEW_YORK, first, ["sam", "maria"])
    checkins = [r for r in sent_to(runtime, world.members["sam"]) if "how are you" in r.body]
    expected = [(first + timedelta(days=i)).strftime("%a %d %b 19:00") for i in range(4)]
    assert local_times(checkins, NEW_YORK) == expected
    assert {r.sent_at.hour for r in checkins} == {23, 0}  # UTC moved by an hour, local did not


@pytest.mark.parametrize("first", [date(2026, 3, 27), date(2026, 10, 23)])  # 29 Mar, 25 Oct
def test_london_checkins_stay_at_seven_pm(phones, clock, runtime, world, first):
    set_group(runtime, world.calm, checkin_days="0123456", checkin_time=time(19, 0))
    set_group(runtime, world.hope, checkin_days="")
    live_days(phones, clock, runtime, LONDON, first, [world.members["lee"].phone])
    checkins = [r for r in sent_to(runtime, world.members["lee"]) if "how are you" in r.body]
    expected = [(first + timedelta(days=i)).strftime("%a %d %b 19:00") for i in range(4)]
    assert local_times(checkins, LONDON) == expected
    assert {r.sent_at.hour for r in checkins} == {18, 19}
