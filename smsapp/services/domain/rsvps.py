"""RSVPs to meeting reminders, and the HEADCOUNT a facilitator can text for.

A NO cancels that member's later reminders for the same meeting occurrence (and the
planner never plans them again). HEADCOUNT gives counts only, never names: it is
read on a phone screen that others may see.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.flows import actions as act
from smsapp.models import Group, Member, Rsvp, Timer, User
from smsapp.models.meetings import RsvpAnswer
from smsapp.models.members import MemberStatus
from smsapp.models.timers import TimerKind
from smsapp.services.core import timers
from smsapp.services.core.action_handlers import ActionCall, handles
from smsapp.services.core.texts import text
from smsapp.services.domain import calendar
from smsapp.services.domain.schedule import format_local

log = logging.getLogger(__name__)
HEADCOUNT_LOOKAHEAD = timedelta(days=62)


def record_from_session(
    session: Session, member: Member, context: dict[str, Any], answer: str, now: datetime
) -> None:
    """Record the member's answer for the meeting the reminder flow is about."""
    series_id, occurrence = context.get("series_id"), context.get("occurrence")
    if answer not in list(RsvpAnswer) or series_id is None or not occurrence:
        log.warning("rsvp.without_meeting", extra={"member_id": member.id})
        return
    record(session, member, int(series_id), datetime.fromisoformat(str(occurrence)), answer, now)


@handles(act.Rsvp)
def _rsvp_action(call: ActionCall, action: act.Rsvp) -> None:
    record_from_session(
        call.session, call.member, call.flow_session.context, action.answer, call.now
    )


def record(
    session: Session,
    member: Member,
    series_id: int,
    occurrence: datetime,
    answer: str,
    now: datetime,
) -> Rsvp:
    """Store (or change) one member's answer for one occurrence; NO stops its reminders."""
    row = session.scalar(
        select(Rsvp).where(
            Rsvp.member_id == member.id,
            Rsvp.series_id == series_id,
            Rsvp.occurrence_start == occurrence,
        )
    )
    if row is None:
        row = Rsvp(member_id=member.id, series_id=series_id, occurrence_start=occurrence)
        session.add(row)
    row.answer = answer
    row.at = now
    if answer == RsvpAnswer.NO:
        prefix = f"{calendar.reminder_key_prefix(series_id, occurrence)}{member.id}:"
        timers.cancel(
            session, Timer.kind == TimerKind.REMINDER, Timer.key.startswith(prefix, autoescape=True)
        )
    session.flush()
    return row


def headcount_text(session: Session, user: User, now: datetime) -> str:
    """The next meeting of each of the user's groups with YES / NO / LATER / no-answer counts."""
    groups = _groups_of(session, user)
    lines = []
    for group in groups:
        found = calendar.upcoming(session, [group], now, now + HEADCOUNT_LOOKAHEAD)
        if found:
            lines.append(_headcount_line(session, group, found[0]))
    return "\n".join(lines) if lines else text("headcount_none")


def counts(session: Session, group_id: int, series_id: int, occurrence: datetime) -> Counter[str]:
    """Answers for one occurrence among the group's members who receive texts."""
    members = set(
        session.scalars(
            select(Member.id).where(
                Member.group_id == group_id, Member.status == MemberStatus.ACTIVE
            )
        )
    )
    answers = session.execute(
        select(Rsvp.member_id, Rsvp.answer).where(
            Rsvp.series_id == series_id, Rsvp.occurrence_start == occurrence
        )
    )
    tally: Counter[str] = Counter()
    answered: set[int] = set()
    for member_id, answer in answers:
        tally[answer] += 1
        answered.add(member_id)
    tally["none"] = len(members - answered)
    return tally


def _headcount_line(session: Session, group: Group, item: calendar.Upcoming) -> str:
    occ = item.occurrence
    tally = counts(session, group.id, item.series.id, occ.original_start_utc)
    when = format_local(occ.start_utc, group.tz)
    return text(
        "headcount_line",
        group=group.name,
        when=when,
        yes=tally["yes"],
        no=tally["no"],
        later=tally["later"],
        none=tally["none"],
    )


def _groups_of(session: Session, user: User) -> list[Group]:
    """A facilitator's own groups; a coordinator without groups sees the organisation's."""
    if user.groups:
        return sorted(user.groups, key=lambda g: g.id)
    if not user.is_coordinator:
        return []
    return list(
        session.scalars(
            select(Group)
            .where(Group.organisation_id == user.organisation_id, Group.sandbox.is_(False))
            .order_by(Group.id)
        )
    )
