"""PAUSE <n> days: a timer row that resumes the member when the pause runs out.

The row is the source of truth (the tick fires it even after a Redis flush). At fire
time the rules are checked again: a member who already came back, opted out or paused
again without a limit (which cancels this row) is left alone.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.models import Member, Timer
from smsapp.models.members import MemberStatus
from smsapp.models.messages import OutboxKind
from smsapp.models.timers import TimerKind
from smsapp.services.core import outbox, timers
from smsapp.services.core.texts import text

log = logging.getLogger(__name__)
KIND = TimerKind.AUTO_RESUME


def schedule_resume(session: Session, member: Member, due_at: datetime, now: datetime) -> datetime:
    """Arrange for `member` to be resumed at `due_at`; returns the due time."""
    timers.schedule(
        session,
        key=f"{KIND}:{member.id}:{due_at.isoformat()}",
        kind=KIND,
        due_at=due_at,
        now=now,
        member_id=member.id,
        reason="pause with a limit runs out",
    )
    return due_at


@timers.handles(KIND)
def fire_auto_resume(session: Session, timer: Timer, now: datetime) -> None:
    """Resume a still-paused member, plan their texts again and tell them."""
    from smsapp.services.domain.planning.member_plan import plan_member, quiet_hours_for
    from smsapp.services.domain.schedule import shift_later

    member = session.get(Member, timer.member_id) if timer.member_id else None
    if member is None or member.status != MemberStatus.PAUSED or not member.phone:
        return
    member.status = MemberStatus.ACTIVE
    member.updated_at = now
    plan_member(session, member, now)
    quiet = quiet_hours_for(session, member)
    due = shift_later(now, member.tz, quiet) if quiet.contains(now, member.tz) else now
    outbox.queue_message(
        session,
        to=member.phone,
        body=text("resume", member.language),
        kind=OutboxKind.SYSTEM,
        key=f"{timer.key}:0",
        now=now,
        due_at=due,
        organisation_id=member.organisation_id,
        member_id=member.id,
    )
    log.info("member.auto_resumed", extra={"member_id": member.id})
