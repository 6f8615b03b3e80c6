"""Cases: open (one per member while open), text a level, step on timeout, ACK, DONE.

Every step is a CaseEvent (the rule that fired, never the member's text) and every
notification an outbox row tied to the case, so the trail shows who was texted, when,
and what became of each text.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from smsapp.models import (
    Case,
    CaseEvent,
    Group,
    Member,
    Organisation,
    OutboxMessage,
    Timer,
    User,
)
from smsapp.services.core import timers
from smsapp.services.core.crisis_resources import crisis_reply
from smsapp.services.core.texts import plural
from smsapp.services.domain.escalation import hooks, texts
from smsapp.services.domain.escalation.notify import (
    case_link,
    group_code,
    notified_user_ids,
    text_users,
)
from smsapp.services.domain.escalation.policy import LevelSpec, coordinators, levels_for, recipients

log = logging.getLogger(__name__)
URGENCY_RANK = {"normal": 0, "urgent": 1}
OPEN = ("open", "acked")
# An acknowledged case with no DONE after this long reminds the person who took it.
ACK_FOLLOW_UP = {"urgent": timedelta(minutes=30), "normal": timedelta(hours=24)}
STEP_KINDS = ("notified", "acked", "reminded")


def open_case(
    session: Session,
    *,
    member: Member | None,
    urgency: str,
    source: str,
    reason: str,
    now: datetime,
    organisation_id: int | None = None,
    phone_hash: str | None = None,
) -> Case:
    """Open a case and text the first level; a member's open case is reused instead.

    A sender the organisation does not know (`phone_hash`, no member) likewise has at
    most one open case per organisation: their later texts join it.
    A later, more urgent signal raises the open case's urgency and starts the
    escalation again from the first level with the shorter timeouts.
    """
    if member is not None:
        existing = open_case_of(session, member.id)
    elif phone_hash is not None and organisation_id is not None:
        existing = open_stranger_case(session, organisation_id, phone_hash)
    else:
        existing = None
    if existing is not None:
        if URGENCY_RANK[urgency] > URGENCY_RANK[existing.urgency]:
            _raise(session, existing, urgency, reason, now)
        else:
            _event(session, existing, now, "signal", detail=f"{source}: {reason}")
        return existing
    org_id = member.organisation_id if member else organisation_id
    if org_id is None:
        raise ValueError("a case needs an organisation")
    case = Case(
        organisation_id=org_id,
        group_id=member.group_id if member else None,
        member_id=member.id if member else None,
        phone_hash=None if member else phone_hash,
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
    _event(session, case, now, "opened", detail=f"{source}: {reason}")
    _notify(session, case, now)
    log.info("case.opened", extra={"case_id": case.id, "urgency": urgency})
    return case


def open_case_of(session: Session, member_id: int) -> Case | None:
    """The member's case that is still open or acknowledged, if any."""
    return session.scalar(
        select(Case)
        .where(Case.member_id == member_id, Case.status.in_(OPEN))
        .order_by(Case.id.desc())
    )


def open_stranger_case(session: Session, organisation_id: int, phone_hash: str) -> Case | None:
    """The open or acknowledged case of a sender the organisation does not know."""
    return session.scalar(
        select(Case)
        .where(
            Case.organisation_id == organisation_id,
            Case.phone_hash == phone_hash,
            Case.member_id.is_(None),
            Case.status.in_(OPEN),
        )
        .order_by(Case.id.desc())
    )


def advance(
    session: Session, case_id: int, now: datetime, *, failed_step: int | None = None
) -> None:
    """Step a case: its timer ran out, or (``failed_step``) a text of that step failed.

    Unacknowledged: repeat the level or go up one; after the last level's repeats the
    last level is texted again every timeout and the coordinators get an alarm, so a
    case is never dropped. Acknowledged without DONE: remind the person who took it.
    A failed text skips the rest of its level's repeats and goes up at once.
    """
    case = session.get(Case, case_id)
    if case is None or case.status not in OPEN:
        return
    if failed_step is not None:
        if case.status == "open" and failed_step == current_step(session, case):
            _step_after_failure(session, case, now)
        return
    if not _fired_by_current_timer(session, case):
        return  # a stale timer: a failure or a raise has moved the case on already
    if case.status == "acked":
        _remind_taker(session, case, now)
    else:
        _step_after_timeout(session, case, now)


