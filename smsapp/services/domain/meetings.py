"""Meetings: adding series and one-off meetings, cancelling or moving one occurrence.

Cancelling or moving one texts every member of the group who had not answered NO for
it, through `meeting_notice` timers so quiet hours apply; the notice itself is a
"system" text, not bulk, so it is never queued behind fan-outs. Reading the calendar is
`calendar`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import FlowSession, Group, MeetingException, MeetingSeries, Member, Timer
from smsapp.models.meetings import MeetingChange
from smsapp.models.timers import TimerKind
from smsapp.services.core import timers
from smsapp.services.domain import calendar, flow_sessions
from smsapp.services.domain.calendar import MAX_OFFSET_MINUTES
from smsapp.services.domain.planning import member_plan
from smsapp.services.domain.schedule import (
    MeetingSeriesSpec,
    Occurrence,
    require_utc,
    shift_later,
    to_utc,
    validate_rrule,
)

log = logging.getLogger(__name__)


# Texts about a cancelled or moved meeting wait this long, so a slip can be undone
# (`meeting_series.undo_change`) before anyone is told.
UNDO_WINDOW = timedelta(minutes=2)


class MeetingError(ValueError):
    """A meeting change that cannot be made; the message is fit to show a coordinator."""


def create_series(
    session: Session,
    group: Group,
    *,
    title: str,
    start_local: datetime | str,
    now: datetime,
    rrule: str = "",
    duration_minutes: int = 60,
    location: str = "",
    reminder_offsets_minutes: Sequence[int] = (1440, 120),
) -> MeetingSeries:
    """Add a meeting series (RFC 5545 `rrule`) or, with `rrule=""`, a one-off meeting.

    `start_local` is a naive wall time in the group's zone. Raises MeetingError.
    """
    start = parse_start(start_local)
    title = title.strip()
    if not title:
        raise MeetingError("a meeting needs a title")
    try:
        rule = validate_rrule(rrule)
        MeetingSeriesSpec(rule, start, duration_minutes, group.tz)
    except ValueError as exc:
        raise MeetingError(str(exc)) from None
    if not rule and to_utc(start, group.tz) <= require_utc(now):
        raise MeetingError("a one-off meeting must start in the future")
    series = MeetingSeries(
        group_id=group.id,
        title=title[:120],
        rrule=rule,
        start_local=start.isoformat(timespec="seconds"),
        duration_minutes=duration_minutes,
        location=location.strip()[:200],
        reminder_offsets_minutes=offsets_text(reminder_offsets_minutes),
        created_at=now,
    )
    session.add(series)
    session.flush()
    plan_group(session, group, now)
    return series


def create_one_off(
    session: Session,
    group: Group,
    *,
    title: str,
    start_local: datetime | str,
    now: datetime,
    **options: Any,
) -> MeetingSeries:
    """A single meeting (a series without a recurrence rule); options as `create_series`."""
    return create_series(
        session, group, title=title, start_local=start_local, now=now, rrule="", **options
    )


def cancel_occurrence(
    session: Session,
    series: MeetingSeries,
    original_start: datetime,
    now: datetime,
    notify_after: timedelta = timedelta(0),
) -> int:
    """Cancel one meeting; returns how many members will be told. Raises MeetingError.

    The notices wait `notify_after` (the console's undo window, see `undo_change`)."""
    occ = _require_future(session, series, original_start, now)
    _set_exception(session, series.id, occ.original_start_utc, MeetingChange.CANCELLED, None)
    _cancel_reminders(session, series.id, occ.original_start_utc)
    _end_reminder_sessions(session, series.id, occ.original_start_utc)
    log.info("meeting.cancelled", extra={"group_id": series.group_id})
    return _notify(session, series, occ, "cancelled", None, now, notify_after)


def move_occurrence(
    session: Session,
    series: MeetingSeries,
    original_start: datetime,
    new_start: datetime,
    now: datetime,
    notify_after: timedelta = timedelta(0),
) -> int:
    """Move one meeting to `new_start` (aware, or naive wall time in the group's zone).

    Reminders are re-planned for the new time; returns how many members will be told.
    Raises MeetingError.
    """
    occ = _require_future(session, series, original_start, now)
    group = session.get(Group, series.group_id)
    assert group is not None
    moved_to = require_utc(new_start) if new_start.tzinfo else to_utc(new_start, group.tz)
    if moved_to <= require_utc(now):
        raise MeetingError("a meeting can only be moved to a time in the future")
    if moved_to == occ.start_utc:
        raise MeetingError("the meeting already starts then")
    _set_exception(session, series.id, occ.original_start_utc, MeetingChange.MOVED, moved_to)
    _cancel_reminders(session, series.id, occ.original_start_utc)
    session.flush()
    plan_group(session, group, now)
    log.info("meeting.moved", extra={"group_id": series.group_id})
    return _notify(session, series, occ, "moved", moved_to, now, notify_after)


def parse_start(value: datetime | str) -> datetime:
    try:
        start = value if isinstance(value, datetime) else datetime.fromisoformat(value.strip())
    except ValueError:
        raise MeetingError(f"{value!r} is not a date and time like 2026-03-03T19:00") from None
    if start.tzinfo is not None:
        raise MeetingError("give the start as a local wall time in the group's time zone")
    if not 2000 <= start.year <= 2200:  # far-off years overflow on the way to UTC
        raise MeetingError(f"{start:%Y-%m-%d} is not a date a meeting can be on")
    return start.replace(second=0, microsecond=0)


def offsets_text(offsets: Sequence[int]) -> str:
    values = sorted({int(m) for m in offsets}, reverse=True)
    if any(m <= 0 or m > MAX_OFFSET_MINUTES for m in values):
        raise MeetingError("reminder offsets are minutes before the meeting, 1 to 20160 (14 days)")
    text = ",".join(str(m) for m in values)
    if len(text) > 60:
        raise MeetingError("too many reminder offsets")
    return text


def _require_future(
    session: Session, series: MeetingSeries, original_start: datetime, now: datetime
) -> Occurrence:
    occ = calendar.find_occurrence(session, series, original_start)
    if occ is None:
        raise MeetingError("there is no such meeting (or it was already cancelled)")
    if occ.start_utc <= require_utc(now):
        raise MeetingError("that meeting has already started")
    return occ


def _set_exception(
    session: Session, series_id: int, original: datetime, kind: str, new_start: datetime | None
) -> None:
    row = session.scalar(
        select(MeetingException).where(
            MeetingException.series_id == series_id, MeetingException.original_start == original
        )
    )
    if row is None:
        row = MeetingException(series_id=series_id, original_start=original, kind=kind)
        session.add(row)
    row.kind = kind
    row.new_start = new_start


def _cancel_reminders(session: Session, series_id: int, original: datetime) -> None:
    prefix = calendar.reminder_key_prefix(series_id, original)
    timers.cancel(
        session, Timer.kind == TimerKind.REMINDER, Timer.key.startswith(prefix, autoescape=True)
    )


def _end_reminder_sessions(session: Session, series_id: int, original: datetime) -> None:
    """A YES to a reminder for a cancelled meeting must not answer "see you there"."""
    iso = original.isoformat()
    waiting = session.scalars(
        select(FlowSession).where(FlowSession.flow_id == "reminder", FlowSession.active.is_(True))
    )
    for fs in waiting:
        if fs.context.get("series_id") == series_id and fs.context.get("occurrence") == iso:
            flow_sessions.end_active(session, fs.member_id)


def plan_group(session: Session, group: Group, now: datetime) -> int:
    """Reminders for a new or moved meeting may be due before the next planner run.
    Returns how many timers were added or changed."""
    agenda = member_plan.load_agenda(session, group, now, member_plan.PLAN_HORIZON)
    members = _group_members(session, group.id)
    return member_plan.apply_plan(
        session, [p for m in members for p in member_plan.wanted_timers(m, agenda, now)], now
    )


def _group_members(session: Session, group_id: int) -> list[Member]:
    return list(
        session.scalars(select(Member).where(Member.group_id == group_id).order_by(Member.id))
    )


def _notify(
    session: Session,
    series: MeetingSeries,
    occ: Occurrence,
    notice: str,
    new_start: datetime | None,
    now: datetime,
    notify_after: timedelta = timedelta(0),
) -> int:
    """One `meeting_notice` timer per member who might come (not NO, still receiving)."""
    declined = calendar.said_no(session, series.id, occ.original_start_utc)
    original = occ.original_start_utc.isoformat()
    told = 0
    for member in _group_members(session, series.group_id):
        if member.id in declined or not member.receives_scheduled:
            continue
        moved_iso = new_start.isoformat() if new_start else ""
        timers.schedule(
            session,
            key=f"notice:{series.id}:{original}:{member.id}:{notice}:{moved_iso}",
            kind=TimerKind.MEETING_NOTICE,
            due_at=shift_later(
                now + notify_after, member.tz, member_plan.quiet_hours_for(session, member)
            ),
            now=now,
            member_id=member.id,
            payload={
                "series_id": series.id,
                "occurrence": original,
                "start": occ.start_utc.isoformat(),
                "notice": notice,
                "new_start": moved_iso,
            },
            reason=f"meeting {notice}",
        )
        told += 1
    return told
