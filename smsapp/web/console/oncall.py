"""On call page: a coordinator sees who is on call now, the weekly rota and its gaps,
and adds or removes shifts and overrides (all in the organisation's local time)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import flash, redirect, request, url_for
from sqlalchemy import select

from smsapp.models import Organisation, User
from smsapp.services.domain import oncall
from smsapp.services.domain.escalation import rota_changes
from smsapp.services.domain.oncall.view import board
from smsapp.services.domain.oncall.week import DAY_NAMES, RotaError, parse_clock
from smsapp.web.console.core import (
    add_nav,
    console_bp,
    coordinator_required,
    current_account,
    db,
    render_page,
)
from smsapp.web.runtime import runtime

add_nav("On call", "console.rota", coordinator_only=True)


def _org() -> Organisation:
    org = db().get(Organisation, current_account().organisation_id)
    assert org is not None
    return org


def _page(problems: list[str] | None = None, typed: dict[str, Any] | None = None) -> Any:
    org = _org()
    staff = (
        db()
        .scalars(
            select(User)
            .where(User.organisation_id == org.id, User.active.is_(True), User.sandbox.is_(False))
            .order_by(User.name)
        )
        .all()
    )
    page = render_page(
        "console/oncall.html",
        board=board(db(), org, runtime().now()),
        people=staff,
        textable={u.id for u in staff if oncall.can_be_texted(u)},
        day_names=DAY_NAMES,
        problems=problems or [],
        typed=typed or {},
    )
    return (page, 422) if problems else page


@console_bp.get("/oncall")
@coordinator_required
def rota() -> Any:
    """Who is on call now, the weekly rota, its gaps and the overrides to come."""
    return _page()


@console_bp.post("/oncall/shifts")
@coordinator_required
def oncall_add_shift() -> Any:
    """Add a weekly shift: a person, days, from and to (local times)."""
    form = request.form
    try:
        shift = oncall.ShiftInput(
            user_id=int(form.get("user_id") or 0),
            days=tuple(sorted({int(d) for d in form.getlist("days") if d in "0123456"})),
            starts=parse_clock(form.get("starts") or ""),
            ends=parse_clock(form.get("ends") or ""),
        )
        rota_changes.add_shift(db(), _org(), shift)
    except (RotaError, ValueError) as exc:
        db().rollback()
        return _page([str(exc)], dict(form.lists()))
    db().commit()
    flash("Shift added to the rota.", "success")
    return redirect(url_for("console.rota"))


@console_bp.post("/oncall/shifts/<int:shift_id>/remove")
@coordinator_required
def oncall_remove_shift(shift_id: int) -> Any:
    try:
        rota_changes.remove_shift(db(), _org(), shift_id, runtime().now())
    except RotaError as exc:
        db().rollback()
        return _page([str(exc)])
    db().commit()
    flash("Shift removed from the rota.", "success")
    return redirect(url_for("console.rota"))


@console_bp.post("/oncall/overrides")
@coordinator_required
def oncall_add_override() -> Any:
    """Someone on call from-to instead of the rota."""
    form = request.form
    try:
        rota_changes.add_override(
            db(), _org(), int(form.get("user_id") or 0),
            _local(form.get("from") or ""), _local(form.get("to") or ""), runtime().now(),
        )  # fmt: skip
    except (RotaError, ValueError) as exc:
        db().rollback()
        return _page([str(exc)], dict(form.lists()))
    db().commit()
    flash("Override saved.", "success")
    return redirect(url_for("console.rota"))


@console_bp.post("/oncall/overrides/<int:override_id>/remove")
@coordinator_required
def oncall_remove_override(override_id: int) -> Any:
    try:
        rota_changes.remove_override(db(), _org(), override_id, runtime().now())
    except RotaError as exc:
        db().rollback()
        return _page([str(exc)])
    db().commit()
    flash("Override cancelled.", "success")
    return redirect(url_for("console.rota"))


def _local(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise RotaError("choose a date and a time", "starts") from None
