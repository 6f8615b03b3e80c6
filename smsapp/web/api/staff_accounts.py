"""Getting staff into their accounts and out of them (coordinators): POST /staff/invitations,
GET /staff/{id}, POST /staff/{id}/password-reset, …/deactivate and …/reactivate.

The same services as the console's staff pages (smsapp.services.domain.staff_access), and
the same mail (smsapp.web.staff_links). A new link is in the answer to the coordinator who
asked for it and nowhere else: GET /staff says only whether one is waiting. Someone of
another organisation gets the 404 of an id nobody has.
"""

from __future__ import annotations

from flask import abort

from smsapp.models import Organisation, User
from smsapp.services.domain import staff, staff_access
from smsapp.web import staff_links
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.group_setup import refused
from smsapp.web.api.org_admin import staff_out
from smsapp.web.api.setup_schemas import DeactivatedOut, InvitationIn, StaffLinkOut, StaffOut
from smsapp.web.api.spec import answers, api_spec
from smsapp.web.runtime import runtime


def _organisation(user: User) -> Organisation:
    org = auth.db().get(Organisation, user.organisation_id)
    if org is None:
        abort(404)
    return org


def _person_or_404(user_id: int) -> User:
    """A staff member of the caller's organisation (the simulator's facilitator is not)."""
    person = auth.db().get(User, user_id)
    if person is None or person.sandbox:
        abort(404)
    if person.organisation_id != auth.current_user().organisation_id:
        abort(404)
    return person


def _coordinators_person(user_id: int) -> User:
    person = _person_or_404(user_id)
    access.require_coordinator(auth.current_user())
    return person


def _link_answer(
    issued: staff_access.IssuedLink, org: Organisation, by: User
) -> tuple[StaffLinkOut, int, dict[str, str]]:
    """Mail the committed link when mail is set up, and give it to the caller once."""
    url, mailed = staff_links.deliver(issued, org, by)
    answer = StaffLinkOut(
        staff=staff_out(issued.user),
        purpose="invite" if issued.purpose == "invite" else "reset",
        link=url,
        expires_at=issued.expires_at,
        mailed=mailed,
    )
    return answer, 201, {"Cache-Control": "no-store"}  # a password link: no cache keeps it


@api_bp.post("/staff/invitations")
@api_spec.validate(resp=answers(400, 403, 404, 422, HTTP_201=StaffLinkOut), tags=["staff"])
def invite_staff(json: InvitationIn) -> object:
    """Invite a coordinator or facilitator: their account, and a one-time link (valid 7
    days) to set their password. The link is mailed to them when mail is set up, and is in
    this answer only. Every problem with the details is named at once (422)."""
    session, user = auth.db(), auth.current_user()
    access.require_coordinator(user)
    org = _organisation(user)
    groups = tuple(access.group_or_404(session, user, group_id) for group_id in json.group_ids)
    found = [
        (p.field, str(p))
        for p in staff.problems(
            session, org, role=json.role, email=json.email, name=json.name, phone=json.phone
        )
    ]
    if groups and json.role != "facilitator":
        found.append(("group_ids", "only facilitators belong to groups"))
    if found:
        return refused(found, found[0][1] if len(found) == 1 else "the invitation is not valid")
    try:
        issued = staff_access.invite(
            session, org, user, role=json.role, email=json.email, name=json.name,
            phone=json.phone, groups=groups, now=runtime().now(),
        )  # fmt: skip
    except staff.StaffError as exc:
        session.rollback()
        return refused([(exc.field, str(exc))])
    access.audit_view(session, user, "invite_staff", ("user", issued.user.id))
    session.commit()
    return _link_answer(issued, org, user)


@api_bp.get("/staff/<int:user_id>")
@api_spec.validate(resp=answers(403, 404, HTTP_200=StaffOut), tags=["staff"])
def get_staff(user_id: int) -> StaffOut:
    """One staff member of the organisation (coordinators)."""
    return staff_out(_coordinators_person(user_id))


@api_bp.post("/staff/<int:user_id>/password-reset")
@api_spec.validate(resp=answers(403, 404, 409, HTTP_201=StaffLinkOut), tags=["staff"])
def reset_staff_password(user_id: int) -> object:
    """A new one-time link for them to set a password (valid 24 hours; an invitation
    again, valid 7 days, if they never set one). Older links stop working; their current
    password keeps working until the link is used. 409 for a deactivated account."""
    session, user = auth.db(), auth.current_user()
    person = _coordinators_person(user_id)
    try:
        issued = staff_access.reset_link(session, person, user, runtime().now())
    except staff.StaffError as exc:
        session.rollback()
        abort(409, str(exc))
    access.audit_view(session, user, "staff_password_link", ("user", person.id))
    session.commit()
    return _link_answer(issued, _organisation(user), user)


@api_bp.post("/staff/<int:user_id>/deactivate")
@api_spec.validate(resp=answers(403, 404, 409, HTTP_200=DeactivatedOut), tags=["staff"])
def deactivate_staff(user_id: int) -> object:
    """They can no longer log in, use API tokens (revoked), get alerts or be on call; their
    logins end at once and their links stop working. 409 for your own account: an
    organisation always keeps the coordinator who is acting."""
    session, user = auth.db(), auth.current_user()
    person = _coordinators_person(user_id)
    try:
        ended = staff_access.deactivate(session, person, user, runtime().now())
    except staff.StaffError as exc:
        session.rollback()
        abort(409, str(exc))
    access.audit_view(session, user, "deactivate_staff", ("user", person.id))
    session.commit()
    return DeactivatedOut(staff=staff_out(person), logins_ended=ended)


@api_bp.post("/staff/<int:user_id>/reactivate")
@api_spec.validate(resp=answers(403, 404, HTTP_200=StaffOut), tags=["staff"])
def reactivate_staff(user_id: int) -> StaffOut:
    """They may log in again with their password (revoked API tokens stay revoked)."""
    session, user = auth.db(), auth.current_user()
    person = _coordinators_person(user_id)
    staff_access.reactivate(session, person, user)
    access.audit_view(session, user, "reactivate_staff", ("user", person.id))
    session.commit()
    return staff_out(person)
