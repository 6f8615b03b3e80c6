"""The send job: claim the rows, close the session, call the transport, record the outcome.

A fan-out sends many texts: one RQ job per text costs about 50 Redis commands and caps a
SimpleWorker near 250 texts/s, so the tick enqueues up to `queues.SEND_BATCH` rows per
job (`send_outbox_batch`). The rule is the same for one row or many: every row is claimed
and the claim committed before the first network call, and a row taken over from a dead
worker asks the transport before sending again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from smsapp.jobs.queues import queue
from smsapp.models import Group, Member, OutboxMessage
from smsapp.runtime import Runtime, current_runtime
from smsapp.sandbox.routing import is_sandbox_send, sandbox_transport
from smsapp.services.core import delivery
from smsapp.services.core.throttle import take_slot
from smsapp.transport.base import SendResult, SmsTransport, TransportError


@dataclass(frozen=True)
class _Outcome:
    outbox_id: int
    sid: str | None = None
    error: TransportError | None = None


def send_outbox(outbox_id: int) -> None:
    deliver(current_runtime(), outbox_id)


def send_outbox_batch(outbox_ids: list[int]) -> None:
    deliver_many(current_runtime(), outbox_ids)


def deliver(runtime: Runtime, outbox_id: int) -> None:
    deliver_many(runtime, [outbox_id])


def deliver_many(runtime: Runtime, outbox_ids: list[int]) -> None:
    """Send each row once: claim all (one commit), send, record all (one commit)."""
    claimed = _claim_all(runtime, outbox_ids, runtime.now())
    outcomes = [o for o in (_send_one(runtime, c, s) for c, s in claimed) if o is not None]
    if not outcomes:
        return
    now = runtime.now()
    sent = [o for o in outcomes if o.error is None]
    with runtime.session() as session:
        if sent:  # one executemany for the whole batch, as record_sent does row by row
            session.execute(
                update(OutboxMessage),
                [
                    {"id": o.outbox_id, "status": "sent", "twilio_sid": o.sid, "sent_at": now,
                     "delivery_status": "queued"}
                    for o in sent
                ],
            )  # fmt: skip
        for outcome in outcomes:
            if outcome.error is not None:
                delivery.record_failure(session, outcome.outbox_id, outcome.error, now)
        session.commit()


def _claim_all(
    runtime: Runtime, outbox_ids: list[int], now: datetime
) -> list[tuple[delivery.ClaimedSend, bool]]:
    """Claim the rows in a few set-based statements (one commit), as `delivery.claim` does
    for one: per-row statements cost ~8 round trips a text and capped a worker near 100/s."""
    if len(outbox_ids) == 1:
        with runtime.session() as session:
            one = delivery.claim(session, outbox_ids[0], now)
            found = [(one, is_sandbox_send(session, one.id))] if one else []
            session.commit()
        return found
    with runtime.session() as session:
        before = dict(
            session.execute(
                select(OutboxMessage.id, OutboxMessage.claimed_at).where(
                    OutboxMessage.id.in_(outbox_ids), OutboxMessage.status == "claimed"
                )
            ).all()
        )
        taken = session.scalars(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(outbox_ids),
                OutboxMessage.due_at <= now,
                or_(
                    OutboxMessage.status == "queued",
                    (OutboxMessage.status == "claimed")
                    & (OutboxMessage.claimed_at < now - delivery.CLAIM_LEASE),
                ),
            )
            .values(status="claimed", claimed_at=now, attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage.id),
            execution_options={"synchronize_session": False},
        ).all()
        found = _checked(session, sorted(taken), before)
        session.commit()
    return found


def _checked(
    session: Session, ids: list[int], before: dict[int, datetime | None]
) -> list[tuple[delivery.ClaimedSend, bool]]:
    """The claimed rows that may still go (the last check before the network) and whether
    each is a sandbox text; the members and groups are loaded once for the whole batch."""
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
    member_ids = {r.member_id for r in rows if r.member_id is not None}
    members = session.scalars(select(Member).where(Member.id.in_(member_ids))).all()
    group_ids = {m.group_id for m in members if m.group_id is not None}
    sandbox = dict(
        session.execute(select(Group.id, Group.sandbox).where(Group.id.in_(group_ids))).all()
    )
    in_group = {m.id: m.group_id for m in members}
    found = []
    for row in rows:
        if not delivery.may_send(session, row):  # members are loaded: no round trip
            row.status = "cancelled"
            continue
        if row.case_id is None and row.user_id is None and row.member_id is not None:
            sandboxed = bool(sandbox.get(in_group.get(row.member_id) or 0))
        else:
            sandboxed = is_sandbox_send(session, row.id)
        recovering = row.id in before
        claimed = delivery.ClaimedSend(
            row.id, row.to_phone or "", row.body or "", row.priority, row.idempotency_key,
            recovering=recovering, previous_claim=before.get(row.id), sender=row.sender,
        )  # fmt: skip
        found.append((claimed, sandboxed))
    return found


def _send_one(runtime: Runtime, claimed: delivery.ClaimedSend, sandboxed: bool) -> _Outcome | None:
    """One network call (no session is open); None when deferred or already sent."""
    # Simulated phones never reach Twilio, nor use up the real sender's throughput.
    transport = sandbox_transport(runtime) if sandboxed else runtime.transport
    if not sandboxed and _deferred(runtime, claimed.priority, claimed.id, runtime.now()):
        return None
    try:
        if claimed.recovering and _already_sent(runtime, transport, claimed):
            return None
    except TransportError:  # cannot tell: leave it claimed, the tick retries after the lease
        return None
    try:
        result: SendResult = transport.send(
            claimed.to, claimed.body, idempotency_key=claimed.key, sender=claimed.sender
        )
    except TransportError as error:
        return _Outcome(claimed.id, error=error)
    return _Outcome(claimed.id, sid=result.sid)


def _deferred(runtime: Runtime, priority: str, outbox_id: int, now: datetime) -> bool:
    """Past the sender's rate: push a non-urgent send to its slot (True when deferred)."""
    slot = take_slot(
        runtime.redis, runtime.settings.sender, runtime.settings.send_rate, now.timestamp()
    )
    if priority != "urgent" and slot > now.timestamp() + 0.001:
        _defer(runtime, outbox_id, datetime.fromtimestamp(slot, UTC), priority)
        return True
    return False


def _already_sent(runtime: Runtime, transport: SmsTransport, claimed: delivery.ClaimedSend) -> bool:
    """A worker died after claiming this row: did its send reach the provider?

    Asking the transport before sending again keeps a crash from doubling a text.
    """
    since = claimed.previous_claim or runtime.now()
    sid = transport.find_sent(claimed.to, claimed.body, claimed.key, since)
    if sid is None:
        return False
    with runtime.session() as session:
        delivery.record_sent(session, claimed.id, sid, runtime.now())
        session.commit()
    return True


def _defer(runtime: Runtime, outbox_id: int, until: datetime, priority: str) -> None:
    with runtime.session() as session:
        delivery.defer(session, outbox_id, until)
        session.commit()
    queue(runtime, priority).enqueue_at(
        until, "smsapp.jobs.send.send_outbox", outbox_id, result_ttl=0
    )
