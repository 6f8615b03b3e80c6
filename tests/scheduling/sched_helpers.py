"""Driving the manual clock from one due time to the next, and reading what was sent when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from smsapp.models import Group, Member, OutboxMessage, Timer
from smsapp.services.domain import meetings
from smsapp.services.domain.schedule import to_local


def run_until(phones, clock, runtime, until: datetime) -> None:
    """Stop at every timer and held text due up to `until`, draining at each stop."""
    phones.drain()
    for _ in range(500):
        with runtime.session() as s:
            timer_at = s.scalar(
                select(func.min(Timer.due_at)).where(
                    Timer.status == "pending", Timer.due_at > clock.now(), Timer.due_at <= until
                )
            )
            send_at = s.scalar(
                select(func.min(OutboxMessage.due_at)).where(
                    OutboxMessage.status == "queued",
                    OutboxMessage.due_at > clock.now(),
                    OutboxMessage.due_at <= until,
                )
            )
        stops = [t for t in (timer_at, send_at) if t is not None]
        if not stops:
            break
        clock.set(min(stops))
        phones.drain()
    clock.set(until)
    phones.drain()


def sent_to(runtime, member: Member, kind: str | None = None) -> list[OutboxMessage]:
    """Texts the worker sent to a member, oldest first (inline replies excluded)."""
    with runtime.session() as s:
        query = select(OutboxMessage).where(
            OutboxMessage.member_id == member.id, OutboxMessage.status == "sent"
        )
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        rows = s.scalars(query.order_by(OutboxMessage.sent_at, OutboxMessage.id)).all()
        s.expunge_all()
        return list(rows)


def local_times(rows: list[OutboxMessage], tz: str) -> list[str]:
    return [to_local(r.sent_at, tz).strftime("%a %d %b %H:%M") for r in rows]


def weekly_meeting(runtime, group: Group, start_local: str, clock, **kw) -> int:
    """Add a weekly meeting on the weekday of `start_local`; returns the series id."""
    from smsapp.services.domain.schedule import rrule_weekly

    weekday = datetime.fromisoformat(start_local).weekday()
    with runtime.session() as s:
        g = s.get(Group, group.id)
        kw.setdefault("location", "Room 2")
        series = meetings.create_series(
            s, g, title="Weekly", start_local=start_local, now=clock.now(),
            rrule=rrule_weekly([weekday]), **kw,
        )  # fmt: skip
        s.commit()
        return series.id


def set_member(runtime, member: Member, **values) -> None:
    with runtime.session() as s:
        row = s.get(Member, member.id)
        for name, value in values.items():
            setattr(row, name, value)
        s.commit()


def set_group(runtime, group: Group, **values) -> None:
    with runtime.session() as s:
        row = s.get(Group, group.id)
        for name, value in values.items():
            setattr(row, name, value)
        s.commit()
