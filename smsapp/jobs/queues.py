"""The three RQ queues and enqueueing; Redis being down never loses work (the tick retries)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from redis.exceptions import RedisError
from rq import Queue

if TYPE_CHECKING:
    from smsapp.runtime import Runtime

QUEUE_NAMES = ("urgent", "default", "bulk")
log = logging.getLogger(__name__)


def queue(runtime: Runtime, name: str) -> Queue:
    cache = runtime.extras.setdefault("queues", {})
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
            q = queue(runtime, name)
            q.enqueue_many(
                [
                    Queue.prepare_data("smsapp.jobs.send.send_outbox", (i,), result_ttl=0)
                    for i in ids
                ]
            )
    except RedisError:
        # The rows carry enqueued_at already; the tick re-enqueues them after its grace time.
        log.warning("queue.unavailable", extra={"count": sum(map(len, by_queue.values()))})


def enqueue_timer(runtime: Runtime, timer_id: int, name: str) -> None:
    queue(runtime, name).enqueue("smsapp.jobs.timers.fire_timer", timer_id, result_ttl=0)
