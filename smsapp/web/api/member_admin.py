"""A member (coordinators change them): GET/PUT /members/{id}, POST …/invite and
…/approval. The same services as the console's member pages."""

from __future__ import annotations

from flask import abort
from sqlalchemy.exc import IntegrityError

from smsapp.models import Member
from smsapp.services.conversation import enrollment
from smsapp.services.domain import members as member_service
from smsapp.services.domain import visibility
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.group_setup import refused
from smsapp.web.api.groups import member_out
from smsapp.web.api.schemas import MemberOut
from smsapp.web.api.setup_schemas import ApprovalIn, ApprovalOut, InviteOut, MemberEditIn
from smsapp.web.api.spec import answers, api_spec
from smsapp.web.runtime import runtime


def _member_or_404(member_id: int) -> Member:
    try:
        return visibility.member(auth.db(), auth.current_user(), member_id)
    except visibility.NotVisible:
        abort(404)


def _coordinators_member(member_id: int) -> Member:
    member = _member_or_404(member_id)
    access.require_coordinator(auth.current_user())
    return member


@api_bp.get("/members/<int:member_id>")
@api_spec.validate(resp=answers(404, HTTP_200=MemberOut), tags=["members"])
def get_member(member_id: int) -> MemberOut:
    """One member, phone masked; the view is written to the audit log."""
    member = _member_or_404(member_id)
    access.audit_view(auth.db(), auth.current_user(), "view_member", ("member", member.id))
    auth.db().commit()
    return member_out(member)


@api_bp.put("/members/<int:member_id>")
@api_spec.validate(resp=answers(400, 403, 404, 409, 422, HTTP_200=MemberOut), tags=["members"])
def edit_member(member_id: int, json: MemberEditIn) -> object:
    """Change a member's name, number, group or language (coordinators)."""
    session, user = auth.db(), auth.current_user()
    member = _coordinators_member(member_id)
    group = access.group_or_404(session, user, json.group_id)
    data = member_service.MemberInput(
        name=json.name, phone=json.phone, group=group, language=json.language, region=json.region
    )
    try:
        member_service.edit_member(session, member, data, runtime().now())
        session.flush()
    except member_service.MemberError as exc:
        session.rollback()
        if "another member" in str(exc):
            abort(409, str(exc))
        return refused([(exc.field, str(exc))])
    except IntegrityError:
        session.rollback()
        abort(409, "another member has this phone number")
    access.audit_view(session, user, "change_member", ("member", member.id))
    session.commit()
    return member_out(member)


@api_bp.post("/members/<int:member_id>/invite")
@api_spec.validate(resp=answers(403, 404, 409, HTTP_200=InviteOut), tags=["members"])
def invite_member(member_id: int) -> object:
    """Text a pending member the consent request; they join by answering YES."""
    session = auth.db()
    member = _coordinators_member(member_id)
    try:
        enrollment.invite(session, member, runtime().now())
    except member_service.MemberError as exc:
        session.rollback()
        abort(409, str(exc))
    access.audit_view(session, auth.current_user(), "invite_member", ("member", member.id))
    session.commit()
    return InviteOut(member_id=member.id, invited=True)


@api_bp.post("/members/<int:member_id>/approval")
@api_spec.validate(resp=answers(400, 403, 404, 409, HTTP_200=ApprovalOut), tags=["members"])
def approve_member(member_id: int, json: ApprovalIn) -> object:
    """Answer a join request to a group that needs approval: approve (the consent request
    is texted) or decline (the request, a number and nothing else, is removed)."""
    session = auth.db()
    member = _coordinators_member(member_id)
    try:
        if json.approve:
            enrollment.approve_join(session, member, runtime().now())
        else:
            member_service.decline_join(session, member)
    except member_service.MemberError as exc:
        session.rollback()
        abort(409, str(exc))
    action = "approve_member" if json.approve else "decline_member"
    access.audit_view(session, auth.current_user(), action, ("member", member_id))
    session.commit()
    return ApprovalOut(member_id=member_id, status="pending" if json.approve else "declined")
