"""The outbox and the send job: once per row, retries, permanent failures, opt-outs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from smsapp.jobs.send import deliver
from smsapp.models import Member, OutboxMessage
from smsapp.services.core import outbox
from smsapp.transport.base import TransportError
from tests.factories import PHONES


def _queue(runtime, world, body="Reminder: group tonight", kind="system", key="k1"):
    with runtime.session() as s:
        row = outbox.queue_message(
            s,
            to=PHONES["sam"],
            body=body,
            kind=kind,
            key=key,
            now=runtime.now(),
            organisation_id=world.org.id,
            member_id=world.members["sam"].id,
        )
        s.commit()
        return row.id


def _row(runtime, row_id) -> OutboxMessage:
    with runtime.session() as s:
        return s.get(OutboxMessage, row_id)


def test_a_queued_text_is_sent_once_even_if_its_job_runs_twice(runtime, world, phones):
    row_id = _queue(runtime, world)
    phones.drain()
    deliver(runtime, row_id)  # a duplicate job: the claim fails, nothing is sent again
    assert phones.received("sam") == ["Reminder: group tonight"]
    row = _row(runtime, row_id)
    assert row.status == "sent" and row.twilio_sid and row.attempts == 1


def test_same_idempotency_key_queues_one_row(runtime, world, phones):
    _queue(runtime, world, key="same")
    _queue(runtime, world, key="same")
    phones.drain()
    assert len(phones.received("sam")) == 1


def test_temporary_failure_is_retried_with_backoff(runtime, world, phones, transport, clock):
    transport.fail_next(TransportError("twilio 429 20429", permanent=False, code="20429"))
    row_id = _queue(runtime, world)
    phones.drain()
    assert phones.received("sam") == []
    row = _row(runtime, row_id)
    assert row.status == "queued" and row.error_code == "20429" and row.due_at > clock.now()
    clock.advance(timedelta(seconds=11))
    phones.drain()
    assert phones.received("sam") == ["Reminder: group tonight"]


def test_permanent_failure_is_not_retried(runtime, world, phones, transport, clock):
    transport.fail_next(TransportError("twilio 400 21211", permanent=True, code="21211"))
    row_id = _queue(runtime, world)
    phones.drain()
    clock.advance(timedelta(hours=2))
    phones.drain()
    row = _row(runtime, row_id)
    assert row.status == "failed" and row.error_code == "21211" and row.attempts == 1


def test_carrier_opt_out_marks_the_member_opted_out(runtime, world, phones, transport):
    transport.fail_next(TransportError("twilio 400 21610", permanent=True, code="21610"))
    _queue(runtime, world)
    phones.drain()
    with runtime.session() as s:
        assert s.get(Member, world.members["sam"].id).status == "opted_out"


def test_flushed_redis_loses_nothing(runtime, world, phones, clock):
    _queue(runtime, world)
    runtime.redis.flushdb()  # the job is gone; the row is not
    clock.advance(timedelta(minutes=2))
    phones.drain()
    assert phones.received("sam") == ["Reminder: group tonight"]


def test_worker_killed_after_claim_is_recovered_after_the_lease(runtime, world, phones, clock):
    from smsapp.services.core import delivery

    row_id = _queue(runtime, world)
    runtime.redis.flushdb()
    with runtime.session() as s:  # a worker claimed the row, then died before sending
        assert delivery.claim(s, row_id, clock.now()) is not None
        s.commit()
    phones.drain()
    assert phones.received("sam") == []
    clock.advance(delivery.CLAIM_LEASE + timedelta(minutes=1))
    phones.drain()
    assert phones.received("sam") == ["Reminder: group tonight"]


def test_worker_killed_after_sending_does_not_send_twice(runtime, world, phones, clock, transport):
    from smsapp.services.core import delivery

    row_id = _queue(runtime, world)
    runtime.redis.flushdb()
    with runtime.session() as s:  # claimed and handed to the provider, then the worker died
        claimed = delivery.claim(s, row_id, clock.now())
        s.commit()
    transport.send(claimed.to, claimed.body, idempotency_key=claimed.key)
    clock.advance(delivery.CLAIM_LEASE + timedelta(minutes=1))
    phones.drain()
    assert phones.received("sam") == ["Reminder: group tonight"]
    assert _row(runtime, row_id).status == "sent"


def test_scheduled_text_to_a_paused_member_is_cancelled_at_send_time(runtime, world, phones):
    row_id = _queue(runtime, world, kind="scheduled")
    with runtime.session() as s:
        s.get(Member, world.members["sam"].id).status = "paused"
        s.commit()
    phones.drain()
    assert phones.received("sam") == []
    assert _row(runtime, row_id).status == "cancelled"


def test_status_callbacks_never_go_backwards(runtime, world, phones, client):
    from twilio.request_validator import RequestValidator

    row_id = _queue(runtime, world)
    phones.drain()
    sid = _row(runtime, row_id).twilio_sid
    validator = RequestValidator(runtime.settings.twilio_auth_token)
    url = runtime.settings.public_base_url + "/twilio/status"
    for status in ("delivered", "sent"):
        form = {"MessageSid": sid, "MessageStatus": status}
        sig = validator.compute_signature(url, form)
        response = client.post("/twilio/status", data=form, headers={"X-Twilio-Signature": sig})
        assert response.status_code == 204
    assert _row(runtime, row_id).delivery_status == "delivered"
    response = client.post("/twilio/status", data={"MessageSid": sid, "MessageStatus": "sent"})
    assert response.status_code == 403


def test_rows_queued_while_redis_was_down_go_out_after_the_grace_time(
    runtime, world, phones, clock
):
    import redis

    real = runtime.redis
    runtime.redis = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    runtime.extras.pop("queues", None)
    _queue(runtime, world)
    runtime.redis = real
    runtime.extras.pop("queues", None)
    with runtime.session() as s:
        assert s.scalar(select(OutboxMessage.status)) == "queued"
    clock.advance(timedelta(minutes=2))
    phones.drain()
    assert phones.received("sam") == ["Reminder: group tonight"]
