"""The timer job: fire one claimed timer inside one transaction."""

from __future__ import annotations

import logging
from datetime import timedelta

from smsapp.runtime import Runtime, current_runtime
from smsapp.services.core import timers

log = logging.getLogger(__name__)


def fire_timer(timer_id: int) -> None:
    run_timer(current_runtime(), timer_id)


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
