"""Playing Twilio's side of a call: signed voice webhooks, and TwiML read back and checked.

`check_twiml` holds the answer to the verbs, attributes and nesting Twilio documents for
<Response> (https://www.twilio.com/docs/voice/twiml): an element or attribute Twilio does
not know, a verb nested where it is not allowed, an empty <Say>, a non-numeric digit
count, or a caller ID that is not E.164 fails the test the way Twilio would fail the call.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from twilio.request_validator import RequestValidator

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# element: (allowed attributes, allowed children, text allowed)
TWIML: dict[str, tuple[set[str], set[str], bool]] = {
    "Response": (set(), {"Say", "Gather", "Dial", "Hangup", "Pause", "Play", "Redirect"}, False),
    "Say": ({"voice", "language", "loop"}, set(), True),
    "Gather": (
        {
            "action",
            "method",
            "numDigits",
            "timeout",
            "actionOnEmptyResult",
            "finishOnKey",
            "input",
            "language",
        },
        {"Say", "Play", "Pause"},
        False,
    ),
    "Dial": (
        {"action", "method", "callerId", "timeout", "timeLimit", "answerOnBridge", "record"},
        {"Number"},
        False,
    ),
    "Number": ({"sendDigits", "url", "method", "statusCallback"}, set(), True),
    "Hangup": (set(), set(), False),
    "Pause": ({"length"}, set(), False),
}
_sids = itertools.count(1)


def check_twiml(raw: bytes) -> ElementTree.Element:
    """Parse a voice webhook's answer and fail on anything Twilio would refuse."""
    root = ElementTree.fromstring(raw)
    assert root.tag == "Response", root.tag
    _check(root)
    return root


def _check(element: ElementTree.Element) -> None:
    attributes, children, has_text = TWIML[element.tag]
    assert set(element.attrib) <= attributes, (element.tag, element.attrib)
    text = (element.text or "").strip()
    assert bool(text) == has_text, (element.tag, text)
    if element.tag == "Gather":
        assert element.get("numDigits", "1").isdigit() and element.get("timeout", "5").isdigit()
        assert element.get("method", "POST") in ("GET", "POST")
    if element.tag == "Dial":
        assert E164.match(element.get("callerId", "")), element.attrib
        assert element.get("timeout", "30").isdigit()
    if element.tag == "Number":
        assert E164.match(text), "a <Number> is E.164"
    for child in element:
        assert child.tag in children, f"<{child.tag}> inside <{element.tag}>"
        _check(child)


@dataclass
class Step:
    """A webhook's answer: status, the TwiML root (None for 204), what was said."""

    status: int
    root: ElementTree.Element | None

    @property
    def said(self) -> str:
        if self.root is None:
            return ""
        return " ".join((e.text or "").strip() for e in self.root.iter("Say"))

    @property
    def gather_action(self) -> str | None:
        gather = None if self.root is None else self.root.find("Gather")
        return None if gather is None else gather.get("action")

    @property
    def dial(self) -> ElementTree.Element | None:
        return None if self.root is None else self.root.find("Dial")


class TwilioVoice:
    """Twilio's side of one placed call: it fetches TwiML and reports back, signed."""

    def __init__(self, client: Any, public_base: str, auth_token: str, sid: str = "") -> None:
        self.client = client
        self.public_base = public_base.rstrip("/")
        self.validator = RequestValidator(auth_token)
        self.sid = sid or f"CA{next(_sids):032d}"

    def post(self, url: str, sign: bool = True, **form: str) -> Step:
        """POST to `url` (absolute public URL or a path) as Twilio does."""
        path = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        data = {"CallSid": self.sid, "AccountSid": "AC" + "0" * 32, **form}
        headers = {}
        if sign:
            signature = self.validator.compute_signature(self.public_base + path, data)
            headers["X-Twilio-Signature"] = signature
        response = self.client.post(path, data=data, headers=headers)
        if response.status_code != 200:
            return Step(response.status_code, None)
        return Step(200, check_twiml(response.data))

    def answer(self, answer_url: str) -> Step:
        return self.post(answer_url, CallStatus="in-progress")

    def press(self, step: Step, digits: str) -> Step:
        assert step.gather_action, "the call did not ask for a key"
        return self.post(step.gather_action, Digits=digits, CallStatus="in-progress")

    def dialed(self, step: Step, status: str) -> Step:
        assert step.dial is not None, "the call did not dial anyone"
        return self.post(step.dial.get("action", ""), DialCallStatus=status)

    def ended(self, status_url: str, status: str, duration: int = 0) -> int:
        form = {"CallStatus": status, "CallDuration": str(duration)}
        return self.post(status_url, **form).status
