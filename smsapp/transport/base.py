"""The transport protocol and its one error type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class SendResult:
    sid: str
    status: str = "queued"


@dataclass(frozen=True)
class CallRequest:
    """A phone call to place: Twilio rings `to` showing `caller_id`, then asks
    `answer_url` what to say (TwiML) and reports progress to `status_url`."""

    to: str
    caller_id: str
    answer_url: str
    status_url: str
    idempotency_key: str
    ring_seconds: int = 30


class TransportError(Exception):
    """A send failed. `permanent` means retrying cannot help (bad number, opted out).

    The message carries only the provider's code and a short reason, never the body or
    the number, because transport errors end up in logs.
    """

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool,
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.permanent = permanent
        self.code = code
        self.retry_after = retry_after

    @property
    def opted_out(self) -> bool:
        return self.code == "21610"


class SmsTransport(Protocol):
    def send(
        self, to: str, body: str, *, idempotency_key: str, sender: str | None = None
    ) -> SendResult:
        """Hand one text to the provider, from `sender` (a number or a Messaging Service
        SID; None: the installation's configured one)."""
        ...

    def find_sent(self, to: str, body: str, idempotency_key: str, since: datetime) -> str | None:
        """The sid of a message already accepted for this send, if the provider has one."""
        ...

    def call(self, request: CallRequest) -> SendResult:
        """Ask the provider to place one phone call; the sid names it in status callbacks.

        Errors are TransportErrors like a send's (permanent: a bad number or caller ID)."""
        ...
