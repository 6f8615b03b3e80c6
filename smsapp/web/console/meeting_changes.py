"""Cancelling or moving one meeting texts members, so it is asked first (what changes,
who is told, what the text says) and can be undone while the texts wait to go out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, request, session, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from smsapp.models import Group, MeetingSeries, Member
from smsapp.services.domain import calendar, meeting_series
from smsapp.services.domain import meetings as meeting_service
from smsapp.services.domain.schedule import format_local, to_utc
from smsapp.services.domain.schedule.plain import zone_label
from smsapp.web.console.core import console_bp, coordinator_required, db, render_page
from smsapp.web.console.forms import ConfirmForm
from smsapp.web.console.meetings import visible_series
from smsapp.web.runtime import runtime

UNDO_WINDOW = meeting_service.UNDO_WINDOW
ACTIONS = ("cancel", "move")


@console_bp.get("/meetings/<int:series_id>/occurrence")
@coordinator_required
def meeting_occurrence_confirm(series_id: int) -> Any:
    """Ask before a meeting is cancelled or moved: when, who is told, and the text."""
    series, group = visible_series(series_id)
    change = _read_change(series, group)
    if isinstance(change, Response):
        return change
    original, action, new_start = change
    occ = calendar.find_occurrence(db(), series, original)
    if occ is None:
        abort(404)
    told = _how_many_told(series, original)
    when = f"{format_local(occ.start_utc, group.tz)} {zone_label(group.tz)}"
    new_when = (
        f"{format_local(to_utc(new_start, group.tz), group.tz)} {zone_label(group.tz)}"
        if new_start
        else ""
    )
    return render_page(
        "console/meeting_confirm.html",
        series=series,
        group=group,
        action=action,
        original=original.isoformat(),
        new_start=new_start.isoformat(timespec="minutes") if new_start else "",
        when=when,
        new_when=new_when,
        told=told,
        form=ConfirmForm(),
        undo_minutes=int(UNDO_WINDOW.total_seconds() // 60),
    )


@console_bp.post("/meetings/<int:series_id>/occurrence")
@coordinator_required
def meeting_occurrence(series_id: int) -> Response:
    """Cancel or move one meeting (after the confirmation page)."""
    series, group = visible_series(series_id)
    change = _read_change(series, group)
    if isinstance(change, Response):
        return change
    original, action, new_start = change
    now = runtime().now()
    try:
        if action == "move" and new_start is not None:
            told = meeting_service.move_occurrence(
                db(), series, original, new_start, now, notify_after=UNDO_WINDOW
            )
        else:
            told = meeting_service.cancel_occurrence(
                db(), series, original, now, notify_after=UNDO_WINDOW
            )
    except meeting_service.MeetingError as exc:
        db().rollback()
        flash(f"Not changed: {exc}", "error")
        return redirect(url_for("console.meetings"))
    db().commit()
    verb = "cancelled" if action == "cancel" else "moved"
    people = "1 member" if told == 1 else f"{told} members"
    flash(f"{series.title} {verb}; {people} will be told by text in 2 minutes.", "success")
    session["meeting_undo"] = {
        "series_id": series.id,
        "original": original.isoformat(),
        "label": f"{series.title} {verb}",
        "until": (now + UNDO_WINDOW).timestamp(),
    }
    return redirect(url_for("console.meetings"))


@console_bp.post("/meetings/<int:series_id>/undo")
@coordinator_required
def meeting_undo(series_id: int) -> Response:
    series, _ = visible_series(series_id)
    session.pop("meeting_undo", None)
    try:
        original = datetime.fromisoformat(request.form.get("original", ""))
        meeting_series.undo_change(db(), series, original, runtime().now())
    except ValueError as exc:  # MeetingError, or a date that does not parse
        db().rollback()
        flash(f"Not undone: {exc}", "error")
    else:
        db().commit()
        flash(f"Undone: {series.title} is as it was, and nobody was texted.", "success")
    return redirect(url_for("console.meetings"))


def _read_change(
    series: MeetingSeries, group: Group
) -> tuple[datetime, str, datetime | None] | Response:
    values = request.values
    action = values.get("action", "cancel")
    try:
        original = datetime.fromisoformat(values.get("original", ""))
        if original.tzinfo is None:
            raise ValueError
    except ValueError:
        abort(400, "That meeting link is not complete; please pick the meeting again.")
    if action not in ACTIONS:
        abort(400, "Choose to cancel or to move the meeting.")
    new_start = None
    if action == "move":
        text = (values.get("new_start") or "").strip().replace(" ", "T", 1)
        try:
            new_start = datetime.fromisoformat(text)
        except ValueError:
            flash("Pick the new date and time for the meeting.", "error")
            return redirect(url_for("console.meetings"))
    return original, action, new_start


def _how_many_told(series: MeetingSeries, original: datetime) -> int:
    declined = calendar.said_no(db(), series.id, original)
    members = db().scalars(select(Member).where(Member.group_id == series.group_id))
    return sum(1 for m in members if m.id not in declined and m.receives_scheduled)
