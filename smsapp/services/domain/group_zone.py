"""A group's time zone changes: everything planned in it is planned again, and the
coordinator is told what moved.

Members who followed the group's zone follow it to the new one (a member who set their
own zone keeps it). Their pending check-ins and reminders are cancelled and planned anew
from the new zone. Meetings keep their wall-clock time ("7:00 PM") in the new zone, so
each one's instant moves; the change lists every series with its old and new time as
seen from the new zone, so nobody is surprised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Group, MeetingSeries, Member, Timer
from smsapp.models.timers import TimerKind
from smsapp.services.core import timers
from smsapp.services.domain.planning import member_plan
from smsapp.services.domain.schedule import format_local, to_utc
from smsapp.services.domain.schedule.plain import zone_label


@dataclass
class ZoneChange:
    """What a zone change moved, for the coordinator to read."""

    old_tz: str
    new_tz: str
    members_moved: int = 0
    timers_replanned: int = 0
    meetings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        moved = "; ".join(self.meetings) if self.meetings else "no meetings"
        return (
            f"Time zone changed from {zone_label(self.old_tz)} to {zone_label(self.new_tz)}: "
            f"{self.members_moved} member{'s' if self.members_moved != 1 else ''} moved to "
            f"the new zone, {self.timers_replanned} check-ins and reminders planned again. "
            f"Meetings keep their local time: {moved}."
        )


def retime_group(session: Session, group: Group, old_tz: str, now: datetime) -> ZoneChange:
    """Re-plan everything of `group` after its zone changed from `old_tz` (not committed)."""
    change = ZoneChange(old_tz, group.tz)
    members = list(session.scalars(select(Member).where(Member.group_id == group.id)))
    for member in members:
        if member.tz == old_tz:
            member.tz = group.tz
            member.updated_at = now
            change.members_moved += 1
    ids = [m.id for m in members]
    if ids:
        timers.cancel(
            session,
            Timer.member_id.in_(ids),
            Timer.kind.in_((TimerKind.CHECKIN, TimerKind.REMINDER)),
        )
        session.flush()
    agenda = member_plan.load_agenda(session, group, now, member_plan.PLAN_HORIZON)
    wanted = [p for m in members for p in member_plan.wanted_timers(m, agenda, now)]
    change.timers_replanned = member_plan.apply_plan(session, wanted, now)
    change.meetings = _meeting_moves(session, group, old_tz)
    return change


def _meeting_moves(session: Session, group: Group, old_tz: str) -> list[str]:
    lines = []
    series_rows = session.scalars(
        select(MeetingSeries).where(MeetingSeries.group_id == group.id).order_by(MeetingSeries.id)
    )
    for series in series_rows:
        start = datetime.fromisoformat(series.start_local)
        before = format_local(to_utc(start, old_tz), group.tz)
        after = format_local(to_utc(start, group.tz), group.tz)
        lines.append(f"{series.title} was {before}, now {after} {zone_label(group.tz)}")
    return lines
