"""The conversation layer's timer: a flow's wait ran out (its texts wait out quiet hours)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.models import FlowSession, Member, Timer
from smsapp.models.timers import TimerKind
from smsapp.services.conversation import conversations
from smsapp.services.core import outbox, timers
from smsapp.services.domain import checkins
from smsapp.services.domain.planning.member_plan import quiet_hours_for
from smsapp.services.domain.schedule import shift_later


@timers.handles(TimerKind.WAIT_TIMEOUT)
def _wait_timeout(session: Session, timer: Timer, now: datetime) -> None:
    fs_id = int(timer.payload["flow_session_id"])
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
