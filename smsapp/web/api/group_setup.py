"""Setting groups up (coordinators): POST /groups, GET/PUT /groups/{id}, and each group's
check-in schedule and escalation policy. The same services as the console's group pages."""

from __future__ import annotations

from datetime import time

from flask import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Group, Organisation, PolicyLevel
from smsapp.services.domain import groups as group_service
from smsapp.services.domain.escalation import PolicyError
from smsapp.services.domain.escalation.policy import LevelSpec
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.setup_schemas import (
    CheckinsIn,
    CheckinsOut,
    GroupDetailOut,
    GroupIn,
    LevelOut,
    PolicyIn,
    PolicyOut,
)
from smsapp.web.api.spec import answers, api_spec, error_json
from smsapp.web.runtime import runtime


def refused(problems: list[tuple[str, str]], message: str = "") -> Response:
    """A service's refusal as the API's 422: every (field, message) it named."""
    details = [{"path": field, "message": text} for field, text in problems]
    return error_json(422, message or problems[0][1], details)


def group_detail(session: Session, group: Group, changes: str | None = None) -> GroupDetailOut:
    return GroupDetailOut(
        id=group.id,
        code=group.code,
        name=group.name,
        tz=group.tz,
        sandbox=group.sandbox,
        requires_approval=group.requires_approval,
        facilitator_ids=[u.id for u in group_service.facilitators_of(session, group)],
        checkins=_checkins(group),
        crisis_text_en=group.crisis_text_en,
        crisis_text_es=group.crisis_text_es,
        changes=changes,
    )


def _checkins(group: Group) -> CheckinsOut:
    at = group.checkin_time
    return CheckinsOut(
        days=[int(d) for d in group.checkin_days or ""], time=f"{at:%H:%M}" if at else None
    )


def coordinators_group(group_id: int) -> Group:
    """The group (404 outside the caller's reach), for a coordinator (403 otherwise)."""
    user = auth.current_user()
    group = access.group_or_404(auth.db(), user, group_id)
    access.require_coordinator(user)
    return group


def _input(session: Session, json: GroupIn, code: str) -> group_service.GroupInput:
    org = session.get(Organisation, auth.current_user().organisation_id)
    return group_service.GroupInput(
        code=json.code or code,
        name=json.name,
        tz=json.tz or (org.tz if org else "UTC"),
        facilitator_ids=tuple(json.facilitator_ids),
        requires_approval=json.requires_approval,
        crisis_text_en=json.crisis_text_en,
        crisis_text_es=json.crisis_text_es,
    )


@api_bp.post("/groups")
@api_spec.validate(resp=answers(400, 403, 422, HTTP_201=GroupDetailOut), tags=["groups"])
def create_group(json: GroupIn) -> object:
    """A new group with the default escalation policy (its facilitators, then on call)."""
    session, user = auth.db(), auth.current_user()
    access.require_coordinator(user)
    try:
        data = _input(session, json, "" if json.code else group_service.generate_code(session))
        group = group_service.create_group(session, user.organisation_id, data, runtime().now())
    except group_service.GroupError as exc:
        session.rollback()
        return refused(exc.problems, str(exc))
    except PolicyError as exc:
        session.rollback()
        return refused([("", str(exc))])
    session.commit()
    return group_detail(session, group), 201


@api_bp.get("/groups/<int:group_id>")
@api_spec.validate(resp=answers(404, HTTP_200=GroupDetailOut), tags=["groups"])
def get_group(group_id: int) -> GroupDetailOut:
    """One group: code, zone, facilitators, check-in schedule, crisis texts."""
    session = auth.db()
    return group_detail(session, access.group_or_404(session, auth.current_user(), group_id))


@api_bp.put("/groups/<int:group_id>")
@api_spec.validate(resp=answers(400, 403, 404, 422, HTTP_200=GroupDetailOut), tags=["groups"])
def change_group(group_id: int, json: GroupIn) -> object:
    """Change a group. A new time zone re-plans its members' check-ins and reminders;
    `changes` says what moved."""
    session, group = auth.db(), coordinators_group(group_id)
    try:
        moved = group_service.change_group(
            session, group, _input(session, json, group.code), runtime().now()
        )
    except group_service.GroupError as exc:
        session.rollback()
        return refused(exc.problems, str(exc))
    session.commit()
    return group_detail(session, group, moved.summary() if moved else None)


@api_bp.get("/groups/<int:group_id>/checkins")
@api_spec.validate(resp=answers(404, HTTP_200=CheckinsOut), tags=["groups"])
def get_checkins(group_id: int) -> CheckinsOut:
    """The group's check-in days and local time."""
    return _checkins(access.group_or_404(auth.db(), auth.current_user(), group_id))


@api_bp.put("/groups/<int:group_id>/checkins")
@api_spec.validate(resp=answers(400, 403, 404, 422, HTTP_200=CheckinsOut), tags=["groups"])
def set_checkins(group_id: int, json: CheckinsIn) -> object:
    """Set the check-in days and local time (null time: no check-ins); members' next
    check-ins are planned again at once."""
    session, group = auth.db(), coordinators_group(group_id)
    days = "".join(str(d) for d in json.days if 0 <= d <= 6)
    if len(days) != len(json.days):
        return refused([("days", "days are 0 (Monday) to 6 (Sunday)")])
    at = time.fromisoformat(json.time) if json.time else None
    try:
        group_service.set_checkins(session, group, days, at, runtime().now())
    except group_service.GroupError as exc:
        session.rollback()
        return refused(exc.problems, str(exc))
    session.commit()
    return _checkins(group)


def _policy(session: Session, group: Group) -> PolicyOut:
    levels = session.scalars(
        select(PolicyLevel).where(PolicyLevel.group_id == group.id).order_by(PolicyLevel.position)
    )
    return PolicyOut(
        group_id=group.id,
        levels=[LevelOut.model_validate(lv, from_attributes=True) for lv in levels],
    )


@api_bp.get("/groups/<int:group_id>/policy")
@api_spec.validate(resp=answers(404, HTTP_200=PolicyOut), tags=["escalation"])
def get_policy(group_id: int) -> PolicyOut:
    """The group's escalation policy, level by level."""
    session = auth.db()
    return _policy(session, access.group_or_404(session, auth.current_user(), group_id))


@api_bp.put("/groups/<int:group_id>/policy")
@api_spec.validate(resp=answers(400, 403, 404, 422, HTTP_200=PolicyOut), tags=["escalation"])
def set_policy(group_id: int, json: PolicyIn) -> object:
    """Replace the group's escalation policy; refused (422, with why) when it could not
    keep people safe."""
    session, group = auth.db(), coordinators_group(group_id)
    levels = [
        LevelSpec(
            target=lv.target,
            user_id=lv.user_id if lv.target == "user" else None,
            urgent_timeout_minutes=lv.urgent_timeout_minutes,
            normal_timeout_minutes=lv.normal_timeout_minutes,
            repeats=lv.repeats,
        )
        for lv in json.levels
    ]
    try:
        group_service.set_escalation(session, group, levels, runtime().now())
    except PolicyError as exc:
        session.rollback()
        return refused([("levels", str(exc))])
    session.commit()
    return _policy(session, group)
