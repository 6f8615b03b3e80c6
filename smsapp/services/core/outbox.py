"""Queueing outbound texts: a row first, the RQ job only after the row is committed.

Services add rows and say nothing about jobs: each row due now is collected on the
session (`collected`), and the edge that commits (a request, a job, a command) hands
them to the queues after its commit (`Runtime` sessions do it in `commit`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from smsapp.models import Member, OutboxMessage
from smsapp.services.core.numbers import sender_for

KIND_PRIORITY = {
    "crisis": "urgent",
    "escalation": "urgent",
    "relay": "urgent",  # a case's conversation: a person is waiting for a person
    "reply": "default",
    "system": "default",
    "scheduled": "bulk",
}


def queue_message(
    session: Session,
    *,
    to: str,
    body: str,
    kind: str,
    key: str,
    now: datetime,
    due_at: datetime | None = None,
    organisation_id: int | None = None,
    member_id: int | None = None,
    user_id: int | None = None,
    case_id: int | None = None,
    priority: str | None = None,
) -> OutboxMessage:
    """Add an outbound text (once per idempotency key) and enqueue it after commit."""
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
    if existing is not None:
        return existing
    row = OutboxMessage(
        idempotency_key=key,
        organisation_id=organisation_id,
        member_id=member_id,
        user_id=user_id,
        case_id=case_id,
        to_phone=to,
        sender=sender_for(session, organisation_id),
        body=body,
        kind=kind,
        priority=priority or KIND_PRIORITY[kind],
        status="queued",
        due_at=due_at or now,
        created_at=now,
    )
    session.add(row)
    if row.due_at <= now:
        row.enqueued_at = now
        session.info.setdefault(_COLLECTED, []).append(row)
    return row


_COLLECTED = "outbox_collected"


def take_collected(session: Session) -> list[tuple[int, str]]:
    """The (id, priority) of the due rows queued since the last call, for the edge to
    enqueue after its commit. Rows whose savepoint was rolled back are left out."""
    rows: list[OutboxMessage] = session.info.pop(_COLLECTED, [])
    return [(row.id, row.priority) for row in rows if inspect(row).persistent]


def forget_collected(session: Session) -> None:
    """The transaction was rolled back: nothing it queued exists."""
    session.info.pop(_COLLECTED, None)


def queue_member_texts(
    session: Session,
    member: Member,
    texts: list[str],
    *,
    key: str,
    now: datetime,
    kind: str = "scheduled",
    due_at: datetime | None = None,
) -> None:
    """Queue a flow's texts to a member, one row per text, keyed `key:0`, `key:1`, …"""
    for index, body in enumerate(texts):
        queue_message(
            session,
            to=member.phone or "",
            body=body,
            kind=kind,
            key=f"{key}:{index}",
            now=now,
            due_at=due_at,
            organisation_id=member.organisation_id,
            member_id=member.id,
        )


def record_inline_reply(
    session: Session,
    *,
    to: str,
    body: str,
    key: str,
    now: datetime,
    organisation_id: int | None,
    member_id: int | None,
    sender: str | None = None,
) -> OutboxMessage:
    """An answer given in the webhook's TwiML: logged like any outbound text, never sent again.

    Twilio sends it from the number that was texted (`sender`), whichever of the
    organisation's numbers that is.
    """
    row = OutboxMessage(
        idempotency_key=key,
        organisation_id=organisation_id,
        member_id=member_id,
        to_phone=to,
        sender=sender or sender_for(session, organisation_id),
        body=body,
        kind="reply",
        priority="urgent",
        status="inline",
        due_at=now,
        sent_at=now,
        created_at=now,
    )
    session.add(row)
    return row
