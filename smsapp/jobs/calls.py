"""The call job: claim the call, close the session, ask Twilio to place it, record the sid."""

from __future__ import annotations

from smsapp.runtime import Runtime, current_runtime
from smsapp.services.core import calls
from smsapp.services.domain.reach import voice
from smsapp.transport.base import CallRequest, TransportError


def place_call(call_id: int) -> None:
    place(current_runtime(), call_id)


def place(runtime: Runtime, call_id: int) -> None:
    """Place one call once: the claim is committed before the network call."""
    with runtime.session() as session:
        claimed = calls.claim(session, call_id, runtime.now())
        session.commit()
    if claimed is None:
        return
    if claimed.lost:  # it may have rung already: never ring a person twice
        _failed(runtime, call_id, None)
        return
    base = runtime.settings.public_base_url.rstrip("/")
    request = CallRequest(
        to=claimed.to,
        caller_id=claimed.caller_id,
        answer_url=base + calls.webhook_path(call_id, "answer"),
        status_url=base + calls.webhook_path(call_id, "status"),
        idempotency_key=claimed.key,
    )
    try:
        result = runtime.transport.call(request)
    except TransportError as error:
        _failed(runtime, call_id, error)
        return
    with runtime.session() as session:
        calls.record_placed(session, call_id, result.sid, runtime.now())
        session.commit()


def _failed(runtime: Runtime, call_id: int, error: TransportError | None) -> None:
    with runtime.session() as session:
        voice.call_failed(session, call_id, error, runtime.now())
        session.commit()
