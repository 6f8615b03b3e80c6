"""Registers each timer kind's handler (imported by the timer job)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.models import Member, Timer
from smsapp.services.conversation import conversations
from smsapp.services.core import outbox, timers
from smsapp.services.domain import checkins, escalation
from smsapp.services.domain.planning.member_plan import quiet_hours_for
from smsapp.services.domain.schedule import shift_later


@timers.handles("wait_timeout")
def _wait_timeout(session: Session, timer: Timer, now: datetime) -> None:
    fs_id = int(timer.payload["flow_session_id"])
    from smsapp.models import FlowSession

    fs = session.get(FlowSession, fs_id)
    flow_id = fs.flow_id if fs else ""
    texts = conversations.on_timeout(session, fs_id, now)
    member = session.get(Member, timer.member_id) if timer.member_id else None
    if member is None:
        return
    if flow_id == "checkin":
        checkins.record_missed(session, member, now)
    # A timeout's text is not an answer to the member: it waits out quiet hours.
    due = now
    if quiet_hours_for(session, member).contains(now, member.tz):
        due = shift_later(now, member.tz, quiet_hours_for(session, member))
    outbox.queue_member_texts(session, member, texts, key=f"timer:{timer.id}", now=now, due_at=due)


@timers.handles("escalation_step")
def _escalation_step(session: Session, timer: Timer, now: datetime) -> None:
    escalation.advance(session, int(timer.payload["case_id"]), now)


import smsapp.services.conversation.scheduled_fires  # noqa: E402,F401  (reminder and check-in handlers)
import smsapp.services.domain.auto_resume  # noqa: E402,F401  (PAUSE <n> days)
