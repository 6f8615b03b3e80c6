"""Pacing by sending number: which texts take a sender's next slots, and keeping them.

Each sender (an organisation's number or Messaging Service; None is the installation's
own) sends at its rate in segments per second (services/core/numbers.rate_for). A text's
send time is reserved once, stored on its row (`send_at`) and kept: a reserved row is
sent at its time and never moved behind texts that came after it.

Slots are reserved a short pass ahead at a time (smsapp/sending.py), never a whole
burst at once, so a burst is shared between groups: urgent texts first, then one text of
each group in turn, the group served longest ago first. Within a group, texts go in the
order they came due. Sandbox texts (simulated phones) are never paced.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from smsapp.models import Member, OutboxMessage
from smsapp.models.messages import OutboxStatus, Priority

RECENT = timedelta(hours=1)  # how far back "the group served longest ago" looks
_NO_GROUP = -1
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Candidate:
    id: int
    group: int
    urgent: bool


def of_sender(sender: str | None) -> ColumnElement[bool]:
    """Rows sent from `sender` (None: the installation's configured number)."""
    if sender is None:
        return OutboxMessage.sender.is_(None)
    return OutboxMessage.sender == sender


def due_reserved(session: Session, sender: str | None, until: datetime) -> list[OutboxMessage]:
    """Queued rows of `sender` whose reserved time is at or before `until`, in that order."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                of_sender(sender),
                OutboxMessage.status == OutboxStatus.QUEUED,
                OutboxMessage.send_at.is_not(None),
                OutboxMessage.send_at <= until,
            )
            .order_by(OutboxMessage.send_at, OutboxMessage.id)
            .limit(1000)
        )
    )


def has_unreserved(session: Session, sender: str | None, now: datetime) -> bool:
    return (
        session.scalar(select(OutboxMessage.id).where(_unreserved(sender, now)).limit(1))
        is not None
    )


def next_in_line(
    session: Session, sender: str | None, now: datetime, limit: int
) -> list[Candidate]:
    """Up to `limit` unreserved due rows of `sender`, in the order they should take slots:
    urgent ones first (oldest first), then round-robin over groups, the group served
    longest ago first, each group's rows in the order they came due."""
    group = func.coalesce(Member.group_id, _NO_GROUP)
    place = func.row_number().over(
        partition_by=(group, OutboxMessage.priority == Priority.URGENT),
        order_by=(OutboxMessage.due_at, OutboxMessage.id),
    )
    heads = (
        select(
            OutboxMessage.id.label("id"),
            OutboxMessage.due_at.label("due_at"),
            (OutboxMessage.priority == Priority.URGENT).label("urgent"),
            group.label("grp"),
            place.label("place"),
        )
        .outerjoin(Member, Member.id == OutboxMessage.member_id)
        .where(_unreserved(sender, now))
        .subquery()
    )
    rows = session.execute(
        select(heads.c.id, heads.c.grp, heads.c.urgent)
        .where(heads.c.place <= limit)
        .order_by(heads.c.due_at, heads.c.id)
    ).all()
    urgent = [Candidate(r.id, r.grp, True) for r in rows if r.urgent]
    queues: dict[int, deque[Candidate]] = {}
    for r in rows:
        if not r.urgent:
            queues.setdefault(r.grp, deque()).append(Candidate(r.id, r.grp, False))
    served = last_served(session, sender, now)
    order = sorted(queues, key=lambda g: served.get(g, _NEVER))  # stable: oldest head first
    fair: list[Candidate] = []
    while len(fair) < limit and any(queues.values()):
        for g in order:
            if queues[g]:
                fair.append(queues[g].popleft())
    return (urgent + fair)[:limit]


def last_served(session: Session, sender: str | None, now: datetime) -> dict[int, datetime]:
    """Each group's latest reserved slot at this sender in the last hour."""
    group = func.coalesce(Member.group_id, _NO_GROUP)
    rows = session.execute(
        select(group, func.max(OutboxMessage.send_at))
        .outerjoin(Member, Member.id == OutboxMessage.member_id)
        .where(of_sender(sender), OutboxMessage.send_at >= now - RECENT)
        .group_by(group)
    ).all()
    return {g: when for g, when in rows if when is not None}


def senders_with_work(session: Session, now: datetime) -> list[tuple[str | None, bool]]:
    """Senders with a queued text that is due: (sender, whether a reserved time has come)."""
    queued = OutboxMessage.status == OutboxStatus.QUEUED
    reserved = set(
        session.scalars(
            select(OutboxMessage.sender)
            .where(queued, OutboxMessage.send_at.is_not(None), OutboxMessage.send_at <= now)
            .distinct()
        )
    )
    waiting = set(
        session.scalars(
            select(OutboxMessage.sender)
            .where(queued, OutboxMessage.send_at.is_(None), OutboxMessage.due_at <= now)
            .distinct()
        )
    )
    return [(s, s in reserved) for s in sorted(reserved | waiting, key=lambda s: s or "")]


def reserve(session: Session, outbox_id: int, send_at: datetime) -> bool:
    """Keep `send_at` as the row's send time, unless it already has one (set once)."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == outbox_id,
            OutboxMessage.send_at.is_(None),
            OutboxMessage.status == OutboxStatus.QUEUED,
        )
        .values(send_at=send_at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def bodies(session: Session, ids: Sequence[int]) -> dict[int, str]:
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.body).where(OutboxMessage.id.in_(list(ids)))
    ).all()
    return {i: body or "" for i, body in rows}


def _unreserved(sender: str | None, now: datetime) -> ColumnElement[bool]:
    return (
        of_sender(sender)
        & (OutboxMessage.status == OutboxStatus.QUEUED)
        & OutboxMessage.send_at.is_(None)
        & (OutboxMessage.due_at <= now)
    )
