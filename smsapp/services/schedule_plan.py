"""Planning a member's scheduled sends (placeholder until the scheduling work lands)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.models import Member


def plan_member(session: Session, member: Member, now: datetime) -> None:
    """Create the member's next check-in and reminder timers."""
