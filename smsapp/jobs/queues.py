"""The three RQ queues and enqueueing; Redis being down never loses work (the tick retries)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from redis.exceptions import RedisError
from rq import Queue
from rq.queue import EnqueueData

if TYPE_CHECKING:
    from smsapp.runtime import Runtime

QUEUE_NAMES = ("urgent", "default", "bulk")
# Rows per send job on the default and bulk queues: one job per text caps a SimpleWorker
# near 250 texts/s (each job costs ~50 Redis commands). Urgent texts keep a job each, so
# two crisis alerts are never sent one after the other by the same job.
SEND_BATCH = 100
# Check-in timers per fan-out job (fired as a set: services/conversation/checkin_fanout.py).
CHECKIN_BATCH = 500
log = logging.getLogger(__name__)


def queue(runtime: Runtime, name: str) -> Queue:
    cache: dict[str, Queue] = runtime.extras.setdefault("queues", {})
    if name not in cache:
        cache[name] = Queue(name, connection=runtime.redis)
    return cache[name]


def all_queues(runtime: Runtime) -> list[Queue]:
    return [queue(runtime, name) for name in QUEUE_NAMES]


def enqueue_sends(runtime: Runtime, rows: Iterable[tuple[int, str]]) -> None:
    """Enqueue send jobs by outbox id; on a Redis failure the tick enqueues them later."""
    by_queue: dict[str, list[int]] = {}
    for outbox_id, priority in rows:
        by_queue.setdefault(priority, []).append(outbox_id)
    try:
        for name, ids in by_queue.items():
            queue(runtime, name).enqueue_many(_send_jobs(name, ids))
    except RedisError:
        # Mark the rows never enqueued, so the first tick after Redis returns takes them
        # at once (a crisis alert must not wait out the tick's grace time).
        ids = [i for batch in by_queue.values() for i in batch]
        log.warning("queue.unavailable", extra={"count": len(ids)})
        _forget_enqueued(runtime, ids)


def _send_jobs(name: str, ids: list[int]) -> list[EnqueueData]:
    if name == "urgent":
        return [Queue.prepare_data("smsapp.jobs.send.send_outbox", (i,), result_ttl=0) for i in ids]
    return [
        Queue.prepare_data(
            "smsapp.jobs.send.send_outbox_batch", (ids[at : at + SEND_BATCH],), result_ttl=0
        )
        for at in range(0, len(ids), SEND_BATCH)
    ]


def _forget_enqueued(runtime: Runtime, ids: list[int]) -> None:
    from sqlalchemy import update
    from sqlalchemy.exc import SQLAlchemyError

    from smsapp.models import OutboxMessage

    try:
        with runtime.session() as session:
            session.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(enqueued_at=None)
            )
            session.commit()
    except SQLAlchemyError:  # the grace time still brings them back
        log.warning("queue.reset_failed", extra={"count": len(ids)})


def enqueue_calls(runtime: Runtime, call_ids: list[int]) -> None:
    """Enqueue call jobs (urgent: a call is someone reaching a person in need); on a Redis
    failure the tick enqueues them after its grace time."""
    try:
        queue(runtime, "urgent").enqueue_many(
            [
                Queue.prepare_data("smsapp.jobs.calls.place_call", (i,), result_ttl=0)
                for i in call_ids
            ]
        )
    except RedisError:
        log.warning("queue.unavailable", extra={"count": len(call_ids)})


def enqueue_timer(runtime: Runtime, timer_id: int, name: str) -> None:
    queue(runtime, name).enqueue("smsapp.jobs.timers.fire_timer", timer_id, result_ttl=0)


def enqueue_checkin_batches(runtime: Runtime, timer_ids: list[int]) -> None:
    """Enqueue check-in timers as set-based fire jobs on the bulk queue, CHECKIN_BATCH a job."""
    queue(runtime, "bulk").enqueue_many(
        [
            Queue.prepare_data(
                "smsapp.jobs.timers.fire_checkin_batch",
                (timer_ids[at : at + CHECKIN_BATCH],),
                result_ttl=0,
            )
            for at in range(0, len(timer_ids), CHECKIN_BATCH)
        ]
    )
