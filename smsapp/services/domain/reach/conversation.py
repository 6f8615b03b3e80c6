"""The private conversation after an ACK: the member and the facilitator who took their
case text each other through the organisation's number, by SMS or from the case page.

A case is in conversation while it is open or acknowledged and someone has taken it
(`acked_by`). Every message is a CaseMessage (body encrypted, in the case's trail as an
event that names no words) and an outbox text: to the member from the organisation's
number, signed with the facilitator's first name; to the facilitator with the case
number, never the member's name or number. The facilitator's own number is never shown
to the member, and the member's never to the facilitator.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsapp.models import Case, CaseEvent, CaseMessage, Member, OutboxMessage, User
from smsapp.models.escalations import UNRESOLVED, CaseStatus
from smsapp.models.members import MemberStatus
from smsapp.models.messages import OutboxKind, Priority
from smsapp.services.core import outbox, standing
from smsapp.services.core.texts import text
from smsapp.services.domain import visibility
from smsapp.services.domain.escalation import can_act_on
from smsapp.services.domain.reach import notices, texts

log = logging.getLogger(__name__)
OPEN = UNRESOLVED  # taken and not resolved: the case is in conversation
MAX_SMS = 1600  # Twilio refuses longer bodies
MAX_REPLY = 1500  # what the case page and the API take in one message (the signature fits)
# Where a message was written, as the case's trail says it (CaseMessage.channel).
WHERE = {"console": "from the case page", "api": "through the API", "sms": "by SMS"}


class NotDelivered(ValueError):
    """A message the member cannot receive; the text says why, for the facilitator."""


def of_member(session: Session, member_id: int) -> Case | None:
    """The member's case in conversation (taken by someone and not resolved), if any."""
    known = standing.known(session, member_id)
    if known is not None and known.case_id is None:
        return None
    return session.scalar(
        select(Case)
        .where(Case.member_id == member_id, Case.status.in_(OPEN), Case.acked_by.is_not(None))
        .order_by(Case.id.desc())
    )


def of_user(session: Session, user: User) -> list[Case]:
    """The conversations `user` holds, oldest case first."""
    return list(
        session.scalars(
            select(Case)
            .where(
                Case.acked_by == user.id,
                Case.status.in_(OPEN),
                Case.member_id.is_not(None),
                Case.organisation_id == user.organisation_id,
            )
            .order_by(Case.id)
        )
    )


def unreachable_reason(member: Member | None) -> str | None:
    """Why texts cannot reach the member (None when they can)."""
    if member is None or member.status == MemberStatus.ERASED or not member.phone:
        return text("relay_refused_unreachable")
    if member.status == MemberStatus.OPTED_OUT:
        return text("relay_refused_opted_out")
    return None


def to_member(
    session: Session, case: Case, user: User, body: str, channel: str, now: datetime
) -> CaseMessage:
    """The facilitator's message to the case's member, from the organisation's number."""
    if case.acked_by != user.id or case.status not in OPEN:
        raise NotDelivered(text("relay_refused_not_yours", case_id=case.id))
    member = session.get(Member, case.member_id) if case.member_id else None
    reason = unreachable_reason(member)
    if reason is not None or member is None:
        raise NotDelivered(reason or text("relay_refused_unreachable"))
    words = body.strip()
    if not words:
        raise NotDelivered(text("relay_refused_empty"))
    signed = texts.signed(user, words)[:MAX_SMS]
    row = outbox.queue_message(
        session,
        to=member.phone or "",
        body=signed,
        kind=OutboxKind.RELAY,
        key=f"case:{case.id}:msg:{_next_number(session, case)}",
        now=now,
        organisation_id=case.organisation_id,
        member_id=member.id,
        case_id=case.id,
    )
    return _record(session, case, member.id, user.id, "to_member", channel, words, row, now)


