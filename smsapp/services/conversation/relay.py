"""Texts that belong to a case's conversation, in the router's precedence right after the
risk screen and the compliance words.

A facilitator's text that is not a command goes to the member of their one open
conversation; with several open, `R 12 <text>` picks one and a plain text asks which.
A member's text while their case is in conversation goes to the facilitator who has it
(DELETE still erases: that right is never relayed away). DONE ends the conversation and
the member's next texts go to the usual flows again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.models import Case, Member, User
from smsapp.models.escalations import CaseStatus
from smsapp.services.conversation.inbound_text import InboundText
from smsapp.services.core.texts import text as translate
from smsapp.services.domain import escalation
from smsapp.services.domain.reach import conversation, notices, texts

NEVER_RELAYED = ("DELETE", "BORRAR")  # the member's erasure right stays a command


@dataclass(frozen=True)
class Relayed:
    """A text the conversation took: the inline answer to its sender (None: no answer),
    and whether its words went on to the other person (then they are kept, encrypted,
    with the case's conversation)."""

    reply: str | None
    sent: bool = False


def from_staff(session: Session, user: User, text: InboundText, now: datetime) -> Relayed | None:
    """A facilitator's text for a conversation; None when they have none open and the
    text is not `R <case> …` (the usual staff answer follows)."""
    picked = text.reply_to
    if picked is not None:
        return _to_case(session, user, picked[0], picked[1], now)
    open_cases = conversation.of_user(session, user)
    if not open_cases:
        return None
    if len(open_cases) > 1:
        return Relayed(texts.which([c.id for c in open_cases]))
    return _send(session, open_cases[0], user, text.body, now)


def from_member(
    session: Session, member: Member, text: InboundText, now: datetime
) -> Relayed | None:
    """A member's text while their case is in conversation goes to its facilitator."""
    if text.word in NEVER_RELAYED:
        return None
    case = conversation.of_member(session, member.id)
    if case is None:
        return None
    conversation.from_member(session, case, member, text.body, now)
    return Relayed(None, sent=True)


def _to_case(session: Session, user: User, number: int, words: str, now: datetime) -> Relayed:
    case = session.get(Case, number)
    if case is None or not escalation.can_act_on(session, user, case):
        return Relayed(translate("relay_no_case", case_id=number))
    if case.acked_by != user.id or case.status == CaseStatus.RESOLVED:
        if case.status == CaseStatus.OPEN and case.acked_by is None:
            return Relayed(translate("relay_not_taken", case_id=number))
        return Relayed(translate("relay_not_yours", case_id=number))
    if not words:
        return Relayed(translate("relay_empty", case_id=number))
    return _send(session, case, user, words, now)


def _send(session: Session, case: Case, user: User, words: str, now: datetime) -> Relayed:
    try:
        conversation.to_member(session, case, user, words, "sms", now)
    except conversation.NotDelivered as refused:
        return Relayed(texts.not_sent(case.id, str(refused), notices.case_link(session, case)))
    return Relayed(None, sent=True)
