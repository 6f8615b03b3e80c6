"""GET /groups, GET /groups/{id}/members."""

from __future__ import annotations

from sqlalchemy import select

from smsapp.models import Member
from smsapp.models.members import MemberStatus
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.schemas import GroupList, GroupOut, MemberList, MemberOut
from smsapp.web.api.spec import answers, api_spec


@api_bp.get("/groups")
@api_spec.validate(resp=answers(HTTP_200=GroupList), tags=["groups"])
def list_groups() -> GroupList:
    """The groups the caller may see."""
    groups = access.visible_groups(auth.db(), auth.current_user())
    return GroupList(
        groups=[
            GroupOut(id=g.id, code=g.code, name=g.name, tz=g.tz, sandbox=g.sandbox) for g in groups
        ]
    )


def member_out(member: Member) -> MemberOut:
    """A member as the API shows it (phone masked)."""
    return MemberOut(
        id=member.id,
        group_id=member.group_id,
        name=member.name,
        phone=access.masked_phone(member),
        language=member.language,
        status=member.status,
    )


@api_bp.get("/groups/<int:group_id>/members")
@api_spec.validate(resp=answers(404, HTTP_200=MemberList), tags=["groups"])
def list_members(group_id: int) -> MemberList:
    """A group's members, phone numbers masked; the view is written to the audit log."""
    session, user = auth.db(), auth.current_user()
    group = access.group_or_404(session, user, group_id)
    members = session.scalars(
        select(Member)
        .where(Member.group_id == group.id, Member.status != MemberStatus.ERASED)
        .order_by(Member.id)
    )
    result = MemberList(members=[member_out(m) for m in members])
    access.audit_view(session, user, "view_members", ("group", group.id))
    session.commit()
    return result