def from_member(session: Session, case: Case, member: Member, body: str, now: datetime) -> None:
    """The member's text goes to the facilitator who has the case."""
    taker = session.get(User, case.acked_by) if case.acked_by else None
    row = None
    if taker is not None and taker.active and taker.phone:
        row = outbox.queue_message(
            session,
            to=taker.phone,
            body=texts.from_member(case.id, body)[:MAX_SMS],
            kind=OutboxKind.RELAY,
            key=f"case:{case.id}:msg:{_next_number(session, case)}",
            now=now,
            organisation_id=case.organisation_id,
            user_id=taker.id,
            case_id=case.id,
        )
    _record(session, case, member.id, case.acked_by, "from_member", "sms", body, row, now)


def hand_over(session: Session, case: Case, by: User, to: User, now: datetime) -> None:
    """`to` takes the case (and its conversation) from whoever had it; both are told,
    and the member learns who will text them now."""
    if case.status not in OPEN or case.acked_by is None:
        raise NotDelivered(f"Case {case.id} is not taken by anyone to pass on.")
    if to.id == case.acked_by or not to.active or to.organisation_id != case.organisation_id:
        raise NotDelivered("Choose an active colleague who does not have the case yet.")
    case.acked_by = to.id
    session.add(
        CaseEvent(case_id=case.id, at=now, kind="handed", user_id=by.id, detail=f"to {to.name}")
    )
    if to.phone:
        outbox.queue_message(
            session,
            to=to.phone,
            body=texts.handed_to_you(case.id, by, notices.case_link(session, case)),
            kind=OutboxKind.ESCALATION,
            key=f"case:{case.id}:handed:{now.isoformat()}:u{to.id}",
            now=now,
            organisation_id=case.organisation_id,
            user_id=to.id,
            case_id=case.id,
            priority=Priority.URGENT,
        )
    notices.tell_member_taken(session, case, to, now)
    log.info("case.handed", extra={"case_id": case.id})


def may_hand_over(case: Case, viewer: visibility.Viewer) -> bool:
    """Whether `viewer` may pass the case on: it is taken (acknowledged, not resolved)
    and they are its taker or a coordinator."""
    taken = case.status == CaseStatus.ACKED and case.acked_by is not None
    return taken and (case.acked_by == viewer.id or visibility.is_coordinator(viewer))


def colleagues(session: Session, case: Case) -> list[User]:
    """Active people of the organisation who may act on the case, except its taker."""
    people = session.scalars(
        select(User)
        .where(User.organisation_id == case.organisation_id, User.active.is_(True))
        .order_by(User.name)
    )
    return [u for u in people if u.id != case.acked_by and can_act_on(session, u, case)]


def messages(session: Session, case: Case) -> list[tuple[CaseMessage, str, str]]:
    """The conversation, oldest first: each message, the facilitator's name, its status."""
    rows = session.execute(
        select(CaseMessage, User.name, OutboxMessage.status, OutboxMessage.delivery_status)
        .outerjoin(User, User.id == CaseMessage.user_id)
        .outerjoin(OutboxMessage, OutboxMessage.id == CaseMessage.outbox_id)
        .where(CaseMessage.case_id == case.id)
        .order_by(CaseMessage.at, CaseMessage.id)
    )
    return [(m, name or "", delivery or status or "") for m, name, status, delivery in rows]


def _next_number(session: Session, case: Case) -> int:
    count = session.scalar(select(func.count(CaseMessage.id)).where(CaseMessage.case_id == case.id))
    return int(count or 0) + 1


def _record(
    session: Session,
    case: Case,
    member_id: int,
    user_id: int | None,
    direction: str,
    channel: str,
    body: str,
    row: OutboxMessage | None,
    now: datetime,
) -> CaseMessage:
    session.flush()
    message = CaseMessage(
        case_id=case.id,
        organisation_id=case.organisation_id,
        member_id=member_id,
        user_id=user_id,
        direction=direction,
        channel=channel,
        body=body,
        outbox_id=row.id if row is not None else None,
        at=now,
    )
    session.add(message)
    staff = session.get(User, user_id) if user_id is not None else None
    name = staff.name if staff is not None else "a facilitator"
    where = WHERE.get(channel, "by SMS")
    words = f"{name} to the member" if direction == "to_member" else f"the member to {name}"
    detail = f"{words} {where}"
    if row is None:
        detail += " (not texted: no phone)"
    session.add(CaseEvent(case_id=case.id, at=now, kind="message", user_id=user_id, detail=detail))
    return message
