"""The API's use of the access rules in smsapp.services.domain.visibility.

Anything outside the caller's reach answers 404, exactly like something that does not
exist, so an outsider learns nothing (not even that an id is taken).
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Case, Group, Member, User
from smsapp.phones import MASK
from smsapp.services.core import audit
from smsapp.services.domain import visibility
from smsapp.web.runtime import runtime


def visible_groups(session: Session, user: User) -> list[Group]:
    """Coordinators see every group of their organisation; facilitators their own."""
    return list(
        session.scalars(select(Group).where(visibility.groups_filter(user)).order_by(Group.name))
    )


def group_or_404(session: Session, user: User, group_id: int) -> Group:
    try:
        return visibility.group(session, user, group_id)
    except visibility.NotVisible:
        abort(404)


def case_or_404(session: Session, user: User, case_id: int) -> Case:
    try:
        return visibility.case(session, user, case_id)
    except visibility.NotVisible:
        abort(404)


def require_coordinator(user: User) -> None:
    """A facilitator asking for a coordinator's action inside their own reach: 403."""
    if not user.is_coordinator:
        abort(403, "only coordinators may do this")


def audit_view(
    session: Session,
    user: User,
    action: str,
    subject: tuple[str, int | None],
    detail: str = "api",
) -> None:
    """Write that `user` viewed or changed member data through the API (not committed)."""
    subject_type, subject_id = subject
    audit.record(
        session,
        actor_user_id=user.id,
        organisation_id=user.organisation_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        now=runtime().now(),
        detail=detail,
    )


def masked_phone(member: Member) -> str:
    """A member's number as the API shows it: the last four digits only."""
    return f"{MASK} {member.phone_last4}" if member.phone_last4 else MASK
