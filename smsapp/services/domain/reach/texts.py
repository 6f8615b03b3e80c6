"""Texts of the conversation that staff phones get: a case number, never the member's name
or number (a lock screen may be seen by others), and what to text back."""

from __future__ import annotations

from smsapp.models import User


def first_name(user: User) -> str:
    return (user.name or "").split(" ")[0] or "A facilitator"


def signed(user: User, body: str) -> str:
    """A facilitator's message as the member gets it: their first name, then their words."""
    return f"{first_name(user)}: {body}"


def from_member(case_id: int, body: str) -> str:
    """The member's text as the facilitator gets it."""
    return f"Case {case_id}: {body}"


def taken(case_id: int, told_member: bool) -> str:
    """The answer to ACK: what texting now does."""
    if not told_member:
        return (
            f"Thanks, case {case_id} is yours. Texts cannot reach this member: "
            f"call them from the case page. DONE {case_id} <note> when resolved."
        )
    return (
        f"Thanks, case {case_id} is yours; the member knows you will text. Anything you "
        f"text here goes to them (R {case_id} <text> if you have several). "
        f"DONE {case_id} <note> when resolved."
    )


def which(case_ids: list[int]) -> str:
    """A plain text with several conversations open: ask which one."""
    listed = ", ".join(str(i) for i in case_ids)
    return (
        f"You have {len(case_ids)} open conversations (cases {listed}). "
        f"Reply R {case_ids[0]} <text> to choose one. Nothing was sent."
    )


def not_sent(case_id: int, reason: str, link: str) -> str:
    return f"Case {case_id}: not sent. {reason} {link}".strip()


def handed_to_you(case_id: int, by: User, link: str) -> str:
    return (
        f"Case {case_id} was passed to you by {first_name(by)}. Texts you send here go to "
        f"the member (R {case_id} <text>). DONE {case_id} <note> when resolved. {link}"
    )
