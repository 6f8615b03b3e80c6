"""A facilitator reaches the person, in production shape: gunicorn and worker.py on
PostgreSQL and Redis, the real twilio client against the Twilio stand-in, set up with
the `smsapp` CLI and texted with signed requests.

Crisis → ACK → the member's notice → the facilitator's plain text reaches the member from
the organisation's number → the member's reply reaches the facilitator → DONE ends it and
the member's next "3" is a check-in answer again. Then a call from the case page: the
Calls API request goes to the stand-in, and Twilio's signed webhooks connect the member
with the organisation's number as caller ID. A second organisation shares the member's
phone and never sees any of it.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

import requests

from tests.production.harness import PUBLIC_BASE_URL, Production
from tests.production.test_production_basics import (
    FACILITATOR,
    HARBOR,
    MEMBER,
    PASSWORD,
    _set_up_harbor,
)
from tests.reach.voice_helpers import check_twiml
from tests.safety.safety_helpers import CRISIS

COVE = "+15005550011"
COVE_FACILITATOR = "+12025550102"


def _set_up_cove(prod: Production) -> None:
    """Another organisation, where the same phone is a member too."""
    prod.cli("orgs", "create", "Cove", "--number", COVE, "--timezone", "America/Chicago")
    prod.cli(
        "users", "create", "--role", "facilitator", "--email", "bob@cove.example",
        "--name", "Bob", "--organisation", "Cove", "--phone", COVE_FACILITATOR,
        "--password-stdin", stdin=PASSWORD,
    )  # fmt: skip
    prod.cli(
        "groups", "create", "--organisation", "Cove", "--name", "Cove Circle",
        "--code", "COVE77", "--facilitator", "bob@cove.example",
    )  # fmt: skip
    prod.cli(
        "members", "add", "--organisation", "Cove", "--group", "COVE77",
        "--phone", MEMBER, "--name", "Sam R",
    )  # fmt: skip


def _new(prod: Production, phone: str, seen: int, what: str) -> dict[str, Any]:
    """The next text the service asked Twilio to send to `phone` after the first `seen`."""
    found = prod.wait_for(lambda: prod.sent_to(phone)[seen:], what=what)
    return found[0]


class Console:
    """The console over HTTP as a phone's browser uses it. The session cookie is Secure
    in production, so it is carried by hand over the harness's plain-HTTP port."""

    def __init__(self, prod: Production) -> None:
        self.base = prod.base_url
        self.cookie = ""

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        response = requests.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        if "session=" in response.headers.get("Set-Cookie", ""):
            self.cookie = response.headers["Set-Cookie"].split(";")[0]
        return response

    def csrf(self, path: str) -> str:
        page = self._request("GET", path).text
        match = re.search(r'name="csrf_token" value="([^"]+)"', page) or re.search(
            r'name="csrf-token" content="([^"]+)"', page
        )
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def log_in(self, email: str) -> None:
        token = self.csrf("/console/login")
        form = {"email": email, "password": PASSWORD.strip(), "csrf_token": token}
        response = self._request("POST", "/console/login", data=form)
        assert response.status_code == 302, response.text[:500]

    def get(self, path: str) -> requests.Response:
        return self._request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> requests.Response:
        token = self.csrf(path.rsplit("/", 1)[0])
        return self._request("POST", path, data={**form, "csrf_token": token})


def test_crisis_ack_conversation_done_and_a_call(prod: Production) -> None:
    _set_up_harbor(prod)
    _set_up_cove(prod)

    crisis = prod.text(MEMBER, HARBOR, CRISIS)
    assert "automated message" in crisis.text
    alert = _new(prod, FACILITATOR, 0, "the facilitator's alert")["Body"]
    case_id = int(re.search(r"ACK (\d+)", alert).group(1))  # type: ignore[union-attr]

    ack = prod.text(FACILITATOR, HARBOR, f"ACK {case_id}")
    assert f"case {case_id} is yours" in ack.text
    notice = _new(prod, MEMBER, 0, "the member's notice")
    assert notice["Body"] == (
        "Alice from Harbor has your message and will text you back from this number."
    )
    assert notice["From"] == HARBOR and FACILITATOR not in notice["Body"]

    assert prod.text(FACILITATOR, HARBOR, "Sam, I'm here. Are you safe?").messages == []
    relayed = _new(prod, MEMBER, 1, "the facilitator's text to the member")
    assert (relayed["Body"], relayed["From"]) == ("Alice: Sam, I'm here. Are you safe?", HARBOR)

    assert prod.text(MEMBER, HARBOR, "yes, at home now").messages == []
    back = _new(prod, FACILITATOR, 1, "the member's reply")
    assert (back["Body"], back["From"]) == (f"Case {case_id}: yes, at home now", HARBOR)

    # The same phone texting the other organisation reaches Cove, not Alice.
    cove = prod.text(MEMBER, COVE, "hello")
    assert cove.messages and prod.sent_to(COVE_FACILITATOR) == []

    _call_from_the_case_page(prod, case_id)

    done = prod.text(FACILITATOR, HARBOR, f"DONE {case_id} safe at home, plan agreed")
    assert f"Case {case_id} resolved" in done.text
    closing = prod.wait_for(
        lambda: [m for m in prod.sent_to(MEMBER) if "Thanks for talking with Alice" in m["Body"]],
        what="the closing text",
    )
    assert closing[0]["From"] == HARBOR

    checkin = prod.text(MEMBER, HARBOR, "3")
    assert checkin.messages and "Case" not in checkin.text
    rows = prod.sql("SELECT body FROM case_messages ORDER BY id")
    assert len(rows) == 2 and all("safe" not in r.body and "home" not in r.body for r in rows)
    assert prod.server_errors() == []


def _call_from_the_case_page(prod: Production, case_id: int) -> None:
    console = Console(prod)
    console.log_in("alice@harbor.example")
    page = console.get(f"/console/cases/{case_id}").text
    assert "yes, at home now" in page and "Call Sam" in page
    assert console.post(f"/console/cases/{case_id}/call", {}).status_code == 302
    placed = prod.wait_for(lambda: list(prod.twilio.calls), what="the Calls API request")[0]
    assert (placed["To"], placed["From"]) == (FACILITATOR, HARBOR)
    assert placed["Url"].startswith(PUBLIC_BASE_URL + "/twilio/voice/calls/")
    assert prod.twilio.rejected == []

    answer_path = placed["Url"][len(PUBLIC_BASE_URL) :]
    unsigned = requests.post(prod.base_url + answer_path, data={"CallSid": placed["Sid"]})
    assert unsigned.status_code == 403
    form = {"CallSid": placed["Sid"], "CallStatus": "in-progress"}
    prompt = check_twiml(prod.post_signed(answer_path, form).content)
    action = prompt.find("Gather").get("action")  # type: ignore[union-attr]
    connect = check_twiml(prod.post_signed(action, {**form, "Digits": "1"}).content)
    dial = connect.find("Dial")
    assert dial is not None and dial.get("callerId") == HARBOR
    assert [n.text for n in dial.iter("Number")] == [MEMBER]
    status_path = placed["StatusCallback"][len(PUBLIC_BASE_URL) :]
    ended = {"CallSid": placed["Sid"], "CallStatus": "completed", "CallDuration": "95"}
    assert prod.post_signed(status_path, ended).status_code == 204
    assert isinstance(connect, ElementTree.Element)
