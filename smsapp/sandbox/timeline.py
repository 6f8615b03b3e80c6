"""Moving a sandbox's clock: every timer and text due on the way fires, in order.

Only the sandbox group's own rows are touched: its members' timers, its cases'
escalation steps and texts to its phones. The global tick is never run on sandbox
time, because that would fire real members' reminders early.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, false, or_, select, update
from sqlalchemy.orm import Session

from smsapp.jobs.send import deliver
from smsapp.jobs.timers import run_timer
from smsapp.models import Case, Member, OutboxMessage, Timer, group_facilitators
from smsapp.models.messages import OutboxStatus
from smsapp.models.timers import TimerStatus
from smsapp.runtime import Runtime
from smsapp.sandbox.clock import SandboxClock
from smsapp.services.domain.planning.member_plan import plan_member

MAX_STEPS = 500  # an unacknowledged case re-notifies every few minutes; stop somewhere
MAX_ROUNDS = 20


@dataclass(frozen=True)
class Scope:
    """The ids that make up one sandbox group."""

    group_id: int
    member_ids: list[int]
    user_ids: list[int]
    case_ids: list[int]

    def timers(self) -> ColumnElement[bool]:
        keys = [Timer.key.like(f"case:{case_id}:%") for case_id in self.case_ids]
        return or_(Timer.member_id.in_(self.member_ids), *keys, false())

    def sends(self) -> ColumnElement[bool]:
        return or_(
            OutboxMessage.member_id.in_(self.member_ids),
            OutboxMessage.user_id.in_(self.user_ids),
            OutboxMessage.case_id.in_(self.case_ids),
        )


@dataclass(frozen=True)
class Advanced:
    now: datetime
    timers: int
    sends: int


def sandbox_clock(runtime: Runtime, group_id: int) -> SandboxClock:
    return SandboxClock(runtime.clock, runtime.redis, group_id)


def sandbox_runtime(runtime: Runtime, group_id: int) -> Runtime:
    """The same runtime, reading the sandbox's clock (everything else is shared)."""
    return dataclasses.replace(runtime, clock=sandbox_clock(runtime, group_id))


def scope(session: Session, group_id: int) -> Scope:
    members = session.scalars(select(Member.id).where(Member.group_id == group_id)).all()
    users = session.scalars(
        select(group_facilitators.c.user_id).where(group_facilitators.c.group_id == group_id)
    ).all()
    cases = session.scalars(select(Case.id).where(Case.group_id == group_id)).all()
    return Scope(group_id, list(members), list(users), list(cases))


def next_event_at(runtime: Runtime, group_id: int) -> datetime | None:
    """When the sandbox's next timer or held text is due, if anything is scheduled."""
    with runtime.session() as session:
        where = scope(session, group_id)
        timer = session.scalar(
            select(Timer.due_at)
            .where(Timer.status == TimerStatus.PENDING, where.timers())
            .order_by(Timer.due_at)
            .limit(1)
        )
        send = session.scalar(
            select(OutboxMessage.due_at)
            .where(OutboxMessage.status == OutboxStatus.QUEUED, where.sends())
            .order_by(OutboxMessage.due_at)
            .limit(1)
        )
    due = [t for t in (timer, send) if t is not None]
    return min(due) if due else None


def advance_to(runtime: Runtime, group_id: int, when: datetime) -> Advanced:
    """Move the sandbox clock to ``when``, stopping at each due time to fire what is due.

    Each stop runs the real timer and send jobs on sandbox time, so a reminder created
    by a check-in answer, or an escalation step armed by a crisis, fires in its turn.
    """
    sandbox = sandbox_runtime(runtime, group_id)
    clock = sandbox_clock(runtime, group_id)
    fired = fire_due(sandbox, group_id)
    for _ in range(MAX_STEPS):
        due = next_event_at(runtime, group_id)
        if due is None or due > when:
            break
        clock.set(due)
        fired = _plus(fired, fire_due(sandbox, group_id))
    clock.set(when)
    fired = _plus(fired, fire_due(sandbox, group_id))
    return Advanced(clock.now(), fired.timers, fired.sends)


def advance_by(runtime: Runtime, group_id: int, delta: timedelta) -> Advanced:
    return advance_to(runtime, group_id, sandbox_clock(runtime, group_id).now() + delta)


def advance_to_next_event(runtime: Runtime, group_id: int) -> Advanced | None:
    """Jump to the next scheduled event and fire it; None when nothing is scheduled."""
    fire_due(sandbox_runtime(runtime, group_id), group_id)
    due = next_event_at(runtime, group_id)
    if due is None:
        return None
    return advance_to(runtime, group_id, due)


def plan_members(sandbox: Runtime, group_id: int) -> int:
    """Plan the sandbox members' check-ins and reminders on sandbox time.

    The tick's planner skips sandbox groups (it runs on the real clock, which would
    plan from the wrong "now"), so the sandbox plans its own members, idempotently.
    """
    now = sandbox.now()
    changed = 0
    with sandbox.session() as session:
        members = session.scalars(select(Member).where(Member.group_id == group_id)).all()
        for member in members:
            changed += plan_member(session, member, now)
        session.commit()
    return changed


def fire_due(sandbox: Runtime, group_id: int) -> Advanced:
    """Plan, then run every sandbox timer and text due at the sandbox's current time."""
    timers = sends = 0
    for _ in range(MAX_ROUNDS):
        plan_members(sandbox, group_id)
        timer_ids, send_ids = _claim(sandbox, group_id)
        for timer_id in timer_ids:
            run_timer(sandbox, timer_id)
        for outbox_id in send_ids:
            deliver(sandbox, outbox_id)
        timers, sends = timers + len(timer_ids), sends + len(send_ids)
        if not timer_ids and not send_ids:
            break
    return Advanced(sandbox.now(), timers, sends)


def _claim(sandbox: Runtime, group_id: int) -> tuple[list[int], list[int]]:
    now = sandbox.now()
    with sandbox.session() as session:
        where = scope(session, group_id)
        due = session.scalars(
            select(Timer.id)
            .where(Timer.status == TimerStatus.PENDING, Timer.due_at <= now, where.timers())
            .order_by(Timer.due_at, Timer.id)
        ).all()
        claimed = [timer_id for timer_id in due if _claim_timer(session, timer_id, now)]
        sends = session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.QUEUED,
                OutboxMessage.due_at <= now,
                where.sends(),
            )
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
        ).all()
        session.commit()
    return claimed, list(sends)


def _claim_timer(session: Session, timer_id: int, now: datetime) -> bool:
    """Claim like the tick does, so a real tick that sees the row too cannot run it twice."""
    result = session.execute(
        update(Timer)
        .where(Timer.id == timer_id, Timer.status == TimerStatus.PENDING)
        .values(status=TimerStatus.CLAIMED, claimed_at=now)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _plus(a: Advanced, b: Advanced) -> Advanced:
    return Advanced(b.now, a.timers + b.timers, a.sends + b.sends)
