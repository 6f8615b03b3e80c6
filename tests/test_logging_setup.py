"""Log lines are JSON with allow-listed fields; planted numbers and bodies never appear."""

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from smsapp.logging_setup import configure_logging, scrub

PHONE = "+15551234567"
BODY = "my secret body 8842"
SECRETS = (PHONE, "15551234567", "555-123-4567", BODY, "8842", "secret body")


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved_level = root.level
    buffer = io.StringIO()
    configure_logging("DEBUG", stream=buffer)
    yield buffer
    for handler in list(root.handlers):
        if getattr(handler, "_smsapp_json", False):
            root.removeHandler(handler)
    root.setLevel(saved_level)


def _lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def _assert_no_secrets(buffer: io.StringIO) -> None:
    output = buffer.getvalue()
    decoded = json.dumps(_lines(buffer), ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in output
        assert secret not in decoded


def test_planted_phone_and_body_never_reach_the_log(stream: io.StringIO) -> None:
    log = logging.getLogger("smsapp.web.twilio")
    log.info(
        "sms.received",
        extra={"sid": "SMabc123", "member_id": 42, "body": BODY, "from_": PHONE, "to": PHONE},
    )
    log.info("sending %s to %s", BODY, PHONE)
    log.warning("send failed for " + PHONE, extra={"outbox_id": 7, "error_code": 21610})
    try:
        raise RuntimeError(f"could not deliver {BODY!r} to {PHONE}")
    except RuntimeError:
        log.exception("send.crashed", extra={"outbox_id": 7, "attempt": 3})
    try:
        try:
            raise KeyError(PHONE)
        except KeyError as inner:
            raise ValueError(BODY) from inner
    except ValueError:
        logging.getLogger("smsapp.jobs").error("job.failed", exc_info=True)
    logging.getLogger("werkzeug").info(
        '%s - - [%s] "%s" %s %s',
        "127.0.0.1",
        "30/Nov/2026 21:06:43",
        "GET /twilio/sms?From=%2B15551234567&Body=my+secret+body+8842 HTTP/1.1",
        "200",
        "-",
    )
    logging.getLogger("rq.worker").info(
        "%s: %s (%s)", "urgent", f"smsapp.jobs.send({BODY!r}, {PHONE!r})", "job-1"
    )
    logging.getLogger("somelib").info("lib says %s", PHONE)

    _assert_no_secrets(stream)
    lines = _lines(stream)
    assert len(lines) == 8
    received = lines[0]
    assert received["event"] == "sms.received"
    assert received["sid"] == "SMabc123"
    assert received["member_id"] == 42
    assert received["level"] == "INFO"
    assert received["logger"] == "smsapp.web.twilio"
    assert "ts" in received
    assert not {"body", "from_", "to"} & received.keys()
    assert lines[1]["event"] == "sending %s to %s"
    assert lines[2]["outbox_id"] == 7 and lines[2]["error_code"] == 21610


def test_exceptions_show_type_and_frames_only(stream: io.StringIO) -> None:
    def deliver() -> None:
        raise RuntimeError(f"could not deliver {BODY!r} to {PHONE}")

    try:
        deliver()
    except RuntimeError:
        logging.getLogger("smsapp.jobs.send").exception("send.crashed", extra={"attempt": 3})
    (line,) = _lines(stream)
    assert line["exc_type"] == "RuntimeError"
    assert line["attempt"] == 3
    assert any(frame.endswith(" deliver") for frame in line["exc_stack"])
    assert all(":" in frame for frame in line["exc_stack"])
    assert "test_logging_setup.py" in line["exc_stack"][0]
    _assert_no_secrets(stream)


def test_chained_exception_types_are_named(stream: io.StringIO) -> None:
    try:
        try:
            raise KeyError(PHONE)
        except KeyError as inner:
            raise ValueError(BODY) from inner
    except ValueError:
        logging.getLogger("smsapp").error("job.failed", exc_info=True)
    (line,) = _lines(stream)
    assert line["exc_type"] == "ValueError"
    assert line["exc_causes"] == ["KeyError"]
    _assert_no_secrets(stream)


def test_werkzeug_request_line_keeps_path_and_status(stream: io.StringIO) -> None:
    logging.getLogger("werkzeug").info(
        '%s - - [%s] "%s" %s %s',
        "10.0.0.1",
        "30/Nov/2026 21:06:43",
        "POST /twilio/sms?Body=my+secret+body+8842 HTTP/1.1",
        "200",
        "-",
    )
    (line,) = _lines(stream)
    assert "POST /twilio/sms?… HTTP/1.1" in line["event"]
    assert '" 200 -' in line["event"]
    _assert_no_secrets(stream)


def test_allowed_fields_are_kept_and_others_dropped(stream: io.StringIO) -> None:
    logging.getLogger("smsapp.tick").info(
        "tick.done",
        extra={
            "count": 12,
            "duration_ms": 3.5,
            "queue": "urgent",
            "path": "/twilio/sms?From=%2B15551234567",
            "level": 2,
            "notes": BODY,
            "phone": PHONE,
        },
    )
    (line,) = _lines(stream)
    assert line["event"] == "tick.done"
    assert line["count"] == 12
    assert line["duration_ms"] == 3.5
    assert line["queue"] == "urgent"
    assert line["path"] == "/twilio/sms"
    # "level" is the log severity; an extra named level is kept beside it.
    assert line["level"] == "INFO"
    assert line["ctx_level"] == 2
    assert "notes" not in line and "phone" not in line
    _assert_no_secrets(stream)


def test_allowed_field_values_are_scrubbed(stream: io.StringIO) -> None:
    logging.getLogger("smsapp").info("x", extra={"status": f"failed for {PHONE}"})
    (line,) = _lines(stream)
    assert line["status"] == "failed for [number]"


def test_each_line_is_one_json_object(stream: io.StringIO) -> None:
    logging.getLogger("smsapp").info("multi\nline")
    logging.getLogger("smsapp").debug("debug.shown")
    assert len(stream.getvalue().splitlines()) == 2


def test_configure_twice_does_not_duplicate_lines(stream: io.StringIO) -> None:
    configure_logging("INFO", stream=stream)
    logging.getLogger("smsapp").info("once")
    logging.getLogger("smsapp").debug("hidden")
    assert [line["event"] for line in _lines(stream)] == ["once"]


def test_library_loggers_lose_their_own_handlers(stream: io.StringIO) -> None:
    rq_logger = logging.getLogger("rq.worker")
    rq_logger.addHandler(logging.StreamHandler(io.StringIO()))
    configure_logging("INFO", stream=stream)
    assert rq_logger.handlers == []
    assert rq_logger.propagate


@pytest.mark.parametrize(
    "text",
    [
        "+15551234567",
        "+1 555 123 4567",
        "(415) 555-2671",
        "415.555.2671",
        "07911 123456",
        "+34 612 34 56 78",
        "From=%2B15551234567",
        "call 5551234 now",
    ],
)
def test_scrub_masks_phone_like_numbers(text: str) -> None:
    scrubbed = scrub(text)
    assert "[number]" in scrubbed
    assert sum(ch.isdigit() for ch in scrubbed.replace("%2B", "")) < 7


@pytest.mark.parametrize(
    "text",
    [
        "sms.received",
        "member 42 replied 3",
        "SM1234567890abcdef",
        "code 21610",
        "body 8842",
        "due 2026-11-30 21:06:43",
    ],
)
def test_scrub_leaves_short_numbers_and_ids(text: str) -> None:
    assert scrub(text) == text
