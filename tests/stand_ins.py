"""A validating stand-in of Twilio's Messages and Calls APIs, served on loopback for the
real client.

`GET …/Messages.json` lists what was accepted, filtered by `To` and `DateSent>` as Twilio
does, so `TwilioTransport.find_sent` (crash recovery) works against it. Each accepted
message records its receipt time (`ReceivedAt`, aware UTC) for tests of "never early".
It checks what Twilio checks for `POST /2010-04-01/Accounts/{sid}/Messages.json`: HTTP basic
auth with the account's SID and token, an E.164 `To`, exactly one of `From` and
`MessagingServiceSid`, a `Body` of 1–1600 characters, and an absolute https `StatusCallback`.
Twilio's test numbers produce Twilio's errors, so the transport meets the real error shapes.

`POST …/Calls.json` is checked as Twilio checks it: E.164 `To` and `From`, exactly one of
`Url`, `Twiml` and `ApplicationSid`, absolute URLs, `Method`s of GET/POST, known
`StatusCallbackEvent`s and a `Timeout` of 1–600 s. Accepted calls are kept in `calls`
(nothing rings: a test plays Twilio's webhooks with the `Url` the call was given).
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
MAGIC_ERRORS = {
    "+15005550001": (400, 21211, "The 'To' number is not a valid phone number."),
    "+15005550002": (400, 21612, "The 'To' phone number is not currently reachable via SMS."),
    "+15005550004": (400, 21610, "Attempt to send to unsubscribed recipient"),
    "+15005550009": (400, 21614, "'To' number is not a valid mobile number"),
}
CALL_ERRORS = {
    "+15005550001": (400, 21217, "Phone number is not a valid phone number."),
    "+15005550002": (400, 21214, "'To' phone number cannot be reached."),
}
CALL_EVENTS = {"initiated", "ringing", "answered", "completed"}


@dataclass
class TwilioStandIn:
    account_sid: str
    auth_token: str
    url: str = ""
    # The form (From and MessagingServiceSid always present, one of them None), Sid, ReceivedAt
    messages: list[dict[str, Any]] = field(default_factory=list)
    # Calls: the form (StatusCallbackEvent as a list), Sid, ReceivedAt
    calls: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    throttle_next: int = 0  # answer this many requests with 429 / 20429
    delay: float = 0.0  # seconds each accepted send takes (to stop a worker mid-batch)
    # seconds to hold the answer after a send was accepted and recorded (a worker killed
    # then has handed the text over without knowing it)
    stall_after_accept: float = 0.0
    inflight: int = 0  # sends being handled right now
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self._handle(request)
        return response(environ, start_response)

    def _handle(self, request: Request) -> Response:
        base = f"/2010-04-01/Accounts/{self.account_sid}"
        if request.path == f"{base}/Calls.json" and request.method == "POST":
            if not self._authorised(request):
                return _error(401, 20003, "Authenticate")
            return self._create_call(request)
        if request.path != f"{base}/Messages.json" or request.method not in ("POST", "GET"):
            return _error(404, 20404, "The requested resource was not found")
        if not self._authorised(request):
            return _error(401, 20003, "Authenticate")
        if request.method == "GET":
            return _json(200, self._listing(request))
        if self.throttle_next > 0:
            self.throttle_next -= 1
            return _error(429, 20429, "Too Many Requests")
        return self._accept_message(request.form)

    def _accept_message(self, form: Any) -> Response:
        problem = _validate(form)
        if problem is not None:
            self.rejected.append({"form": dict(form), "problem": problem})
            return _error(400, problem[0], problem[1])
        if form["To"] in MAGIC_ERRORS:
            status, code, message = MAGIC_ERRORS[form["To"]]
            return _error(status, code, message)
        with self._lock:
            self.inflight += 1
        if self.delay:
            time.sleep(self.delay)
        sid = "SM" + uuid.uuid4().hex
        at = datetime.now(UTC)
        with self._lock:
            # From / MessagingServiceSid always present: tests check which sender was used.
            sender: dict[str, Any] = {"From": None, "MessagingServiceSid": None}
            self.messages.append({**sender, **form.to_dict(), "Sid": sid, "ReceivedAt": at})
            self.inflight -= 1
        if self.stall_after_accept:
            time.sleep(self.stall_after_accept)
        return _json(201, _message_resource(self.account_sid, sid, form, at))

    def _create_call(self, request: Request) -> Response:
        form = request.form
        problem = _validate_call(form)
        if problem is not None:
            self.rejected.append({"form": dict(form), "problem": problem})
            return _error(400, problem[0], problem[1])
        if form["To"] in CALL_ERRORS:
            status, code, message = CALL_ERRORS[form["To"]]
            return _error(status, code, message)
        sid = "CA" + uuid.uuid4().hex
        at = datetime.now(UTC)
        with self._lock:
            fields = {**form.to_dict(), "StatusCallbackEvent": form.getlist("StatusCallbackEvent")}
            self.calls.append({**fields, "Sid": sid, "ReceivedAt": at})
        return _json(201, _call_resource(self.account_sid, sid, form, at))

    def _listing(self, request: Request) -> dict[str, Any]:
        """Newest first, like Twilio; one page (the client asks for at most 50)."""
        to, after = request.args.get("To"), request.args.get("DateSent>")
        since = datetime.fromisoformat(after.replace("Z", "+00:00")) if after else None
        with self._lock:
            found = [
                m
                for m in reversed(self.messages)
                if (to is None or m["To"] == to) and (since is None or m["ReceivedAt"] >= since)
            ]
        size = int(request.args.get("PageSize", "50"))
        items = [_message_resource(self.account_sid, m["Sid"], m, m["ReceivedAt"]) for m in found]
        return {"messages": items[:size], "page": 0, "page_size": size, "next_page_uri": None}

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return header == f"Basic {expected}"


def _validate(form: Any) -> tuple[int, str] | None:
    to = form.get("To", "")
    if not to:
        return 21604, "A 'To' phone number is required."
    if not E164.match(to):
        return 21211, f"The 'To' number {to[:3]}… is not a valid phone number."
    has_from, has_service = bool(form.get("From")), bool(form.get("MessagingServiceSid"))
    if has_from == has_service:
        return 21603, "Exactly one of 'From' or 'MessagingServiceSid' is required."
    if has_from and not E164.match(form["From"]):
        return 21212, "The 'From' number is not a valid phone number."
    body = form.get("Body", "")
    if not body:
        return 21602, "Message body is required."
    if len(body) > 1600:
        return 21617, "The concatenated message body exceeds the 1600 character limit."
    callback = form.get("StatusCallback")
    if callback is not None and not callback.startswith(("https://", "http://")):
        return 21609, "Invalid StatusCallback URL."
    return None


def _validate_call(form: Any) -> tuple[int, str] | None:
    problem = _validate_call_numbers(form)
    if problem is not None:
        return problem
    given = [n for n in ("Url", "Twiml", "ApplicationSid") if form.get(n)]
    if len(given) != 1:
        return 21205, "Exactly one of 'Url', 'Twiml' or 'ApplicationSid' is required."
    for name in ("Url", "StatusCallback", "FallbackUrl"):
        value = form.get(name)
        if value is not None and not value.startswith(("https://", "http://")):
            return 21205, f"'{name}' is not a valid URL."
    for name in ("Method", "StatusCallbackMethod", "FallbackMethod"):
        if form.get(name) not in (None, "GET", "POST"):
            return 21207, f"'{name}' must be GET or POST."
    if not set(form.getlist("StatusCallbackEvent")) <= CALL_EVENTS:
        return 21626, "Invalid StatusCallbackEvent."
    timeout = form.get("Timeout")
    if timeout is not None and not (timeout.isdigit() and 1 <= int(timeout) <= 600):
        return 21216, "'Timeout' must be 1-600 seconds."
    return None


def _validate_call_numbers(form: Any) -> tuple[int, str] | None:
    for name in ("To", "From"):
        if not form.get(name):
            return 21201 if name == "To" else 21213, f"No '{name}' number is specified."
    if not E164.match(form["To"]):
        return 21217, "Phone number is not a valid phone number."
    if not E164.match(form["From"]):
        return 21212, "The 'From' number is not a valid phone number."
    return None


def _call_resource(account_sid: str, sid: str, form: Any, at: datetime) -> dict[str, Any]:
    stamp = format_datetime(at, usegmt=True)
    return {
        "sid": sid,
        "account_sid": account_sid,
        "to": form["To"],
        "from": form["From"],
        "status": "queued",
        "direction": "outbound-api",
        "api_version": "2010-04-01",
        "uri": f"/2010-04-01/Accounts/{account_sid}/Calls/{sid}.json",
        "date_created": stamp,
        "date_updated": stamp,
    }


def _message_resource(account_sid: str, sid: str, form: Any, at: datetime) -> dict[str, Any]:
    stamp = format_datetime(at, usegmt=True)
    return {
        "sid": sid,
        "account_sid": account_sid,
        "to": form["To"],
        "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "body": form["Body"],
        "status": "queued",
        "num_segments": "1",
        "direction": "outbound-api",
        "api_version": "2010-04-01",
        "price": None,
        "error_code": None,
        "error_message": None,
        "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
        "date_created": stamp,
        "date_updated": stamp,
        "date_sent": stamp,
    }


def _json(status: int, payload: dict[str, Any]) -> Response:
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def _error(status: int, code: int, message: str) -> Response:
    more = f"https://www.twilio.com/docs/errors/{code}"
    return _json(status, {"code": code, "message": message, "more_info": more, "status": status})


@contextmanager
def serve_twilio(account_sid: str, auth_token: str) -> Iterator[TwilioStandIn]:
    stand_in = TwilioStandIn(account_sid, auth_token)
    server = make_server("127.0.0.1", 0, stand_in, threaded=True)
    stand_in.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        thread.join(timeout=5)
