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

from smsapp.jobs.queues import queue
from smsapp.runtime import Runtime, current_runtime
from smsapp.sandbox.routing import is_sandbox_send, sandbox_transport
from smsapp.services import delivery
from smsapp.services.throttle import take_slot
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
    with runtime.session() as session:
        for outcome in outcomes:
            if outcome.error is not None:
                delivery.record_failure(session, outcome.outbox_id, outcome.error, runtime.now())
            else:
                delivery.record_sent(session, outcome.outbox_id, outcome.sid or "", runtime.now())
        session.commit()


def _claim_all(
    runtime: Runtime, outbox_ids: list[int], now: datetime
) -> list[tuple[delivery.ClaimedSend, bool]]:
    found: list[tuple[delivery.ClaimedSend, bool]] = []
    with runtime.session() as session:
        for outbox_id in outbox_ids:
            claimed = delivery.claim(session, outbox_id, now)
            if claimed is not None:
                found.append((claimed, is_sandbox_send(session, outbox_id)))
        session.commit()
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
        result: SendResult = transport.send(claimed.to, claimed.body, idempotency_key=claimed.key)
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
