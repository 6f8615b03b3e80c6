"""Timer rows: scheduling, claiming due ones, and dispatching each kind to its service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from smsapp.db import is_postgres
from smsapp.models import Timer

Handler = Callable[[Session, Timer, datetime], None]
_HANDLERS: dict[str, Handler] = {}
CLAIM_LEASE = timedelta(minutes=5)
KIND_QUEUE = {
    "escalation_step": "urgent",
    "wait_timeout": "default",
    "safety_check": "default",
    "meeting_notice": "default",
    "reminder": "bulk",
    "checkin": "bulk",
    "announcement": "bulk",
}


def handles(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        return fn

    return register


def schedule(
    session: Session,
    *,
    key: str,
    kind: str,
    due_at: datetime,
    now: datetime,
    member_id: int | None = None,
    payload: dict[str, Any] | None = None,
    reason: str = "",
) -> Timer:
    """Add a timer once per key; a key already used keeps its first row (idempotent)."""
    existing = session.scalar(select(Timer).where(Timer.key == key))
    if existing is not None:
        return existing
    timer = Timer(
        key=key,
        kind=kind,
        due_at=due_at,
        member_id=member_id,
        payload=payload or {},
        reason=reason[:200],
        status="pending",
        created_at=now,
    )
    session.add(timer)
    return timer


def cancel(session: Session, *conditions: Any) -> None:
    session.execute(
        update(Timer).where(Timer.status == "pending", *conditions).values(status="cancelled")
    )


def claim_due(session: Session, now: datetime, limit: int = 500) -> list[tuple[int, str]]:
    """Claim due timers (SKIP LOCKED on PostgreSQL, so several ticks can run at once)."""
    query = (
        select(Timer.id, Timer.kind)
        .where(
            or_(
                (Timer.status == "pending") & (Timer.due_at <= now),
                (Timer.status == "claimed") & (Timer.claimed_at < now - CLAIM_LEASE),
            )
        )
        .order_by(Timer.due_at)
        .limit(limit)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    rows = [(row.id, row.kind) for row in session.execute(query)]
    if rows:
        session.execute(
            update(Timer)
            .where(Timer.id.in_([r[0] for r in rows]))
            .values(status="claimed", claimed_at=now)
        )
    return rows


def fire(session: Session, timer_id: int, now: datetime) -> bool:
    """Run one claimed timer's handler; False if it was not ours to run."""
    timer = session.get(Timer, timer_id)
    if timer is None or timer.status != "claimed":
        return False
    handler = _HANDLERS.get(timer.kind)
    if handler is not None:
        handler(session, timer, now)
    if timer.status == "claimed":  # a handler may have re-armed it
        timer.status = "done"
    return True


def release(session: Session, timer_id: int, retry_at: datetime) -> None:
    """Give a timer whose handler failed back to the tick for another try."""
    session.execute(
        update(Timer)
        .where(Timer.id == timer_id)
        .values(status="pending", due_at=retry_at, claimed_at=None)
    )


def next_due(session: Session, member_ids: list[int] | None = None) -> list[Timer]:
    """What is scheduled next (the sandbox shows it with its reason)."""
    query = select(Timer).where(Timer.status == "pending").order_by(Timer.due_at).limit(10)
    if member_ids is not None:
        query = query.where(Timer.member_id.in_(member_ids))
    return list(session.scalars(query))
