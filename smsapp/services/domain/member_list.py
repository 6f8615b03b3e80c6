"""Finding members: a name or number search, group and status filters, pages of 50.

Names and numbers are encrypted at rest, so a text search reads the filtered members
(one organisation's, a few thousand at most) and matches in Python; the last four digits
of a number are kept in clear and are matched in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsapp.models import Group, Member
from smsapp.models.members import MemberStatus
from smsapp.services.domain import visibility

PAGE_SIZE = 50
STATUSES = (MemberStatus.PENDING, MemberStatus.ACTIVE, MemberStatus.PAUSED, MemberStatus.OPTED_OUT)


@dataclass(frozen=True)
class MemberFilter:
    text: str = ""
    group_id: int | None = None
    status: str = ""
    page: int = 1


@dataclass(frozen=True)
class MemberPage:
    rows: list[tuple[Member, str | None]]  # the member and their group's name
    page: int
    total: int
    pages: int


def find_members(session: Session, viewer: Any, flt: MemberFilter) -> MemberPage:
    """The page of members `viewer` may see that match, by group then name."""
    query, text, digits = _query(viewer, flt)
    if not text:
        return _sql_page(session, query, flt.page)
    return _list_page(_matching(session, query, text, digits), flt.page)


def all_members(
    session: Session, viewer: Any, flt: MemberFilter
) -> list[tuple[Member, str | None]]:
    """Every member that matches (no paging), for an export."""
    query, text, digits = _query(viewer, flt)
    if not text:
        return [(m, g) for m, g in session.execute(query.order_by(Group.name, Member.id))]
    return _matching(session, query, text, digits)


def _query(viewer: Any, flt: MemberFilter) -> tuple[Any, str, str]:
    query = (
        select(Member, Group.name)
        .outerjoin(Group, Group.id == Member.group_id)
        .where(visibility.members_filter(viewer), Member.status != MemberStatus.ERASED)
    )
    if flt.group_id is not None:
        query = query.where(Member.group_id == flt.group_id)
    if flt.status in STATUSES:
        query = query.where(Member.status == flt.status)
    text = flt.text.strip()
    digits = "".join(c for c in text if c.isdigit())
    if not digits or digits != "".join(c for c in text if c not in "+-() ."):
        digits = ""  # a number is searched only when only a number was typed
    elif len(digits) <= 4:
        query = query.where(Member.phone_last4.endswith(digits))
        text = ""
    return query, text, digits


def _matching(
    session: Session, query: Any, text: str, digits: str
) -> list[tuple[Member, str | None]]:
    needle = text.casefold()
    rows = [
        (m, g)
        for m, g in session.execute(query)
        if needle in (m.name or "").casefold() or (digits and digits in (m.phone or ""))
    ]
    rows.sort(key=lambda r: (r[1] or "", (r[0].name or "").casefold(), r[0].id))
    return rows


def _sql_page(session: Session, query: Any, page: int) -> MemberPage:
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = session.execute(
        query.order_by(Group.name, Member.id).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    )
    return MemberPage([(m, g) for m, g in rows], page, total, pages)


def _list_page(rows: list[tuple[Member, str | None]], page: int) -> MemberPage:
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(1, page), pages)
    start = (page - 1) * PAGE_SIZE
    return MemberPage(rows[start : start + PAGE_SIZE], page, len(rows), pages)
