"""Coordinator page: a group's check-in schedule (days and a local time)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for

from smsapp.services.domain import groups as group_service
from smsapp.services.domain import visibility
from smsapp.web.console.core import (
    console_bp,
    coordinator_required,
    current_account,
    db,
    form_error,
    render_page,
)
from smsapp.web.console.forms import CheckinForm
from smsapp.web.runtime import runtime


@console_bp.route("/groups/<int:group_id>/checkins", methods=["GET", "POST"])
@coordinator_required
def group_checkins(group_id: int) -> Any:
    try:
        group = visibility.group(db(), current_account(), group_id)
    except visibility.NotVisible:
        abort(404)
    form = CheckinForm(data={"days": list(group.checkin_days), "time": group.checkin_time})
    form.time.description = f"{group.name}'s local time ({group.tz}); empty for no check-ins"
    if form.validate_on_submit():
        days = "".join(d for d in form.days.data or [] if d in "0123456")
        try:
            group_service.set_checkins(db(), group, days, form.time.data, runtime().now())
        except group_service.GroupError as exc:
            db().rollback()
            form_error(form, exc.field, str(exc))
        else:
            db().commit()
            flash("Check-in schedule saved; members' next check-ins are planned.", "success")
            return redirect(url_for("console.group_edit", group_id=group.id))
    return render_page(
        "console/form.html",
        form=form,
        title=f"Check-ins for {group.name}",
        back=url_for("console.group_edit", group_id=group.id),
    )
