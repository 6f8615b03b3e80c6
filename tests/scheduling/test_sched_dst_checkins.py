"""A 19:00 check-in stays at 19:00 local across both DST changes, in New York and London."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from tests.scheduling.sched_helpers import local_times, run_until, sent_to, set_group


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        # spring forward 2026-03-08, then fall back 2026-11-01
        (datetime(2026, 3, 6, 12, tzinfo=UTC), datetime(2026, 3, 10, 12, tzinfo=UTC), 4),
        (datetime(2026, 10, 30, 12, tzinfo=UTC), datetime(2026, 11, 3, 12, tzinfo=UTC), 4),
    ],
)
def test_new_york_checkins_stay_at_seven_pm(phones, clock, runtime, world, start, end, days):
    clock.set(start)
    run_until(phones, clock, runtime, end)
    sam = world.members["sam"]
    checkins = [r for r in sent_to(runtime, sam) if r.body.startswith("Hi Sam, how are you")]
    assert [t[-5:] for t in local_times(checkins, "America/New_York")] == ["19:00"] * days
    utc_hours = {r.sent_at.hour for r in checkins}
    assert utc_hours == {23, 0}  # the UTC time moved by an hour; the local time did not


@pytest.mark.parametrize(
    ("start", "end"),
    [
        # spring forward 2026-03-29, then fall back 2026-10-25
        (datetime(2026, 3, 27, 12, tzinfo=UTC), datetime(2026, 3, 31, 12, tzinfo=UTC)),
        (datetime(2026, 10, 23, 12, tzinfo=UTC), datetime(2026, 10, 27, 12, tzinfo=UTC)),
    ],
)
def test_london_checkins_stay_at_seven_pm(phones, clock, runtime, world, start, end):
    set_group(runtime, world.calm, checkin_days="0123456", checkin_time=time(19, 0))
    clock.set(start)
    run_until(phones, clock, runtime, end)
    checkins = [r for r in sent_to(runtime, world.members["lee"]) if "how are you" in r.body]
    assert local_times(checkins, "Europe/London") == [
        f"{day} 19:00" for day in local_days(start, 4)
    ]
    assert {r.sent_at.hour for r in checkins} == {18, 19}


def local_days(start: datetime, count: int) -> list[str]:
    from datetime import timedelta

    return [(start + timedelta(days=i)).strftime("%a %d %b") for i in range(count)]
