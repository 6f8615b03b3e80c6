"""Shared steps for the safety transcripts: waiting flows, status callbacks, case lookups."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from twilio.request_validator import RequestValidator

from smsapp.models import Case, Member, OutboxMessage
from smsapp.runtime import Runtime
from smsapp.services.conversation import conversations
from tests.factories import World

CRISIS = "I can't do this anymore, I want to end it all"
SAFE_WORDS = ("end it all", "die", "Sam", "Maria", "Lee", "score", "mood")


def start_flow(runtime: Runtime, world: World, who: str, flow_id: str, **context: Any) -> None:
    """Leave a flow waiting for `who`'s reply, as the scheduler would."""
    with runtime.session() as s:
        member = s.get(Member, world.members[who].id)
        assert member is not None
        conversations.start_flow(s, member, flow_id, runtime.now(), context=context or None)
        s.commit()


def cases(runtime: Runtime) -> list[Case]:
    with runtime.session() as s:
        return list(s.scalars(select(Case).order_by(Case.id)))


def member(runtime: Runtime, world: World, who: str) -> Member:
    with runtime.session() as s:
        found = s.get(Member, world.members[who].id)
        assert found is not None
        return found


def escalation_rows(runtime: Runtime, user_id: int) -> list[OutboxMessage]:
    with runtime.session() as s:
        return list(
            s.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.user_id == user_id, OutboxMessage.kind == "escalation")
                .order_by(OutboxMessage.id)
            )
        )


def post_status(client: Any, runtime: Runtime, sid: str, status: str, code: str = "") -> int:
    """POST /twilio/status signed exactly as Twilio signs it."""
    form = {"MessageSid": sid, "MessageStatus": status}
    if code:
        form["ErrorCode"] = code
    url = runtime.settings.public_base_url + "/twilio/status"
    signature = RequestValidator(runtime.settings.twilio_auth_token).compute_signature(url, form)
    response = client.post("/twilio/status", data=form, headers={"X-Twilio-Signature": signature})
    return int(response.status_code)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def assert_private(texts: list[str]) -> None:
    """Escalation texts carry no member text, no name and no score."""
    for body in texts:
        for word in SAFE_WORDS:
            assert word.lower() not in body.lower(), (word, body)
