"""Coordinator pages: meetings in plain terms (list, new, edit, end a series)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import abort, flash, redirect, session, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from smsapp.models import Group, MeetingSeries
from smsapp.services.domain import calendar, meeting_series, visibility
from smsapp.services.domain import meetings as meeting_service
from smsapp.services.domain.schedule.plain import (
    PlainError,
    Repeat,
    describe_offsets,
    describe_series,
    repeat_of,
)
from smsapp.web.console.core import (
    add_nav,
    console_bp,
    coordinator_required,
    current_account,
    db,
    render_page,
)
from smsapp.web.console.forms import ConfirmForm, SeriesForm
from smsapp.web.runtime import runtime

UPCOMING_DAYS = 28

add_nav("Meetings", "console.meetings", coordinator_only=True)


def groups() -> list[Group]:
    query = select(Group).where(visibility.groups_filter(current_account()), ~Group.sandbox)
    return list(db().scalars(query.order_by(Group.name)))


def visible_series(series_id: int) -> tuple[MeetingSeries, Group]:
    series = db().get(MeetingSeries, series_id)
    by_id = {g.id: g for g in groups()}
    if series is None or series.group_id not in by_id:
        abort(404)
    return series, by_id[series.group_id]


@console_bp.get("/meetings")
@coordinator_required
def meetings() -> str:
    by_id = {g.id: g for g in groups()}
    rows = db().scalars(
        select(MeetingSeries).where(MeetingSeries.group_id.in_(by_id)).order_by(MeetingSeries.id)
    )
    series = [
        {
            "series": s,
            "group": by_id[s.group_id],
            "repeats": describe_series(
                s.rrule, datetime.fromisoformat(s.start_local), by_id[s.group_id].tz
            ),
            "reminders": describe_offsets(_offset_minutes(s)),
        }
        for s in rows
    ]
    now = runtime().now()
    soon = calendar.upcoming(db(), by_id.values(), now, now + timedelta(days=UPCOMING_DAYS))
    return render_page(
        "console/meetings.html",
        series=series,
        groups=by_id,
        upcoming=soon[:30],
        undo=session.get("meeting_undo"),
        confirm=ConfirmForm(),
    )


@console_bp.route("/meetings/new", methods=["GET", "POST"])
@coordinator_required
def meeting_new() -> Any:
    form = _form()
    if _valid(form):
        group = _chosen_group(form)
        change = _change_from(form)
        if change is not None:
            try:
                meeting_service.create_series(
                    db(), group, title=change.title, start_local=change.start_local,
                    now=runtime().now(), rrule=change.rrule,
                    duration_minutes=change.duration_minutes, location=change.location,
                    reminder_offsets_minutes=change.reminder_offsets_minutes,
                )  # fmt: skip
            except meeting_service.MeetingError as exc:
                db().rollback()
                _refusal(form, exc)
            else:
                db().commit()
                flash("Meeting saved; reminders are planned.", "success")
                return redirect(url_for("console.meetings"))
    return render_page("console/meeting_form.html", form=form, title="New meeting", series=None)


@console_bp.route("/meetings/<int:series_id>", methods=["GET", "POST"])
@coordinator_required
def meeting_edit(series_id: int) -> Any:
    series, group = visible_series(series_id)
    form = _form(series, group)
    form.group_id.render_kw = {"disabled": True}
    if _valid(form):
        change = _change_from(form)
        if change is not None:
            try:
                meeting_series.edit_series(db(), series, change, runtime().now())
            except meeting_service.MeetingError as exc:
                db().rollback()
                _refusal(form, exc)
            else:
                db().commit()
                flash("Meeting saved; reminders are planned again for the new details.", "success")
                return redirect(url_for("console.meetings"))
    return render_page(
        "console/meeting_form.html",
        form=form,
        title=f"Edit {series.title}",
        series=series,
        group=group,
        ended=meeting_series.ended_on(series),
        confirm=ConfirmForm(),
    )


@console_bp.post("/meetings/<int:series_id>/end")
@coordinator_required
def meeting_end(series_id: int) -> Response:
    series, _ = visible_series(series_id)
    try:
        last = meeting_series.end_series(db(), series, runtime().now())
    except meeting_service.MeetingError as exc:
        db().rollback()
        flash(f"Not ended: {exc}", "error")
    else:
        db().commit()
        flash(f"{series.title} has ended: no meetings after {last:%A %d %B}.", "success")
    return redirect(url_for("console.meeting_edit", series_id=series.id))


@console_bp.post("/meetings/<int:series_id>/restore")
@coordinator_required
def meeting_restore(series_id: int) -> Response:
    series, _ = visible_series(series_id)
    meeting_series.restore_series(db(), series, runtime().now())
    db().commit()
    flash(f"{series.title} repeats again; reminders are planned.", "success")
    return redirect(url_for("console.meeting_edit", series_id=series.id))


def _form(series: MeetingSeries | None = None, group: Group | None = None) -> SeriesForm:
    data = None
    if series is not None and group is not None:
        start = datetime.fromisoformat(series.start_local)
        repeat = repeat_of(series.rrule) or Repeat("weekly", 1, (start.weekday(),))
        data = {
            "group_id": group.id,
            "title": series.title,
            "location": series.location,
            "first_date": start.date(),
            "start_time": start.time(),
            "duration_minutes": series.duration_minutes,
            "repeat": repeat.kind,
            "interval": repeat.interval,
            "days": [str(d) for d in repeat.days],
            "nth": repeat.nth,
            "reminders": [str(m) for m in _offset_minutes(series)],
        }
    form = SeriesForm(data=data)
    form.group_id.choices = [(g.id, f"{g.name} ({g.tz})") for g in groups()]
    if series is not None:
        form.group_id.data = series.group_id  # the group of a series does not change
    return form


def _valid(form: SeriesForm) -> bool:
    """Field checks and the repeat check together, so every problem shows at once."""
    if not form.is_submitted():
        return False
    fields_ok = form.validate()
    repeat_ok = _rule_of(form) is not None
    return fields_ok and repeat_ok


def _rule_of(form: SeriesForm) -> str | None:
    repeat = Repeat(
        kind=form.repeat.data or "once",
        interval=form.interval.data or 1,
        days=tuple(sorted(int(d) for d in form.days.data or [] if d.isdigit())),
        nth=form.nth.data or 1,
    )
    try:
        return repeat.to_rrule()
    except PlainError as exc:
        target = getattr(form, exc.field, form.repeat)
        if str(exc) not in target.errors:
            target.errors = [*target.errors, str(exc)]
        return None


def _chosen_group(form: SeriesForm) -> Group:
    group = next((g for g in groups() if g.id == form.group_id.data), None)
    if group is None:
        abort(404)
    return group


def _change_from(form: SeriesForm) -> meeting_series.SeriesChange | None:
    """The form as a series change; None (errors on the form) when the repeat is unclear."""
    rule = _rule_of(form)
    if rule is None:
        return None
    start = datetime.combine(form.first_date.data, form.start_time.data)
    return meeting_series.SeriesChange(
        title=form.title.data or "",
        start_local=start,
        rrule=rule,
        duration_minutes=form.duration_minutes.data or 60,
        location=form.location.data or "",
        reminder_offsets_minutes=[int(m) for m in form.reminders.data or []],
    )


def _refusal(form: SeriesForm, exc: Exception) -> None:
    """Put the service's refusal next to the field it is about."""
    text = str(exc)
    field = (
        form.title if "title" in text else form.reminders if "reminder" in text else form.first_date
    )
    field.errors = [*field.errors, text]


def _offset_minutes(series: MeetingSeries) -> list[int]:
    return [int(o.total_seconds() // 60) for o in calendar.offsets_of(series)]