def _step_after_timeout(session: Session, case: Case, now: datetime) -> None:
    levels = levels_for(session, case.group_id)
    level = levels[min(case.level, len(levels) - 1)]
    if case.round + 1 < level.repeats:
        case.round += 1
    elif case.level + 1 < len(levels):
        case.level += 1
        case.round = 0
    else:
        case.round += 1
        _exhausted(session, case, now)
    _notify(session, case, now)


def _step_after_failure(session: Session, case: Case, now: datetime) -> None:
    levels = levels_for(session, case.group_id)
    _event(session, case, now, "failed", detail=f"level {case.level + 1}: a text failed")
    if case.level + 1 < len(levels):
        case.level += 1
        case.round = 0
        _notify(session, case, now)
    else:  # nobody further up: raise the alarm now, the last level's timer still runs
        _exhausted(session, case, now)


def has_reachable_responder(session: Session, organisation_id: int, group_id: int | None) -> bool:
    """True when some level of the policy has a person who can be texted."""
    levels = levels_for(session, group_id)
    return any(recipients(session, organisation_id, group_id, lv) for lv in levels)


def can_act_on(session: Session, user: User, case: Case) -> bool:
    """Coordinators and on-call people of the organisation, the group's facilitators,
    and anyone the case was sent to; never someone from another organisation."""
    if user.organisation_id != case.organisation_id or not user.active:
        return False
    if user.is_coordinator or user.on_call:
        return True
    if any(g.id == case.group_id for g in user.groups):
        return True
    return user.id in notified_user_ids(session, case.id)


