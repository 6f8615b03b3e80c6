"""The organisation (coordinators): its settings and its staff. The same services as
the console's settings page and `smsapp users create`."""

from __future__ import annotations

from dataclasses import asdict, replace

from flask import abort
from sqlalchemy import select

from smsapp.models import Organisation, User
from smsapp.phones import MASK
from smsapp.services.domain import oncall, org_settings, staff, staff_access
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.group_setup import refused
from smsapp.web.api.setup_schemas import SettingsIn, SettingsOut, StaffIn, StaffList, StaffOut
from smsapp.web.api.spec import answers, api_spec
from smsapp.web.runtime import runtime


def _organisation() -> Organisation:
    org = auth.db().get(Organisation, auth.current_user().organisation_id)
    if org is None:
        abort(404)
    return org


@api_bp.get("/settings")
@api_spec.validate(resp=answers(403, HTTP_200=SettingsOut), tags=["organisation"])
def get_settings() -> SettingsOut:
    """The organisation's settings: names, help contact, crisis texts, quiet hours."""
    access.require_coordinator(auth.current_user())
    return SettingsOut(**asdict(org_settings.current(_organisation())))


@api_bp.put("/settings")
@api_spec.validate(resp=answers(400, 403, 422, HTTP_200=SettingsOut), tags=["organisation"])
def change_settings(json: SettingsIn) -> object:
    """Change the settings given (all of them or none)."""
    session = auth.db()
    access.require_coordinator(auth.current_user())
    org = _organisation()
    given = {k: v for k, v in json.model_dump().items() if v is not None}
    try:
        org_settings.update(session, org, replace(org_settings.current(org), **given))
    except org_settings.SettingsError as exc:
        session.rollback()
        return refused([(exc.field, str(exc))])
    access.audit_view(session, auth.current_user(), "change_settings", ("organisation", org.id))
    session.commit()
    return SettingsOut(**asdict(org_settings.current(org)))


def staff_out(user: User) -> StaffOut:
    """A staff member as the API shows them: phone masked, and never their link."""
    last4 = (user.phone or "")[-4:]
    link = staff_access.pending_link(auth.db(), user.id, runtime().now()) if user.active else None
    return StaffOut(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        on_call=oncall.is_on_rota(auth.db(), user),
        active=user.active,
        group_ids=sorted(g.id for g in user.groups),
        phone=f"{MASK} {last4}" if last4 else None,
        password_set=bool(user.password_hash),
        link_pending=link is not None,
    )


@api_bp.get("/staff")
@api_spec.validate(resp=answers(403, HTTP_200=StaffList), tags=["staff"])
def list_staff() -> StaffList:
    """The organisation's coordinators and facilitators."""
    user = auth.current_user()
    access.require_coordinator(user)
    people = auth.db().scalars(
        select(User)
        .where(User.organisation_id == user.organisation_id, User.sandbox.is_(False))
        .order_by(User.name, User.id)
    )
    return StaffList(staff=[staff_out(u) for u in people])


@api_bp.post("/staff")
@api_spec.validate(resp=answers(400, 403, 404, 422, HTTP_201=StaffOut), tags=["staff"])
def add_staff(json: StaffIn) -> object:
    """A new coordinator or facilitator account. It has no password: they set one with
    `smsapp users` or a link (POST /staff/{user_id}/password-reset) before they can sign
    in. POST /staff/invitations does both at once."""
    session, user = auth.db(), auth.current_user()
    access.require_coordinator(user)
    org = _organisation()
    try:
        person = staff.add_staff(
            session, org, role=json.role, email=json.email, name=json.name,
            password=None, now=runtime().now(), phone=json.phone,
        )  # fmt: skip
        for group_id in json.group_ids:
            group = access.group_or_404(session, user, group_id)
            if json.role != "facilitator":
                raise staff.StaffError("only facilitators belong to groups", "group_ids")
            person.groups.append(group)
    except staff.StaffError as exc:
        session.rollback()
        return refused([(exc.field, str(exc))])
    access.audit_view(session, user, "add_staff", ("user", person.id))
    session.commit()
    return staff_out(person), 201
