"""The timer jobs: fire one claimed timer, or a batch of check-ins, inside one transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from smsapp.runtime import Runtime, current_runtime
from smsapp.services.conversation import checkin_fanout
from smsapp.services.core import timers

log = logging.getLogger(__name__)


def fire_timer(timer_id: int) -> None:
    run_timer(current_runtime(), timer_id)


def fire_checkin_batch(timer_ids: list[int]) -> None:
    run_checkin_batch(current_runtime(), timer_ids)


def run_timer(runtime: Runtime, timer_id: int) -> None:
    now = runtime.now()
    with runtime.session() as session:
        try:
            timers.fire(session, timer_id, now)
            session.commit()
        except Exception:
            session.rollback()
            log.exception("timer.failed", extra={"timer_id": timer_id})
            timers.release(session, timer_id, now + timedelta(minutes=1))
            session.commit()


def run_checkin_batch(runtime: Runtime, timer_ids: Sequence[int]) -> None:
    """Fire many check-ins as a set; if the set fails, each goes one by one (its own
    transaction), so one bad row never holds back everyone else's check-in."""
    now = runtime.now()
    with runtime.session() as session:
        try:
            report = checkin_fanout.fire_checkins(session, timer_ids, now)
            session.commit()
            log.info(
                "timer.checkin_batch",
                extra={"count": len(timer_ids), "started": report.started},
            )
            return
        except Exception:
            session.rollback()
            log.exception("timer.batch_failed", extra={"count": len(timer_ids)})
    for timer_id in timer_ids:
        run_timer(runtime, timer_id)
