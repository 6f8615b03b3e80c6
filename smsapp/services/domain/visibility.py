"""Who may see what: the one place for the console's and API's access rules.

Coordinators see everything in their own organisation. Facilitators see only the groups
they facilitate, and the members, cases and messages of those groups. Nobody sees the
phone simulator's sandbox in a real list: its group, members, cases and texts live only
in the simulator. Anything outside
is reported as NotVisible, which pages turn into 404 so an outsider learns nothing,
not even that the thing exists.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from smsapp.models import Case, Group, InboundMessage, Member, OutboxMessage, User
from smsapp.models.users import Role, group_facilitators


class Viewer(Protocol):
    """Anything with an id, organisation and role (a User row or the console's account)."""

    @property
    def id(self) -> int: ...
    @property
    def organisation_id(self) -> int: ...
    @property
    def role(self) -> str: ...


class NotVisible(LookupError):
    """The viewer may not see this (or it does not exist: callers cannot tell which)."""


T = TypeVar("T")


def is_coordinator(viewer: Viewer) -> bool:
    return viewer.role == Role.COORDINATOR


def own_group_ids(viewer: Viewer) -> Select[Any]:
    """A subquery of the group ids the viewer facilitates."""
    return select(group_facilitators.c.group_id).where(group_facilitators.c.user_id == viewer.id)


def _sandbox_group_ids() -> Select[Any]:
    return select(Group.id).where(Group.sandbox.is_(True))


def _real(group_id: Any) -> ColumnElement[bool]:
    """Not a row of a sandbox group (rows without a group are real)."""
    return or_(group_id.is_(None), group_id.not_in(_sandbox_group_ids()))


def _real_people(member_id: Any, user_id: Any) -> ColumnElement[bool]:
    """A text to or from no sandbox member and no simulated staff phone."""
    sandbox_members = select(Member.id).where(Member.group_id.in_(_sandbox_group_ids()))
    sandbox_users = select(User.id).where(User.sandbox.is_(True))
    return and_(
        or_(member_id.is_(None), member_id.not_in(sandbox_members)),
        or_(user_id.is_(None), user_id.not_in(sandbox_users)),
    )


def groups_filter(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause for Group rows the viewer may see."""
    in_org = and_(Group.organisation_id == viewer.organisation_id, Group.sandbox.is_(False))
    if is_coordinator(viewer):
        return in_org
    return and_(in_org, Group.id.in_(own_group_ids(viewer)))


def members_filter(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause for Member rows the viewer may see."""
    in_org = and_(Member.organisation_id == viewer.organisation_id, _real(Member.group_id))
    if is_coordinator(viewer):
        return in_org
    return and_(in_org, Member.group_id.in_(own_group_ids(viewer)))


def cases_filter(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause for Case rows the viewer may see."""
    in_org = and_(Case.organisation_id == viewer.organisation_id, _real(Case.group_id))
    if is_coordinator(viewer):
        return in_org
    return and_(in_org, Case.group_id.in_(own_group_ids(viewer)))


def outbox_filter(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause for outbox rows: coordinators the organisation's, facilitators
    only texts to members of their groups."""
    in_org = and_(
        OutboxMessage.organisation_id == viewer.organisation_id,
        _real_people(OutboxMessage.member_id, OutboxMessage.user_id),
    )
    if is_coordinator(viewer):
        return in_org
    return and_(in_org, OutboxMessage.member_id.in_(_visible_member_ids(viewer)))


def inbound_filter(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause for inbound messages the viewer may see."""
    in_org = and_(
        InboundMessage.organisation_id == viewer.organisation_id,
        _real_people(InboundMessage.member_id, InboundMessage.user_id),
    )
    if is_coordinator(viewer):
        return in_org
    return and_(in_org, InboundMessage.member_id.in_(_visible_member_ids(viewer)))


def _visible_member_ids(viewer: Viewer) -> Select[Any]:
    return select(Member.id).where(members_filter(viewer))


def group(session: Session, viewer: Viewer, group_id: int) -> Group:
    """The group, or NotVisible."""
    query = select(Group).where(Group.id == group_id, groups_filter(viewer))
    return _one(session, query, Group)


def member(session: Session, viewer: Viewer, member_id: int) -> Member:
    """The member, or NotVisible."""
    query = select(Member).where(Member.id == member_id, members_filter(viewer))
    return _one(session, query, Member)


def case(session: Session, viewer: Viewer, case_id: int) -> Case:
    """The case, or NotVisible."""
    query = select(Case).where(Case.id == case_id, cases_filter(viewer))
    return _one(session, query, Case)


def require_coordinator(viewer: Viewer) -> None:
    """Organisation-wide settings are coordinators' only."""
    if not is_coordinator(viewer):
        raise NotVisible("coordinators only")


def _one(session: Session, query: Select[Any], kind: type[T]) -> T:
    row = session.scalar(query)
    if row is None:
        raise NotVisible("not found")
    assert isinstance(row, kind)
    return row
