"""Delivery rules: claiming rows before the network call, and what each outcome means.

Everything here works on a set of rows (one statement for one row or a hundred): the
send edge (smsapp/sending.py) claims, commits, calls the transport with no session open,
then records. A claim is a lease (`CLAIM_LEASE`, renewed while sending): a row whose
worker died comes back after it, and is looked up at the provider before anything else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from smsapp.flows.segments import segment_info
from smsapp.models import Case, Group, Member, OutboxMessage, User, group_facilitators
from smsapp.models.members import UNREACHABLE, MemberStatus
from smsapp.models.messages import OutboxKind, OutboxStatus
from smsapp.transport.base import TransportError

MAX_ATTEMPTS = 6
CLAIM_LEASE = timedelta(seconds=15)
STATUS_ORDER = {"queued": 0, "sending": 1, "sent": 2, "failed": 3, "undelivered": 3, "delivered": 4}
SCHEDULED_KINDS = (OutboxKind.SCHEDULED,)
FAILED_STATUSES = ("failed", "undelivered")
log = logging.getLogger(__name__)

# What happens when an escalation text's delivery is known (failed, delivered…): the
# escalation service registers it (services/domain/delivery_outcomes.py), so this layer
# never imports the one above it.
OutcomeListener = Callable[[Session, OutboxMessage, str, datetime], None]
_OUTCOME_LISTENERS: list[OutcomeListener] = []


def on_escalation_outcome(listener: OutcomeListener) -> OutcomeListener:
    """Register `listener(session, row, status, now)` for escalation texts' outcomes."""
    _OUTCOME_LISTENERS.append(listener)
    return listener


@dataclass(frozen=True)
class ClaimedSend:
    id: int
    to: str
    body: str
    priority: str
    key: str
    attempt: int = 0  # the row's attempts when claimed: a later claim has a higher one
    recovering: bool = False  # taken over from a worker that died mid-send
    previous_claim: datetime | None = None
    sender: str | None = None  # the organisation's number; None: the configured one
    sandboxed: bool = False  # a simulated phone: the sandbox's transport, no pacing


@dataclass(frozen=True)
class Outcome:
    """What the transport said about one claimed row."""

    outbox_id: int
    sid: str | None = None
    error: TransportError | None = None
    at: datetime | None = None  # when it was handed to the provider (None: when recorded)


def segments_of(body: str | None) -> int:
    """Segments a text is billed and paced as (GSM-7 or UCS-2, flows/segments.py)."""
    return segment_info(body or "").segments or 1


def claim(session: Session, outbox_id: int, now: datetime) -> ClaimedSend | None:
    """Take one row for sending; None if it is gone, not due, or someone else has it."""
    found = claim_many(session, [outbox_id], now)
    return found[0] if found else None


def claim_many(
    session: Session,
    outbox_ids: Sequence[int],
    now: datetime,
    *,
    ahead: timedelta | None = None,
    take_stale: bool = False,
) -> list[ClaimedSend]:
    """Claim the rows that are due and queued, in a few set-based statements; the caller
    commits before any network call.

    A row with a reserved send time is due at that time; `ahead` lets a sender that waits
    for each slot itself claim rows a little before theirs. Only recovery passes
    `take_stale`: it also takes rows whose holder's lease ran out, to look them up at the
    provider before anything else is done with them. Rows that may no longer go (an
    opted-out or paused member) are cancelled here, the last check before the network.
    """
    if not outbox_ids:
        return []
    ids = list(outbox_ids)
    claimable: ColumnElement[bool] = OutboxMessage.status == OutboxStatus.QUEUED
    before: dict[int, datetime | None] = {}
    if take_stale:
        stale = (OutboxMessage.status == OutboxStatus.CLAIMED) & (
            OutboxMessage.claimed_at < now - CLAIM_LEASE
        )
        claimable = or_(claimable, stale)
        before = {
            row.id: row.claimed_at
            for row in session.execute(
                select(OutboxMessage.id, OutboxMessage.claimed_at).where(
                    OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.CLAIMED
                )
            )
        }
    horizon = now + (ahead or timedelta(0))
    taken = session.scalars(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.due_at <= now,
            or_(OutboxMessage.send_at.is_(None), OutboxMessage.send_at <= horizon),
            claimable,
        )
        .values(status=OutboxStatus.CLAIMED, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id),
        execution_options={"synchronize_session": False},
    ).all()
    if not taken:
        return []
    rows = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(taken))
        .order_by(OutboxMessage.send_at, OutboxMessage.id)
        .execution_options(populate_existing=True)
    ).all()
    _load_members(session, rows)
    sandbox = sandboxed_ids(session, rows)
    found = []
    for row in rows:
        if not may_send(session, row):  # members are loaded: no round trip
            row.status = OutboxStatus.CANCELLED
            continue
        found.append(
            ClaimedSend(
                row.id, row.to_phone or "", row.body or "", row.priority, row.idempotency_key,
                attempt=row.attempts, recovering=row.id in before,
                previous_claim=before.get(row.id),
                sender=row.sender, sandboxed=row.id in sandbox,
            )
        )  # fmt: skip
    return found


def renew(session: Session, outbox_ids: Iterable[int], now: datetime) -> None:
    """Extend the lease of rows this worker still holds (it is alive and sending)."""
    ids = list(outbox_ids)
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.CLAIMED)
            .values(claimed_at=now)
        )


def still_held(session: Session, claimed: ClaimedSend, now: datetime) -> bool:
    """Right before the network call: is the row still this worker's claim? Renews the
    lease if so. False when the lease ran out and recovery took the row over (a higher
    attempt), so a slow worker never sends what another worker is handling."""
    held = session.scalar(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == claimed.id,
            OutboxMessage.status == OutboxStatus.CLAIMED,
            OutboxMessage.attempts == claimed.attempt,
        )
        .values(claimed_at=now)
        .returning(OutboxMessage.id),
        execution_options={"synchronize_session": False},
    )
    return held is not None


