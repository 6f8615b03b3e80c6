"""Sessions never overlap (a reminder waits behind a check-in) and fires run once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from smsapp.jobs.queues import enqueue_timer
from smsapp.jobs.timers import run_timer
from smsapp.models import Group, MoodScore, OutboxMessage, Rsvp, Timer
from smsapp.services.core import timers
from smsapp.services.domain import meetings
from smsapp.services.domain.planning.planner import plan_all
from tests.scheduling.sched_helpers import run_until, sent_to

CHECKIN = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)  # Mon 19:00 New York


def one_off(runtime, world, clock, start_local: str) -> None:
    """A one-off meeting of hope with the default 24 h and 2 h reminders."""
    with runtime.session() as s:
        meetings.create_one_off(
            s, s.get(Group, world.hope.id), title="Late", start_local=start_local, now=clock.now()
        )
        s.commit()


def test_reminder_due_while_a_check_in_waits_is_deferred_not_lost(phones, clock, runtime, world):
    one_off(runtime, world, clock, "2026-03-02T21:30")  # its 2 h reminder is due at 19:30
    run_until(phones, clock, runtime, CHECKIN + timedelta(minutes=35))
    sam = world.members["sam"]
    assert [r.body[:6] for r in sent_to(runtime, sam)] == ["Hi Sam"]  # the reminder waits
    assert "Glad to hear it" in phones.text("sam", "4")  # the reply goes to the check-in
    run_until(phones, clock, runtime, CHECKIN + timedelta(hours=1))
    rows = sent_to(runtime, sam)
    assert rows[1].body.startswith("Reminder: Hope Circle meets Mon 2 Mar, 9:30 PM")
    # It goes as soon as the question is answered (issue 11: it used to wait for a fixed
    # re-arm 10 minutes later, at 19:45).
    assert rows[1].sent_at == CHECKIN + timedelta(minutes=35)
    assert "see you there" in phones.text("sam", "yes")
    with runtime.session() as s:
        assert s.scalar(select(MoodScore.score)) == 4
        assert s.scalar(select(Rsvp.answer)) == "yes"


def test_a_waiting_question_holds_later_fires_for_an_hour_at_most(phones, clock, runtime, world):
    one_off(runtime, world, clock, "2026-03-03T20:00")  # 24 h reminder at Mon 20:00
    run_until(phones, clock, runtime, CHECKIN + timedelta(hours=2))
    bodies = [r.body for r in sent_to(runtime, world.members["sam"])]
    assert [b[:8] for b in bodies] == ["Hi Sam, ", "Reminder"]  # nobody answered the check-in
    with runtime.session() as s:
        reminder = s.scalar(
            select(OutboxMessage).where(
                OutboxMessage.member_id == world.members["sam"].id,
                OutboxMessage.body.is_not(None),
                OutboxMessage.idempotency_key.like("reminder:%"),
            )
        )
        assert reminder.sent_at == CHECKIN + timedelta(hours=1)


def test_a_deferred_reminder_never_arrives_after_the_meeting_starts(phones, clock, runtime, world):
    with runtime.session() as s:
        meetings.create_one_off(
            s, s.get(Group, world.hope.id), title="Soon", start_local="2026-03-02T19:40",
            now=clock.now(), reminder_offsets_minutes=[30],
        )  # fmt: skip
        s.commit()
    run_until(phones, clock, runtime, CHECKIN + timedelta(hours=6))
    assert [r.body[:6] for r in sent_to(runtime, world.members["sam"])] == ["Hi Sam"]


def test_a_fire_that_runs_twice_sends_once(phones, clock, runtime, world):
    clock.set(CHECKIN - timedelta(minutes=1))
    with runtime.session() as s:
        plan_all(s, clock.now())
        assert plan_all(s, clock.now()) == 0  # planning twice adds nothing
        s.commit()
    clock.set(CHECKIN)
    with runtime.session() as s:
        [timer_id] = s.scalars(
            select(Timer.id).where(Timer.member_id == world.members["sam"].id)
        ).all()
        s.execute(update(Timer).where(Timer.id == timer_id).values(status="claimed"))
        s.commit()
    run_timer(runtime, timer_id)
    run_timer(runtime, timer_id)
    enqueue_timer(runtime, timer_id, "bulk")
    enqueue_timer(runtime, timer_id, "bulk")
    phones.drain()
    phones.drain()
    assert len(sent_to(runtime, world.members["sam"])) == 1
    with runtime.session() as s:
        per_key = s.execute(
            select(Timer.key, func.count()).group_by(Timer.key).having(func.count() > 1)
        ).all()
        assert per_key == []


def test_a_job_enqueued_twice_for_a_reminder_sends_once(phones, clock, runtime, world):
    one_off(runtime, world, clock, "2026-03-03T18:00")
    clock.set(datetime(2026, 3, 2, 23, 0, tzinfo=UTC))
    with runtime.session() as s:
        claimed = timers.claim_due(s, clock.now())
        s.commit()
    for timer_id, kind in claimed + claimed:
        enqueue_timer(runtime, timer_id, timers.KIND_QUEUE[kind])
    phones.drain()
    assert len(phones.received("sam")) == 1 and len(phones.received("maria")) == 1
