"""A gentle safety check when a member's text shows distress without a clear risk signal.

The member is asked whether they are safe, with the resources for their country or
group. SAFE is thanked and noted on the check's row; a worrying answer (no, not sure,
more distress) opens a normal case at once; no answer within 15 minutes opens one when
the check's timer fires. A clear risk signal never comes here: it gets the crisis reply
and an urgent case (crisis.py), which also closes a check still waiting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Group, Member, Organisation, Timer
from smsapp.models.escalations import CaseSource, Urgency
from smsapp.models.members import MemberStatus
from smsapp.models.messages import OutboxKind
from smsapp.models.timers import TimerKind, TimerStatus
from smsapp.services.conversation.inbound_text import InboundText
from smsapp.services.core import outbox, standing, timers
from smsapp.services.core.crisis_resources import resources_text
from smsapp.services.core.texts import text as translate
from smsapp.services.domain import escalation

log = logging.getLogger(__name__)
KIND = TimerKind.SAFETY_CHECK
WAIT = timedelta(minutes=15)
SAFE_ANSWERS = frozenset(
    {"SAFE", "IM SAFE", "I AM SAFE", "YES SAFE", "YES IM SAFE", "SAFE THANKS", "SAFE THANK YOU"}
    | {"A SALVO", "ESTOY A SALVO", "SEGURO", "SEGURA", "ESTOY SEGURO", "ESTOY SEGURA"}
    | {"SI ESTOY A SALVO", "SI SAFE", "SAFE GRACIAS"}
)
WORRYING_ANSWERS = frozenset(
    {"NO", "NOPE", "NAH", "NOT REALLY", "NOT SAFE", "IM NOT SAFE", "NOT SURE", "IDK"}
    | {"I DONT KNOW", "DONT KNOW", "I DONT THINK SO", "NOT AT ALL", "HELP", "NO IM NOT"}
    | {"NO SE", "NO ESTOY SEGURA", "NO ESTOY SEGURO", "NO ESTOY A SALVO", "NO MUCHO"}
    | {"LA VERDAD NO", "NO LO SE", "AYUDA", "NO CREO"}
)


@dataclass(frozen=True)
class Screened:
    """What the screen made of a text: the reply it gives (if any), whether that is the
    crisis reply, and whether the text was an answer nothing else should read."""

    reply: str | None = None
    crisis: bool = False
    consumed: bool = False


def respond(
    session: Session,
    org: Organisation | None,
    member: Member,
    text: InboundText,
    now: datetime,
) -> Screened:
    """Answer a check that is waiting, or ask one when the text shows distress."""
    waiting = pending(session, member.id)
    if waiting is not None:
        return _answer(session, org, member, waiting, text, now)
    if not text.risk.check:
        return Screened()
    if escalation.open_case_of(session, member.id) is not None:
        # Someone is already on the way: tell them, and say so, instead of asking.
        return _worried(session, org, member, "distress while a case is open", now)
    timers.schedule(
        session,
        key=f"{KIND}:{member.id}:{now.isoformat()}",
        kind=KIND,
        due_at=now + WAIT,
        now=now,
        member_id=member.id,
        payload={"asked_at": now.isoformat()},
        reason="safety check: open a case if there is no answer",
    )
    log.info("safety_check.asked", extra={"member_id": member.id})
    return Screened(_with_resources(session, org, member, "safety_question"))


def pending(session: Session, member_id: int) -> Timer | None:
    """The member's safety check still waiting for an answer, if any."""
    known = standing.known(session, member_id)
    if known is not None and known.safety_check_id is None:
        return None
    return session.scalar(
        select(Timer)
        .where(
            Timer.member_id == member_id, Timer.kind == KIND, Timer.status == TimerStatus.PENDING
        )
        .order_by(Timer.id.desc())
    )


def close(session: Session, member: Member | None, answer: str, now: datetime) -> None:
    """A crisis reply supersedes a waiting check: note it and stop its timer."""
    if member is not None and (waiting := pending(session, member.id)) is not None:
        _note(waiting, answer, now)


def _answer(
    session: Session,
    org: Organisation | None,
    member: Member,
    waiting: Timer,
    text: InboundText,
    now: datetime,
) -> Screened:
    answer = text.normalised
    if answer in SAFE_ANSWERS:
        _note(waiting, "safe", now)
        log.info("safety_check.safe", extra={"member_id": member.id})
        return Screened(translate("safety_thanks", member.language), consumed=True)
    if answer in WORRYING_ANSWERS or text.risk.check:
        _note(waiting, "worrying", now)
        return _worried(session, org, member, "worrying answer to the safety check", now)
    return Screened()  # something else: routed as usual, and the 15 minutes run on


def _worried(
    session: Session, org: Organisation | None, member: Member, reason: str, now: datetime
) -> Screened:
    _open_case(session, member, reason, now)
    return Screened(_with_resources(session, org, member, "safety_worried"), consumed=True)


def _open_case(session: Session, member: Member, reason: str, now: datetime) -> None:
    escalation.open_case(
        session,
        member=member,
        urgency=Urgency.NORMAL,
        source=CaseSource.SAFETY_CHECK,
        reason=reason,
        now=now,
    )
    log.info("safety_check.case", extra={"member_id": member.id})


def _note(timer: Timer, answer: str, now: datetime) -> None:
    timer.payload = {**timer.payload, "answer": answer, "answered_at": now.isoformat()}
    timer.status = TimerStatus.DONE


def _with_resources(session: Session, org: Organisation | None, member: Member, name: str) -> str:
    group = session.get(Group, member.group_id) if member.group_id else None
    return f"{translate(name, member.language)} {resources_text(org, group, member.language)}"


@timers.handles(KIND)
def _no_answer(session: Session, timer: Timer, now: datetime) -> None:
    """15 minutes without an answer: a normal case, and the member is told so."""
    member = session.get(Member, timer.member_id) if timer.member_id else None
    if member is None or member.status == MemberStatus.ERASED:
        return
    timer.payload = {**timer.payload, "answer": "none"}
    _open_case(session, member, "no answer to the safety check in 15 minutes", now)
    if not member.phone or member.status == MemberStatus.OPTED_OUT:
        return
    org = session.get(Organisation, member.organisation_id)
    outbox.queue_message(
        session,
        to=member.phone,
        body=_with_resources(session, org, member, "safety_no_answer"),
        kind=OutboxKind.REPLY,
        key=f"{KIND}:{timer.id}:no_answer",
        now=now,
        organisation_id=member.organisation_id,
        member_id=member.id,
    )
