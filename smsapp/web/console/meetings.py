"""Coordinator pages: meetings (series and one-offs) and groups' check-in schedules."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from smsapp.models import Group, MeetingSeries, Member
from smsapp.services.domain import calendar, visibility
from smsapp.services.domain import meetings as meeting_service
from smsapp.services.domain.planning import member_plan as schedule_plan
from smsapp.services.domain.schedule import parse_time_of_day
from smsapp.web.console.core import (
    add_nav,
    console_bp,
    coordinator_required,
    current_account,
    db,
    form_error,
    render_page,
)
from smsapp.web.console.forms import CheckinForm, SeriesForm
from smsapp.web.runtime import runtime

UPCOMING_DAYS = 28

add_nav("Meetings", "console.meetings", coordinator_only=True)


def _groups() -> list[Group]:
    query = select(Group).where(visibility.groups_filter(current_account()), ~Group.sandbox)
    return list(db().scalars(query.order_by(Group.name)))


@console_bp.get("/meetings")
@coordinator_required
def meetings() -> str:
    groups = _groups()
    names = {g.id: g.name for g in groups}
    series = list(
        db().scalars(
            select(MeetingSeries)
            .where(MeetingSeries.group_id.in_(names))
            .order_by(MeetingSeries.id)
        )
    )
    now = runtime().now()
    soon = calendar.upcoming(db(), groups, now, now + timedelta(days=UPCOMING_DAYS))
    return render_page("console/meetings.html", series=series, names=names, upcoming=soon[:30])


@console_bp.route("/meetings/new", methods=["GET", "POST"])
@coordinator_required
def meeting_new() -> Any:
    groups = _groups()
    form = SeriesForm()
    form.group_id.choices = [(g.id, f"{g.name} ({g.tz})") for g in groups]
    if form.validate_on_submit():
        group = next((g for g in groups if g.id == form.group_id.data), None)
        if group is None:
            abort(404)
        try:
            offsets = [int(p) for p in (form.reminder_offsets.data or "").split(",") if p.strip()]
            meeting_service.create_series(
                db(), group, title=form.title.data or "",
                start_local=(form.start_local.data or "").replace(" ", "T", 1),
                now=runtime().now(), rrule=form.rrule.data or "",
                duration_minutes=form.duration_minutes.data or 60,
                location=form.location.data or "", reminder_offsets_minutes=offsets,
            )  # fmt: skip
        except ValueError as exc:  # MeetingError, or offsets that are not numbers
            db().rollback()
            form_error(form, "start_local", str(exc))
        else:
            db().commit()
            flash("Meeting saved; reminders are scheduled.", "success")
            return redirect(url_for("console.meetings"))
    return render_page(
        "console/form.html", form=form, title="New meeting", back=url_for("console.meetings")
    )


@console_bp.post("/meetings/<int:series_id>/occurrence")
@coordinator_required
def meeting_occurrence(series_id: int) -> Response:
    """Cancel or move one meeting of a series (members who had not said NO are told)."""
    series = db().get(MeetingSeries, series_id)
    groups = {g.id: g for g in _groups()}
    if series is None or series.group_id not in groups:
        abort(404)
    try:
        original = datetime.fromisoformat(request.form.get("original", ""))
        now = runtime().now()
        if request.form.get("action") == "move":
            new_local = (request.form.get("new_start") or "").strip().replace(" ", "T", 1)
            told = meeting_service.move_occurrence(
                db(), series, original, datetime.fromisoformat(new_local), now
            )
        else:
            told = meeting_service.cancel_occurrence(db(), series, original, now)
    except ValueError as exc:  # MeetingError, or a date that does not parse
        db().rollback()
        flash(f"Not changed: {exc}", "error")
    else:
        db().commit()
        flash(f"Done; {told} members will be told by text.", "success")
    return redirect(url_for("console.meetings"))


@console_bp.route("/groups/<int:group_id>/checkins", methods=["GET", "POST"])
@coordinator_required
def group_checkins(group_id: int) -> Any:
    try:
        group = visibility.group(db(), current_account(), group_id)
    except visibility.NotVisible:
        abort(404)
    form = CheckinForm(
        data={
            "days": list(group.checkin_days),
            "time": group.checkin_time.strftime("%H:%M") if group.checkin_time else "",
        }
    )
    if form.validate_on_submit():
        try:
            _apply_checkins(group, form)
        except ValueError as exc:
            db().rollback()
            form_error(form, "time", str(exc))
        else:
            db().commit()
            flash("Check-in schedule saved.", "success")
            return redirect(url_for("console.groups"))
    return render_page(
        "console/form.html",
        form=form,
        title=f"Check-ins for {group.name}",
        back=url_for("console.groups"),
    )


def _apply_checkins(group: Group, form: CheckinForm) -> None:
    """Days and local time; then re-plan the group's members so the change applies now."""
    days = "".join(sorted({d for d in (form.days.data or []) if d in "0123456"}))
    text = (form.time.data or "").strip()
    when = parse_time_of_day(text) if text else None
    if when is not None and not days:
        raise ValueError("choose at least one day, or clear the time to stop check-ins")
    group.checkin_days = days if when else ""
    group.checkin_time = when
    now = runtime().now()
    for member in db().scalars(select(Member).where(Member.group_id == group.id)):
        schedule_plan.plan_member(db(), member, now)
