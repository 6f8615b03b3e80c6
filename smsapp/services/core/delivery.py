"""Delivery rules: claiming a row before the network call, and what each outcome means."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from smsapp.models import Member, OutboxMessage
from smsapp.transport.base import TransportError

MAX_ATTEMPTS = 6
CLAIM_LEASE = timedelta(minutes=2)
STATUS_ORDER = {"queued": 0, "sending": 1, "sent": 2, "failed": 3, "undelivered": 3, "delivered": 4}
SCHEDULED_KINDS = ("scheduled",)
FAILED_STATUSES = ("failed", "undelivered")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClaimedSend:
    id: int
    to: str
    body: str
    priority: str
    key: str
    recovering: bool = False  # taken over from a worker that died mid-send
    previous_claim: datetime | None = None
    sender: str | None = None  # the organisation's number; None: the configured one


def claim(session: Session, outbox_id: int, now: datetime) -> ClaimedSend | None:
    """Take the row for sending; None if it is gone, not due, or someone else has it."""
    before = session.execute(
        select(OutboxMessage.status, OutboxMessage.claimed_at).where(OutboxMessage.id == outbox_id)
    ).first()
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == outbox_id,
            OutboxMessage.due_at <= now,
            or_(
                OutboxMessage.status == "queued",
                (OutboxMessage.status == "claimed")
                & (OutboxMessage.claimed_at < now - CLAIM_LEASE),
            ),
        )
        .values(status="claimed", claimed_at=now, attempts=OutboxMessage.attempts + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    row = session.get(OutboxMessage, outbox_id)
    assert row is not None
    if not may_send(session, row):
        row.status = "cancelled"
        return None
    recovering = before is not None and before.status == "claimed"
    return ClaimedSend(
        row.id,
        row.to_phone or "",
        row.body or "",
        row.priority,
        row.idempotency_key,
        recovering=recovering,
        previous_claim=before.claimed_at if recovering and before is not None else None,
        sender=row.sender,
    )


def may_send(session: Session, row: OutboxMessage) -> bool:
    """Last check before the network: an opted-out or paused member gets no scheduled text."""
    if row.member_id is None or row.kind in ("crisis", "reply", "system"):
        return row.to_phone is not None
    member = session.get(Member, row.member_id)
    if member is None or member.status in ("opted_out", "erased"):
        return False
    return not (row.kind in SCHEDULED_KINDS and not member.receives_scheduled)


def defer(session: Session, outbox_id: int, until: datetime) -> None:
    """Give the row back to the queue for a later slot (rate limit)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .values(
            status="queued",
            due_at=until,
            enqueued_at=until,
            claimed_at=None,
            attempts=OutboxMessage.attempts - 1,
        )
    )


def record_sent(session: Session, outbox_id: int, sid: str, now: datetime) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .values(status="sent", twilio_sid=sid, sent_at=now, delivery_status="queued")
    )


def record_failure(
    session: Session, outbox_id: int, error: TransportError, now: datetime
) -> datetime | None:
    """Retry a temporary failure with backoff (returns when), or fail it for good."""
    row = session.get(OutboxMessage, outbox_id)
    if row is None:
        return None
    row.error_code = error.code
    if error.opted_out and row.member_id is not None:
        _opt_out_at_carrier(session, row.member_id, now)
    if error.permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        log.warning("sms.failed", extra={"outbox_id": row.id, "error_code": error.code})
        if row.case_id is not None and row.kind == "escalation":
            _escalation_outcome(session, row, "failed", now)
        return None
    wait = error.retry_after or min(2**row.attempts * 5, 600)
    row.status = "queued"
    row.claimed_at = None
    row.due_at = now + timedelta(seconds=wait)
    row.enqueued_at = None
    log.info(
        "sms.retry", extra={"outbox_id": row.id, "error_code": error.code, "attempt": row.attempts}
    )
    return row.due_at


def _opt_out_at_carrier(session: Session, member_id: int, now: datetime) -> None:
    from smsapp.services.core.consent import opt_out

    member = session.get(Member, member_id)
    if member is not None and member.status != "opted_out":
        opt_out(session, member, now, method="carrier_21610", confirm=False)


def record_status(
    session: Session, sid: str, status: str, error_code: str | None, now: datetime
) -> bool:
    """Apply a status callback; a late 'sent' never overwrites 'delivered'. True if known.

    An escalation text that failed or was undelivered moves its case on to the next
    responder at once: waiting out the level's timeout would leave nobody alerted.
    """
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.twilio_sid == sid))
    if row is None:
        return False
    if STATUS_ORDER.get(status, 0) < STATUS_ORDER.get(row.delivery_status or "queued", 0):
        return True
    changed = row.delivery_status != status
    row.delivery_status = status
    if error_code:
        row.error_code = error_code
    if changed and row.case_id is not None and row.kind == "escalation":
        _escalation_outcome(session, row, status, now)
    return True


def _escalation_outcome(session: Session, row: OutboxMessage, status: str, now: datetime) -> None:
    from smsapp.services.domain import escalation

    escalation.record_delivery(session, row, status, now)
    if status in FAILED_STATUSES and row.case_id is not None:
        step = escalation.step_of(row)
        if step is not None:
            escalation.advance(session, row.case_id, now, failed_step=step)
