"""The inbound router: every message, in the precedence DESIGN.md gives, no exceptions."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.flows.routers import parse_number
from smsapp.models import Member, Organisation, User
from smsapp.services.conversation import (
    conversations,
    crisis,
    enrollment,
    facilitator_commands,
    member_commands,
)
from smsapp.services.core import consent, directory, keywords
from smsapp.services.core.texts import text

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    reply: str | None
    crisis: bool = False
    member_id: int | None = None
    user_id: int | None = None
    organisation_id: int | None = None


def route(session: Session, phone: str, body: str, now: datetime) -> Outcome:
    """Decide and apply what one inbound text means; returns the inline reply."""
    member = directory.member_by_phone(session, phone)
    user = directory.user_by_phone(session, phone) if member is None else None
    known = member or user
    outcome = Outcome(
        reply=None,
        member_id=member.id if member else None,
        user_id=user.id if user else None,
        organisation_id=known.organisation_id if known is not None else None,
    )
    screened = crisis.respond(session, phone, body, member, now)
    if screened.consumed:  # an answer to a safety check: nothing else reads it
        outcome.reply = screened.reply
        return outcome
    rest = _route_rest(session, phone, body, member, user, now)
    outcome.crisis = screened.crisis
    outcome.reply = screened.reply if screened.reply is not None else rest
    return outcome


def _route_rest(
    session: Session, phone: str, body: str, member: Member | None, user: User | None, now: datetime
) -> str | None:
    compliance = keywords.classify(body)
    if compliance is not None and user is not None and member is None:
        return _staff_compliance(user, compliance)
    if compliance is not None:
        return _compliance(session, compliance, member, now)
    if user is not None:
        return facilitator_commands.handle(session, user, body, now)
    if member is not None and member.status not in ("opted_out", "erased"):
        reply = member_commands.handle(session, member, body, now)
        if reply is not None:
            return reply
        if (answered := conversations.answer(session, member, body, now)) is not None:
            return answered
    if member is not None and member.status == "opted_out":
        if keywords.normalise_command(body) in ("YES", "SI"):
            return _compliance(session, "start", member, now)
        return None  # an opted-out member gets nothing but compliance answers
    joined = enrollment.handle_join(session, phone, member, body, now)
    if joined is not None:
        return joined
    if member is not None and member.status == "active" and parse_number(body, 1, 5):
        return conversations.member_checkin(session, member, body, now)
    language = member.language if member else "en"
    return text("fallback" if member else "fallback_unknown", language)


def _staff_compliance(user: User, kind: str) -> str:
    """A facilitator's STOP stops escalation texts to them (the console still shows cases)."""
    if kind == "stop":
        user.sms_opted_out = True
        return "smsapp: you will get no more alerts by SMS. Reply START to get them again."
    if kind == "start":
        user.sms_opted_out = False
        return "smsapp: alerts by SMS are on again."
    return facilitator_commands.USAGE


def _compliance(session: Session, kind: str, member: Member | None, now: datetime) -> str | None:
    org = session.get(Organisation, member.organisation_id) if member else None
    language = member.language if member else "en"
    program = org.program_name if org else "Peer check-ins"
    if kind == "help":
        if member is None or org is None:
            return text("help_unknown", language)
        return text("help", language, program=program, contact=org.help_contact)
    if member is None:
        return None if kind == "start" else None  # Twilio's own opt-out handling covers strangers
    if kind == "stop":
        if member.status == "opted_out":
            return None  # exactly one confirmation
        consent.opt_out(session, member, now, method="sms_keyword")
        return text("stop_confirm", language, program=program)
    if member.status != "opted_out":
        return None
    consent.record_opt_in(
        session, member, now, method="sms_keyword", disclosure="START", version="resubscribe"
    )
    return text("start_confirm", language, program=program)
