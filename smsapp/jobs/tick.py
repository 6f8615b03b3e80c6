"""The tick: the database holds every due time; this turns due rows into RQ jobs."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from redis.exceptions import RedisError
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from smsapp import sending
from smsapp.db import is_postgres
from smsapp.jobs.queues import (
    enqueue_calls,
    enqueue_checkin_batches,
    enqueue_pacing,
    enqueue_sends,
    enqueue_timer,
    queue,
)
from smsapp.models import OutboxMessage
from smsapp.models.messages import OutboxStatus
from smsapp.models.timers import TimerKind
from smsapp.runtime import Runtime
from smsapp.services.core import calls, delivery, timers
from smsapp.services.domain.planning import planner as schedule_planner

REENQUEUE_GRACE = timedelta(seconds=60)
BATCHED_KINDS = (TimerKind.CHECKIN,)
CHECKIN_CLAIM = 20_000  # check-in timers a tick may claim (jobs of queues.CHECKIN_BATCH)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TickReport:
    timers: int
    sends: int
    calls: int = 0
    pacers: int = 0


def tick(runtime: Runtime, limit: int = 1000) -> TickReport:
    now = runtime.now()
    _plan(runtime, now)
    _daily_retention(runtime, now)
    with runtime.session() as session:
        due_timers = timers.claim_due(session, now, limit, other_than=BATCHED_KINDS)
        # Check-ins are fired as sets (checkin_fanout), so a tick takes many more of them:
        # 100,000 due at 19:00 are claimed in a few ticks, not a hundred.
        due_checkins = [
            i for i, _ in timers.claim_due(session, now, CHECKIN_CLAIM, kinds=BATCHED_KINDS)
        ]
        sends = _sends_to_enqueue(session, now, limit)
        due_calls = calls.due_calls(session, now)
        session.commit()
    try:
        for timer_id, kind in due_timers:
            enqueue_timer(runtime, timer_id, timers.KIND_QUEUE.get(kind, "default"))
        if due_checkins:
            enqueue_checkin_batches(runtime, due_checkins)
    except RedisError:  # claimed rows come back after their lease
        log.warning("tick.redis_unavailable", extra={"count": len(due_timers) + len(due_checkins)})
    enqueue_sends(runtime, sends)
    if due_calls:
        enqueue_calls(runtime, due_calls)
    pacers = _ready_senders(runtime, now)
    enqueue_pacing(runtime, pacers)
    return TickReport(
        timers=len(due_timers) + len(due_checkins),
        sends=len(sends),
        calls=len(due_calls),
        pacers=len(pacers),
    )


def _ready_senders(runtime: Runtime, now: datetime) -> list[str | None]:
    """Paced senders with a text that may go now and nobody pacing them."""
    try:
        return sending.ready_senders(runtime, now)
    except RedisError:
        log.warning("tick.redis_unavailable", extra={"count": 1})
        return []


def _daily_retention(runtime: Runtime, now: datetime) -> None:
    """Enqueue the retention job once per UTC day (a flushed Redis only runs it again)."""
    try:
        if runtime.redis.set(
            f"smsapp:retention:{now.date().isoformat()}", "1", nx=True, ex=2 * 86400
        ):
            queue(runtime, "bulk").enqueue("smsapp.jobs.retention.retention_daily", result_ttl=0)
    except RedisError:
        log.warning("tick.redis_unavailable", extra={"count": 1})


def _plan(runtime: Runtime, now: datetime) -> None:
    """Materialise reminders and check-ins, at most every few minutes (see schedule_planner).

    Its own transaction: a planning failure is logged and never stops the tick's sends.
    """
    with runtime.session() as session:
        try:
            if schedule_planner.plan_if_due(session, runtime.redis, now) is not None:
                session.commit()
        except Exception:
            session.rollback()
            log.exception("tick.plan_failed")


def _sends_to_enqueue(session: Session, now: datetime, limit: int) -> list[tuple[int, str]]:
    """Due rows whose job may be lost: never enqueued, enqueued long ago, or claimed by a
    worker that died (the send job asks the transport before sending those again)."""
    never_or_long_ago = or_(
        OutboxMessage.enqueued_at.is_(None),
        OutboxMessage.enqueued_at < now - REENQUEUE_GRACE,
    )
    stale_claim = (
        (OutboxMessage.status == OutboxStatus.CLAIMED)
        & (OutboxMessage.claimed_at < now - delivery.CLAIM_LEASE)
        & (OutboxMessage.enqueued_at < now - delivery.CLAIM_LEASE)
    )
    query = (
        select(OutboxMessage.id, OutboxMessage.priority)
        .where(
            OutboxMessage.due_at <= now,
            or_((OutboxMessage.status == OutboxStatus.QUEUED) & never_or_long_ago, stale_claim),
        )
        .order_by(OutboxMessage.due_at)
        .limit(limit)
    )
    if is_postgres(session):  # several ticks at once each take different rows
        query = query.with_for_update(skip_locked=True)
    rows = session.execute(query)
    sends = [(row.id, row.priority) for row in rows]
    if sends:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([i for i, _ in sends]))
            .values(enqueued_at=now)
        )
    return sends
