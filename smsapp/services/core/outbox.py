"""Queueing outbound texts: a row first, the RQ job only after the row is committed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from smsapp.models import Member, OutboxMessage
from smsapp.services.core.numbers import sender_for

KIND_PRIORITY = {
    "crisis": "urgent",
    "escalation": "urgent",
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
        session.info.setdefault("outbox_to_enqueue", []).append(row)
    return row


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


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint was released, not the transaction
        return
    rows: list[OutboxMessage] = session.info.pop("outbox_to_enqueue", [])
    runtime: Any = session.info.get("runtime")
    if not rows or runtime is None:
        return
    from smsapp.jobs.queues import enqueue_sends

    enqueue_sends(runtime, [(row.id, row.priority) for row in rows])


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop("outbox_to_enqueue", None)
