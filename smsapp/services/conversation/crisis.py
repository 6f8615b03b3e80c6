"""The risk screen on every text: a crisis gets resources at once, an urgent case and the
member's automation paused; distress without a clear risk signal gets a safety check.

Nothing here waits on Redis, quiet hours, pauses, opt-out state or an open flow: the
reply is the webhook's own answer, and the case's texts are urgent outbox rows.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.models import Group, Member, Organisation, User
from smsapp.models.escalations import CaseSource, Urgency
from smsapp.models.members import UNREACHABLE
from smsapp.phones import region_of
from smsapp.services.conversation import safety_check
from smsapp.services.conversation.inbound_text import InboundText
from smsapp.services.conversation.safety_check import Screened
from smsapp.services.core import consent, directory
from smsapp.services.core.crisis_resources import crisis_reply
from smsapp.services.core.texts import text as translate
from smsapp.services.domain import escalation
from smsapp.services.domain.reach import conversation
from smsapp.services.domain.risk import RiskResult, taxonomy

log = logging.getLogger(__name__)


def respond(
    session: Session,
    phone: str,
    text: InboundText,
    member: Member | None,
    now: datetime,
    *,
    organisation: Organisation | None,
    staff: User | None = None,
) -> Screened:
    """Screen a text: the crisis reply and an urgent case, a safety check, or nothing.

    `organisation` owns the texted number (None: nobody does; the resources are still
    given). Staff commands (``DONE 4 she is safe now``) describe members and are not
    screened; anything else from staff that screens positive gets the resources, without
    a case. A sender the organisation does not know gets one open case per organisation.
    Only members get a safety check (someone must be there to follow it up).
    """
    if staff is not None and text.staff_command:
        return Screened()
    org = organisation
    result = text.risk  # screened with the organisation's own phrases too
    if result.positive:
        reply = _crisis(session, phone, text, member, staff, org, now)
        return Screened(reply, crisis=True)
    if member is None or member.status in UNREACHABLE:
        return Screened()
    if conversation.of_member(session, member.id) is not None:
        return Screened()  # a facilitator is texting with them: the person follows it up
    return safety_check.respond(session, org, member, text, now)


def screen_and_respond(
    session: Session,
    phone: str,
    text: InboundText,
    member: Member | None,
    now: datetime,
    *,
    organisation: Organisation | None,
    staff: User | None = None,
) -> str | None:
    """The crisis reply if the text screens positive, else None (no safety check)."""
    screened = respond(session, phone, text, member, now, organisation=organisation, staff=staff)
    return screened.reply if screened.crisis else None


def _crisis(
    session: Session,
    phone: str,
    text: InboundText,
    member: Member | None,
    staff: User | None,
    org: Organisation | None,
    now: datetime,
) -> str:
    result = text.risk
    language = member.language if member else (result.language or "en")
    if staff is not None:
        return crisis_reply(org, language, reachable=False)
    if org is None:  # a number nobody owns: the sender's country, no case
        return crisis_reply(None, language, reachable=False, country=region_of(phone))
    stranger = directory.phone_hash(phone) if member is None else None
    reachable = _escalate(session, org, member, stranger, result, now)
    group = session.get(Group, member.group_id) if member and member.group_id else None
    reply = crisis_reply(org, language, reachable, group)
    if member is not None:
        safety_check.close(session, member, "crisis", now)
        member.automation_paused = True
        member.updated_at = now
        reply = _honour_stop(session, member, text, reply, org, now)
    return reply


def _escalate(
    session: Session,
    org: Organisation | None,
    member: Member | None,
    stranger: str | None,
    result: RiskResult,
    now: datetime,
) -> bool:
    """Open (or raise) the urgent case; True when a responder can be texted.

    A failure here must not cost the member the resources: the case is attempted in a
    savepoint and the reply is given whatever happens.
    """
    if org is None:
        return False
    reason = _reason(result.categories)
    # Texts queued inside the savepoint are enqueued by the edge after its commit; a
    # rolled-back savepoint's rows are left out (outbox.take_collected).
    savepoint = session.begin_nested()
    try:
        case = escalation.open_case(
            session,
            member=member,
            urgency=Urgency.URGENT,
            source=CaseSource.CRISIS,
            reason=reason,
            now=now,
            organisation_id=org.id,
            phone_hash=stranger,
        )
        savepoint.commit()
    except Exception:
        savepoint.rollback()
        log.exception("crisis.case_failed", extra={"member_id": member.id if member else None})
        return False
    log.info("crisis.screened", extra={"case_id": case.id, "urgency": "urgent"})
    group_id = member.group_id if member else None
    return escalation.has_reachable_responder(session, org.id, group_id, now)


def _honour_stop(
    session: Session,
    member: Member,
    text: InboundText,
    reply: str,
    org: Organisation | None,
    now: datetime,
) -> str:
    """'STOP … <crisis text>': the opt-out is honoured too, and confirmed once."""
    if member.status in UNREACHABLE or not text.leads_with_stop:
        return reply
    consent.opt_out(session, member, now, method="sms_keyword")
    program = org.program_name if org else "Peer check-ins"
    return reply + "\n\n" + translate("stop_confirm", member.language, program=program)


def _reason(categories: tuple[str, ...]) -> str:
    """What the case list and page say a case is about, in words a facilitator reads
    (the screen's own names, like "active_thoughts", mean nothing to them)."""
    kinds = [taxonomy.CRISIS.get(name, name.replace("_", " ")) for name in categories]
    reason = "Texted about " + ("; ".join(kinds) or "a risk the screen found")
    return reason if len(reason) <= 120 else reason[:119] + "…"
