"""Cases: open (once per member while open), notify a level, step on timeout, ACK, DONE."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Case, CaseEvent, Group, Member, Timer, User
from smsapp.services import outbox, timers
from smsapp.services.escalation import texts
from smsapp.services.escalation.policy import LevelSpec, levels_for, recipients

log = logging.getLogger(__name__)
URGENCY_RANK = {"normal": 0, "urgent": 1}
OPEN = ("open", "acked")


def open_case(
    session: Session,
    *,
    member: Member | None,
    urgency: str,
    source: str,
    reason: str,
    now: datetime,
    organisation_id: int | None = None,
) -> Case:
    """Open a case, or raise the urgency of the member's case that is still open."""
    existing = _open_case_of(session, member.id) if member else None
    if existing is not None:
        if URGENCY_RANK[urgency] > URGENCY_RANK[existing.urgency] and existing.status == "open":
            existing.urgency = urgency
            _event(session, existing, now, "raised", detail=reason)
            _notify(session, existing, now)
        return existing
    case = Case(
        organisation_id=member.organisation_id if member else organisation_id,
        group_id=member.group_id if member else None,
        member_id=member.id if member else None,
        urgency=urgency,
        source=source,
        reason=reason[:120],
        status="open",
        level=0,
        round=0,
        opened_at=now,
    )
    session.add(case)
    session.flush()
    _event(session, case, now, "opened", detail=reason)
    _notify(session, case, now)
    log.info("case.opened", extra={"case_id": case.id, "urgency": urgency})
    return case


def _open_case_of(session: Session, member_id: int) -> Case | None:
    return session.scalar(
        select(Case).where(Case.member_id == member_id, Case.status.in_(OPEN)).order_by(Case.id.desc())
    )


def _event(session: Session, case: Case, now: datetime, kind: str, *, user_id: int | None = None, detail: str = "") -> None:
    session.add(CaseEvent(case_id=case.id, at=now, kind=kind, user_id=user_id, detail=detail[:120]))


def _level(session: Session, case: Case) -> tuple[LevelSpec, int]:
    levels = levels_for(session, case.group_id)
    index = min(case.level, len(levels) - 1)
    return levels[index], len(levels)


def _notify(session: Session, case: Case, now: datetime) -> None:
    """Text everyone at the case's level, and arm the timer for the next step."""
    level, _count = _level(session, case)
    group = session.get(Group, case.group_id) if case.group_id else None
    people = recipients(session, case.organisation_id, case.group_id, level)
    body = texts.alert(case, group.name if group else "no group")
    for user in people:
        outbox.queue_message(
            session,
            to=user.phone or "",
            body=body,
            kind="escalation",
            key=f"case:{case.id}:l{case.level}:r{case.round}:u{user.id}",
            now=now,
            organisation_id=case.organisation_id,
            user_id=user.id,
            case_id=case.id,
        )
    _event(session, case, now, "notified", detail=f"level {case.level + 1}: {len(people)} people")
    minutes = level.urgent_timeout_minutes if case.urgency == "urgent" else level.normal_timeout_minutes
    due = now + timedelta(minutes=minutes)
    if not people:  # nobody reachable here: go straight on to the next level
        due = now
    timers.schedule(
        session,
        key=f"case:{case.id}:step:{case.level}:{case.round}",
        kind="escalation_step",
        due_at=due,
        now=now,
        payload={"case_id": case.id},
        reason=f"case {case.id}: next level if nobody acknowledges",
    )


def advance(session: Session, case_id: int, now: datetime) -> None:
    """Nobody acknowledged in time (or a text failed): repeat the level or go up one.

    After the last level's repeats, the last level is texted again every timeout:
    a case is never dropped while nobody has acknowledged it.
    """
    case = session.get(Case, case_id)
    if case is None or case.status != "open":
        return
    level, count = _level(session, case)
    if case.round + 1 < level.repeats:
        case.round += 1
    elif case.level + 1 < count:
        case.level += 1
        case.round = 0
    else:
        case.round += 1
    _notify(session, case, now)


def has_reachable_responder(session: Session, organisation_id: int, group_id: int | None) -> bool:
    return any(recipients(session, organisation_id, group_id, lv) for lv in levels_for(session, group_id))


def can_act_on(session: Session, user: User, case: Case) -> bool:
    """Coordinators and on-call people of the organisation, or a facilitator of the group."""
    if user.organisation_id != case.organisation_id or not user.active:
        return False
    if user.is_coordinator or user.on_call:
        return True
    return any(g.id == case.group_id for g in user.groups)


def acknowledge(session: Session, case: Case, user: User, now: datetime) -> bool:
    if case.status != "open":
        return False
    case.status = "acked"
    case.acked_at = now
    case.acked_by = user.id
    _event(session, case, now, "acked", user_id=user.id)
    timers.cancel(session, Timer.kind == "escalation_step", Timer.key.like(f"case:{case.id}:%"))
    _tell_others(session, case, user, texts.acked(case, user), now)
    return True


def resolve(session: Session, case: Case, user: User, note: str | None, now: datetime) -> bool:
    if case.status == "resolved":
        return False
    if case.status == "open":
        acknowledge(session, case, user, now)
    case.status = "resolved"
    case.resolved_at = now
    case.resolved_by = user.id
    if note:
        case.note = note
    _event(session, case, now, "resolved", user_id=user.id)
    _resume_member(session, case)
    return True


def _resume_member(session: Session, case: Case) -> None:
    if case.member_id is None:
        return
    member = session.get(Member, case.member_id)
    if member is not None and _open_case_of(session, member.id) is None:
        member.automation_paused = False


def _tell_others(session: Session, case: Case, actor: User, body: str, now: datetime) -> None:
    notified = session.scalars(
        select(User).where(User.id.in_(_notified_user_ids(session, case)), User.id != actor.id)
    )
    for user in notified:
        outbox.queue_message(
            session, to=user.phone or "", body=body, kind="escalation",
            key=f"case:{case.id}:acked:u{user.id}", now=now,
            organisation_id=case.organisation_id, user_id=user.id, case_id=case.id,
        )


def _notified_user_ids(session: Session, case: Case) -> list[int]:
    from smsapp.models import OutboxMessage

    rows = session.scalars(
        select(OutboxMessage.user_id).where(OutboxMessage.case_id == case.id, OutboxMessage.user_id.is_not(None))
    )
    return sorted({r for r in rows if r is not None})
