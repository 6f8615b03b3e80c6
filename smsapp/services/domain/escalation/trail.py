"""A case's trail: each step written as a CaseEvent (the rule that fired, never the
member's text) and read back in plain words for the console and the API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.models import Case, CaseEvent

SOURCES = {
    "crisis": "a crisis text",
    "flow": "a check-in answer",
    "talk": "the member asked for a person",
    "pattern": "a run of low moods",
    "safety_check": "the safety check",
}
HEADINGS = {
    "opened": "Opened",
    "raised": "Raised",
    "signal": "Another signal",
    "notified": "Texted",
    "unreachable": "Nobody reached",
    "alarm": "Coordinators alerted",
    "exhausted": "No answer",
    "failed": "Text failed",
    "delivery": "Delivery",
    "acked": "Taken",
    "reminded": "Reminder",
    "resolved": "Resolved",
}


def people(n: int) -> str:
    """ "1 person", "2 people", "nobody"."""
    if n == 0:
        return "nobody"
    return "1 person" if n == 1 else f"{n} people"


def source_words(source: str) -> str:
    return SOURCES.get(source, source)


def event(
    session: Session,
    case: Case,
    now: datetime,
    kind: str,
    *,
    user_id: int | None = None,
    detail: str = "",
) -> None:
    session.add(CaseEvent(case_id=case.id, at=now, kind=kind, user_id=user_id, detail=detail[:120]))


def describe(event_: CaseEvent, who: str) -> tuple[str, str]:
    """(heading, sentence) for one step of the trail, e.g. ("Texted", "Level 2 (on
    call), round 3: texted 1 person")."""
    heading = HEADINGS.get(event_.kind, event_.kind.replace("_", " ").capitalize())
    detail = event_.detail
    if event_.kind == "delivery":
        status = detail.rsplit(": ", 1)[-1]
        return heading, f"Text to {who or 'a responder'}: {status}"
    if event_.kind == "acked":
        return heading, f"{who or 'Someone'} took the case"
    if event_.kind == "resolved":
        return heading, f"{who or 'Someone'} closed the case with a note"
    if event_.kind == "reminded":
        return heading, f"{who or 'The person who took it'} was reminded to close it"
    if event_.kind in ("opened", "raised", "signal"):
        source, _, reason = detail.partition(": ")
        return heading, f"{reason or source} (from {source_words(source)})" if reason else detail
    if who:
        return heading, f"by {who}: {detail}" if detail else f"by {who}"
    return heading, detail
