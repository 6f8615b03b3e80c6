"""Coordinator pages: groups (code, time zone, facilitators) and their escalation policy."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import select

from smsapp.models import Group, Organisation, PolicyLevel, User
from smsapp.models.escalations import LevelTarget
from smsapp.models.users import Role
from smsapp.services.core.crisis_resources import crisis_reply
from smsapp.services.domain import groups as group_service
from smsapp.services.domain import visibility
from smsapp.services.domain.escalation import PolicyError
from smsapp.services.domain.escalation.policy import LevelSpec
from smsapp.services.domain.schedule.plain import clock, day_list, zone_label
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
    if _valid(form, Group(code="", tz="UTC")):
        try:
            group = group_service.create_group(
                db(), current_account().organisation_id, _input(form), runtime().now()
            )
        except group_service.GroupError as exc:
            db().rollback()
            _show(form, exc)
        except PolicyError as exc:
            db().rollback()
            form_error(form, "", str(exc))
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
    if _valid(form, group):
        try:
            moved = group_service.change_group(db(), group, _input(form), runtime().now())
        except group_service.GroupError as exc:
            db().rollback()
            _show(form, exc)
        else:
            db().commit()
            flash(moved.summary() if moved else "Group saved.", "success")
            return redirect(url_for("console.group_edit", group_id=group.id))
    return _group_page(group, form)


def _group_page(
    group: Group,
    form: GroupForm,
    levels: list[Any] | None = None,
    policy_errors: list[str] | None = None,
    status: int = 200,
) -> Any:
    if levels is None:
        levels = list(
            db().scalars(
                select(PolicyLevel)
                .where(PolicyLevel.group_id == group.id)
                .order_by(PolicyLevel.position)
            )
        )
    page = render_page(
        "console/group.html",
        form=form,
        group=group,
        levels=levels,
        policy_errors=policy_errors or [],
        people=_people(),
        targets=list(LevelTarget),
        max_levels=MAX_LEVELS,
        title=f"{group.name} ({group.code})",
        back=url_for("console.groups"),
        checkins=_checkin_summary(group),
    )
    return page, status


def _checkin_summary(group: Group) -> str:
    """ "Monday and Thursday at 7:00 PM Chicago time", or that there are none."""
    days = [int(d) for d in group.checkin_days or ""]
    if group.checkin_time is None or not days:
        return "No check-ins are planned."
    return f"Check-ins: {day_list(days)} at {clock(group.checkin_time)} {zone_label(group.tz)}."


@console_bp.post("/groups/<int:group_id>/policy")
@coordinator_required
def group_policy(group_id: int) -> Any:
    """Save the policy; on a refusal the page comes back with every typed value kept and
    the problems listed at the top of the policy form (no jump past the banner)."""
    group = _group(group_id)
    levels, problems = _levels_from_form()
    if not problems:
        try:
            group_service.set_escalation(db(), group, levels, runtime().now())
        except PolicyError as exc:
            db().rollback()
            problems = [str(exc)]
        else:
            db().commit()
            flash("Escalation policy saved.", "success")
            return redirect(url_for("console.group_edit", group_id=group.id))
    typed = [_TypedLevel(**_typed(n)) for n in range(MAX_LEVELS)]
    return _group_page(group, _form(group), typed, problems, 422)


class _TypedLevel:
    """A policy level as typed (strings kept as they were, for the form to show again)."""

    def __init__(self, target: str, user_id: Any, urgent: str, normal: str, repeats: str):
        self.target = target
        self.user_id = int(user_id) if str(user_id).isdigit() else None
        self.urgent_timeout_minutes = urgent
        self.normal_timeout_minutes = normal
        self.repeats = repeats


def _typed(n: int) -> dict[str, str]:
    get = request.form.get
    return {
        "target": get(f"level-{n}-target", ""),
        "user_id": get(f"level-{n}-user", ""),
        "urgent": get(f"level-{n}-urgent", ""),
        "normal": get(f"level-{n}-normal", ""),
        "repeats": get(f"level-{n}-repeats", ""),
    }


def _levels_from_form() -> tuple[list[LevelSpec], list[str]]:
    """Levels from fields level-N-target/-user/-urgent/-normal/-repeats (empty target =
    no level), and every problem with what was typed."""
    levels, problems = [], []
    for n in range(MAX_LEVELS):
        typed = _typed(n)
        if not typed["target"]:
            continue
        numbers = {}
        for key, default, what in (
            ("urgent", 5, "urgent timeout"),
            ("normal", 60, "normal timeout"),
            ("repeats", 1, "times to text"),
        ):
            value = typed[key].strip()
            if value and not value.isdigit():
                problems.append(f"Level {n + 1}: the {what} must be a whole number.")
            numbers[key] = int(value) if value.isdigit() else default
        user = typed["user_id"]
        if typed["target"] == LevelTarget.USER and not user.isdigit():
            problems.append(f"Level {n + 1}: choose the person to text.")
        levels.append(
            LevelSpec(
                target=typed["target"],
                user_id=int(user)
                if user.isdigit() and typed["target"] == LevelTarget.USER
                else None,
                urgent_timeout_minutes=numbers["urgent"],
                normal_timeout_minutes=numbers["normal"],
                repeats=numbers["repeats"],
            )
        )
    return levels, problems


def _valid(form: GroupForm, group: Group) -> bool:
    """The form's own checks and the service's, together: every problem shows at once."""
    if not form.is_submitted():
        return False
    ok = bool(form.validate())
    for field, message in group_service.problems_of(db(), group, _input(form)):
        if not getattr(form, field).errors:
            form_error(form, field, message)
            ok = False
    return ok


def _show(form: GroupForm, exc: group_service.GroupError) -> None:
    for field, message in exc.problems:
        form_error(form, field, message)


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
    form.facilitator_ids.choices = [(u.id, u.name) for u in _people() if u.role == Role.FACILITATOR]
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
