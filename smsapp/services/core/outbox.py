"""Queueing outbound texts: a row first, the RQ job only after the row is committed.

Services add rows and say nothing about jobs: each row due now is collected on the
session (`collected`), and the edge that commits (a request, a job, a command) hands
them to the queues after its commit (`Runtime` sessions do it in `commit`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from smsapp.db import insert_rows
from smsapp.models import Member, OutboxMessage
from smsapp.models.messages import OutboxKind, OutboxStatus, Priority
from smsapp.services.core.numbers import sender_for

KIND_PRIORITY: dict[str, str] = {
    OutboxKind.CRISIS: Priority.URGENT,
    OutboxKind.ESCALATION: Priority.URGENT,
    OutboxKind.RELAY: Priority.URGENT,  # a case's conversation: a person is waiting for a person
    OutboxKind.REPLY: Priority.DEFAULT,
    OutboxKind.SYSTEM: Priority.DEFAULT,
    OutboxKind.SCHEDULED: Priority.BULK,
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
        status=OutboxStatus.QUEUED,
        due_at=due_at or now,
        created_at=now,
    )
    session.add(row)
    if row.due_at <= now:
        row.enqueued_at = now
        session.info.setdefault(_COLLECTED, []).append(row)
    return row


_COLLECTED = "outbox_collected"
_COLLECTED_IDS = "outbox_collected_ids"  # rows written by queue_many (Core INSERT)


def take_collected(session: Session) -> list[tuple[int, str]]:
    """The (id, priority) of the due rows queued since the last call, for the edge to
    enqueue after its commit. Rows whose savepoint was rolled back are left out."""
    rows: list[OutboxMessage] = session.info.pop(_COLLECTED, [])
    ids: list[tuple[int, str]] = session.info.pop(_COLLECTED_IDS, [])
    return [(row.id, row.priority) for row in rows if inspect(row).persistent] + ids


def forget_collected(session: Session) -> None:
    """The transaction was rolled back: nothing it queued exists."""
    session.info.pop(_COLLECTED, None)
    session.info.pop(_COLLECTED_IDS, None)


def queue_member_texts(
    session: Session,
    member: Member,
    texts: list[str],
    *,
    key: str,
    now: datetime,
    kind: str = OutboxKind.SCHEDULED,
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


@dataclass(frozen=True)
class NewText:
    """One text for `queue_many`: the arguments `queue_message` takes for a member's text."""

    key: str
    to: str
    body: str
    organisation_id: int | None
    member_id: int | None
    kind: str = OutboxKind.SCHEDULED
    due_at: datetime | None = None


def queue_many(session: Session, texts: Sequence[NewText], now: datetime) -> int:
    """`queue_message` for many texts at once (a fan-out): the same rows and the same
    once-per-key rule, with one lookup of the keys already used and one INSERT.

    Returns how many rows were added; the due ones are enqueued after commit.
    """
    used = existing_keys(session, [t.key for t in texts])
    senders: dict[int | None, str | None] = {}
    rows: list[dict[str, Any]] = []
    for text in texts:
        if text.key in used:
            continue
        used.add(text.key)
        if text.organisation_id not in senders:
            senders[text.organisation_id] = sender_for(session, text.organisation_id)
        due = text.due_at or now
        rows.append(
            {
                "idempotency_key": text.key,
                "organisation_id": text.organisation_id,
                "member_id": text.member_id,
                "to_phone": text.to,
                "sender": senders[text.organisation_id],
                "body": text.body,
                "kind": text.kind,
                "priority": KIND_PRIORITY[text.kind],
                "status": OutboxStatus.QUEUED,
                "due_at": due,
                "enqueued_at": now if due <= now else None,
                "created_at": now,
            }
        )
    if not rows:
        return 0
    insert_rows(session, OutboxMessage, rows)
    due_keys = [row["idempotency_key"] for row in rows if row["enqueued_at"] is not None]
    pending = session.info.setdefault(_COLLECTED_IDS, [])
    for start in range(0, len(due_keys), 500):  # ids read back: see flow_sessions.started_at
        pending.extend(
            (row.id, row.priority)
            for row in session.execute(
                select(OutboxMessage.id, OutboxMessage.priority)
                .where(OutboxMessage.idempotency_key.in_(due_keys[start : start + 500]))
                .order_by(OutboxMessage.id)
            )
        )
    return len(rows)


def existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of `keys` an outbox row already has (looked up in chunks of 500)."""
    keys = list(keys)
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            session.scalars(
                select(OutboxMessage.idempotency_key).where(
                    OutboxMessage.idempotency_key.in_(chunk)
                )
            )
        )
    return found


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
        kind=OutboxKind.REPLY,
        priority=Priority.URGENT,
        status=OutboxStatus.INLINE,
        due_at=now,
        sent_at=now,
        created_at=now,
    )
    session.add(row)
    return row
