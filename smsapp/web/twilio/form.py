"""Reading Twilio's inbound form without refusing anything Twilio can deliver.

Only a bad signature is refused (403, before this runs). Whatever else arrives, odd
MessageSids, senders the phone library does not know, NUL bytes, is made storable here
so the text is stored, screened and answered: Twilio does not retry a 4xx, so refusing
a text would lose it, a crisis text included.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from smsapp.phones import inbound_address

MAX_BODY = 1600
_PLAIN_SID = re.compile(r"^[A-Za-z0-9]{1,64}$")


@dataclass(frozen=True)
class InboundText:
    sid: str
    sender: str
    to: str
    body: str


def read_inbound(form: Mapping[str, str]) -> InboundText:
    return InboundText(
        sid=message_key(form.get("MessageSid", "")),
        sender=inbound_address(form.get("From", "")),
        to=inbound_address(form.get("To", "")),
        body=form.get("Body", "").replace("\x00", "")[:MAX_BODY],
    )


def message_key(raw: str) -> str:
    """The MessageSid as stored (64 characters at most): as sent when plain, else a digest.

    A digest keeps retries of the same odd sid deduplicated; a missing sid gets a unique
    key, because a text without one can still matter.
    """
    sid = raw.strip()
    if _PLAIN_SID.match(sid):
        return sid
    if not sid:
        return "NOSID" + uuid.uuid4().hex
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
    return "H" + digest[:63]
