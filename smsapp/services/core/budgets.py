"""Budgets for automated replies, per sender and organisation line.

Every inline reply is billed and goes to whoever texted, so the answers a sender can
draw are limited: a stranger gets a few an hour, crisis resources go at most once per
ten minutes, and "I did not understand" answers stop after a few, which ends a loop
with another auto-responder. Texts past a budget are still stored and screened; only
the answer is held back. Counts come from the stored inbound texts (the database is
the source of truth), so a flushed Redis or a restart forgets nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from smsapp.models import InboundMessage

HOUR = timedelta(hours=1)
CRISIS_EVERY = timedelta(minutes=10)
STRANGER_REPLIES_PER_HOUR = 3  # everything but crisis resources, to a sender nobody knows
KNOWN_REPLIES_PER_HOUR = 30  # members and staff: commands, flows, check-ins
FALLBACKS_PER_HOUR = 3  # "sorry, I didn't get that": a loop with an auto-responder stops
JOINS_PER_HOUR = 5  # JOIN attempts per sender, right or wrong code

# Kinds of answer (InboundMessage.reply_kind).
CRISIS = "crisis"
COMPLIANCE = "compliance"  # STOP / START / HELP confirmations
FALLBACK = "fallback"
JOIN = "join"
STRANGER = "stranger"  # anything answered to a sender the organisation does not know
UNOWNED = "unowned"  # a text to a number no organisation owns
FLOW = "flow"  # answers inside a flow: each wait re-asks a bounded number of times
SAFETY = "safety"  # the safety check's question and its answers (members only)
ALWAYS = {COMPLIANCE}  # an opt-out is confirmed exactly once by its own rule


@dataclass(frozen=True)
class Sender:
    """Who is texting which line: budgets are kept per sender and organisation."""

    organisation_id: int | None
    phone_hash: str
    known: bool


def allows(session: Session, sender: Sender, kind: str, now: datetime) -> bool:
    """True when the sender may get an automated answer of this kind now."""
    if kind == CRISIS:
        return _given(session, sender, now - CRISIS_EVERY, [CRISIS]) == 0
    if (kind in ALWAYS or kind in (FLOW, SAFETY)) and sender.known:
        return True
    if not sender.known:
        return _given(session, sender, now - HOUR, exclude=[CRISIS]) < STRANGER_REPLIES_PER_HOUR
    if kind == FALLBACK and _given(session, sender, now - HOUR, [FALLBACK]) >= FALLBACKS_PER_HOUR:
        return False
    return _given(session, sender, now - HOUR, exclude=[CRISIS]) < KNOWN_REPLIES_PER_HOUR


def join_attempts(session: Session, sender: Sender, now: datetime) -> int:
    """JOIN texts from this sender to this line in the last hour, answered or not."""
    query = _from(sender, now - HOUR).where(InboundMessage.reply_kind == JOIN)
    return int(session.scalar(query) or 0)


def _given(
    session: Session,
    sender: Sender,
    since: datetime,
    kinds: list[str] | None = None,
    exclude: list[str] | None = None,
) -> int:
    query = _from(sender, since).where(InboundMessage.reply.is_not(None))
    if kinds is not None:
        query = query.where(InboundMessage.reply_kind.in_(kinds))
    if exclude is not None:
        query = query.where(func.coalesce(InboundMessage.reply_kind, "").not_in(exclude))
    return int(session.scalar(query) or 0)


def _from(sender: Sender, since: datetime) -> Select[Any]:
    org = InboundMessage.organisation_id
    return (
        select(func.count(InboundMessage.id))
        .where(InboundMessage.phone_hash == sender.phone_hash)
        .where(org.is_(None) if sender.organisation_id is None else org == sender.organisation_id)
        .where(InboundMessage.received_at > since)
    )
