"""Escalation texts: case number, urgency, group code, level, alert number, how long the
case has been open, how to answer, and a link.

Never the member's text, name, number or score: these go to phones that others may
see, and the console (behind a login) is where a responder reads the details. The
wording is in the text catalogue (smsapp/data/texts.yaml), which keeps every one of
these to the GSM-7 alphabet (no curly quotes, no middle dots), so a long one costs
153-character parts instead of 67.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from smsapp.models.escalations import Urgency
from smsapp.services.core.texts import text


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
        urgent = self.urgency == Urgency.URGENT
        return text("case_label_urgent" if urgent else "case_label", case_id=self.case_id)


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def age(open_for: timedelta) -> str:
    """ "just opened", "open 25 min", "open 2 h 5 min", "open 3 days"."""
    minutes = int(open_for.total_seconds() // 60)
    if minutes < 1:
        return text("case_age_new")
    if minutes < 60:
        return text("case_age_minutes", minutes=minutes)
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        if rest:
            return text("case_age_hours_minutes", hours=hours, minutes=rest)
        return text("case_age_hours", hours=hours)
    return text("case_age_days", days=minutes // (24 * 60))


def _common(facts: AlertFacts) -> dict[str, object]:
    return {
        "label": facts.label,
        "group_code": facts.group_code,
        "age": age(facts.open_for),
        "case_id": facts.case_id,
        "link": facts.link,
    }


def alert(facts: AlertFacts) -> str:
    """The text a responder gets when a case reaches their level, e.g.
    "URGENT case 12 (HOPE) - open 25 min - level 2, 3rd alert. Reply ACK 12 ..."."""
    return text(
        "escalation_alert", "en", level=facts.level, ordinal=ordinal(facts.alert), **_common(facts)
    )


def taken(case_id: int, taker_first_name: str) -> str:
    """Told to everyone else who was alerted once someone acknowledges."""
    return text("escalation_taken", case_id=case_id, taker=taker_first_name)


def follow_up(case_id: int) -> str:
    """The acknowledger has not resolved the case yet."""
    return text("escalation_follow_up", case_id=case_id)


def nobody_reached(facts: AlertFacts, levels: str) -> str:
    """The coordinators' alarm, at once: levels of the policy reached nobody (`levels`
    says which and why: "level 1 (the group's facilitators): every text to them failed")."""
    return text("escalation_alarm_nobody", "en", levels=levels, **_common(facts))


def unacknowledged(facts: AlertFacts) -> str:
    """The coordinators' alarm: every level was texted and nobody answered."""
    return text("escalation_alarm_unacknowledged", "en", **_common(facts))
