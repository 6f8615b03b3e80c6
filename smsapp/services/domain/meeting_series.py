"""Changing a whole meeting series (title, place, time, how it repeats, reminders), ending
it and taking the end back, and undoing a cancel or move of one meeting while its notices
have not gone out yet.

A series keeps its id, so RSVPs and reports stay attached. Ending a series adds an UNTIL
to its rule (the last local day it runs), so the past stays in the calendar and the end
can be undone. Every change re-plans the group's reminders at once: reminders planned
for times that no longer exist are cancelled first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from smsapp.models import Group, MeetingException, MeetingSeries, Timer
from smsapp.models.timers import TimerKind, TimerStatus
from smsapp.services.core import timers
from smsapp.services.domain.meetings import (
    MeetingError,
    offsets_text,
    parse_start,
    plan_group,
)
from smsapp.services.domain.schedule import (
    MeetingSeriesSpec,
    require_utc,
    to_local,
    validate_rrule,
)


@dataclass(frozen=True)
class SeriesChange:
    """A series as a form or the API describes it; every field is set."""

    title: str
    start_local: datetime | str
    rrule: str
    duration_minutes: int
    location: str
    reminder_offsets_minutes: Sequence[int]


def edit_series(
    session: Session, series: MeetingSeries, change: SeriesChange, now: datetime
) -> int:
    """Apply `change` to every meeting of the series; returns reminders re-planned.

    Cancels and moves of single meetings stay attached to the original times they name
    (a changed time of day leaves them pointing at nothing, and they are ignored).
    Raises MeetingError."""
    group = _group(session, series)
    start = parse_start(change.start_local)
    title = change.title.strip()
    if not title:
        raise MeetingError("a meeting needs a title")
    try:
        rule = validate_rrule(change.rrule)
        MeetingSeriesSpec(rule, start, change.duration_minutes, group.tz)
    except ValueError as exc:
        raise MeetingError(str(exc)) from None
    series.title = title[:120]
    series.rrule = _keep_until(series.rrule, rule)
    series.start_local = start.isoformat(timespec="seconds")
    series.duration_minutes = change.duration_minutes
    series.location = change.location.strip()[:200]
    series.reminder_offsets_minutes = offsets_text(change.reminder_offsets_minutes)
    return _replan(session, series, group, now)


def end_series(session: Session, series: MeetingSeries, now: datetime) -> date:
    """No meetings of the series after today (local); returns the last day. A one-off
    meeting cannot be ended this way (cancel it instead). Raises MeetingError."""
    if not series.rrule:
        raise MeetingError("a one-off meeting is cancelled, not ended")
    group = _group(session, series)
    last_day = to_local(require_utc(now), group.tz).date()
    bare = _without_until(series.rrule)
    series.rrule = f"{bare};UNTIL={last_day:%Y%m%d}T235959"
    _replan(session, series, group, now)
    return last_day


def restore_series(session: Session, series: MeetingSeries, now: datetime) -> None:
    """Take back `end_series`: the series repeats again without an end."""
    series.rrule = _without_until(series.rrule)
    _replan(session, series, _group(session, series), now)


def ended_on(series: MeetingSeries) -> date | None:
    """The last day of an ended series, None while it goes on."""
    for part in series.rrule.split(";"):
        if part.startswith("UNTIL="):
            return datetime.strptime(part[6:14], "%Y%m%d").date()
    return None


def undo_change(
    session: Session, series: MeetingSeries, original_start: datetime, now: datetime
) -> None:
    """Take back a cancel or move of one meeting while none of its notices went out.

    Raises MeetingError when there is nothing to undo or members were already told."""
    original = require_utc(original_start, "original_start")
    row = session.scalar(
        select(MeetingException).where(
            MeetingException.series_id == series.id, MeetingException.original_start == original
        )
    )
    if row is None:
        raise MeetingError("that meeting was not changed")
    notices = _notices(session, series.id, original)
    if any(t.status != TimerStatus.PENDING for t in notices if t.status != TimerStatus.CANCELLED):
        raise MeetingError("members were already told, so it cannot be undone")
    # Deleted, not cancelled: the same change made again later must be able to notify.
    session.execute(delete(Timer).where(Timer.id.in_([t.id for t in notices])))
    session.execute(delete(MeetingException).where(MeetingException.id == row.id))
    session.flush()
    _replan(session, series, _group(session, series), now)


def _notices(session: Session, series_id: int, original: datetime) -> list[Timer]:
    prefix = f"notice:{series_id}:{original.isoformat()}:"
    return list(
        session.scalars(
            select(Timer).where(
                Timer.kind == TimerKind.MEETING_NOTICE,
                Timer.key.startswith(prefix, autoescape=True),
            )
        )
    )


def _replan(session: Session, series: MeetingSeries, group: Group, now: datetime) -> int:
    """Cancel the series' pending reminders, then plan the group again; returns how many
    reminder and check-in timers are planned anew."""
    timers.cancel(
        session,
        Timer.kind == TimerKind.REMINDER,
        Timer.key.startswith(f"reminder:{series.id}:", autoescape=True),
    )
    session.flush()
    return plan_group(session, group, now)


def _group(session: Session, series: MeetingSeries) -> Group:
    group = session.get(Group, series.group_id)
    assert group is not None
    return group


def _without_until(rule: str) -> str:
    return ";".join(p for p in rule.split(";") if p and not p.startswith("UNTIL="))


def _keep_until(old: str, new: str) -> str:
    """An ended series stays ended when its time or place is edited."""
    until = next((p for p in old.split(";") if p.startswith("UNTIL=")), "")
    return f"{_without_until(new)};{until}" if until and new else new
