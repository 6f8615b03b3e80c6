"""A validating stand-in of Twilio's Messages API, served on loopback for the real client.

`GET …/Messages.json` lists what was accepted, filtered by `To` and `DateSent>` as Twilio
does, so `TwilioTransport.find_sent` (crash recovery) works against it. Each accepted
message records its receipt time (`ReceivedAt`, aware UTC) for tests of "never early".
It checks what Twilio checks for `POST /2010-04-01/Accounts/{sid}/Messages.json`: HTTP basic
auth with the account's SID and token, an E.164 `To`, exactly one of `From` and
`MessagingServiceSid`, a `Body` of 1–1600 characters, and an absolute https `StatusCallback`.
Twilio's test numbers produce Twilio's errors, so the transport meets the real error shapes.
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


@dataclass
class TwilioStandIn:
    account_sid: str
    auth_token: str
    url: str = ""
    # The form (From and MessagingServiceSid always present, one of them None), Sid, ReceivedAt
    messages: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    throttle_next: int = 0  # answer this many requests with 429 / 20429
    delay: float = 0.0  # seconds each accepted send takes (to stop a worker mid-batch)
    inflight: int = 0  # sends being handled right now
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self._handle(request)
        return response(environ, start_response)

    def _handle(self, request: Request) -> Response:
        path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        if request.path != path or request.method not in ("POST", "GET"):
            return _error(404, 20404, "The requested resource was not found")
        if not self._authorised(request):
            return _error(401, 20003, "Authenticate")
        if request.method == "GET":
            return _json(200, self._listing(request))
        if self.throttle_next > 0:
            self.throttle_next -= 1
            return _error(429, 20429, "Too Many Requests")
        form = request.form
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
        return _json(201, _message_resource(self.account_sid, sid, form, at))

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
