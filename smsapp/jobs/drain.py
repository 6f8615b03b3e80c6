"""Run queued jobs in this process until the queues are empty (tests, sandbox, demo)."""

from __future__ import annotations

import logging

from rq import SimpleWorker

from smsapp.jobs.queues import all_queues
from smsapp.jobs.tick import tick
from smsapp.runtime import Runtime


def drain(runtime: Runtime, *, max_rounds: int = 50) -> int:
    """Tick and work the queues until nothing is due and nothing is queued; jobs run."""
    total = 0
    for _ in range(max_rounds):
        report = tick(runtime)
        ran = _work(runtime)
        total += ran
        if ran == 0 and not (report.timers or report.sends or report.calls or report.pacers):
            return total
    raise RuntimeError(f"queues still busy after {max_rounds} rounds")


def _work(runtime: Runtime) -> int:
    queues = all_queues(runtime)
    if not any(q.count for q in queues):
        return 0
    worker = SimpleWorker(queues, connection=runtime.redis)
    before = sum(q.count for q in queues)
    rq_logger = logging.getLogger("rq.worker")
    level = rq_logger.level  # rq sets its logger's level on every work(); put it back
    try:
        worker.work(burst=True, logging_level="WARNING", with_scheduler=False)
    finally:
        rq_logger.setLevel(level)
    return before
