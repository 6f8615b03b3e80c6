"""Announcements: a coordinator's one-off text to every member of a group, now or at a
local time. The console, the API and the CLI all come here.

Each member who receives texts gets a copy planned as an `announcement` timer at the
asked time, moved out of *their* quiet hours the way check-ins are (`shift_later`, the
organisation's quiet hours in the member's zone). When the timer fires the rules are
checked again (a member who paused or opted out since gets nothing) and the text is
queued as a bulk outbox row keyed by the timer, so a fire that runs twice sends once.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.flows.segments import SegmentInfo, segment_info
from smsapp.models import Announcement, AnnouncementCopy, Group, Member, OutboxMessage, Timer
from smsapp.models.members import MemberStatus
from smsapp.models.messages import OutboxKind, OutboxStatus, Priority
from smsapp.models.timers import TimerKind, TimerStatus
from smsapp.services.core import audit, outbox, timers
from smsapp.services.domain.planning.member_plan import quiet_hours_for
from smsapp.services.domain.schedule import shift_later, to_utc

log = logging.getLogger(__name__)

# Four segments (612 GSM-7 characters, 268 UCS-2): beyond that a group text costs more
# than it is worth and some handsets show it out of order.
MAX_SEGMENTS = 4
# The minute typed may have just begun: a time is "past" once that minute is over.
PAST_GRACE = timedelta(minutes=1)
LOCAL_FORMAT = "%Y-%m-%d %H:%M"
DELIVERY_STATES = ("queued", "sent", "delivered", "failed", "not_sent")


class AnnouncementError(ValueError):
    """Bad input; `field` names the form field it is about (text or send_at)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Preview:
    """What sending would do: how the text travels and who gets it when."""

    body: str
    info: SegmentInfo
    send_at: datetime  # UTC
    recipients: int  # members who receive texts now
    left_out: int  # members who do not (paused, opted out, not yet joined)
    after_quiet_hours: int  # copies moved out of a member's quiet hours


def parse_local(value: str) -> datetime:
    """A local wall time typed as "YYYY-MM-DD HH:MM" (or the browser's "YYYY-MM-DDTHH:MM")."""
    text = value.strip().replace("T", " ")
    try:
        when = datetime.strptime(text, LOCAL_FORMAT)
    except ValueError:
        raise AnnouncementError(
            f"the time must look like 2026-12-24 18:30, got {value.strip()!r}", "send_at"
        ) from None
    if when.year > 2200:  # far-off years overflow on the way to UTC; nobody means them
        raise AnnouncementError(f"{when:%Y-%m-%d} is too far ahead", "send_at")
    return when


def preview(
    session: Session, group: Group, body: str, at_local: datetime | None, now: datetime
) -> Preview:
    """Check the text and time and say what sending would do (nothing is written)."""
    text = _check_body(body)
    send_at = _send_time(group, at_local, now)
    members = _members(session, group)
    receiving = [m for m in members if _receives(m)]
    moved = sum(1 for m in receiving if _due(session, m, send_at, now) > max(send_at, now))
    return Preview(
        body=text,
        info=segment_info(text),
        send_at=send_at,
        recipients=len(receiving),
        left_out=len(members) - len(receiving),
        after_quiet_hours=moved,
    )


def announce(
    session: Session,
    group: Group,
    body: str,
    at_local: datetime | None,
    now: datetime,
    *,
    user_id: int | None,
) -> Announcement:
    """Plan a copy for every member who receives texts, and audit it (not committed)."""
    checked = preview(session, group, body, at_local, now)
    item = Announcement(
        organisation_id=group.organisation_id,
        group_id=group.id,
        body=checked.body,
        send_at=checked.send_at,
        created_by_user_id=user_id,
        created_at=now,
    )
    session.add(item)
    session.flush()
    for member in _members(session, group):
        if _receives(member):
            _plan_copy(session, item, member, now)
    audit.record(
        session,
        actor_user_id=user_id,
        actor=None if user_id is not None else "operator",
        organisation_id=group.organisation_id,
        action="announce",
        subject_type="group",
        subject_id=group.id,
        now=now,
        detail=f"announcement={item.id} recipients={checked.recipients} "
        f"segments={checked.info.segments} {checked.info.encoding}",
    )
    return item


def of_group(session: Session, group: Group, limit: int = 100) -> list[Announcement]:
    """The group's announcements, newest first."""
    return list(
        session.scalars(
            select(Announcement)
            .where(Announcement.group_id == group.id)
            .order_by(Announcement.created_at.desc(), Announcement.id.desc())
            .limit(limit)
        )
    )


