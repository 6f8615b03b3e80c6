"""The inbound router: every message, in one precedence, no exceptions.

A text is read once (`inbound_text.read`) when its organisation and sender are known.
The risk screen reads every text first; then the first step of `PRECEDENCE` that
answers decides the reply. docs/ARCHITECTURE.md walks the same list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, TypeGuard

from sqlalchemy.orm import Session

from smsapp.models import Group, Member, Organisation, User
from smsapp.models.members import UNREACHABLE, MemberStatus
from smsapp.services.conversation import (
    conversations,
    crisis,
    enrollment,
    facilitator_commands,
    inbound_text,
    member_commands,
    relay,
)
from smsapp.services.conversation.inbound_text import InboundText
from smsapp.services.core import budgets, consent, directory
from smsapp.services.core.keywords import Compliance
from smsapp.services.core.texts import text as translate

log = logging.getLogger(__name__)
RELAYED = "relayed"  # a text that went on to the other side of a case's conversation


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
    # False: the words live with a case's conversation (encrypted, erased with the member)
    keep_body: bool = True


@dataclass(frozen=True)
class Inbound:
    """One text in its setting: the line, who sent it (member or staff, never both: staff
    is looked up only when no member has the number), what it says, and when."""

    session: Session
    line: Line
    sender: budgets.Sender
    phone: str
    text: InboundText
    member: Member | None
    user: User | None
    now: datetime


class Answer(NamedTuple):
    """A step's answer: the reply (None: the text is stored unanswered) and its kind
    (budgets count answers by kind)."""

    reply: str | None
    kind: str | None


class Step(NamedTuple):
    name: str
    answer: Callable[[Inbound], Answer | None]  # None: not this step's text, try the next


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
        return _unowned(session, phone, inbound_text.read(body), now)
    box = line.sandbox_group_id
    user = (
        directory.user_by_phone(session, org.id, phone, sandbox_group_id=box)
        if member is None
        else None
    )
    sender = budgets.Sender(org.id, directory.phone_hash(phone), member is not None or bool(user))
    text = inbound_text.read(body, lexicon_extra=org.lexicon_extra, staff=user is not None)
    was_opted_out = member is not None and member.status == MemberStatus.OPTED_OUT
    screened = crisis.respond(session, phone, text, member, now, organisation=org, staff=user)
    outcome = Outcome(
        reply=screened.reply,
        member_id=member.id if member else None,
        user_id=user.id if user else None,
        organisation_id=org.id,
        reply_kind=budgets.SAFETY,
    )
    if screened.consumed:  # an answer to a safety check: nothing else reads it
        return outcome
    rest, kind = answer(Inbound(session, line, sender, phone, text, member, user, now))
    # A facilitator's words to a member (kept with the case's conversation, not here)
    # are not the facilitator's own crisis.
    staff_relay = kind == RELAYED and user is not None
    outcome.keep_body = not staff_relay
    if screened.reply is None or staff_relay:
        outcome.reply, outcome.reply_kind = rest, kind
    if screened.crisis and not staff_relay:
        outcome.crisis, outcome.reply_kind = True, budgets.CRISIS
        outcome.reply = screened.reply
        if not budgets.allows(session, sender, budgets.CRISIS, now):
            # Resources went out minutes ago; a STOP in this text is still confirmed.
            just_stopped = member is not None and member.status == MemberStatus.OPTED_OUT
            outcome.reply = (
                _stop_confirmation(member, org) if just_stopped and not was_opted_out else None
            )
        return outcome
    allowed = budgets.allows(session, sender, outcome.reply_kind or "", now)
    if outcome.reply is not None and not allowed:
        outcome.reply = None
    return outcome


def answer(inbound: Inbound) -> Answer:
    """The answer after the risk screen: the first step of PRECEDENCE that takes the text."""
    for step in PRECEDENCE:
        if (found := step.answer(inbound)) is not None:
            return found
    raise AssertionError("the fallback answers every text")


def _unowned(session: Session, phone: str, text: InboundText, now: datetime) -> Outcome:
    """A text to a number no organisation owns: stored and answered, routed nowhere."""
    sender = budgets.Sender(None, directory.phone_hash(phone), known=False)
    reply = crisis.screen_and_respond(session, phone, text, None, now, organisation=None)
    kind = budgets.CRISIS if reply is not None else budgets.UNOWNED
    outcome = Outcome(reply=reply, crisis=reply is not None, reply_kind=kind)
    if reply is None:
        outcome.reply = translate("unowned_number", "en")
    if not budgets.allows(session, sender, kind, now):
        outcome.reply = None
    log.info("sms.unowned_number", extra={"crisis": outcome.crisis})
    return outcome


# The steps, in order. Each looks at the one InboundText and answers or passes.


def _compliance_words(i: Inbound) -> Answer | None:
    """STOP / START / HELP, from anyone, before anything else."""
    kind = i.text.compliance
    if kind is None:
        return None
    if i.user is not None:
        return Answer(_staff_compliance(i.user, kind), budgets.COMPLIANCE)
    known = budgets.COMPLIANCE if i.member is not None else budgets.STRANGER
    return Answer(_compliance(i.session, kind, i.member, i.now), known)


def _staff_conversation(i: Inbound) -> Answer | None:
    """A facilitator's words (not a command, or `R 12 <text>`) for a case's member."""
    if i.user is None or (i.text.staff_command and i.text.reply_to is None):
        return None
    relayed = relay.from_staff(i.session, i.user, i.text, i.now)
    if relayed is None:
        return None
    return Answer(relayed.reply, RELAYED if relayed.sent else "staff")


def _staff_commands(i: Inbound) -> Answer | None:
    """ACK, DONE, HEADCOUNT; anything else from staff gets the usage line."""
    if i.user is None:
        return None
    reply = facilitator_commands.handle(i.session, i.user, i.text, i.now)
    return Answer(reply, budgets.FALLBACK if reply == facilitator_commands.USAGE else "staff")


def _member_conversation(i: Inbound) -> Answer | None:
    """A member's text while a facilitator is texting with them goes to that person."""
    member = i.member
    if member is None or member.status == MemberStatus.ERASED or _resubscribes(member, i.text):
        return None
    to_facilitator = relay.from_member(i.session, member, i.text, i.now)
    return None if to_facilitator is None else Answer(to_facilitator.reply, RELAYED)


