"""Structured JSON logging with an allow-list, so bodies and phone numbers never reach logs.

App code logs an event name and ids only::

    log.info("sms.received", extra={"sid": sid, "member_id": member.id})

Each line is one JSON object: ``ts``, ``level``, ``logger``, ``event`` and the
allow-listed extra fields. Anything else is dropped: other extras, %-args of app
loggers, exception messages and locals. Exceptions appear as their type name and a
stack of ``file:line function`` frames only.

Library loggers whose messages are useful (werkzeug request lines, rq job lines) are
interpolated, then cleaned: query strings removed, quoted literals redacted and
anything that looks like a phone number masked.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime
from types import TracebackType
from typing import IO, Any

ALLOWED_FIELDS = frozenset(
    {
        "event",
        "sid",
        "message_sid",
        "member_id",
        "group_id",
        "case_id",
        "outbox_id",
        "timer_id",
        "job_id",
        "status",
        "error_code",
        "attempt",
        "count",
        "duration_ms",
        "queue",
        "flow_id",
        "node",
        "urgency",
        "level",
        "path",
        "method",
        "status_code",
        "batch",
        "table",
        "rows",
    }
)

# Keys every line carries; an allowed extra with the same name is emitted as ctx_<name>.
RESERVED_KEYS = frozenset({"ts", "level", "logger", "event"})

# Libraries whose interpolated messages are kept (after cleaning). Any other logger's
# %-args are dropped: an unknown library may format anything into its messages.
INTERPOLATED_LOGGERS = ("werkzeug", "rq", "gunicorn", "sqlalchemy", "alembic")

# Loggers that install their own handlers unless one is already in place; they are
# routed through the root handler instead.
ROUTED_LOGGERS = ("werkzeug", "rq", "rq.worker", "rq.scheduler", "rq.job", "rq.queue")

MAX_VALUE_CHARS = 200
NUMBER_MASK = "[number]"

# 7+ digits, optionally led by + (or its URL-encoded %2B) and split by spaces, dashes,
# dots or parentheses. Digits glued to letters (hex ids, SIDs) and dates written
# YYYY-MM-DD (library timestamps) are left alone.
_PHONE_RE = re.compile(
    r"(?<!\w)(?!\d{4}-\d\d-\d\d(?!\d))(?:\+|%2[bB])?\(?\d(?:[\s().\-]{0,2}\d){6,}(?!\w)"
)
_QUERY_RE = re.compile(r"\?[^\s\"']*")
_QUOTED_RE = re.compile(r"'[^']*'")
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


def scrub(text: str) -> str:
    """Mask anything in ``text`` that looks like a phone number (7 or more digits)."""
    return _PHONE_RE.sub(NUMBER_MASK, text)


def configure_logging(level: str | int = "INFO", stream: IO[str] | None = None) -> None:
    """Send every log record through one JSON handler on the root logger.

    Safe to call again (tests do): the previous smsapp handler is replaced.
    """
    root = logging.getLogger()
    for old in list(root.handlers):
        # Ours from an earlier call, or a plain basicConfig() handler that would print
        # unfiltered messages. Subclasses (pytest's capture handlers) are left alone.
        if getattr(old, "_smsapp_json", False) or type(old) is logging.StreamHandler:
            root.removeHandler(old)
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler._smsapp_json = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    _route_library_loggers()


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object holding only allow-listed data."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": _event_text(record),
        }
        line.update(_allowed_extras(record))
        if record.exc_info and record.exc_info[1] is not None:
            line.update(_exception_fields(record.exc_info[1], record.exc_info[2]))
        return json.dumps(line, ensure_ascii=False, default=str)


def _route_library_loggers() -> None:
    for name in ROUTED_LOGGERS:
        logger = logging.getLogger(name)
        for old in list(logger.handlers):
            logger.removeHandler(old)
        logger.propagate = True
    # werkzeug adds its own coloured handler when its level is unset; INFO keeps the
    # request lines without that.
    logging.getLogger("werkzeug").setLevel(logging.INFO)
    # The twilio client logs every request as ten INFO lines (headers, query parameters):
    # noise at 1,000 texts, and a worker blocked on a full log pipe is a stalled sender.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)


def _event_text(record: logging.LogRecord) -> str:
    explicit = record.__dict__.get("event")
    if isinstance(explicit, str):
        return _clean_value(explicit)
    if _is_interpolated(record.name):
        return _clean_library_message(record)
    # App loggers: the template only, never the %-args (they may be bodies or numbers).
    return _clean_value(str(record.msg))


def _is_interpolated(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in INTERPOLATED_LOGGERS)


def _clean_library_message(record: logging.LogRecord) -> str:
    try:
        text = record.getMessage()
    except Exception:  # a broken format string must not break logging
        text = str(record.msg)
    # rq puts a failed job's traceback (with the exception's message) in the line itself:
    # keep only what comes before it, by design rather than by length.
    text = text.split("\nTraceback", 1)[0]
    text = _ANSI_RE.sub("", text)
    text = _QUERY_RE.sub("?…", text)  # query strings can carry numbers and bodies
    text = _QUOTED_RE.sub("'…'", text)  # repr()'d job arguments, SQL parameters
    return _clean_value(text, limit=500)


def _allowed_extras(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in sorted(ALLOWED_FIELDS - {"event"}):
        if name not in record.__dict__:
            continue
        key = f"ctx_{name}" if name in RESERVED_KEYS else name
        fields[key] = _safe_value(name, record.__dict__[name])
    return fields


def _safe_value(name: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    if name == "path":
        text = _QUERY_RE.sub("", text)
    return _clean_value(text)


def _clean_value(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    text = scrub(text)
    return text if len(text) <= limit else text[:limit] + "…"


def _exception_fields(exc: BaseException, tb: TracebackType | None) -> dict[str, Any]:
    # Type names and code locations only: exception messages and locals can hold
    # message bodies and phone numbers.
    fields: dict[str, Any] = {
        "exc_type": type(exc).__name__,
        "exc_stack": [
            f"{_short_path(frame.filename)}:{frame.lineno} {frame.name}"
            for frame in traceback.extract_tb(tb)
        ],
    }
    causes = _cause_types(exc)
    if causes:
        fields["exc_causes"] = causes
    return fields


def _cause_types(exc: BaseException) -> list[str]:
    names: list[str] = []
    seen = {id(exc)}
    current = exc.__cause__ or exc.__context__
    while current is not None and id(current) not in seen and len(names) < 5:
        seen.add(id(current))
        names.append(type(current).__name__)
        current = current.__cause__ or current.__context__
    return names


def _short_path(filename: str) -> str:
    parts = filename.replace("\\", "/").split("/")
    return "/".join(parts[-2:])
