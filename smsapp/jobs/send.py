"""The send job: claim the row, close the session, call the transport, record the outcome."""

from __future__ import annotations

from datetime import UTC, datetime

from smsapp.jobs.queues import queue
from smsapp.runtime import Runtime, current_runtime
from smsapp.sandbox.routing import is_sandbox_send, sandbox_transport
from smsapp.services import delivery
from smsapp.services.throttle import take_slot
from smsapp.transport.base import SmsTransport, TransportError


def send_outbox(outbox_id: int) -> None:
    deliver(current_runtime(), outbox_id)


def deliver(runtime: Runtime, outbox_id: int) -> None:
    now = runtime.now()
    with runtime.session() as session:
        claimed = delivery.claim(session, outbox_id, now)
        sandboxed = claimed is not None and is_sandbox_send(session, outbox_id)
        session.commit()
    if claimed is None:
        return
    # Simulated phones never reach Twilio, nor use up the real sender's throughput.
    transport = sandbox_transport(runtime) if sandboxed else runtime.transport
    if not sandboxed and _deferred(runtime, claimed.priority, outbox_id, now):
        return
    if claimed.recovering and _already_sent(runtime, transport, claimed):
        return
    # The session is closed here: a slow network call never holds a connection or a lock.
    try:
        result = transport.send(claimed.to, claimed.body, idempotency_key=claimed.key)
    except TransportError as error:
        with runtime.session() as session:
            delivery.record_failure(session, outbox_id, error, runtime.now())
            session.commit()
        return
    with runtime.session() as session:
        delivery.record_sent(session, outbox_id, result.sid, runtime.now())
        session.commit()


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
