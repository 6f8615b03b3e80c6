"""The Twilio transport: the real `twilio` client, one per process, with a kept-alive pool.

Texts go through the Messages API, phone calls through the Calls API."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from smsapp.config import Settings
from smsapp.transport.base import CallRequest, SendResult, TransportError

PERMANENT_CODES = {"21211", "21614", "21610", "21612", "21408", "21606", "30004", "30005"}
RETRY_CODES = {"20429", "20500", "20503", "30001"}
TWILIO_API = "https://api.twilio.com"


class RebasedHttpClient(TwilioHttpClient):
    """Sends the client's requests to another base URL (a stand-in of Twilio's API)."""

    def __init__(self, base: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._base = base.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        return super().request(method, url.replace(TWILIO_API, self._base), *args, **kwargs)


class TwilioTransport:
    def __init__(self, settings: Settings, http_client: TwilioHttpClient | None = None) -> None:
        http: TwilioHttpClient = http_client or (
            RebasedHttpClient(settings.twilio_api_base, timeout=10)
            if settings.twilio_api_base
            else TwilioHttpClient(timeout=10)
        )
        self._client = Client(
            settings.twilio_account_sid, settings.twilio_auth_token, http_client=http
        )
        # The client imports its API modules on first use (~0.5 s on a busy machine): do
        # it now, so the first text of a process is not handed over late (pacing).
        self._client.messages  # noqa: B018
        self._from = settings.twilio_from_number
        self._service = settings.twilio_messaging_service_sid
        self._status_callback = (
            settings.public_base_url.rstrip("/") + "/twilio/status"
            if settings.public_base_url
            else None
        )

    def send(
        self, to: str, body: str, *, idempotency_key: str, sender: str | None = None
    ) -> SendResult:
        params: dict[str, Any] = {"to": to, "body": body}
        sender = sender or self._service or self._from
        if sender.startswith("MG"):
            params["messaging_service_sid"] = sender
        else:
            params["from_"] = sender
        if self._status_callback:
            params["status_callback"] = self._status_callback
        try:
            message = self._client.messages.create(**params)
        except TwilioRestException as exc:
            raise _as_transport_error(exc) from None
        except OSError as exc:  # connection refused, timeout: try again later
            raise TransportError(f"network: {type(exc).__name__}", permanent=False) from None
        return SendResult(sid=str(message.sid), status=str(message.status or "queued"))

    def call(self, request: CallRequest) -> SendResult:
        """Place a call from the organisation's number; Twilio fetches the TwiML when it is
        answered and posts the call's final status (completed, busy, no-answer, failed,
        canceled) to the status URL.

        No StatusCallbackEvent: the final status is all the service acts on, and Prism
        (the contract tests) cannot read the repeated form field an event list needs."""
        try:
            call = self._client.calls.create(
                to=request.to,
                from_=request.caller_id,
                url=request.answer_url,
                method="POST",
                status_callback=request.status_url,
                status_callback_method="POST",
                timeout=request.ring_seconds,
            )
        except TwilioRestException as exc:
            raise _as_transport_error(exc) from None
        except OSError as exc:
            raise TransportError(f"network: {type(exc).__name__}", permanent=False) from None
        return SendResult(sid=str(call.sid), status=str(call.status or "queued"))

    def find_sent(self, to: str, body: str, idempotency_key: str, since: datetime) -> str | None:
        """Twilio has no idempotency keys: look for the same body to the same number."""
        try:
            return _find_sent(self._client, to, body, since - timedelta(minutes=1))
        except (TwilioException, OSError) as exc:  # "Unable to fetch page" included
            raise TransportError(f"lookup failed: {type(exc).__name__}", permanent=False) from None


def _find_sent(client: Client, to: str, body: str, since: datetime) -> str | None:
    for message in client.messages.list(to=to, date_sent_after=since, limit=50):
        if message.body == body:
            return str(message.sid)
    return None


def _as_transport_error(exc: TwilioRestException) -> TransportError:
    code = str(exc.code) if exc.code is not None else None
    if exc.status == 429 or code in RETRY_CODES or exc.status >= 500:
        return TransportError(f"twilio {exc.status} {code}", permanent=False, code=code)
    permanent = code in PERMANENT_CODES or 400 <= exc.status < 500
    return TransportError(f"twilio {exc.status} {code}", permanent=permanent, code=code)
