"""The on-call rota: GET/PUT /oncall, POST/DELETE /oncall/overrides (coordinators change it)."""

from __future__ import annotations

from datetime import datetime

from flask import abort

from smsapp.models import Organisation, User
from smsapp.services.domain import oncall
from smsapp.services.domain.escalation import rota_changes
from smsapp.services.domain.oncall.view import board
from smsapp.services.domain.oncall.week import parse_clock
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.escalation_schemas import (
    OverrideIn,
    OverrideOut,
    PersonOut,
    RotaIn,
    RotaOut,
    ShiftOut,
)
from smsapp.web.api.spec import answers, api_spec
from smsapp.web.runtime import runtime

LOCAL = "%Y-%m-%dT%H:%M"


def _person(user: User) -> PersonOut:
    return PersonOut(id=user.id, name=user.name)


def _org(user: User) -> Organisation:
    org = auth.db().get(Organisation, user.organisation_id)
    if org is None:
        abort(404)
    return org


def _rota_out(org: Organisation) -> RotaOut:
    view = board(auth.db(), org, runtime().now())
    return RotaOut(
        tz=org.tz,
        on_call_now=[_person(u) for u in view.now],
        shifts=[
            ShiftOut(
                id=v.shift.id,
                user=_person(v.user),
                day=v.shift.weekday,
                starts=f"{v.shift.starts:%H:%M}",
                ends=f"{v.shift.ends:%H:%M}",
                hours=v.hours,
            )
            for v in view.shifts
        ],  # fmt: skip
        gaps=view.gaps,
        overrides=[
            OverrideOut(
                id=o.override.id,
                user=_person(o.user),
                starts=f"{o.starts_local:{LOCAL}}",
                ends=f"{o.ends_local:{LOCAL}}",
            )
            for o in view.overrides
        ],  # fmt: skip
    )


@api_bp.get("/oncall")
@api_spec.validate(resp=answers(HTTP_200=RotaOut), tags=["on call"])
def get_rota() -> RotaOut:
    """Who is on call now, the weekly rota, its gaps and the overrides to come."""
    return _rota_out(_org(auth.current_user()))


@api_bp.put("/oncall")
@api_spec.validate(resp=answers(400, 403, 422, HTTP_200=RotaOut), tags=["on call"])
def put_rota(json: RotaIn) -> RotaOut:
    """Replace the weekly rota (coordinators). Refused (422) when a person cannot be
    texted, or when a group's escalation would then reach nobody."""
    user = auth.current_user()
    access.require_coordinator(user)
    org = _org(user)
    try:
        shifts = [
            oncall.ShiftInput(s.user_id, tuple(s.days), parse_clock(s.starts), parse_clock(s.ends))
            for s in json.shifts
        ]
        if any(d not in range(7) for s in json.shifts for d in s.days):
            raise oncall.RotaError("days are 0 (Monday) to 6 (Sunday)", "days")
        rota_changes.set_rota(auth.db(), org, shifts, runtime().now())
    except oncall.RotaError as exc:
        auth.db().rollback()
        abort(422, str(exc))
    auth.db().commit()
    return _rota_out(org)


@api_bp.post("/oncall/overrides")
@api_spec.validate(resp=answers(400, 403, 422, HTTP_201=OverrideOut), tags=["on call"])
def post_override(json: OverrideIn) -> tuple[OverrideOut, int]:
    """Someone on call from–to (local times) instead of the rota (coordinators)."""
    user = auth.current_user()
    access.require_coordinator(user)
    org = _org(user)
    try:
        found = rota_changes.add_override(
            auth.db(), org, json.user_id, _local(json.starts), _local(json.ends), runtime().now()
        )
    except oncall.RotaError as exc:
        auth.db().rollback()
        abort(422, str(exc))
    auth.db().commit()
    person = auth.db().get(User, found.user_id)
    assert person is not None
    return OverrideOut(id=found.id, user=_person(person), starts=json.starts, ends=json.ends), 201


@api_bp.delete("/oncall/overrides/<int:override_id>")
@api_spec.validate(resp=answers(403, 404, 422, HTTP_204=None), tags=["on call"])
def delete_override(override_id: int) -> tuple[str, int]:
    """Cancel an override (coordinators); 422 when a group would then reach nobody."""
    user = auth.current_user()
    access.require_coordinator(user)
    org = _org(user)
    known = {o.override.id for o in oncall.overrides(auth.db(), org, runtime().now())}
    if override_id not in known:
        abort(404)
    try:
        rota_changes.remove_override(auth.db(), org, override_id, runtime().now())
    except oncall.RotaError as exc:
        auth.db().rollback()
        abort(422, str(exc))
    auth.db().commit()
    return "", 204


def _local(text: str) -> datetime:
    try:
        return datetime.strptime(text, LOCAL)
    except ValueError:
        raise oncall.RotaError(f"{text!r} is not a date and time", "starts") from None
