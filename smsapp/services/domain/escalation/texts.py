"""Escalation texts: case number, urgency, group code, how to answer and a link.

Never the member's text, name, number or score: these go to phones that others may
see, and the console (behind a login) is where a responder reads the details.
"""

from __future__ import annotations


def alert(case_id: int, urgency: str, group_code: str, link: str) -> str:
    """The text a responder gets when a case reaches their level."""
    label = "URGENT case" if urgency == "urgent" else "Case"
    return (
        f"{label} {case_id} ({group_code}): a member needs a person. "
        f"Reply ACK {case_id} to take it, DONE {case_id} <note> when resolved. {link}"
    )


def taken(case_id: int, taker_first_name: str) -> str:
    """Told to everyone else who was alerted once someone acknowledges."""
    return f"Case {case_id} was taken by {taker_first_name}. No action needed."


def follow_up(case_id: int) -> str:
    """The acknowledger has not resolved the case yet."""
    return (
        f"Case {case_id} is still open. Reply DONE {case_id} <note> when resolved, "
        "or ask your coordinator to pass it on."
    )


def unacknowledged(case_id: int, group_code: str, link: str) -> str:
    """The coordinators' alarm: every level was texted and nobody answered."""
    return (
        f"ALARM: case {case_id} ({group_code}) has not been acknowledged by anyone. "
        f"Reply ACK {case_id} to take it. {link}"
    )
