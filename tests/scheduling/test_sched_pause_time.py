"""PAUSE, RESUME, STOP, a crisis, and TIME: who gets scheduled texts, and when."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from smsapp.models import Timer
from tests.scheduling.sched_helpers import run_until, sent_to, set_member, weekly_meeting

MON_EVENING = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)  # Mon 20:00 New York
TUE_EVENING = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)


def test_paused_member_gets_nothing_until_resume(phones, clock, runtime, world):
    weekly_meeting(runtime, world.hope, "2026-03-03T18:00", clock)
    phones.text("sam", "PAUSE")
    run_until(phones, clock, runtime, datetime(2026, 3, 3, 15, 0, tzinfo=UTC))
    sam, maria = world.members["sam"], world.members["maria"]
    assert sent_to(runtime, sam) == []
    assert len(sent_to(runtime, maria)) == 2  # reminder and check-in
    assert "Welcome back" in phones.text("sam", "RESUME")
    run_until(phones, clock, runtime, TUE_EVENING)
    bodies = [r.body for r in sent_to(runtime, sam)]
    assert [b.split(" ")[0] for b in bodies] == ["Reminder:", "Hi"]  # 2 h reminder, check-in


def test_opted_out_and_crisis_members_get_nothing(phones, clock, runtime, world):
    weekly_meeting(runtime, world.hope, "2026-03-03T18:00", clock)
    phones.text("sam", "STOP")
    set_member(runtime, world.members["maria"], automation_paused=True)
    run_until(phones, clock, runtime, TUE_EVENING)
    assert sent_to(runtime, world.members["sam"]) == []
    assert sent_to(runtime, world.members["maria"]) == []


def test_own_time_replaces_the_group_time(phones, clock, runtime, world):
    phones.text("sam", "TIME 7:30pm")
    run_until(phones, clock, runtime, TUE_EVENING)
    sent = [r.sent_at for r in sent_to(runtime, world.members["sam"])]
    assert sent == [
        datetime(2026, 3, 3, 0, 30, tzinfo=UTC),
        datetime(2026, 3, 4, 0, 30, tzinfo=UTC),
    ]
    with runtime.session() as s:
        keys = s.scalars(
            select(Timer.key).where(Timer.kind == "checkin", Timer.status == "cancelled")
        ).all()
    assert keys == []  # the 19:00 timer for Monday was retimed, not left behind


def test_new_time_on_a_day_already_checked_in_waits_for_tomorrow(phones, clock, runtime, world):
    run_until(phones, clock, runtime, MON_EVENING)
    phones.text("sam", "TIME 9PM")  # later the same evening: one check-in a day is enough
    run_until(phones, clock, runtime, datetime(2026, 3, 3, 15, 0, tzinfo=UTC))
    sent = [r.sent_at for r in sent_to(runtime, world.members["sam"])]
    assert sent == [datetime(2026, 3, 3, 0, 0, tzinfo=UTC), datetime(2026, 3, 3, 13, 0, tzinfo=UTC)]
