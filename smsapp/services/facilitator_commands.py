"""Facilitator commands by SMS: ACK [case], DONE [case] [note], HEADCOUNT."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Case, User
from smsapp.services import escalation, keywords
from smsapp.services.escalation.cases import can_act_on

USAGE = "Reply ACK <case>, DONE <case> <note>, or HEADCOUNT."


def handle(session: Session, user: User, body: str, now: datetime) -> str:
    word, rest = keywords.command_word(body)
    if word == "ACK":
        return _ack(session, user, rest, now)
    if word in ("DONE", "RESOLVED"):
        return _done(session, user, rest, now)
    if word == "HEADCOUNT":
        from smsapp.services.rsvps import headcount_text

        return headcount_text(session, user, now)
    return USAGE


def _case(session: Session, user: User, rest: str, statuses: tuple[str, ...]) -> tuple[Case | None, str]:
    match = re.match(r"#?(\d+)\s*(.*)$", rest.strip(), re.S)
    if match:
        case = session.get(Case, int(match.group(1)))
        note = match.group(2).strip()
    else:
        case = _latest_for(session, user, statuses)
        note = rest.strip()
    if case is None or not can_act_on(session, user, case):
        return None, note  # another organisation's case looks exactly like no case
    return case, note


def _latest_for(session: Session, user: User, statuses: tuple[str, ...]) -> Case | None:
    cases = session.scalars(
        select(Case).where(Case.organisation_id == user.organisation_id, Case.status.in_(statuses))
        .order_by(Case.opened_at.desc())
    )
    return next((c for c in cases if can_act_on(session, user, c)), None)


def _ack(session: Session, user: User, rest: str, now: datetime) -> str:
    case, _ = _case(session, user, rest, ("open",))
    if case is None:
        return "No open case found. " + USAGE
    if not escalation.acknowledge(session, case, user, now):
        return f"Case {case.id} is already {case.status}."
    return f"Thanks, case {case.id} is yours. Reply DONE {case.id} <note> when resolved."


def _done(session: Session, user: User, rest: str, now: datetime) -> str:
    case, note = _case(session, user, rest, ("open", "acked"))
    if case is None:
        return "No open case found. " + USAGE
    if not escalation.resolve(session, case, user, note or None, now):
        return f"Case {case.id} is already resolved."
    return f"Case {case.id} resolved. Thank you."
