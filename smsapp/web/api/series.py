"""Meeting series (coordinators): list, create, read, edit, end and restore them; cancel,
move or undo one meeting. The same services as the console's meeting pages."""

from __future__ import annotations

from datetime import datetime

from flask import Response, abort
from sqlalchemy import select

from smsapp.models import Group, MeetingSeries
from smsapp.services.domain import calendar, meeting_series
from smsapp.services.domain import meetings as meeting_service
from smsapp.services.domain.schedule.plain import PlainError, Repeat, describe_series
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.group_setup import coordinators_group, refused
from smsapp.web.api.meetings import groups_asked
from smsapp.web.api.schemas import GroupQuery
from smsapp.web.api.setup_schemas import (
    OccurrenceChangeIn,
    OccurrenceChangeOut,
    SeriesIn,
    SeriesList,
    SeriesOut,
)
from smsapp.web.api.spec import answers, api_spec
from smsapp.web.runtime import runtime

TAGS = ["meetings"]


def _out(series: MeetingSeries, group: Group) -> SeriesOut:
    start = datetime.fromisoformat(series.start_local)
    return SeriesOut(
        id=series.id,
        group_id=series.group_id,
        title=series.title,
        location=series.location,
        start_local=series.start_local,
        rrule=series.rrule,
        description=describe_series(series.rrule, start, group.tz),
        duration_minutes=series.duration_minutes,
        reminders=[int(o.total_seconds() // 60) for o in calendar.offsets_of(series)],
        ended_on=meeting_series.ended_on(series),
    )


def _series_or_404(series_id: int) -> tuple[MeetingSeries, Group]:
    series = auth.db().get(MeetingSeries, series_id)
    if series is None:
        abort(404)
    return series, access.group_or_404(auth.db(), auth.current_user(), series.group_id)


def _coordinators_series(series_id: int) -> tuple[MeetingSeries, Group]:
    series, group = _series_or_404(series_id)
    access.require_coordinator(auth.current_user())
    return series, group


def _change(json: SeriesIn) -> meeting_series.SeriesChange:
    rule = Repeat(json.repeat, json.interval, tuple(sorted(set(json.days))), json.nth).to_rrule()
    return meeting_series.SeriesChange(
        title=json.title,
        start_local=json.start,
        rrule=rule,
        duration_minutes=json.duration_minutes,
        location=json.location,
        reminder_offsets_minutes=json.reminders,
    )


def _original(json: OccurrenceChangeIn) -> datetime:
    try:
        when = datetime.fromisoformat(json.original_start.replace("Z", "+00:00"))
    except ValueError:
        raise meeting_service.MeetingError("original_start must be an ISO time in UTC") from None
    if when.tzinfo is None:
        raise meeting_service.MeetingError("original_start must say its zone (UTC)")
    return when


def _refusal(exc: ValueError) -> Response:
    return refused([(getattr(exc, "field", "") or "", str(exc))])


@api_bp.get("/meeting-series")
@api_spec.validate(resp=answers(404, HTTP_200=SeriesList), tags=TAGS)
def list_series(query: GroupQuery) -> SeriesList:
    """Meeting series and one-off meetings of the caller's groups (or one group)."""
    session, user = auth.db(), auth.current_user()
    by_id = {g.id: g for g in groups_asked(session, user, query.group_id)}
    rows = session.scalars(
        select(MeetingSeries).where(MeetingSeries.group_id.in_(by_id)).order_by(MeetingSeries.id)
    )
    return SeriesList(series=[_out(s, by_id[s.group_id]) for s in rows])


@api_bp.post("/meeting-series")
@api_spec.validate(resp=answers(400, 403, 404, 422, HTTP_201=SeriesOut), tags=TAGS)
def create_series(json: SeriesIn) -> object:
    """A meeting that repeats (weekly, every N weeks, or the nth weekday of the month) or
    happens once; members' reminders are planned at once."""
    session, group = auth.db(), coordinators_group(json.group_id)
    try:
        change = _change(json)
        series = meeting_service.create_series(
            session, group, title=change.title, start_local=change.start_local,
            now=runtime().now(), rrule=change.rrule,
            duration_minutes=change.duration_minutes, location=change.location,
            reminder_offsets_minutes=change.reminder_offsets_minutes,
        )  # fmt: skip
    except (PlainError, meeting_service.MeetingError) as exc:
        session.rollback()
        return _refusal(exc)
    session.commit()
    return _out(series, group), 201


@api_bp.get("/meeting-series/<int:series_id>")
@api_spec.validate(resp=answers(404, HTTP_200=SeriesOut), tags=TAGS)
def get_series(series_id: int) -> SeriesOut:
    """One meeting series, with how it repeats in plain words."""
    return _out(*_series_or_404(series_id))


@api_bp.put("/meeting-series/<int:series_id>")
@api_spec.validate(resp=answers(400, 403, 404, 422, HTTP_200=SeriesOut), tags=TAGS)
def edit_series(series_id: int, json: SeriesIn) -> object:
    """Change every meeting of a series (its group stays); reminders are planned again."""
    session = auth.db()
    series, group = _coordinators_series(series_id)
    try:
        meeting_series.edit_series(session, series, _change(json), runtime().now())
    except (PlainError, meeting_service.MeetingError) as exc:
        session.rollback()
        return _refusal(exc)
    session.commit()
    return _out(series, group)


@api_bp.post("/meeting-series/<int:series_id>/end")
@api_spec.validate(resp=answers(403, 404, 422, HTTP_200=SeriesOut), tags=TAGS)
def end_series(series_id: int) -> object:
    """No meetings of the series after today (the group's local day)."""
    session = auth.db()
    series, group = _coordinators_series(series_id)
    try:
        meeting_series.end_series(session, series, runtime().now())
    except meeting_service.MeetingError as exc:
        session.rollback()
        return _refusal(exc)
    session.commit()
    return _out(series, group)


@api_bp.post("/meeting-series/<int:series_id>/restore")
@api_spec.validate(resp=answers(403, 404, HTTP_200=SeriesOut), tags=TAGS)
def restore_series(series_id: int) -> SeriesOut:
    """Take back an end: the series repeats again."""
    session = auth.db()
    series, group = _coordinators_series(series_id)
    meeting_series.restore_series(session, series, runtime().now())
    session.commit()
    return _out(series, group)


@api_bp.post("/meeting-series/<int:series_id>/cancel")
@api_spec.validate(resp=answers(400, 403, 404, 422, HTTP_200=OccurrenceChangeOut), tags=TAGS)
def cancel_meeting(series_id: int, json: OccurrenceChangeIn) -> object:
    """Cancel one meeting. Members who might come are texted after a 2-minute window in
    which `…/undo` takes it back."""
    session = auth.db()
    series, _ = _coordinators_series(series_id)
    try:
        told = meeting_service.cancel_occurrence(
            session, series, _original(json), runtime().now(),
            notify_after=meeting_service.UNDO_WINDOW,
        )  # fmt: skip
    except (ValueError, meeting_service.MeetingError) as exc:
        session.rollback()
        return _refusal(exc)
    session.commit()
    return OccurrenceChangeOut(series_id=series.id, told=told)


@api_bp.post("/meeting-series/<int:series_id>/move")
@api_spec.validate(resp=answers(400, 403, 404, 422, HTTP_200=OccurrenceChangeOut), tags=TAGS)
def move_meeting(series_id: int, json: OccurrenceChangeIn) -> object:
    """Move one meeting to `new_start` (the group's local time); texted as for a cancel."""
    session = auth.db()
    series, _ = _coordinators_series(series_id)
    try:
        if not json.new_start:
            raise meeting_service.MeetingError("new_start: say when the meeting moves to")
        told = meeting_service.move_occurrence(
            session, series, _original(json), meeting_service.parse_start(json.new_start),
            runtime().now(), notify_after=meeting_service.UNDO_WINDOW,
        )  # fmt: skip
    except (ValueError, meeting_service.MeetingError) as exc:
        session.rollback()
        return _refusal(exc)
    session.commit()
    return OccurrenceChangeOut(series_id=series.id, told=told)


@api_bp.post("/meeting-series/<int:series_id>/undo")
@api_spec.validate(resp=answers(400, 403, 404, 409, HTTP_200=OccurrenceChangeOut), tags=TAGS)
def undo_meeting_change(series_id: int, json: OccurrenceChangeIn) -> object:
    """Take back a cancel or move while its texts still wait; 409 once members were told."""
    session = auth.db()
    series, _ = _coordinators_series(series_id)
    try:
        meeting_series.undo_change(session, series, _original(json), runtime().now())
    except (ValueError, meeting_service.MeetingError) as exc:
        session.rollback()
        abort(409, str(exc))
    session.commit()
    return OccurrenceChangeOut(series_id=series.id, told=0)
