"""Check-ins fired as a set: many members' due check-ins in one transaction, a group at a time.

At 19:00 a large organisation has tens of thousands of check-in timers due at once. Fired
one by one (`scheduled_fires.fire_checkin`), each costs ~19 SQL statements. Here the same
rules run over the whole batch: the timers, members and open sessions are loaded once,
each group's flow is looked up once, and the new sessions, their wait timeouts, the
outbox rows and the next check-ins are inserted with one executemany each.

The rules are exactly the one-by-one fire's, and a test runs both on the same data and
compares every row (tests/scheduling/test_checkin_fanout.py):

- a member who no longer receives scheduled texts (paused, opted out, in crisis) or has
  no number: nothing is sent, the timer is done;
- quiet hours at fire time: the timer moves past them;
- a question still waiting (within `HOLD_MAX`): the timer is re-armed behind it;
- otherwise the open session ends, the check-in starts, its texts are queued with keys
  derived from the timer's (a key already used is never queued again), and the member's
  next check-in is planned.

What the set cannot do the same way goes one by one through `timers.fire`, after the set:
a member's second timer in the batch (it must see the session the first one started), and
a group whose check-in flow does more at its start than send texts (a published flow
whose first node records something, starts another flow…).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.db import insert_rows, is_postgres
from smsapp.flows import actions as act
from smsapp.flows import engine
from smsapp.flows.schema import FlowDefinition
from smsapp.models import FlowSession, Group, Member, Organisation, Timer
from smsapp.models.timers import TimerKind, TimerStatus
from smsapp.services.conversation.render import context_of
from smsapp.services.conversation.scheduled_fires import held_until, rearm
from smsapp.services.core import flow_catalog, outbox, timers
from smsapp.services.domain import flow_sessions
from smsapp.services.domain.planning.member_plan import (
    apply_plan,
    org_quiet_hours,
    wanted_for_group,
)
from smsapp.services.domain.schedule import QuietHours, shift_later

log = logging.getLogger(__name__)
CHUNK = 500  # ids per IN (...): well under every database's bind-parameter limit


@dataclass
class FanoutReport:
    """What a set-based fire did with its timers."""

    started: int = 0
    deferred: int = 0
    dropped: int = 0
    one_by_one: int = 0


@dataclass
class _Start:
    timer: Timer
    member: Member
    result: engine.StepResult
    flow: FlowDefinition
    source: str


@dataclass
class _Batch:
    now: datetime
    report: FanoutReport = field(default_factory=FanoutReport)
    later: list[Timer] = field(default_factory=list)  # fired one by one after the set
    done: list[int] = field(default_factory=list)  # timer ids
    quiet: dict[int, QuietHours] = field(default_factory=dict)  # by organisation
    orgs: dict[int, Organisation | None] = field(default_factory=dict)


def fire_checkins(session: Session, timer_ids: Sequence[int], now: datetime) -> FanoutReport:
    """Fire the claimed check-in timers among `timer_ids` as a set (see the module docstring).

    Timers that are not (or no longer) claimed check-ins are left alone, as `timers.fire`
    leaves them. The caller commits.
    """
    batch = _Batch(now)
    claimed = _claimed(session, timer_ids)
    members = _members(session, [t.member_id for t in claimed if t.member_id is not None])
    first: dict[int, Timer] = {}
    for timer in claimed:
        member = members.get(timer.member_id or 0)
        if member is None or not member.receives_scheduled or not member.phone:
            log.info("schedule.fire_dropped", extra={"timer_id": timer.id})
            batch.report.dropped += 1
            batch.done.append(timer.id)
        elif member.id in first:
            batch.later.append(timer)
        else:
            first[member.id] = timer
    waiting = flow_sessions.active_states(session, list(first))
    by_group: dict[int | None, list[tuple[Timer, Member]]] = {}
    for member_id, timer in first.items():
        member = members[member_id]
        if not _deferred(session, batch, timer, member, waiting.get(member_id)):
            by_group.setdefault(member.group_id, []).append((timer, member))
    starts = [
        s for group_id, due in by_group.items() for s in _start_group(session, batch, group_id, due)
    ]
    if starts:
        _write(session, batch, starts)
    timers.mark_done(session, batch.done)
    order = {timer_id: at for at, timer_id in enumerate(timer_ids)}
    for timer in sorted(batch.later, key=lambda t: order[t.id]):  # as one by one would
        batch.report.one_by_one += 1
        timers.fire(session, timer.id, now)
    return batch.report


def _claimed(session: Session, timer_ids: Sequence[int]) -> list[Timer]:
    """The claimed check-ins among `timer_ids`, in that order (the tick's: by due time)."""
    found: list[Timer] = []
    ids = list(timer_ids)
    order = {timer_id: at for at, timer_id in enumerate(ids)}
    for start in range(0, len(ids), CHUNK):
        query = (
            select(Timer)
            .where(
                Timer.id.in_(ids[start : start + CHUNK]),
                Timer.status == TimerStatus.CLAIMED,
                Timer.kind == TimerKind.CHECKIN,
            )
            .order_by(Timer.id)
        )
        if is_postgres(session):  # a timer another job is firing is that job's
            query = query.with_for_update(skip_locked=True)
        found.extend(session.scalars(query))
    return sorted(found, key=lambda t: order[t.id])


def _members(session: Session, member_ids: list[int]) -> dict[int, Member]:
    found: dict[int, Member] = {}
    unique = sorted(set(member_ids))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        found.update((m.id, m) for m in session.scalars(select(Member).where(Member.id.in_(chunk))))
    return found


def _deferred(
    session: Session, batch: _Batch, timer: Timer, member: Member, fs: FlowSession | None
) -> bool:
    """Quiet hours or a waiting question: re-arm the timer as `fire_checkin` does."""
    quiet = _quiet(session, batch, member.organisation_id)
    if quiet.contains(batch.now, member.tz):
        rearm(timer, shift_later(batch.now, member.tz, quiet), "check-in moved past quiet hours")
    else:
        due = held_until(engine.SessionState.from_dict(fs.state), batch.now) if fs else None
        if due is None:
            return False
        rearm(timer, due, f"waiting for the member's reply to {fs.flow_id if fs else ''}")
    batch.report.deferred += 1
    return True


def _quiet(session: Session, batch: _Batch, organisation_id: int) -> QuietHours:
    if organisation_id not in batch.quiet:
        batch.quiet[organisation_id] = org_quiet_hours(_org(session, batch, organisation_id))
    return batch.quiet[organisation_id]


def _org(session: Session, batch: _Batch, organisation_id: int) -> Organisation | None:
    if organisation_id not in batch.orgs:
        batch.orgs[organisation_id] = session.get(Organisation, organisation_id)
    return batch.orgs[organisation_id]


def _start_group(
    session: Session, batch: _Batch, group_id: int | None, due: list[tuple[Timer, Member]]
) -> list[_Start]:
    """Run the group's check-in flow for each member (pure); [] when it must go one by one."""
    flow, source = flow_catalog.for_group(session, group_id, "checkin")
    group = session.get(Group, group_id) if group_id is not None else None
    starts: list[_Start] = []
    for timer, member in due:
        ctx = context_of(member, group, _org(session, batch, member.organisation_id))
        result = engine.start(flow, batch.now, ctx)
        if not all(isinstance(a, act.Send | act.End) for a in result.actions):
            batch.later.extend(t for t, _ in due)  # the flow does more at its start
            return []
        starts.append(_Start(timer, member, result, flow, source))
    return starts


def _write(session: Session, batch: _Batch, starts: list[_Start]) -> None:
    """End the open sessions; insert the new ones, their waits, the texts and the next plans."""
    flow_sessions.end_active_many(session, [s.member.id for s in starts])
    _insert_sessions(session, batch.now, starts)
    outbox.queue_many(session, [text for s in starts for text in _texts(s)], batch.now)
    by_group: dict[int, list[Member]] = {}
    for start in starts:
        if start.member.group_id is not None:
            by_group.setdefault(start.member.group_id, []).append(start.member)
    wanted = [
        plan
        for group_id, members in by_group.items()
        for plan in wanted_for_group(session, session.get_one(Group, group_id), members, batch.now)
    ]
    apply_plan(session, wanted, batch.now)
    batch.done.extend(start.timer.id for start in starts)
    batch.report.started += len(starts)


def _insert_sessions(session: Session, now: datetime, starts: list[_Start]) -> None:
    rows: list[dict[str, Any]] = [
        {
            "member_id": s.member.id,
            "flow_id": s.flow.id,
            "flow_version": s.flow.version,
            "flow_source": s.source,
            "state": s.result.state.to_dict(),
            "context": {},
            "active": not s.result.state.ended,
            "started_at": now,
            "updated_at": now,
        }
        for s in starts
    ]
    insert_rows(session, FlowSession, rows)
    # Read the new ids back (a chunk a query) rather than RETURNING them in parameter order,
    # which SQLite can only do one row per statement.
    new_ids = flow_sessions.started_at(session, [s.member.id for s in starts], now)
    waits: list[dict[str, Any]] = []
    for start in starts:
        fs_id = new_ids[start.member.id]
        expires = start.result.state.wait_expires_at
        if expires is not None and not start.result.state.ended:
            waits.append(
                {
                    "key": f"wait:{fs_id}:{expires.isoformat()}",
                    "kind": TimerKind.WAIT_TIMEOUT,
                    "due_at": expires,
                    "member_id": start.member.id,
                    "payload": {"flow_session_id": fs_id},
                    "reason": f"{start.flow.id}: no reply by then"[:200],
                    "created_at": now,
                }
            )
    timers.add_many(session, waits)


def _texts(start: _Start) -> list[outbox.NewText]:
    bodies = [a.text for a in start.result.actions if isinstance(a, act.Send)]
    member = start.member
    return [
        outbox.NewText(
            key=f"{start.timer.key}:{index}",
            to=member.phone or "",
            body=body,
            organisation_id=member.organisation_id,
            member_id=member.id,
        )
        for index, body in enumerate(bodies)
    ]
