"""The member page: for the member's group facilitators and the organisation's
coordinators (404 for anyone else); every view is audited."""

from __future__ import annotations

from flask import abort

from smsapp.models.members import MemberStatus
from smsapp.phones import mask_phone
from smsapp.services.domain import member_profile, visibility
from smsapp.web.console.core import (
    audit_view,
    console_bp,
    current_account,
    db,
    login_required,
    render_page,
)
from smsapp.web.runtime import runtime


@console_bp.get("/members/<int:member_id>")
@login_required
def member_page(member_id: int) -> str:
    try:
        member = visibility.member(db(), current_account(), member_id)
    except visibility.NotVisible:
        abort(404)
    if member.status == MemberStatus.ERASED:
        abort(404)
    shown = member_profile.profile(db(), member, runtime().now())
    for action in ("view_member", "view_scores", "view_messages"):
        audit_view(action, member.id)
    db().commit()
    return render_page(
        "console/member_page.html", p=shown, masked_phone=mask_phone(member.phone or "")
    )
