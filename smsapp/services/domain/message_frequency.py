"""How many texts a week a member of a group can expect, for the join disclosure.

Counted from the group's own plans: a check-in on each check-in day, and each reminder of
each meeting in the next eight weeks; the busiest week is what the disclosure promises
("up to N msgs/week"). Answers to a member's own texts are not counted (they asked).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Group, MeetingSeries
from smsapp.services.domain import calendar

WEEKS_AHEAD = 8


def texts_per_week(session: Session, group: Group, now: datetime) -> int:
    """The most scheduled texts any member of `group` gets in one of the next 8 weeks."""
    checkins = len(set(group.checkin_days)) if group.checkin_time is not None else 0
    weeks = [0] * WEEKS_AHEAD
    end = now + timedelta(weeks=WEEKS_AHEAD)
    for series in session.scalars(select(MeetingSeries).where(MeetingSeries.group_id == group.id)):
        reminders = len(calendar.offsets_of(series))
        for occurrence in calendar.between(session, series, group, now, end):
            weeks[(occurrence.start_utc - now) // timedelta(weeks=1)] += reminders
    return checkins + max(weeks)
