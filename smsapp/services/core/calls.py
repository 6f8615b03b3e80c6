"""Queueing phone calls: a row first; the call job claims it before the network call.

A call is placed by `smsapp.jobs.calls.place_call`: claim the row with a conditional
UPDATE and commit, call Twilio with no session open, record the sid. The tick enqueues
due rows whose job may have been lost, so a flushed Redis delays a call by seconds and
a job that runs twice calls once. A claim whose worker died is never placed again (the
call may have gone out; a second one would ring a person twice): it ends as "lost",
which moves an escalation on like any failed call, and a status callback from Twilio
still records what really happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from smsapp.models import Call, SendingNumber
from smsapp.models.calls import CallStatus
from smsapp.models.organisations import NumberKind
from smsapp.transport.base import TransportError

# Numbers that can place calls (a short code or a Messaging Service cannot).
VOICE_KINDS = (NumberKind.LONG_CODE, NumberKind.TOLL_FREE)
CLAIM_LEASE = timedelta(minutes=2)
REENQUEUE_GRACE = timedelta(seconds=30)
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class ClaimedCall:
    id: int
    to: str
    caller_id: str
    key: str
    lost: bool = False  # taken over from a worker that died mid-call: do not place it


def webhook_path(call_id: int, step: str) -> str:
    """Where Twilio asks about a call: `answer`, `key`, `dialed` or `status`
    (smsapp/web/twilio/voice.py serves these paths)."""
    return f"/twilio/voice/calls/{call_id}/{step}"


def caller_id_for(session: Session, organisation_id: int, fallback: str) -> str | None:
    """The number calls show: the organisation's first phone number, else `fallback`
    (TWILIO_FROM_NUMBER); None when there is no number that can call."""
    own = session.scalar(
        select(SendingNumber.address)
        .where(
            SendingNumber.organisation_id == organisation_id,
            SendingNumber.kind.in_(VOICE_KINDS),
        )
        .order_by(SendingNumber.id)
        .limit(1)
    )
    return own or (fallback if fallback.startswith("+") else None)


def queue_call(
    session: Session,
    *,
    purpose: str,
    key: str,
    to: str,
    caller_id: str,
    organisation_id: int,
    case_id: int,
    user_id: int,
    now: datetime,
    member_id: int | None = None,
    step: int | None = None,
) -> Call:
    """Add a call to place now (once per key); the tick or the committing edge enqueues it."""
    existing = session.scalar(select(Call).where(Call.idempotency_key == key))
    if existing is not None:
        return existing
    call = Call(
        idempotency_key=key,
        organisation_id=organisation_id,
        case_id=case_id,
        purpose=purpose,
        user_id=user_id,
        member_id=member_id,
        to_phone=to,
        caller_id=caller_id,
        step=step,
        status=CallStatus.QUEUED,
        due_at=now,
        created_at=now,
    )
    session.add(call)
    session.flush()
    return call


def claim(session: Session, call_id: int, now: datetime) -> ClaimedCall | None:
    """Take the call for placing; None if it is gone, placed, or another worker has it."""
    before = session.scalar(select(Call.status).where(Call.id == call_id))
    result = session.execute(
        update(Call)
        .where(
            Call.id == call_id,
            Call.due_at <= now,
            or_(
                Call.status == CallStatus.QUEUED,
                (Call.status == CallStatus.CLAIMED) & (Call.claimed_at < now - CLAIM_LEASE),
            ),
        )
        .values(status=CallStatus.CLAIMED, claimed_at=now, attempts=Call.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    call = session.get(Call, call_id)
    assert call is not None
    session.refresh(call)
    lost = before == CallStatus.CLAIMED
    return ClaimedCall(call.id, call.to_phone or "", call.caller_id, call.idempotency_key, lost)


def record_placed(session: Session, call_id: int, sid: str, now: datetime) -> None:
    session.execute(
        update(Call)
        .where(Call.id == call_id, Call.status == CallStatus.CLAIMED)
        .values(status=CallStatus.PLACED, twilio_sid=sid, placed_at=now)
    )


def record_failure(
    session: Session, call_id: int, error: TransportError | None, now: datetime
) -> bool:
    """Retry a temporary failure soon; True when the call failed for good (``error``
    None: the call was lost with its worker)."""
    call = session.get(Call, call_id)
    if call is None:
        return False
    call.error_code = error.code if error else None
    if error is None or error.permanent or call.attempts >= MAX_ATTEMPTS:
        call.status = CallStatus.FAILED
        call.outcome = "not_placed" if error else "lost"
        call.ended_at = now
        return True
    call.status = CallStatus.QUEUED
    call.claimed_at = None
    call.enqueued_at = None
    call.due_at = now + timedelta(seconds=error.retry_after or 10 * call.attempts)
    return False


def due_calls(session: Session, now: datetime, limit: int = 100) -> list[int]:
    """Due calls whose job may be lost (never enqueued, or long ago); marked enqueued."""
    ids = list(
        session.scalars(
            select(Call.id)
            .where(
                Call.due_at <= now,
                or_(
                    (Call.status == CallStatus.QUEUED)
                    & or_(Call.enqueued_at.is_(None), Call.enqueued_at < now - REENQUEUE_GRACE),
                    (Call.status == CallStatus.CLAIMED) & (Call.claimed_at < now - CLAIM_LEASE),
                ),
            )
            .order_by(Call.due_at)
            .limit(limit)
        )
    )
    mark_enqueued(session, ids, now)
    return ids


def mark_enqueued(session: Session, call_ids: list[int], now: datetime) -> None:
    if call_ids:
        session.execute(update(Call).where(Call.id.in_(call_ids)).values(enqueued_at=now))