def deliveries(session: Session, announcement_ids: list[int]) -> dict[int, Counter[str]]:
    """Per announcement, how many copies are queued, sent, delivered, failed or not sent."""
    counts: dict[int, Counter[str]] = {i: Counter() for i in announcement_ids}
    if not announcement_ids:
        return counts
    rows = session.execute(
        select(
            AnnouncementCopy.announcement_id,
            AnnouncementCopy.skipped,
            OutboxMessage.status,
            OutboxMessage.delivery_status,
        )
        .outerjoin(OutboxMessage, OutboxMessage.id == AnnouncementCopy.outbox_id)
        .where(AnnouncementCopy.announcement_id.in_(announcement_ids))
    )
    for announcement_id, skipped, status, delivery in rows:
        counts[announcement_id][delivery_state(skipped, status, delivery)] += 1
    return counts


def delivery_state(skipped: str | None, status: str | None, delivery: str | None) -> str:
    """One word for where a copy is: queued, sent, delivered, failed or not_sent."""
    if skipped:
        return "not_sent"
    if status == OutboxStatus.FAILED or delivery in ("failed", "undelivered"):
        return "failed"
    if delivery == "delivered":
        return "delivered"
    if status in (OutboxStatus.SENT, OutboxStatus.INLINE):
        return "sent"
    if status == OutboxStatus.CANCELLED:
        return "not_sent"
    return "queued"  # not yet fired, queued, or handed to a worker


@timers.handles(TimerKind.ANNOUNCEMENT)
def fire_copy(session: Session, timer: Timer, now: datetime) -> None:
    """Text one member their copy, if they still receive texts and it is not night for them."""
    copy = session.get(AnnouncementCopy, int(timer.payload["copy_id"]))
    if copy is None:
        return
    item = session.get(Announcement, copy.announcement_id)
    member = session.get(Member, copy.member_id) if copy.member_id else None
    if item is None or member is None or not _receives(member):
        copy.skipped = _why_not(member)
        log.info("announcement.copy_dropped", extra={"timer_id": timer.id})
        return
    due = _due(session, member, now, now)
    if due > now:  # a late worker reached quiet hours: wait for the morning
        timer.status, timer.due_at, timer.claimed_at = TimerStatus.PENDING, due, None
        copy.due_at = due
        return
    row = outbox.queue_message(
        session,
        to=member.phone or "",
        body=item.body,
        kind=OutboxKind.ANNOUNCEMENT,
        priority=Priority.BULK,
        key=f"{timer.key}:0",
        now=now,
        organisation_id=member.organisation_id,
        member_id=member.id,
    )
    session.flush()
    copy.outbox_id = row.id


def _plan_copy(session: Session, item: Announcement, member: Member, now: datetime) -> None:
    copy = AnnouncementCopy(
        announcement_id=item.id,
        member_id=member.id,
        due_at=_due(session, member, item.send_at, now),
    )
    session.add(copy)
    session.flush()
    timers.schedule(
        session,
        key=f"announcement:{item.id}:{member.id}",
        kind=TimerKind.ANNOUNCEMENT,
        due_at=copy.due_at,
        now=now,
        member_id=member.id,
        payload={"copy_id": copy.id},
        reason="announcement"
        if copy.due_at <= max(item.send_at, now)
        else "announcement after quiet hours",
    )


def _due(session: Session, member: Member, send_at: datetime, now: datetime) -> datetime:
    return shift_later(max(send_at, now), member.tz, quiet_hours_for(session, member))


def _check_body(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise AnnouncementError("the text is empty", "text")
    info = segment_info(text)
    if info.segments > MAX_SEGMENTS:
        raise AnnouncementError(
            f"the text is too long: {info.segments} segments ({info.encoding}); "
            f"{MAX_SEGMENTS} at most",
            "text",
        )
    return text


def _send_time(group: Group, at_local: datetime | None, now: datetime) -> datetime:
    if at_local is None:
        return now
    send_at = to_utc(at_local.replace(tzinfo=None, second=0, microsecond=0), group.tz)
    if send_at + PAST_GRACE <= now:
        raise AnnouncementError(
            f"{at_local:%Y-%m-%d %H:%M} in {group.tz} has already passed", "send_at"
        )
    return send_at


def _members(session: Session, group: Group) -> list[Member]:
    return list(
        session.scalars(
            select(Member)
            .where(Member.group_id == group.id, Member.status != MemberStatus.ERASED)
            .order_by(Member.id)
        )
    )


def _receives(member: Member) -> bool:
    return member.receives_scheduled and bool(member.phone)


def _why_not(member: Member | None) -> str:
    if member is None:
        return "member removed"
    if member.automation_paused:
        return "paused (open case)"
    return member.status if member.status != MemberStatus.ACTIVE else "no phone number"
