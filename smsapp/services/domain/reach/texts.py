"""Texts of the conversation that staff phones get: a case number, never the member's name
or number (a lock screen may be seen by others), and what to text back. The wording is
in the text catalogue (smsapp/data/texts.yaml)."""

from __future__ import annotations

from smsapp.models import User
from smsapp.services.core.texts import text


def first_name(user: User) -> str:
    return (user.name or "").split(" ")[0] or "A facilitator"


def signed(user: User, body: str) -> str:
    """A facilitator's message as the member gets it: their first name, then their words."""
    return text("relay_to_member", facilitator=first_name(user), words=body)


def from_member(case_id: int, body: str) -> str:
    """The member's text as the facilitator gets it."""
    return text("relay_from_member", case_id=case_id, words=body)


def taken(case_id: int, told_member: bool) -> str:
    """The answer to ACK: what texting now does."""
    if not told_member:
        return text("ack_taken_unreachable", case_id=case_id)
    return text("ack_taken_conversation", case_id=case_id)


def which(case_ids: list[int]) -> str:
    """A plain text with several conversations open: ask which one."""
    listed = ", ".join(str(i) for i in case_ids)
    return text("relay_which", count=len(case_ids), cases=listed, first=case_ids[0])


def not_sent(case_id: int, reason: str, link: str) -> str:
    return text("relay_not_sent", case_id=case_id, reason=reason, link=link).strip()


def handed_to_you(case_id: int, by: User, link: str) -> str:
    return text("case_handed_to_you", case_id=case_id, by=first_name(by), link=link)
