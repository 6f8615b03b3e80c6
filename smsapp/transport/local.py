"""A transport that keeps messages and calls in memory: for the demo, the simulator and tests."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from smsapp.transport.base import CallRequest, SendResult, TransportError


@dataclass(frozen=True)
class LocalMessage:
    to: str
    body: str
    sid: str
    idempotency_key: str
    sender: str | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class LocalCall:
    request: CallRequest
    sid: str
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


class LocalTransport:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.sent: list[LocalMessage] = []
        self.calls: list[LocalCall] = []
        self._fail_next: list[TransportError] = []
        self._fail_next_call: list[TransportError] = []

    def send(
        self, to: str, body: str, *, idempotency_key: str, sender: str | None = None
    ) -> SendResult:
        with self._lock:
            if self._fail_next:
                raise self._fail_next.pop(0)
            sid = f"SMlocal{len(self.sent) + 1:026d}"
            self.sent.append(LocalMessage(to, body, sid, idempotency_key, sender))
            return SendResult(sid=sid)

    def find_sent(self, to: str, body: str, idempotency_key: str, since: datetime) -> str | None:
        with self._lock:
            found = [m.sid for m in self.sent if m.idempotency_key == idempotency_key]
        return found[0] if found else None

    def call(self, request: CallRequest) -> SendResult:
        """Record the call; nothing rings (tests play Twilio's webhooks themselves)."""
        with self._lock:
            if self._fail_next_call:
                raise self._fail_next_call.pop(0)
            sid = f"CAlocal{len(self.calls) + 1:026d}"
            self.calls.append(LocalCall(request, sid))
            return SendResult(sid=sid)

    def fail_next_call(self, error: TransportError) -> None:
        """Make the next call raise `error`."""
        with self._lock:
            self._fail_next_call.append(error)

    def fail_next(self, error: TransportError) -> None:
        """Make the next send raise `error` (tests of retries and opt-outs)."""
        with self._lock:
            self._fail_next.append(error)

    def to(self, number: str) -> list[str]:
        with self._lock:
            return [m.body for m in self.sent if m.to == number]

    def clear(self) -> None:
        with self._lock:
            self.sent.clear()
            self.calls.clear()
