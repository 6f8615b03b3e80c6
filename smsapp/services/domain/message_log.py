"""The message log: texts in and out of an organisation, newest first, one page at a time.

Each row says its direction, the member (or staff member) at the other end, the text
(for a viewer who may read it), and its delivery status in one word. Bodies and names are
encrypted at rest, so a search in them reads the newest texts in batches and stops after
SEARCH_LIMIT texts (the page says when it stopped).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, not_, or_, select
from sqlalchemy.orm import Session

from smsapp.models import InboundMessage, Member, OutboxMessage, User
from smsapp.models.messages import UNFINISHED, OutboxStatus
from smsapp.phones import mask_phone
from smsapp.services.domain import visibility
from smsapp.services.domain.schedule import to_utc

PAGE_SIZE = 50
SEARCH_LIMIT = 5000
BATCH = 200
# What a coordinator wants to know about a text, in one word (the filter's choices).
STATUS_WORDS = ("waiting", "sent", "delivered", "failed", "cancelled", "received")
_FAILED_DELIVERY = ("undelivered", "failed")


@dataclass(frozen=True)
class LogFilter:
    direction: str = ""  # "in", "out" or "" for both
    status: str = ""  # one of STATUS_WORDS, or ""
    member_id: int | None = None
    text: str = ""  # in the body or the member's name
    since: date | None = None  # local dates, in the organisation's zone
    until: date | None = None
    page: int = 1


@dataclass(frozen=True)
class LogRow:
    at: datetime
    direction: str  # "in" or "out"
    member_id: int | None
    who: str  # the member's name, a staff member's name, or a masked number
    number: str  # masked
    body: str | None  # None: the viewer may not read it
    status: str  # one of STATUS_WORDS
    kind: str  # reply, scheduled, escalation, crisis, system; "" for texts in
    error: str


@dataclass(frozen=True)
class LogPage:
    rows: list[LogRow]
    page: int
    has_next: bool
    searched_all: bool  # False: a text search stopped after SEARCH_LIMIT texts


def status_word(status: str, delivery: str | None) -> str:
    """The outbox's two columns as one word: waiting, sent, delivered, failed, cancelled."""
    if status == OutboxStatus.FAILED or delivery in _FAILED_DELIVERY:
        return "failed"
    if status == OutboxStatus.CANCELLED:
        return "cancelled"
    if status in UNFINISHED:
        return "waiting"
    return "delivered" if delivery == "delivered" else "sent"


def message_log(session: Session, viewer: Any, flt: LogFilter, tz: str) -> LogPage:
    """One page of the log as `viewer` may see it (visibility's rules), newest first."""
    page = max(1, flt.page)
    start = (page - 1) * PAGE_SIZE
    names = _Names(session)
    needle = flt.text.strip().casefold()
    matched: list[LogRow] = []
    scanned = 0
    for row in _merged(session, viewer, flt, tz, names):
        scanned += 1
        if needle and needle not in f"{row.body or ''}\n{row.who}".casefold():
            if scanned >= SEARCH_LIMIT:
                break
            continue
        matched.append(row)
        if len(matched) > start + PAGE_SIZE or (needle and scanned >= SEARCH_LIMIT):
            break
    searched_all = not needle or scanned < SEARCH_LIMIT
    return LogPage(
        matched[start : start + PAGE_SIZE], page, len(matched) > start + PAGE_SIZE, searched_all
    )


def rows_for_export(
    session: Session, viewer: Any, flt: LogFilter, tz: str, limit: int = 50_000
) -> Iterator[LogRow]:
    """Every row the filter matches (up to `limit`), newest first, for a CSV file."""
    names = _Names(session)
    needle = flt.text.strip().casefold()
    count = 0
    for row in _merged(session, viewer, flt, tz, names):
        if needle and needle not in f"{row.body or ''}\n{row.who}".casefold():
            continue
        yield row
        count += 1
        if count >= limit:
            return


def _merged(
    session: Session, viewer: Any, flt: LogFilter, tz: str, names: _Names
) -> Iterator[LogRow]:
    streams = []
    if flt.direction in ("", "out") and flt.status != "received":
        streams.append(_outbound(session, viewer, flt, tz, names))
    if flt.direction in ("", "in") and flt.status in ("", "received"):
        streams.append(_inbound(session, viewer, flt, tz, names))
    return heapq.merge(*streams, key=lambda r: r.at, reverse=True)


