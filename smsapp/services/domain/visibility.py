"""Who may see what: the one place for the console's and API's access rules.

Coordinators see everything in their own organisation. Facilitators see only the groups
they facilitate, and the members, cases and messages of those groups. Anything outside
is reported as NotVisible, which pages turn into 404 so an outsider learns nothing,
not even that the thing exists.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.orm import Session

from smsapp.models import Case, Group, InboundMessage, Member, OutboxMessage
from smsapp.models.users import group_facilitators


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
    return viewer.role == "coordinator"


def own_group_ids(viewer: Viewer) -> Select[Any]:
    """A subquery of the group ids the viewer facilitates."""
    return select(group_facilitators.c.group_id).where(group_facilitators.c.user_id == viewer.id)


def groups_filter(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause for Group rows the viewer may see."""
    in_org = Group.organisation_id == viewer.organisation_id
    if is_coordinator(viewer):
        return in_org
    return and_(in_org, Group.id.in_(own_group_ids(viewer)))


def members_filter(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause for Member rows the viewer may see."""
    in_org = Member.organisation_id == viewer.organisation_id
    if is_coordinator(viewer):
        return in_org
    return and_(in_org, Member.group_id.in_(own_group_ids(viewer)))


def cases_filter(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause for Case rows the viewer may see."""
    in_org = Case.organisation_id == viewer.organisation_id
    if is_coordinator(viewer):
        return in_org
    return and_(in_org, Case.group_id.in_(own_group_ids(viewer)))


def outbox_filter(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause for outbox rows: coordinators the organisation's, facilitators
    only texts to members of their groups."""
    in_org = OutboxMessage.organisation_id == viewer.organisation_id
    if is_coordinator(viewer):
        return in_org
    return and_(in_org, OutboxMessage.member_id.in_(_visible_member_ids(viewer)))


def inbound_filter(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause for inbound messages the viewer may see."""
    in_org = InboundMessage.organisation_id == viewer.organisation_id
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
