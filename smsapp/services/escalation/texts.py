"""Escalation texts: a case number, urgency and group; never member text, name or score."""

from __future__ import annotations

from smsapp.models import Case, User


def alert(case: Case, group_name: str) -> str:
    label = "URGENT" if case.urgency == "urgent" else "Check-in"
    return (
        f"smsapp {label}: case {case.id}, {group_name}, needs a person. "
        f"Reply ACK {case.id} to take it, DONE {case.id} when resolved. Details in the console."
    )


def acked(case: Case, user: User) -> str:
    return f"smsapp: case {case.id} was taken by {user.name.split(' ')[0]}. No action needed."
