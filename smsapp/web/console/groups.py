"""Coordinator pages: groups (code, time zone, facilitators) and their escalation policy."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from smsapp.models import Group, Organisation, PolicyLevel, User
from smsapp.models.escalations import LEVEL_TARGETS
from smsapp.services.core.crisis_resources import crisis_reply
from smsapp.services.domain import groups as group_service
from smsapp.services.domain import visibility
from smsapp.services.domain.escalation import PolicyError
from smsapp.services.domain.escalation.policy import LevelSpec
from smsapp.web.console.core import (
    add_nav,
    console_bp,
    coordinator_required,
    current_account,
    db,
    form_error,
    render_page,
)
from smsapp.web.console.forms import GroupForm
from smsapp.web.runtime import runtime

MAX_LEVELS = 4

add_nav("Groups", "console.groups", coordinator_only=True)


def _group(group_id: int) -> Group:
    try:
        return visibility.group(db(), current_account(), group_id)
    except visibility.NotVisible:
        abort(404)


def _people() -> list[User]:
    query = select(User).where(
        User.organisation_id == current_account().organisation_id, User.sandbox.is_(False)
    )
    return list(db().scalars(query.order_by(User.name)))


@console_bp.get("/groups")
@coordinator_required
def groups() -> str:
    query = select(Group).where(visibility.groups_filter(current_account()), ~Group.sandbox)
    rows = list(db().scalars(query.order_by(Group.name)))
    return render_page("console/groups.html", rows=rows)


@console_bp.route("/groups/new", methods=["GET", "POST"])
@coordinator_required
def group_new() -> Any:
    form = _form()
    if form.validate_on_submit():
        try:
            group = group_service.create_group(
                db(), current_account().organisation_id, _input(form), runtime().now()
            )
        except (group_service.GroupError, PolicyError) as exc:
            db().rollback()
            form_error(form, getattr(exc, "field", ""), str(exc))
        else:
            db().commit()
            flash(f"Group {group.code} created.", "success")
            return redirect(url_for("console.group_edit", group_id=group.id))
    return render_page(
        "console/form.html", form=form, title="New group", back=url_for("console.groups")
    )


@console_bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
@coordinator_required
def group_edit(group_id: int) -> Any:
    group = _group(group_id)
    form = _form(group)
    if form.validate_on_submit():
        try:
            group_service.edit_group(db(), group, _input(form))
        except group_service.GroupError as exc:
            db().rollback()
            form_error(form, exc.field, str(exc))
        else:
            db().commit()
            flash("Group saved.", "success")
            return redirect(url_for("console.group_edit", group_id=group.id))
    levels = list(
        db().scalars(
            select(PolicyLevel)
            .where(PolicyLevel.group_id == group.id)
            .order_by(PolicyLevel.position)
        )
    )
    return render_page(
        "console/group.html",
        form=form,
        group=group,
        levels=levels,
        people=_people(),
        targets=LEVEL_TARGETS,
        max_levels=MAX_LEVELS,
        title=f"Group {group.code}",
        back=url_for("console.groups"),
    )


@console_bp.post("/groups/<int:group_id>/policy")
@coordinator_required
def group_policy(group_id: int) -> Response:
    group = _group(group_id)
    try:
        group_service.set_escalation(db(), group, _levels_from_form())
    except (PolicyError, ValueError) as exc:
        db().rollback()
        flash(f"Policy not saved: {exc}", "error")
    else:
        db().commit()
        flash("Escalation policy saved.", "success")
    return redirect(url_for("console.group_edit", group_id=group.id) + "#policy")


def _levels_from_form() -> list[LevelSpec]:
    """Levels from fields level-N-target/-user/-urgent/-normal/-repeats; empty target = none."""
    levels = []
    for n in range(MAX_LEVELS):
        target = request.form.get(f"level-{n}-target", "")
        if not target:
            continue
        user = request.form.get(f"level-{n}-user", "")
        levels.append(
            LevelSpec(
                target=target,
                user_id=int(user) if user.isdigit() and target == "user" else None,
                urgent_timeout_minutes=_int(f"level-{n}-urgent", 5),
                normal_timeout_minutes=_int(f"level-{n}-normal", 60),
                repeats=_int(f"level-{n}-repeats", 1),
            )
        )
    return levels


def _int(name: str, default: int) -> int:
    value = request.form.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ValueError(f"{name.split('-')[-1]} must be a whole number")
    return int(value)


def _form(group: Group | None = None) -> GroupForm:
    data = None
    if group is not None:
        ids = [u.id for u in group_service.facilitators_of(db(), group)]
        data = {
            "code": group.code,
            "name": group.name,
            "tz": group.tz,
            "facilitator_ids": ids,
            "crisis_text_en": group.crisis_text_en or "",
            "crisis_text_es": group.crisis_text_es or "",
            "requires_approval": group.requires_approval,
        }
    form = GroupForm(data=data)
    form.facilitator_ids.choices = [(u.id, u.name) for u in _people() if u.role == "facilitator"]
    _describe_crisis_fields(form, group)
    return form


def _describe_crisis_fields(form: GroupForm, group: Group | None) -> None:
    """Under each crisis box, the whole reply a member of this group in crisis is sent."""
    org = db().get(Organisation, current_account().organisation_id)
    for lang, f in (("en", form.crisis_text_en), ("es", form.crisis_text_es)):
        sent = crisis_reply(org, lang, reachable=True, group=group)
        f.description = f"A member of this group in crisis is sent now: “{sent}”"


def _input(form: GroupForm) -> group_service.GroupInput:
    return group_service.GroupInput(
        code=form.code.data or "",
        name=form.name.data or "",
        tz=form.tz.data or "",
        facilitator_ids=tuple(form.facilitator_ids.data or ()),
        crisis_text_en=form.crisis_text_en.data or "",
        crisis_text_es=form.crisis_text_es.data or "",
        requires_approval=bool(form.requires_approval.data),
    )
