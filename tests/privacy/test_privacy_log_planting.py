"""Plant a recognisable number and body, drive every path, and search every log line."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from smsapp.logging_setup import configure_logging
from smsapp.services.conversation import router as inbound
from smsapp.services.core import delivery, outbox
from smsapp.transport.base import TransportError
from tests.privacy.privacy_helpers import member

PHONE = "+12025550177"
BODY = "tangerine submarine confession"
NATIONAL = "2025550177"
# Every common way the number could be written into a line.
PHONE_FORMS = (
    PHONE,
    PHONE[1:],
    NATIONAL,
    "(202) 555-0177",
    "202-555-0177",
    "202.555.0177",
    "202 555 0177",
    "%2B12025550177",
    "5550177",
)
WATCHED_LOGGERS = ("smsapp", "werkzeug", "rq", "rq.worker", "rq.queue", "rq.job", "flask")


@pytest.fixture
def log_stream(app) -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = root.level
    buffer = io.StringIO()
    configure_logging("DEBUG", stream=buffer)
    yield buffer
    for handler in list(root.handlers):
        if getattr(handler, "_smsapp_json", False):
            root.removeHandler(handler)
    root.setLevel(saved)


def _lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def _assert_clean(buffer: io.StringIO) -> None:
    raw = buffer.getvalue()
    decoded = json.dumps(_lines(buffer), ensure_ascii=False)
    for needle in (*PHONE_FORMS, BODY, "tangerine", "submarine"):
        assert needle not in raw, needle
        assert needle not in decoded, needle


def _join(phones):
    phones.text(PHONE, "JOIN HOPE")
    phones.text(PHONE, "YES")


def _queue_to_planted(runtime, key):
    from smsapp.models import Member
    from smsapp.services.core import directory

    with runtime.session() as s:
        planted = s.scalar(select(Member).where(Member.phone_hash == directory.phone_hash(PHONE)))
        assert planted is not None
        outbox.queue_message(
            s,
            to=PHONE,
            body=BODY,
            kind="reply",
            key=key,
            now=runtime.now(),
            member_id=planted.id,
            organisation_id=planted.organisation_id,
        )
        s.commit()


def test_inbound_outbound_and_failing_sends_log_no_number_or_body(
    phones, runtime, transport, clock, world, log_stream
):
    _join(phones)
    assert phones.text(PHONE, BODY)  # inbound: routed, stored, answered
    _queue_to_planted(runtime, "planted-1")
    phones.drain()  # outbound: the send job sends it
    assert BODY in transport.to(PHONE)
    transport.fail_next(TransportError("carrier said no", permanent=False, code="30003"))
    _queue_to_planted(runtime, "planted-2")
    phones.drain()  # a temporary failure, logged as a retry
    transport.fail_next(TransportError("unknown number", permanent=True, code="21211"))
    clock.advance(timedelta(minutes=5))
    _queue_to_planted(runtime, "planted-3")
    phones.drain()  # a permanent failure
    events = [line["event"] for line in _lines(log_stream)]
    assert "sms.received" in events and "sms.retry" in events and "sms.failed" in events
    _assert_clean(log_stream)


def test_an_error_while_routing_logs_no_number_or_body(
    phones, runtime, world, log_stream, monkeypatch
):
    def explode(session, phone, body, now, **_where):
        raise ValueError(f"could not route {body!r} from {phone}")

    monkeypatch.setattr(inbound, "route", explode)
    phones.text(PHONE, BODY)
    failed = [line for line in _lines(log_stream) if line["event"] == "sms.route_failed"]
    assert failed and failed[0]["exc_type"] == "ValueError"
    _assert_clean(log_stream)


def test_an_unhandled_error_in_a_request_logs_no_number_or_body(
    app, client, phones, runtime, world, log_stream, monkeypatch
):
    def explode(session, sid, status, error_code, now):
        raise RuntimeError(f"status for {PHONE}: {BODY}")

    monkeypatch.setattr(delivery, "record_status", explode)
    app.testing = False  # Flask logs the error and answers 500, as in production
    app.config["PROPAGATE_EXCEPTIONS"] = False
    form = {"MessageSid": "SMx1", "MessageStatus": "failed", "To": PHONE, "Body": BODY}
    url = runtime.settings.public_base_url + "/twilio/status"
    signature = phones.validator.compute_signature(url, form)
    response = client.post("/twilio/status", data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 500
    assert any(line.get("exc_type") == "RuntimeError" for line in _lines(log_stream))
    _assert_clean(log_stream)


def test_a_failing_job_logs_no_number_or_body(phones, runtime, world, log_stream, monkeypatch):
    _join(phones)

    def explode(session, outbox_id, sid, now):
        raise RuntimeError(f"could not record the send of {BODY} to {PHONE}")

    monkeypatch.setattr(delivery, "record_sent", explode)
    _queue_to_planted(runtime, "planted-job")
    phones.drain()
    assert any(line["logger"].startswith("rq") for line in _lines(log_stream))
    _assert_clean(log_stream)


def test_werkzeug_request_lines_log_no_number_or_body(app, log_stream):
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        query = urllib.parse.urlencode({"from": PHONE, "body": BODY})
        url = f"http://127.0.0.1:{server.server_port}/healthz?{query}"
        # A 503 health answer is fine: the request line is what is checked.
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(url, timeout=10).read()
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert any(line["logger"] == "werkzeug" for line in _lines(log_stream))
    _assert_clean(log_stream)


def test_the_watched_loggers_all_reach_the_captured_stream(log_stream):
    # The checks above only mean something if library lines land in the same stream.
    for name in WATCHED_LOGGERS:
        logging.getLogger(name).warning("probe")
    names = {line["logger"] for line in _lines(log_stream)}
    assert set(WATCHED_LOGGERS) <= names


def test_the_planted_member_is_not_logged_by_name(phones, runtime, world, log_stream):
    with runtime.session() as s:
        member(s, world, "sam").name = "Tangerine Submarine"
        s.commit()
    phones.text("sam", "TALK")
    phones.drain()
    _assert_clean(log_stream)
