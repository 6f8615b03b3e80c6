"""The inbound router: every message, in the precedence DESIGN.md gives, no exceptions."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.flows.routers import parse_number
from smsapp.models import Group, Member, Organisation, User
from smsapp.services.conversation import (
    conversations,
    crisis,
    enrollment,
    facilitator_commands,
    member_commands,
)
from smsapp.services.core import budgets, consent, directory, keywords
from smsapp.services.core.texts import text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Line:
    """Where a text arrived: the organisation that owns the texted number (None: no one
    does) and, for the phone simulator, the sandbox group it is sealed in."""

    organisation: Organisation | None
    sandbox_group_id: int | None = None


@dataclass
class Outcome:
    reply: str | None
    crisis: bool = False
    member_id: int | None = None
    user_id: int | None = None
    organisation_id: int | None = None
    reply_kind: str | None = None


def locate(
    session: Session, to: str, phone: str, sandbox_group_id: int | None = None
) -> tuple[Line, Member | None]:
    """The line a text arrived on (the organisation owning `to`, or the simulator's
    sandbox) and the organisation's member with the sender's phone."""
    if sandbox_group_id is None:
        org, member = directory.locate(session, to, phone)
        return Line(org), member
    group = session.get(Group, sandbox_group_id)
    if group is None or not group.sandbox:
        raise ValueError("not a sandbox group")
    org = session.get(Organisation, group.organisation_id)
    box = group.id
    member = directory.member_by_phone(session, group.organisation_id, phone, sandbox_group_id=box)
    return Line(org, box), member


def route(
    session: Session,
    phone: str,
    body: str,
    now: datetime,
    *,
    to: str = "",
    sandbox: int | None = None,
) -> Outcome:
    """Decide and apply what one inbound text means; returns the inline reply.

    `to` (the texted number) picks the organisation; the simulator gives its sandbox
    group instead. The sender is looked up within that organisation only: the same
    phone may be a member (or staff) of several organisations, each its own person.
    """
    line, member = locate(session, to, phone, sandbox)
    org = line.organisation
    if org is None:
        return _unowned(session, phone, body, now)
    box = line.sandbox_group_id
    user = (
        directory.user_by_phone(session, org.id, phone, sandbox_group_id=box)
        if member is None
        else None
    )
    sender = budgets.Sender(org.id, directory.phone_hash(phone), member is not None or bool(user))
    was_opted_out = member is not None and member.status == "opted_out"
    screened = crisis.respond(session, phone, body, member, now, organisation=org, staff=user)
    outcome = Outcome(
        reply=screened.reply,
        member_id=member.id if member else None,
        user_id=user.id if user else None,
        organisation_id=org.id,
        reply_kind=budgets.SAFETY,
    )
    if screened.consumed:  # an answer to a safety check: nothing else reads it
        return outcome
    rest, kind = _route_rest(session, line, sender, phone, body, member, user, now)
    if screened.reply is None:
        outcome.reply, outcome.reply_kind = rest, kind
    if screened.crisis:
        outcome.crisis, outcome.reply_kind = True, budgets.CRISIS
        outcome.reply = screened.reply
        if not budgets.allows(session, sender, budgets.CRISIS, now):
            # Resources went out minutes ago; a STOP in this text is still confirmed.
            just_stopped = member is not None and member.status == "opted_out"
            outcome.reply = (
                _stop_confirmation(member, org) if just_stopped and not was_opted_out else None
            )
        return outcome
    allowed = budgets.allows(session, sender, outcome.reply_kind or "", now)
    if outcome.reply is not None and not allowed:
        outcome.reply = None
    return outcome


def _unowned(session: Session, phone: str, body: str, now: datetime) -> Outcome:
    """A text to a number no organisation owns: stored and answered, routed nowhere."""
    sender = budgets.Sender(None, directory.phone_hash(phone), known=False)
    reply = crisis.screen_and_respond(session, phone, body, None, now, organisation=None)
    kind = budgets.CRISIS if reply is not None else budgets.UNOWNED
    outcome = Outcome(reply=reply, crisis=reply is not None, reply_kind=kind)
    if reply is None:
        outcome.reply = text("unowned_number", "en")
    if not budgets.allows(session, sender, kind, now):
        outcome.reply = None
    log.info("sms.unowned_number", extra={"crisis": outcome.crisis})
    return outcome


def _route_rest(
    session: Session,
    line: Line,
    sender: budgets.Sender,
    phone: str,
    body: str,
    member: Member | None,
    user: User | None,
    now: datetime,
) -> tuple[str | None, str | None]:
    """The answer after the risk screen, and its kind (budgets count answers by kind)."""
    compliance = keywords.classify(body)
    if compliance is not None and user is not None and member is None:
        return _staff_compliance(user, compliance), budgets.COMPLIANCE
    if compliance is not None:
        kind = budgets.COMPLIANCE if member is not None else budgets.STRANGER
        return _compliance(session, compliance, member, now), kind
    if user is not None:
        answer = facilitator_commands.handle(session, user, body, now)
        return answer, budgets.FALLBACK if answer == facilitator_commands.USAGE else "staff"
    if member is not None and member.status not in ("opted_out", "erased"):
        reply = member_commands.handle(session, member, body, now)
        if reply is not None:
            return reply, "command"
        if (answered := conversations.answer(session, member, body, now)) is not None:
            return answered, budgets.FLOW
    if member is not None and member.status == "opted_out":
        if keywords.normalise_command(body) in ("YES", "SI"):
            return _compliance(session, "start", member, now), budgets.COMPLIANCE
        return None, None  # an opted-out member gets nothing but compliance answers
    if enrollment.is_join(body):
        return _join(session, line, sender, phone, member, body, now), budgets.JOIN
    if member is not None and member.status == "active" and parse_number(body, 1, 5):
        return conversations.member_checkin(session, member, body, now), budgets.FLOW
    language = member.language if member else "en"
    if member is None:
        return text("fallback_unknown", language), budgets.STRANGER
    return text("fallback", language), budgets.FALLBACK


def _join(
    session: Session,
    line: Line,
    sender: budgets.Sender,
    phone: str,
    member: Member | None,
    body: str,
    now: datetime,
) -> str | None:
    """JOIN CODE, a few attempts an hour per sender: codes cannot be guessed by texting."""
    assert line.organisation is not None
    allowed = budgets.join_attempts(session, sender, now) < budgets.JOINS_PER_HOUR
    return enrollment.handle_join(
        session,
        line.organisation.id,
        phone,
        member,
        body,
        now,
        sandbox_group_id=line.sandbox_group_id,
        allowed=allowed,
    )


def _stop_confirmation(member: Member | None, org: Organisation) -> str | None:
    if member is None:
        return None
    return text("stop_confirm", member.language, program=org.program_name)


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
