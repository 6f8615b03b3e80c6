"""Facilitator commands by SMS: ACK [case], DONE [case] <note>, HEADCOUNT, and R <case>
<text> (conversation/relay.py: texts to the member of a case in conversation).

A case someone may not act on (another organisation's, another group's) is answered
exactly like a case that does not exist, so a guessed number reveals nothing.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Case, User
from smsapp.models.escalations import CaseStatus
from smsapp.services.conversation.inbound_text import InboundText
from smsapp.services.core.texts import text as translate
from smsapp.services.domain import escalation
from smsapp.services.domain.reach import notices
from smsapp.services.domain.reach import texts as reach_texts

USAGE = translate("staff_usage")
NO_CASE = translate("staff_no_case", usage=USAGE)
_CASE_NUMBER = re.compile(r"#?(\d+)\b\s*(.*)$", re.S)


def handle(session: Session, user: User, text: InboundText, now: datetime) -> str:
    """The answer to one text from a facilitator or coordinator."""
    word, rest = text.word, text.rest
    if word == "ACK":
        return _ack(session, user, rest, now)
    if word in ("DONE", "RESOLVED"):
        return _done(session, user, rest, now)
    if word == "HEADCOUNT":
        from smsapp.services.domain.rsvps import headcount_text

        return headcount_text(session, user, now)
    return USAGE


def _ack(session: Session, user: User, rest: str, now: datetime) -> str:
    number, _ = _split(rest)
    case = _named(session, user, number) if number else _newest(session, user, ("open",))
    if case is None:
        return NO_CASE
    if not escalation.acknowledge(session, case, user, now):
        return _already(session, case)
    if case.member_id is None:
        return translate("ack_taken_no_member", case_id=case.id)
    return reach_texts.taken(case.id, notices.was_told(session, case))


def _done(session: Session, user: User, rest: str, now: datetime) -> str:
    number, note = _split(rest)
    case = _named(session, user, number) if number else _newest(session, user, ("open", "acked"))
    if case is None:
        return NO_CASE
    if case.status == CaseStatus.RESOLVED:
        return translate("case_already_closed", case_id=case.id)
    if not note:
        return translate("done_needs_note", case_id=case.id)
    escalation.resolve(session, case, user, note, now)
    return translate("done_resolved", case_id=case.id)


def _split(rest: str) -> tuple[int | None, str]:
    """'42 called her' -> (42, 'called her'); 'called her' -> (None, 'called her')."""
    match = _CASE_NUMBER.match(rest.strip())
    if match is None:
        return None, rest.strip()
    return int(match.group(1)), match.group(2).strip()


def _named(session: Session, user: User, number: int) -> Case | None:
    case = session.get(Case, number)
    if case is None or not escalation.can_act_on(session, user, case):
        return None
    return case


def _newest(session: Session, user: User, statuses: tuple[str, ...]) -> Case | None:
    """The newest case in ``statuses`` this user may act on; their own ACKed ones first."""
    cases = list(
        session.scalars(
            select(Case)
            .where(Case.organisation_id == user.organisation_id, Case.status.in_(statuses))
            .order_by(Case.opened_at.desc(), Case.id.desc())
        )
    )
    mine = [c for c in cases if c.acked_by == user.id]
    return next((c for c in mine + cases if escalation.can_act_on(session, user, c)), None)


def _already(session: Session, case: Case) -> str:
    taker = session.get(User, case.acked_by) if case.acked_by else None
    if case.status == CaseStatus.ACKED and taker is not None:
        return translate("case_already_taken", case_id=case.id, taker=taker.name.split(" ")[0])
    if case.status == CaseStatus.RESOLVED:
        return translate("case_already_closed", case_id=case.id)
    return translate("case_already_status", case_id=case.id, status=case.status)