def _outbound(
    session: Session, viewer: Any, flt: LogFilter, tz: str, names: _Names
) -> Iterator[LogRow]:
    query = select(OutboxMessage).where(visibility.outbox_filter(viewer))
    query = query.where(*_window(OutboxMessage.created_at, flt, tz))
    if flt.member_id is not None:
        query = query.where(OutboxMessage.member_id == flt.member_id)
    if flt.status:
        query = query.where(_status_clause(flt.status))
    query = query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    for m in _batches(session, query):
        yield LogRow(
            at=m.created_at,
            direction="out",
            member_id=m.member_id,
            who=names.of(m.member_id, m.user_id, m.to_phone),
            number=mask_phone(m.to_phone or ""),
            body=m.body if names.may_read(viewer, m.member_id, m.user_id) else None,
            status=status_word(m.status, m.delivery_status),
            kind=m.kind,
            error=m.error_code or "",
        )


def _inbound(
    session: Session, viewer: Any, flt: LogFilter, tz: str, names: _Names
) -> Iterator[LogRow]:
    query = select(InboundMessage).where(visibility.inbound_filter(viewer))
    query = query.where(*_window(InboundMessage.received_at, flt, tz))
    if flt.member_id is not None:
        query = query.where(InboundMessage.member_id == flt.member_id)
    query = query.order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
    for m in _batches(session, query):
        yield LogRow(
            at=m.received_at,
            direction="in",
            member_id=m.member_id,
            who=names.of(m.member_id, m.user_id, None),
            number="",
            body=m.body if names.may_read(viewer, m.member_id, m.user_id) else None,
            status="received",
            kind="",
            error="",
        )


def _batches(session: Session, query: Select[Any]) -> Iterator[Any]:
    offset = 0
    while True:
        batch = list(session.scalars(query.limit(BATCH).offset(offset)))
        yield from batch
        if len(batch) < BATCH:
            return
        offset += BATCH


def _window(column: Any, flt: LogFilter, tz: str) -> list[ColumnElement[bool]]:
    clauses = []
    if flt.since is not None:
        clauses.append(column >= _midnight(flt.since, tz))
    if flt.until is not None:
        clauses.append(column < _midnight(flt.until + timedelta(days=1), tz))
    return clauses


def _midnight(day: date, tz: str) -> datetime:
    return to_utc(datetime.combine(day, time()), tz)


def _status_clause(word: str) -> ColumnElement[bool]:
    delivery = OutboxMessage.delivery_status
    bad_delivery = delivery.in_(_FAILED_DELIVERY)
    return {
        "failed": or_(OutboxMessage.status == OutboxStatus.FAILED, bad_delivery),
        "cancelled": OutboxMessage.status == OutboxStatus.CANCELLED,
        "waiting": OutboxMessage.status.in_(UNFINISHED),
        "delivered": and_(OutboxMessage.status != OutboxStatus.FAILED, delivery == "delivered"),
        "sent": and_(
            OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.INLINE)),
            or_(delivery.is_(None), not_(delivery.in_(("delivered", *_FAILED_DELIVERY)))),
        ),
    }.get(word, OutboxMessage.id.is_(None))


class _Names:
    """Names of the people at the other end, loaded once per id (they are encrypted)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.members: dict[int, Member | None] = {}
        self.users: dict[int, User | None] = {}

    def of(self, member_id: int | None, user_id: int | None, phone: str | None) -> str:
        if member_id is not None:
            member = self._member(member_id)
            return (member.name or "(no name)") if member is not None else "(erased)"
        if user_id is not None:
            user = self._user(user_id)
            return f"{user.name} (staff)" if user is not None else "(staff)"
        return mask_phone(phone or "") or "(unknown number)"

    def may_read(self, viewer: Any, member_id: int | None, user_id: int | None) -> bool:
        """Coordinators read their organisation's texts; a facilitator those of members
        they may see (the row filter already holds them to their groups) and their own."""
        if visibility.is_coordinator(viewer):
            return True
        if user_id is not None:
            return bool(user_id == viewer.id)
        return member_id is not None

    def _member(self, member_id: int) -> Member | None:
        if member_id not in self.members:
            self.members[member_id] = self.session.get(Member, member_id)
        return self.members[member_id]

    def _user(self, user_id: int) -> User | None:
        if user_id not in self.users:
            self.users[user_id] = self.session.get(User, user_id)
        return self.users[user_id]
