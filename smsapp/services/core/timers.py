"""Timer rows: scheduling, claiming due ones, and dispatching each kind to its service."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from smsapp.db import insert_rows, is_postgres
from smsapp.models import Timer
from smsapp.models.timers import TimerKind, TimerStatus

Handler = Callable[[Session, Timer, datetime], None]
_HANDLERS: dict[str, Handler] = {}
CLAIM_LEASE = timedelta(minutes=5)
KIND_QUEUE: dict[str, str] = {
    TimerKind.ESCALATION_STEP: "urgent",
    TimerKind.WAIT_TIMEOUT: "default",
    TimerKind.SAFETY_CHECK: "default",
    TimerKind.MEETING_NOTICE: "default",
    TimerKind.REMINDER: "bulk",
    TimerKind.CHECKIN: "bulk",
    TimerKind.ANNOUNCEMENT: "bulk",
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
        status=TimerStatus.PENDING,
        created_at=now,
    )
    session.add(timer)
    return timer


def cancel(session: Session, *conditions: Any) -> None:
    session.execute(
        update(Timer)
        .where(Timer.status == TimerStatus.PENDING, *conditions)
        .values(status=TimerStatus.CANCELLED)
    )


def claim_due(
    session: Session,
    now: datetime,
    limit: int = 500,
    *,
    kinds: Collection[str] | None = None,
    other_than: Collection[str] = (),
) -> list[tuple[int, str]]:
    """Claim due timers (SKIP LOCKED on PostgreSQL, so several ticks can run at once),
    of `kinds` only, or of any kind but `other_than`."""
    query = (
        select(Timer.id, Timer.kind)
        .where(
            or_(
                (Timer.status == TimerStatus.PENDING) & (Timer.due_at <= now),
                (Timer.status == TimerStatus.CLAIMED) & (Timer.claimed_at < now - CLAIM_LEASE),
            )
        )
        .order_by(Timer.due_at, Timer.id)  # ids run group by group (the planner's order)
        .limit(limit)
    )
    if kinds is not None:
        query = query.where(Timer.kind.in_(list(kinds)))
    if other_than:
        query = query.where(Timer.kind.not_in(list(other_than)))
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    rows = [(row.id, row.kind) for row in session.execute(query)]
    for start in range(0, len(rows), 500):
        session.execute(
            update(Timer)
            .where(Timer.id.in_([r[0] for r in rows[start : start + 500]]))
            .values(status=TimerStatus.CLAIMED, claimed_at=now)
        )
    return rows


def fire(session: Session, timer_id: int, now: datetime) -> bool:
    """Run one claimed timer's handler; False if it was not ours to run."""
    timer = session.get(Timer, timer_id)
    if timer is None or timer.status != TimerStatus.CLAIMED:
        return False
    handler = _HANDLERS.get(timer.kind)
    if handler is not None:
        handler(session, timer, now)
    if timer.status == TimerStatus.CLAIMED:  # a handler may have re-armed it
        timer.status = TimerStatus.DONE
    return True


def mark_done(session: Session, timer_ids: list[int]) -> None:
    """What `fire` does after a handler, for many claimed timers at once (a fan-out)."""
    for start in range(0, len(timer_ids), 500):
        session.execute(
            update(Timer)
            .where(
                Timer.id.in_(timer_ids[start : start + 500]), Timer.status == TimerStatus.CLAIMED
            )
            .values(status=TimerStatus.DONE)
        )


def release(session: Session, timer_id: int, retry_at: datetime) -> None:
    """Give a timer whose handler failed back to the tick for another try."""
    session.execute(
        update(Timer)
        .where(Timer.id == timer_id)
        .values(status=TimerStatus.PENDING, due_at=retry_at, claimed_at=None)
    )


def next_due(session: Session, member_ids: list[int] | None = None) -> list[Timer]:
    """What is scheduled next (the sandbox shows it with its reason)."""
    query = (
        select(Timer).where(Timer.status == TimerStatus.PENDING).order_by(Timer.due_at).limit(10)
    )
    if member_ids is not None:
        query = query.where(Timer.member_id.in_(member_ids))
    return list(session.scalars(query))


def add_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Add timers whose keys are new (a fan-out's wait timeouts): one executemany INSERT.

    Each row has the columns `schedule` sets: key, kind, due_at, member_id, payload, reason.
    """
    if rows:
        insert_rows(session, Timer, [{"status": TimerStatus.PENDING, **row} for row in rows])
