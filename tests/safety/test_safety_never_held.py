"""Crisis texts get through: Redis down, a failed delivery, quiet hours, pauses, rate limits."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import redis
from sqlalchemy import select

from smsapp.jobs.tick import REENQUEUE_GRACE
from smsapp.models import OutboxMessage
from smsapp.runtime import Runtime
from smsapp.services.core import outbox
from tests.safety.safety_helpers import (
    CRISIS,
    cases,
    escalation_rows,
    minutes,
    post_status,
    start_flow,
)


def test_redis_down_still_answers_and_stores_the_case(phones, clock, runtime, world, monkeypatch):
    working = runtime.redis
    monkeypatch.setattr(runtime, "redis", redis.Redis(port=1, socket_connect_timeout=0.2))
    runtime.extras.pop("queues", None)
    reply = phones.text("sam", CRISIS)
    assert "988" in reply and "alerted" in reply
    [case] = cases(runtime)
    assert case.urgency == "urgent"
    monkeypatch.setattr(runtime, "redis", working)
    runtime.extras.pop("queues", None)
    # The rows were marked enqueued when Redis refused them; the tick takes them back
    # after its grace time.
    clock.advance(REENQUEUE_GRACE + minutes(0.1))
    phones.drain()
    [alert] = phones.received("alice")
    assert f"ACK {case.id}" in alert


def test_failed_delivery_to_the_first_facilitator_texts_the_next_level_at_once(
    phones, client, runtime, world
):
    phones.text("sam", CRISIS)
    phones.drain()
    [row] = escalation_rows(runtime, world.users["alice"].id)
    assert row.twilio_sid is not None and phones.received("carol") == []
    assert post_status(client, runtime, row.twilio_sid, "failed", "30003") == 204
    phones.drain()
    assert len(phones.received("carol")) == 1
    assert post_status(client, runtime, row.twilio_sid, "undelivered", "30003") == 204
    phones.drain()
    assert len(phones.received("carol")) == 1  # one failure moves the case once


def test_a_delivered_alert_keeps_the_level_and_is_in_the_trail(phones, client, runtime, world):
    phones.text("sam", CRISIS)
    phones.drain()
    [row] = escalation_rows(runtime, world.users["alice"].id)
    assert row.twilio_sid is not None
    assert post_status(client, runtime, row.twilio_sid, "delivered") == 204
    phones.drain()
    assert phones.received("carol") == []
    [case] = cases(runtime)
    with runtime.session() as s:
        from smsapp.models import Case

        events = s.get(Case, case.id).events
        assert any(e.kind == "delivery" and "delivered" in e.detail for e in events)


def test_crisis_at_3am_during_quiet_hours_while_a_checkin_waits(phones, clock, runtime, world):
    clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))  # 03:00 in New York
    start_flow(runtime, world, "sam", "checkin")
    reply = phones.text("sam", "1 I want to die")
    assert "988" in reply
    phones.drain()
    assert len(phones.received("alice")) == 1
    clock.advance(minutes(5))
    phones.drain()
    assert len(phones.received("carol")) == 1


def test_escalations_jump_the_senders_rate_limit(phones, runtime, world, monkeypatch):
    slow = dataclasses.replace(runtime.settings, send_rate=0.001)  # one text per 1,000 s
    monkeypatch.setattr(runtime, "settings", slow)
    with runtime.session() as s:
        for n in range(3):
            outbox.queue_message(
                s,
                to="+12025550150",
                body=f"bulk {n}",
                kind="scheduled",
                key=f"bulk:{n}",
                now=runtime.now(),
            )
        s.commit()
    phones.drain()
    assert len(phones.received("+12025550150")) == 1  # the rest wait for their slots
    phones.text("sam", CRISIS)
    phones.drain()
    assert len(phones.received("alice")) == 1
    with runtime.session() as s:
        held = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "scheduled")).all()
        assert sum(row.status == "queued" for row in held) == 2


def test_escalation_jobs_are_enqueued_only_after_the_commit(phones, runtime, world, monkeypatch):
    import smsapp.jobs.queues as queues

    real = queues.enqueue_sends
    visible: list[bool] = []

    def checking(rt: Runtime, rows: list[tuple[int, str]]) -> None:
        rows = list(rows)
        with runtime.session() as other:  # another connection sees only committed rows
            for outbox_id, _priority in rows:
                visible.append(other.get(OutboxMessage, outbox_id) is not None)
        real(rt, rows)

    monkeypatch.setattr(queues, "enqueue_sends", checking)
    phones.text("sam", CRISIS)
    assert visible and all(visible)
