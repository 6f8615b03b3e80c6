"""Escalation texts: case number, urgency, group code, level, alert number, how long the
case has been open, how to answer, and a link.

Never the member's text, name, number or score: these go to phones that others may
see, and the console (behind a login) is where a responder reads the details. Every text
here keeps to the GSM-7 alphabet (no curly quotes, no middle dots), so a long one costs
153-character parts instead of 67.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from smsapp.models.escalations import Urgency


@dataclass(frozen=True)
class AlertFacts:
    """What a responder needs to judge an alert at a glance."""

    case_id: int
    urgency: str
    group_code: str
    level: int  # 1-based
    alert: int  # 1-based: the how-manieth text about this case at this level
    open_for: timedelta
    link: str

    @property
    def label(self) -> str:
        return (
            f"URGENT case {self.case_id}"
            if self.urgency == Urgency.URGENT
            else f"Case {self.case_id}"
        )


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def age(open_for: timedelta) -> str:
    """ "just opened", "open 25 min", "open 2 h 5 min", "open 3 days"."""
    minutes = int(open_for.total_seconds() // 60)
    if minutes < 1:
        return "just opened"
    if minutes < 60:
        return f"open {minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"open {hours} h {rest} min" if rest else f"open {hours} h"
    return f"open {minutes // (24 * 60)} days"


def alert(facts: AlertFacts) -> str:
    """The text a responder gets when a case reaches their level, e.g.
    "URGENT case 12 (HOPE) - open 25 min - level 2, 3rd alert. Reply ACK 12 ..."."""
    return (
        f"{facts.label} ({facts.group_code}) - {age(facts.open_for)} - level {facts.level}, "
        f"{ordinal(facts.alert)} alert. A member needs a person. Reply ACK {facts.case_id} "
        f"to take it, DONE {facts.case_id} <note> when resolved. {facts.link}"
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


def nobody_reached(facts: AlertFacts, levels: str) -> str:
    """The coordinators' alarm, at once: levels of the policy reached nobody (`levels`
    says which and why: "level 1 (the group's facilitators): every text to them failed")."""
    return (
        f"ALARM: {facts.label} ({facts.group_code}) - {age(facts.open_for)}. Nobody could be "
        f"texted at {levels}. Reply ACK {facts.case_id} to take it. {facts.link}"
    )


def unacknowledged(facts: AlertFacts) -> str:
    """The coordinators' alarm: every level was texted and nobody answered."""
    return (
        f"ALARM: {facts.label} ({facts.group_code}) - {age(facts.open_for)}. Every level "
        f"has been texted and nobody has taken it. Reply ACK {facts.case_id} to take it. "
        f"{facts.link}"
    )
