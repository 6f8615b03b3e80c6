"""Cases: open (one per member while open), raise, ACK, DONE; `steps` moves them on.

Every step is a CaseEvent (the rule that fired, never the member's text) and every
notification an outbox row tied to the case, so the trail shows who was texted, when,
and what became of each text.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from smsapp.models import Case, Member, OutboxMessage, User
from smsapp.models.escalations import UNRESOLVED, CaseStatus, Urgency
from smsapp.services.core.texts import text
from smsapp.services.domain import oncall
from smsapp.services.domain.escalation import hooks, steps, texts
from smsapp.services.domain.escalation.notify import notified_user_ids, text_users
from smsapp.services.domain.escalation.policy import levels_for, recipients
from smsapp.services.domain.escalation.trail import event

log = logging.getLogger(__name__)
URGENCY_RANK: dict[str, int] = {Urgency.NORMAL: 0, Urgency.URGENT: 1}


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
            _raise(session, existing, urgency, source, reason, now)
        else:
            event(session, existing, now, "signal", detail=f"{source}: {reason}")
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
        status=CaseStatus.OPEN,
        level=0,
        round=0,
        opened_at=now,
    )
    session.add(case)
    session.flush()
    event(session, case, now, "opened", detail=f"{source}: {reason}")
    steps.notify(session, case, now)
    log.info("case.opened", extra={"case_id": case.id, "urgency": urgency})
    return case


def open_case_of(session: Session, member_id: int) -> Case | None:
    """The member's case that is still open or acknowledged, if any."""
    return session.scalar(
        select(Case)
        .where(Case.member_id == member_id, Case.status.in_(UNRESOLVED))
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
            Case.status.in_(UNRESOLVED),
        )
        .order_by(Case.id.desc())
    )


def has_reachable_responder(
    session: Session, organisation_id: int, group_id: int | None, now: datetime
) -> bool:
    """True when some level of the policy has a person who can be texted at `now`."""
    levels = levels_for(session, group_id)
    return any(recipients(session, organisation_id, group_id, lv, now) for lv in levels)


def can_act_on(session: Session, user: User, case: Case) -> bool:
    """Coordinators and on-call people of the organisation, the group's facilitators,
    and anyone the case was sent to; never someone from another organisation."""
    if user.organisation_id != case.organisation_id or not user.active:
        return False
    if user.is_coordinator or oncall.is_on_rota(session, user):
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
        .where(Case.id == case.id, Case.status == CaseStatus.OPEN)
        .values(status=CaseStatus.ACKED, acked_at=now, acked_by=user.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(case)
        return False
    session.refresh(case)
    event(session, case, now, "acked", user_id=user.id)
    first_name = (user.name or "").split(" ")[0] or text("case_taker_unnamed")
    others = [u for u in notified_user_ids(session, case.id) if u != user.id]
    step = steps.current_step(session, case)
    text_users(session, case, others, texts.taken(case.id, first_name), now, f"s{step}taken")
    steps.arm_follow_up(session, case, now)
    if announce:
        hooks.acknowledged(session, case, user, now)
    log.info("case.acked", extra={"case_id": case.id})
    return True


def resolve(session: Session, case: Case, user: User, note: str, now: datetime) -> bool:
    """Close the case with the responder's note; False if it was already resolved."""
    if case.status == CaseStatus.RESOLVED:
        return False
    if case.status == CaseStatus.OPEN and not acknowledge(session, case, user, now, announce=False):
        session.refresh(case)
    case.status = CaseStatus.RESOLVED
    case.resolved_at = now
    case.resolved_by = user.id
    case.note = note
    event(session, case, now, "resolved", user_id=user.id, detail="note added")
    steps.cancel_steps(session, case)
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
        detail = f"text {row.id}: {status}"
        event(session, case, now, "delivery", user_id=row.user_id, detail=detail)


def _raise(
    session: Session, case: Case, urgency: str, source: str, reason: str, now: datetime
) -> None:
    """A more urgent signal: the case takes its urgency, source and reason (the lists
    show the most urgent reason) and starts again from the first level."""
    case.urgency = urgency
    case.source = source
    case.reason = reason[:120]
    case.status = CaseStatus.OPEN  # an acknowledged normal case becomes an open urgent one
    case.level = 0
    case.round = 0
    event(session, case, now, "raised", detail=f"{source}: {reason}")
    steps.notify(session, case, now)
    log.info("case.raised", extra={"case_id": case.id, "urgency": urgency})


def _resume_member(session: Session, case: Case, now: datetime) -> None:
    """The member's automation comes back once no case of theirs is open."""
    if case.member_id is None:
        return
    member = session.get(Member, case.member_id)
    if member is not None and open_case_of(session, member.id) is None:
        member.automation_paused = False
        member.updated_at = now