def acknowledge(
    session: Session, case: Case, user: User, now: datetime, *, announce: bool = True
) -> bool:
    """Take the case; False if someone else already has (exactly one ACK wins).

    ``announce``: tell the hooks (the member's notice); DONE on an open case does not."""
    # The conditional UPDATE is the arbiter: two ACKs at once, only one row changes.
    result = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.status == "open")
        .values(status="acked", acked_at=now, acked_by=user.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(case)
        return False
    session.refresh(case)
    _event(session, case, now, "acked", user_id=user.id)
    first_name = (user.name or "").split(" ")[0] or "a colleague"
    others = [u for u in notified_user_ids(session, case.id) if u != user.id]
    step = current_step(session, case)
    text_users(session, case, others, texts.taken(case.id, first_name), now, f"s{step}taken")
    _arm(session, case, now + ACK_FOLLOW_UP[case.urgency], now, "remind the person who took it")
    if announce:
        hooks.acknowledged(session, case, user, now)
    log.info("case.acked", extra={"case_id": case.id})
    return True


def resolve(session: Session, case: Case, user: User, note: str, now: datetime) -> bool:
    """Close the case with the responder's note; False if it was already resolved."""
    if case.status == "resolved":
        return False
    if case.status == "open" and not acknowledge(session, case, user, now, announce=False):
        session.refresh(case)
    case.status = "resolved"
    case.resolved_at = now
    case.resolved_by = user.id
    case.note = note
    _event(session, case, now, "resolved", user_id=user.id, detail="note added")
    _cancel_steps(session, case)
    _resume_member(session, case, now)
    hooks.resolved(session, case, user, now)
    log.info("case.resolved", extra={"case_id": case.id})
    return True


def time_to_acknowledge(case: Case) -> timedelta | None:
    """How long the case waited for a human; None while nobody has acknowledged it."""
    return None if case.acked_at is None else case.acked_at - case.opened_at


def record_delivery(session: Session, row: OutboxMessage, status: str, now: datetime) -> None:
    """Keep each escalation text's delivery status in the case's trail."""
    if row.case_id is None:
        return
    case = session.get(Case, row.case_id)
    if case is not None:
        detail = f"outbox {row.id} to user {row.user_id}: {status}"
        _event(session, case, now, "delivery", user_id=row.user_id, detail=detail)


def step_of(row: OutboxMessage) -> int | None:
    """The step an escalation text belongs to (from its key ``case:<id>:s<step>:…``)."""
    parts = row.idempotency_key.split(":")
    if len(parts) < 3 or not parts[2].startswith("s") or not parts[2][1:].isdigit():
        return None
    return int(parts[2][1:])


def current_step(session: Session, case: Case) -> int:
    """Steps so far (notifications, ACKs, reminders); names texts and timers uniquely."""
    count = session.scalar(
        select(func.count(CaseEvent.id)).where(
            CaseEvent.case_id == case.id, CaseEvent.kind.in_(STEP_KINDS)
        )
    )
    return int(count or 0)


def _raise(session: Session, case: Case, urgency: str, reason: str, now: datetime) -> None:
    case.urgency = urgency
    case.status = "open"  # an acknowledged normal case becomes an open urgent one
    case.level = 0
    case.round = 0
    _event(session, case, now, "raised", detail=f"{urgency}: {reason}")
    _notify(session, case, now)
    log.info("case.raised", extra={"case_id": case.id, "urgency": urgency})


def _notify(session: Session, case: Case, now: datetime) -> None:
    """Text everyone at the case's level, and arm the timer for the next step."""
    levels = levels_for(session, case.group_id)
    level: LevelSpec = levels[min(case.level, len(levels) - 1)]
    people = recipients(session, case.organisation_id, case.group_id, level)
    texted = plural(len(people), "person", "people")
    detail = f"level {case.level + 1} round {case.round + 1}: {texted}"
    _event(session, case, now, "notified", detail=detail)
    body = texts.alert(case.id, case.urgency, group_code(session, case), case_link(session, case))
    step = current_step(session, case)
    text_users(session, case, [u.id for u in people], body, now, f"s{step}")
    # Nobody reachable at this level: go straight on to the next one.
    due = now + timedelta(minutes=level.timeout_minutes(case.urgency)) if people else now
    _arm(session, case, due, now, f"level {case.level + 1}: next level if nobody ACKs")


def _remind_taker(session: Session, case: Case, now: datetime) -> None:
    _event(session, case, now, "reminded", user_id=case.acked_by)
    if case.acked_by is not None:
        step = current_step(session, case)
        text_users(session, case, [case.acked_by], texts.follow_up(case.id), now, f"s{step}")
    _arm(session, case, now + ACK_FOLLOW_UP[case.urgency], now, "remind the person who took it")


def _exhausted(session: Session, case: Case, now: datetime) -> None:
    """Every level was texted: alarm the coordinators and resend resources, once."""
    done = session.scalar(
        select(CaseEvent.id).where(CaseEvent.case_id == case.id, CaseEvent.kind == "exhausted")
    )
    if done is not None:
        return
    _event(session, case, now, "exhausted", detail="every level texted, no ACK")
    alarm = texts.unacknowledged(case.id, group_code(session, case), case_link(session, case))
    users = [u.id for u in coordinators(session, case.organisation_id)]
    text_users(session, case, users, alarm, now, "alarm")
    if case.urgency == "urgent":
        _resend_resources(session, case, now)
    log.warning("case.unacknowledged", extra={"case_id": case.id})


def _resend_resources(session: Session, case: Case, now: datetime) -> None:
    from smsapp.services.core import outbox

    member = session.get(Member, case.member_id) if case.member_id else None
    if member is None or not member.phone:
        return
    org = session.get(Organisation, case.organisation_id)
    group = session.get(Group, member.group_id) if member.group_id else None
    outbox.queue_message(
        session,
        to=member.phone,
        body=crisis_reply(org, member.language, reachable=False, group=group),
        kind="crisis",
        key=f"case:{case.id}:resources",
        now=now,
        organisation_id=case.organisation_id,
        member_id=member.id,
        case_id=case.id,
    )


def _arm(session: Session, case: Case, due: datetime, now: datetime, why: str) -> None:
    """One pending step timer per case: the old one is cancelled, a new one is keyed."""
    _cancel_steps(session, case)
    timers.schedule(
        session,
        key=f"case:{case.id}:step:{current_step(session, case)}",
        kind="escalation_step",
        due_at=due,
        now=now,
        payload={"case_id": case.id},
        reason=f"case {case.id}: {why}",
    )


def _fired_by_current_timer(session: Session, case: Case) -> bool:
    """The step timer for the case's current step is the one running now."""
    key = f"case:{case.id}:step:{current_step(session, case)}"
    status = session.scalar(select(Timer.status).where(Timer.key == key))
    return status == "claimed"


def _cancel_steps(session: Session, case: Case) -> None:
    timers.cancel(session, Timer.kind == "escalation_step", Timer.key.like(f"case:{case.id}:%"))


def _resume_member(session: Session, case: Case, now: datetime) -> None:
    """The member's automation comes back once no case of theirs is open."""
    if case.member_id is None:
        return
    member = session.get(Member, case.member_id)
    if member is not None and open_case_of(session, member.id) is None:
        member.automation_paused = False
        member.updated_at = now


def _event(
    session: Session,
    case: Case,
    now: datetime,
    kind: str,
    *,
    user_id: int | None = None,
    detail: str = "",
) -> None:
    session.add(CaseEvent(case_id=case.id, at=now, kind=kind, user_id=user_id, detail=detail[:120]))
