"""RSVPs to meeting reminders, and HEADCOUNT (placeholder until the scheduling work lands)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from smsapp.models import Member, User


def record_from_session(
    session: Session, member: Member, context: dict[str, Any], answer: str, now: datetime
) -> None:
    """Record the member's answer for the meeting the reminder flow is about."""


def headcount_text(session: Session, user: User, now: datetime) -> str:
    return "No upcoming meeting."