def stale_claims(
    session: Session, now: datetime, outbox_ids: Sequence[int] | None = None
) -> list[int]:
    """Rows claimed by a worker whose lease ran out: they may have reached the provider."""
    query = select(OutboxMessage.id).where(
        OutboxMessage.status == OutboxStatus.CLAIMED, OutboxMessage.claimed_at < now - CLAIM_LEASE
    )
    if outbox_ids is not None:
        query = query.where(OutboxMessage.id.in_(list(outbox_ids)))
    return list(session.scalars(query.order_by(OutboxMessage.id).limit(500)))


def release(session: Session, outbox_ids: Iterable[int]) -> None:
    """Give taken-over rows back to the queue, their place kept (they were not sent)."""
    ids = list(outbox_ids)
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.CLAIMED)
            .values(
                status=OutboxStatus.QUEUED, claimed_at=None, attempts=OutboxMessage.attempts - 1
            )
        )


def _load_members(session: Session, rows: Sequence[OutboxMessage]) -> None:
    member_ids = {r.member_id for r in rows if r.member_id is not None}
    if member_ids:
        session.scalars(select(Member).where(Member.id.in_(member_ids))).all()


def sandboxed_ids(session: Session, rows: Sequence[OutboxMessage]) -> set[int]:
    """The rows addressed to simulated phones: a member of a sandbox group, a case opened
    in one, or a user who facilitates sandbox groups only. They never reach Twilio."""
    members = {r.member_id for r in rows if r.member_id is not None}
    cases = {r.case_id for r in rows if r.case_id is not None}
    users = {r.user_id for r in rows if r.user_id is not None}
    sandbox_members = set(
        session.scalars(
            select(Member.id).join(Group, Group.id == Member.group_id).where(
                Member.id.in_(members), Group.sandbox.is_(True)
            )
        )
    ) if members else set()  # fmt: skip
    sandbox_cases = set(
        session.scalars(
            select(Case.id).join(Group, Group.id == Case.group_id).where(
                Case.id.in_(cases), Group.sandbox.is_(True)
            )
        )
    ) if cases else set()  # fmt: skip
    sandbox_users = {u for u in users if _facilitates_only_sandboxes(session, u)}
    return {
        r.id
        for r in rows
        if r.member_id in sandbox_members
        or r.case_id in sandbox_cases
        or r.user_id in sandbox_users
    }


def _facilitates_only_sandboxes(session: Session, user_id: int) -> bool:
    if session.get(User, user_id) is None:
        return False
    flags = session.scalars(
        select(Group.sandbox)
        .join(group_facilitators, group_facilitators.c.group_id == Group.id)
        .where(group_facilitators.c.user_id == user_id)
    ).all()
    return bool(flags) and all(flags)


def may_send(session: Session, row: OutboxMessage) -> bool:
    """Last check before the network: an opted-out or paused member gets no scheduled text."""
    if row.member_id is None or row.kind in (
        OutboxKind.CRISIS,
        OutboxKind.REPLY,
        OutboxKind.SYSTEM,
    ):
        return row.to_phone is not None
    member = session.get(Member, row.member_id)
    if member is None or member.status in UNREACHABLE:
        return False
    return not (row.kind in SCHEDULED_KINDS and not member.receives_scheduled)


def record_sent(session: Session, outbox_id: int, sid: str, now: datetime) -> None:
    record_outcomes(session, [Outcome(outbox_id, sid=sid)], now)


def record_outcomes(session: Session, outcomes: Sequence[Outcome], now: datetime) -> None:
    """Sent rows in one statement; each failure by its own rule (`record_failure`)."""
    sent = [o for o in outcomes if o.error is None and o.sid is not None]
    if sent:
        session.execute(
            update(OutboxMessage),
            [
                {"id": o.outbox_id, "status": OutboxStatus.SENT, "twilio_sid": o.sid,
                 "sent_at": o.at or now, "delivery_status": "queued"}
                for o in sent
            ],
        )  # fmt: skip
    for outcome in outcomes:
        if outcome.error is not None:
            record_failure(session, outcome.outbox_id, outcome.error, now)


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
        row.status = OutboxStatus.FAILED
        log.warning("sms.failed", extra={"outbox_id": row.id, "error_code": error.code})
        if row.case_id is not None and row.kind == OutboxKind.ESCALATION:
            _escalation_outcome(session, row, "failed", now)
        return None
    wait = error.retry_after or min(2**row.attempts * 5, 600)
    row.status = OutboxStatus.QUEUED
    row.claimed_at = None
    row.due_at = now + timedelta(seconds=wait)
    row.send_at = None  # a retry takes a new slot when it comes due
    row.enqueued_at = None
    log.info(
        "sms.retry", extra={"outbox_id": row.id, "error_code": error.code, "attempt": row.attempts}
    )
    return row.due_at


def _opt_out_at_carrier(session: Session, member_id: int, now: datetime) -> None:
    from smsapp.services.core.consent import opt_out

    member = session.get(Member, member_id)
    if member is not None and member.status != MemberStatus.OPTED_OUT:
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
    if changed and row.case_id is not None and row.kind == OutboxKind.ESCALATION:
        _escalation_outcome(session, row, status, now)
    return True


def _escalation_outcome(session: Session, row: OutboxMessage, status: str, now: datetime) -> None:
    for listener in _OUTCOME_LISTENERS:
        listener(session, row, status, now)