def _member_commands(i: Inbound) -> Answer | None:
    if not _reachable(i.member):
        return None
    reply = member_commands.handle(i.session, i.member, i.text, i.now)
    return None if reply is None else Answer(reply, "command")


def _waiting_flow(i: Inbound) -> Answer | None:
    if not _reachable(i.member):
        return None
    answered = conversations.answer(i.session, i.member, i.text.body, i.now)
    return None if answered is None else Answer(answered, budgets.FLOW)


def _opted_out(i: Inbound) -> Answer | None:
    """An opted-out member gets nothing but compliance answers (YES opts back in)."""
    if i.member is None or i.member.status != MemberStatus.OPTED_OUT:
        return None
    if i.text.is_yes:
        return Answer(_compliance(i.session, Compliance.START, i.member, i.now), budgets.COMPLIANCE)
    return Answer(None, None)


def _join_code(i: Inbound) -> Answer | None:
    if not enrollment.is_join(i.text):
        return None
    return Answer(_join(i), budgets.JOIN)


def _bare_score(i: Inbound) -> Answer | None:
    """A score with no check-in waiting starts one."""
    if i.member is None or i.member.status != MemberStatus.ACTIVE or i.text.score is None:
        return None
    reply = conversations.member_checkin(i.session, i.member, i.text.body, i.now)
    return Answer(reply, budgets.FLOW)


def _fallback(i: Inbound) -> Answer:
    if i.member is None:
        return Answer(translate("fallback_unknown", "en"), budgets.STRANGER)
    return Answer(translate("fallback", i.member.language), budgets.FALLBACK)


PRECEDENCE: tuple[Step, ...] = (
    Step("compliance words", _compliance_words),
    Step("staff conversation", _staff_conversation),
    Step("staff commands", _staff_commands),
    Step("member conversation", _member_conversation),
    Step("member commands", _member_commands),
    Step("waiting flow", _waiting_flow),
    Step("opted out", _opted_out),
    Step("join", _join_code),
    Step("bare score", _bare_score),
    Step("fallback", _fallback),
)


def _reachable(member: Member | None) -> TypeGuard[Member]:
    """A member commands and flows can answer: not opted out, not erased."""
    return member is not None and member.status not in UNREACHABLE


def _resubscribes(member: Member, text: InboundText) -> bool:
    """YES from an opted-out member is their opt-in, not words for a facilitator."""
    return member.status == MemberStatus.OPTED_OUT and text.is_yes


def _join(i: Inbound) -> str | None:
    """JOIN CODE, a few attempts an hour per sender: codes cannot be guessed by texting."""
    assert i.line.organisation is not None
    allowed = budgets.join_attempts(i.session, i.sender, i.now) < budgets.JOINS_PER_HOUR
    return enrollment.handle_join(
        i.session,
        i.line.organisation.id,
        i.phone,
        i.member,
        i.text,
        i.now,
        sandbox_group_id=i.line.sandbox_group_id,
        allowed=allowed,
    )


def _stop_confirmation(member: Member | None, org: Organisation) -> str | None:
    if member is None:
        return None
    return translate("stop_confirm", member.language, program=org.program_name)


def _staff_compliance(user: User, kind: Compliance) -> str:
    """A facilitator's STOP stops escalation texts to them (the console still shows cases)."""
    if kind == "stop":
        user.sms_opted_out = True
        return translate("staff_stop_confirm")
    if kind == "start":
        user.sms_opted_out = False
        return translate("staff_start_confirm")
    return facilitator_commands.USAGE


def _compliance(
    session: Session, kind: Compliance, member: Member | None, now: datetime
) -> str | None:
    org = session.get(Organisation, member.organisation_id) if member else None
    language = member.language if member else "en"
    program = org.program_name if org else "Peer check-ins"
    if kind == "help":
        if member is None or org is None:
            return translate("help_unknown", language)
        return translate("help", language, program=program, contact=org.help_contact)
    if member is None:
        return None if kind == "start" else None  # Twilio's own opt-out handling covers strangers
    if kind == "stop":
        if member.status == MemberStatus.OPTED_OUT:
            return None  # exactly one confirmation
        consent.opt_out(session, member, now, method="sms_keyword")
        return translate("stop_confirm", language, program=program)
    if member.status != MemberStatus.OPTED_OUT:
        return None
    consent.record_opt_in(
        session, member, now, method="sms_keyword", disclosure="START", version="resubscribe"
    )
    return translate("start_confirm", language, program=program)
