"""A member's flow sessions as stored rows: the one waiting for a reply, and ending it.

Running flows (starting them, feeding them replies) is the conversation layer's; this
is what the domain needs to read or end a session without running one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from smsapp.models import FlowSession, Timer
from smsapp.models.timers import TimerKind, TimerStatus
from smsapp.services.core import standing, timers

HELD_REASON = standing.HELD_REASON
HELD_KINDS = standing.HELD_KINDS


def release_held(session: Session, member_id: int, now: datetime) -> None:
    """The member's question was answered, timed out or ended: the scheduled texts held
    back behind it come due now instead of at their later re-arm."""
    known = standing.known(session, member_id)
    if known is not None and known.held_timer_id is None:  # read with the inbound lookup
        return
    session.execute(
        update(Timer)
        .where(
            Timer.member_id == member_id,
            Timer.status == TimerStatus.PENDING,
            Timer.kind.in_(HELD_KINDS),
            Timer.reason.startswith(HELD_REASON),
            Timer.due_at > now,
        )
        .values(due_at=now)
        .execution_options(synchronize_session=False)
    )


def active_session(session: Session, member_id: int) -> FlowSession | None:
    known = standing.known(session, member_id)
    if known is not None:  # read with the inbound lookup
        return session.get(FlowSession, known.session_id) if known.session_id else None
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
    timers.cancel(session, Timer.member_id == member_id, Timer.kind == TimerKind.WAIT_TIMEOUT)


def end_active_many(session: Session, member_ids: list[int]) -> None:
    """`end_active` for many members at once (a check-in fan-out), in chunks of 500."""
    for start in range(0, len(member_ids), 500):
        chunk = member_ids[start : start + 500]
        session.execute(
            update(FlowSession)
            .where(FlowSession.member_id.in_(chunk), FlowSession.active.is_(True))
            .values(active=False)
        )
        timers.cancel(session, Timer.member_id.in_(chunk), Timer.kind == TimerKind.WAIT_TIMEOUT)


def active_states(session: Session, member_ids: list[int]) -> dict[int, FlowSession]:
    """Each member's open session (the newest, as `active_session` picks), in one query a chunk."""
    found: dict[int, FlowSession] = {}
    for start in range(0, len(member_ids), 500):
        rows = session.scalars(
            select(FlowSession)
            .where(
                FlowSession.member_id.in_(member_ids[start : start + 500]),
                FlowSession.active.is_(True),
            )
            .order_by(FlowSession.id)
        )
        found.update((fs.member_id, fs) for fs in rows)  # the newest id wins
    return found


def started_at(session: Session, member_ids: list[int], at: datetime) -> dict[int, int]:
    """The id of each member's newest session started at `at` (rows a fan-out just added)."""
    found: dict[int, int] = {}
    for start in range(0, len(member_ids), 500):
        rows = session.execute(
            select(FlowSession.id, FlowSession.member_id)
            .where(
                FlowSession.member_id.in_(member_ids[start : start + 500]),
                FlowSession.started_at == at,
            )
            .order_by(FlowSession.id)
        )
        found.update((row.member_id, row.id) for row in rows)
    return found
