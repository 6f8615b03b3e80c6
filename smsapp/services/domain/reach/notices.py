"""What the member is told: who has their message (on ACK and on a hand-over), and that
the conversation has ended (on DONE, only if they were told it began).

The notice is the organisation's own wording if it set one (settings), in the member's
language, naming the facilitator by first name; it never carries a staff number (the
text comes from the organisation's number). A member texts cannot reach (opted out,
erased) is not texted: the case trail says so, and the case page offers a call.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Case, CaseEvent, Member, Organisation, User
from smsapp.models.members import UNREACHABLE
from smsapp.models.messages import OutboxKind
from smsapp.services.core import outbox
from smsapp.services.core.texts import text
from smsapp.services.domain.escalation import hooks
from smsapp.services.domain.escalation.notify import case_link as _case_link
from smsapp.services.domain.reach.texts import first_name

log = logging.getLogger(__name__)
PLACEHOLDERS = ("facilitator", "program")
MAX_NOTICE = 320


class NoticeError(ValueError):
    """An organisation's notice wording that cannot be used; the message says why."""


def case_link(session: Session, case: Case) -> str:
    return _case_link(session, case)


def check_wording(wording: str) -> None:
    """Refuse wording that would break or mislead: unknown {placeholders}, no {name}."""
    if len(wording) > MAX_NOTICE:
        raise NoticeError(f"at most {MAX_NOTICE} characters")
    try:
        wording.format(**{p: "x" for p in PLACEHOLDERS})
    except (KeyError, IndexError, ValueError):
        raise NoticeError("use only {facilitator} and {program} in braces") from None
    if "{facilitator}" not in wording:
        raise NoticeError("say who has the message: include {facilitator}")


def wording(org: Organisation | None, language: str) -> str:
    """The organisation's notice in `language`, else the built-in one."""
    custom = None
    if org is not None:
        custom = org.ack_notice_es if language == "es" else org.ack_notice_en
    built_in = text("ack_notice", language, facilitator="{facilitator}", program="{program}")
    return (custom or "").strip() or built_in


@hooks.on_acknowledged
def tell_member_taken(session: Session, case: Case, user: User, now: datetime) -> None:
    """The member learns a named facilitator has their message; automation stays paused
    while the conversation lasts."""
    member = session.get(Member, case.member_id) if case.member_id else None
    if member is None:
        return
    member.automation_paused = True
    member.updated_at = now
    if member.status in UNREACHABLE or not member.phone:
        _event(session, case, now, "member_not_told", user, "texts cannot reach the member")
        return
    if _last_told(session, case) == user.id:
        return  # a raised case taken again by the same person: the member knows already
    org = session.get(Organisation, case.organisation_id)
    program = org.program_name if org else ""
    body = wording(org, member.language).format(facilitator=first_name(user), program=program)
    told = _told_count(session, case)
    outbox.queue_message(
        session,
        to=member.phone,
        body=body,
        kind=OutboxKind.RELAY,
        key=f"case:{case.id}:notice:{told + 1}",
        now=now,
        organisation_id=case.organisation_id,
        member_id=member.id,
        case_id=case.id,
    )
    _event(session, case, now, "member_told", user, f"{first_name(user)} has the message")


@hooks.on_resolved
def tell_member_closed(session: Session, case: Case, user: User, now: datetime) -> None:
    """After a conversation, the member learns it ended and how to reach someone again."""
    member = session.get(Member, case.member_id) if case.member_id else None
    if member is None or _told_count(session, case) == 0:
        return
    if member.status in UNREACHABLE or not member.phone:
        return
    taker = session.get(User, case.acked_by) if case.acked_by else user
    outbox.queue_message(
        session,
        to=member.phone,
        body=text("conversation_closed", member.language, facilitator=first_name(taker or user)),
        kind=OutboxKind.RELAY,
        key=f"case:{case.id}:closed",
        now=now,
        organisation_id=case.organisation_id,
        member_id=member.id,
        case_id=case.id,
    )


def was_told(session: Session, case: Case) -> bool:
    return _told_count(session, case) > 0


def _last_told(session: Session, case: Case) -> int | None:
    return session.scalar(
        select(CaseEvent.user_id)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind == "member_told")
        .order_by(CaseEvent.id.desc())
        .limit(1)
    )


def _told_count(session: Session, case: Case) -> int:
    rows = session.scalars(
        select(CaseEvent.id).where(CaseEvent.case_id == case.id, CaseEvent.kind == "member_told")
    )
    return len(list(rows))


def _event(session: Session, case: Case, now: datetime, kind: str, user: User, detail: str) -> None:
    session.add(CaseEvent(case_id=case.id, at=now, kind=kind, user_id=user.id, detail=detail))
    session.flush()
