"""GET /groups, GET /groups/{id}/members, POST /members."""

from __future__ import annotations

from flask import abort
from spectree import Response as Resp
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from smsapp.models import AuditEntry, Member
from smsapp.phones import MASK
from smsapp.services import directory
from smsapp.web.api import access, auth
from smsapp.web.api import bp as api_bp
from smsapp.web.api.schemas import ErrorOut, GroupList, GroupOut, MemberIn, MemberList, MemberOut
from smsapp.web.api.spec import api_spec
from smsapp.web.runtime import runtime

_ERRORS = {"HTTP_401": ErrorOut, "HTTP_404": ErrorOut}


@api_bp.get("/groups")
@api_spec.validate(resp=Resp(HTTP_200=GroupList, HTTP_401=ErrorOut), tags=["groups"])
def list_groups() -> GroupList:
    """The groups the caller may see."""
    groups = access.visible_groups(auth.db(), auth.current_user())
    return GroupList(
        groups=[
            GroupOut(id=g.id, code=g.code, name=g.name, tz=g.tz, sandbox=g.sandbox) for g in groups
        ]
    )


def _member_out(member: Member) -> MemberOut:
    return MemberOut(
        id=member.id,
        group_id=member.group_id,
        name=member.name,
        phone=f"{MASK} {member.phone_last4}" if member.phone_last4 else MASK,
        language=member.language,
        status=member.status,
    )


def _audit(action: str, subject_type: str, subject_id: int) -> None:
    user = auth.current_user()
    auth.db().add(
        AuditEntry(
            at=runtime().now(),
            organisation_id=user.organisation_id,
            actor_user_id=user.id,
            actor=f"user:{user.id}",
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            detail="api",
        )
    )


@api_bp.get("/groups/<int:group_id>/members")
@api_spec.validate(resp=Resp(HTTP_200=MemberList, **_ERRORS), tags=["groups"])
def list_members(group_id: int) -> MemberList:
    """A group's members, phone numbers masked; the view is written to the audit log."""
    session = auth.db()
    group = access.group_or_404(session, auth.current_user(), group_id)
    members = session.scalars(
        select(Member)
        .where(Member.group_id == group.id, Member.status != "erased")
        .order_by(Member.id)
    )
    result = MemberList(members=[_member_out(m) for m in members])
    _audit("view_members", "group", group.id)
    session.commit()
    return result


@api_bp.post("/members")
@api_spec.validate(
    resp=Resp(HTTP_201=MemberOut, HTTP_403=ErrorOut, HTTP_409=ErrorOut, **_ERRORS),
    tags=["members"],
)
def create_member(json: MemberIn) -> tuple[MemberOut, int]:
    """Add a member (coordinators); they stay pending until they reply YES to the invite."""
    session, user = auth.db(), auth.current_user()
    group = access.group_or_404(session, user, json.group_id)
    access.require_coordinator(user)
    taken = session.scalar(
        select(Member.id).where(
            Member.organisation_id == group.organisation_id,
            Member.phone_hash == directory.phone_hash(json.phone),
        )
    )
    if taken is not None:
        abort(409, "a member with this phone number already exists")
    now = runtime().now()
    member = Member(
        organisation_id=group.organisation_id,
        group_id=group.id,
        name=json.name,
        language=json.language,
        tz=group.tz,
        status="pending",
        created_at=now,
        updated_at=now,
    )
    directory.set_member_phone(member, json.phone)
    session.add(member)
    try:
        session.flush()
    except IntegrityError:  # a concurrent insert of the same number
        session.rollback()
        abort(409, "a member with this phone number already exists")
    _audit("change_member", "member", member.id)
    session.commit()
    return _member_out(member), 201
