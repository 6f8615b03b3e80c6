"""The send job: claim the row, close the session, call the transport, record the outcome."""

from __future__ import annotations

from datetime import UTC, datetime

from smsapp.jobs.queues import queue
from smsapp.runtime import Runtime, current_runtime
from smsapp.services import delivery
from smsapp.services.throttle import take_slot
from smsapp.transport.base import TransportError


def send_outbox(outbox_id: int) -> None:
    deliver(current_runtime(), outbox_id)


def deliver(runtime: Runtime, outbox_id: int) -> None:
    now = runtime.now()
    with runtime.session() as session:
        claimed = delivery.claim(session, outbox_id, now)
        session.commit()
    if claimed is None:
        return
    slot = take_slot(
        runtime.redis, runtime.settings.sender, runtime.settings.send_rate, now.timestamp()
    )
    if claimed.priority != "urgent" and slot > now.timestamp() + 0.001:
        _defer(runtime, outbox_id, datetime.fromtimestamp(slot, UTC), claimed.priority)
        return
    if claimed.recovering and _already_sent(runtime, claimed):
        return
    # The session is closed here: a slow network call never holds a connection or a lock.
    try:
        result = runtime.transport.send(claimed.to, claimed.body, idempotency_key=claimed.key)
    except TransportError as error:
        with runtime.session() as session:
            delivery.record_failure(session, outbox_id, error, runtime.now())
            session.commit()
        return
    with runtime.session() as session:
        delivery.record_sent(session, outbox_id, result.sid, runtime.now())
        session.commit()


def _already_sent(runtime: Runtime, claimed: delivery.ClaimedSend) -> bool:
    """A worker died after claiming this row: did its send reach the provider?

    Asking the transport before sending again keeps a crash from doubling a text.
    """
    since = claimed.previous_claim or runtime.now()
    sid = runtime.transport.find_sent(claimed.to, claimed.body, claimed.key, since)
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
