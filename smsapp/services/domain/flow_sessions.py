"""A member's flow sessions as stored rows: the one waiting for a reply, and ending it.

Running flows (starting them, feeding them replies) is the conversation layer's; this
is what the domain needs to read or end a session without running one.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from smsapp.models import FlowSession, Timer
from smsapp.services.core import timers


def active_session(session: Session, member_id: int) -> FlowSession | None:
    return session.scalar(
        select(FlowSession)
        .where(FlowSession.member_id == member_id, FlowSession.active.is_(True))
        .order_by(FlowSession.id.desc())
    )


def end_active(session: Session, member_id: int) -> None:
    """End the member's open session and its wait timeout (nothing waits for a reply)."""
    session.execute(
        update(FlowSession)
        .where(FlowSession.member_id == member_id, FlowSession.active.is_(True))
        .values(active=False)
    )
    timers.cancel(session, Timer.member_id == member_id, Timer.kind == "wait_timeout")
