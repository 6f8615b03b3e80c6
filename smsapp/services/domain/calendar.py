"""The meeting calendar, read side: a group's occurrences with cancellations and moves
applied, the reminder offsets of a series, and who said NO.

An occurrence is identified by its *original* start in UTC (the key exceptions, RSVPs
and reminder timers share). Planning and RSVPs read the calendar; `meetings` changes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Group, MeetingException, MeetingSeries, Rsvp
from smsapp.models.meetings import MeetingChange, RsvpAnswer
from smsapp.services.domain.schedule import MeetingSeriesSpec, Occurrence, occurrences, require_utc

MAX_OFFSET_MINUTES = 14 * 24 * 60


@dataclass(frozen=True)
class Upcoming:
    series: MeetingSeries
    occurrence: Occurrence


def spec_of(series: MeetingSeries, group: Group) -> MeetingSeriesSpec:
    return MeetingSeriesSpec(
        series.rrule, datetime.fromisoformat(series.start_local), series.duration_minutes, group.tz
    )


def offsets_of(series: MeetingSeries) -> list[timedelta]:
    """The series' reminder offsets ("1440,120" -> 24 h and 2 h)."""
    found = [int(p) for p in series.reminder_offsets_minutes.split(",") if p.strip()]
    return [timedelta(minutes=m) for m in found if m > 0]


def between(
    session: Session, series: MeetingSeries, group: Group, start: datetime, end: datetime
) -> list[Occurrence]:
    """The series' occurrences that start in [start, end), cancellations and moves applied."""
    cancelled, moved = _exceptions(session, series.id)
    return occurrences(spec_of(series, group), start, end, cancelled, moved)


def upcoming(
    session: Session, groups: Iterable[Group], start: datetime, end: datetime
) -> list[Upcoming]:
    """Every meeting of `groups` starting in [start, end), soonest first."""
    found: list[Upcoming] = []
    for group in groups:
        for series in session.scalars(
            select(MeetingSeries).where(MeetingSeries.group_id == group.id)
        ):
            found += [Upcoming(series, occ) for occ in between(session, series, group, start, end)]
    return sorted(found, key=lambda u: (u.occurrence.start_utc, u.series.id))


def find_occurrence(
    session: Session, series: MeetingSeries, original_start: datetime
) -> Occurrence | None:
    """The occurrence with this original start (moved or not), None if cancelled or not one."""
    original = require_utc(original_start, "original_start")
    group = session.get(Group, series.group_id)
    assert group is not None
    cancelled, moved = _exceptions(session, series.id)
    if original in cancelled:
        return None
    spec = spec_of(series, group)
    if not occurrences(spec, original, original + timedelta(seconds=1)):
        return None
    new_start = moved.get(original, original)
    duration = timedelta(minutes=series.duration_minutes)
    return Occurrence(original, new_start, new_start + duration, original in moved)


def said_no(session: Session, series_id: int, original_start: datetime) -> set[int]:
    """Ids of members who answered NO for this occurrence."""
    rows = session.scalars(
        select(Rsvp.member_id).where(
            Rsvp.series_id == series_id,
            Rsvp.occurrence_start == original_start,
            Rsvp.answer == RsvpAnswer.NO,
        )
    )
    return set(rows)


def reminder_key_prefix(series_id: int, original_start: datetime) -> str:
    return f"reminder:{series_id}:{require_utc(original_start).isoformat()}:"


def _exceptions(session: Session, series_id: int) -> tuple[set[datetime], dict[datetime, datetime]]:
    rows = session.scalars(select(MeetingException).where(MeetingException.series_id == series_id))
    cancelled: set[datetime] = set()
    moved: dict[datetime, datetime] = {}
    for row in rows:
        if row.kind == MeetingChange.CANCELLED:
            cancelled.add(row.original_start)
        elif row.new_start is not None:
            moved[row.original_start] = row.new_start
    return cancelled, moved
