"""Coordinator page: announce something to a group (asked first: the text's encoding and
segments, who gets it and when), and the group's announcements with delivery counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, request, url_for

from smsapp.models import Group
from smsapp.services.domain import announcements, visibility
from smsapp.services.domain.schedule import format_local
from smsapp.services.domain.schedule.plain import zone_label
from smsapp.web.console.core import (
    console_bp,
    coordinator_required,
    current_account,
    db,
    form_error,
    render_page,
)
from smsapp.web.console.forms import AnnouncementForm
from smsapp.web.runtime import runtime


def _group(group_id: int) -> Group:
    try:
        return visibility.group(db(), current_account(), group_id)
    except visibility.NotVisible:
        abort(404)


def _at(form: AnnouncementForm) -> datetime | None:
    raw = (form.send_at.data or "").strip()
    return announcements.parse_local(raw) if raw else None


@console_bp.route("/groups/<int:group_id>/announcements", methods=["GET", "POST"])
@coordinator_required
def group_announcements(group_id: int) -> Any:
    group = _group(group_id)
    form = AnnouncementForm()
    form.send_at.description = f"{zone_label(group.tz)}; leave empty to send now"
    if form.validate_on_submit():
        try:
            if form.confirmed.data == "yes":
                return _send(group, form)
            return _confirm(group, form)
        except announcements.AnnouncementError as exc:
            db().rollback()
            form_error(form, exc.field, str(exc))
    return _list_page(group, form), 422 if request.method == "POST" else 200


def _confirm(group: Group, form: AnnouncementForm) -> str:
    checked = announcements.preview(db(), group, form.text.data or "", _at(form), runtime().now())
    form.confirmed.data = "yes"
    return render_page(
        "console/announcement_confirm.html",
        group=group,
        form=form,
        checked=checked,
        when=f"{format_local(checked.send_at, group.tz)} {zone_label(group.tz)}",
        now=form.send_at.data in (None, ""),
    )


def _send(group: Group, form: AnnouncementForm) -> Any:
    item = announcements.announce(
        db(),
        group,
        form.text.data or "",
        _at(form),
        runtime().now(),
        user_id=current_account().id,
    )
    db().commit()
    flash(f"Announcement {item.id} planned for {group.name}.", "success")
    return redirect(url_for("console.group_announcements", group_id=group.id))


def _list_page(group: Group, form: AnnouncementForm) -> str:
    items = announcements.of_group(db(), group)
    return render_page(
        "console/announcements.html",
        group=group,
        form=form,
        items=items,
        counts=announcements.deliveries(db(), [i.id for i in items]),
        title=f"Announcements to {group.name}",
    )
