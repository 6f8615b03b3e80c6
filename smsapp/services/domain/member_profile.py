"""What the member page shows: who the member is, how they have been (moods and check-in
answers), their RSVPs and cases, and every text and call both ways, in the member's own
local time. Who may see it is decided by `visibility.member`; the page audits each view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import (
    Call,
    Case,
    Group,
    InboundMessage,
    MeetingSeries,
    Member,
    MoodScore,
    OutboxMessage,
    Rsvp,
    User,
)
from smsapp.services.domain.schedule.localtime import to_local

MOOD_DAYS = 30
TIMELINE_LIMIT = 100
LIST_LIMIT = 50


@dataclass(frozen=True)
class TimelineItem:
    at: datetime  # UTC, for ordering
    when: str  # the member's local time, zone named
    direction: str  # in (from the member) | out (to the member) | call
    body: str
    status: str


@dataclass(frozen=True)
class MemberProfile:
    member: Member
    group: Group | None
    zone: str
    scores: list[dict[str, Any]]  # the mood chart's points
    checkins: list[dict[str, Any]]  # when, score (or missed), note
    rsvps: list[dict[str, Any]]  # meeting, when, answer
    cases: list[dict[str, Any]]  # id, status, urgency, reason, opened
    timeline: list[TimelineItem]


def local_time(utc: datetime, zone: str) -> str:
    """'Mon 2 Mar 2026, 10:00 AM EST': unambiguous for someone reading a history."""
    local = to_local(utc, zone)
    hour12 = local.hour % 12 or 12
    half = "AM" if local.hour < 12 else "PM"
    return f"{local:%a} {local.day} {local:%b %Y}, {hour12}:{local.minute:02d} {half} {local:%Z}"


def profile(session: Session, member: Member, now: datetime) -> MemberProfile:
    """Everything the member page shows, newest last in the timeline."""
    zone = member.tz or (member.group.tz if member.group else "UTC")
    moods = _moods(session, member.id, now - timedelta(days=MOOD_DAYS))
    return MemberProfile(
        member=member,
        group=session.get(Group, member.group_id) if member.group_id else None,
        zone=zone,
        scores=[
            {"at": to_local(m.at, zone).date().isoformat(), "score": m.score, "missed": m.missed}
            for m in moods
        ],
        checkins=[
            {
                "when": local_time(m.at, zone),
                "score": m.score,
                "missed": m.missed,
                "note": m.note or "",
            }
            for m in reversed(moods)
        ][:LIST_LIMIT],
        rsvps=_rsvps(session, member.id, zone),
        cases=_cases(session, member.id, zone),
        timeline=_timeline(session, member.id, zone),
    )


def _moods(session: Session, member_id: int, since: datetime) -> list[MoodScore]:
    return list(
        session.scalars(
            select(MoodScore)
            .where(MoodScore.member_id == member_id, MoodScore.at >= since)
            .order_by(MoodScore.at)
        )
    )


def _rsvps(session: Session, member_id: int, zone: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Rsvp, MeetingSeries.title)
        .join(MeetingSeries, MeetingSeries.id == Rsvp.series_id)
        .where(Rsvp.member_id == member_id)
        .order_by(Rsvp.occurrence_start.desc())
        .limit(LIST_LIMIT)
    )
    return [
        {"meeting": title, "when": local_time(r.occurrence_start, zone), "answer": r.answer}
        for r, title in rows
    ]


def _cases(session: Session, member_id: int, zone: str) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Case).where(Case.member_id == member_id).order_by(Case.id.desc()).limit(LIST_LIMIT)
    )
    return [
        {
            "id": c.id,
            "status": c.status,
            "urgency": c.urgency,
            "reason": c.reason,
            "opened": local_time(c.opened_at, zone),
        }
        for c in rows
    ]


def _timeline(session: Session, member_id: int, zone: str) -> list[TimelineItem]:
    """The latest texts from and to the member and calls with them, oldest first."""
    inbound = session.scalars(
        select(InboundMessage)
        .where(InboundMessage.member_id == member_id)
        .order_by(InboundMessage.received_at.desc())
        .limit(TIMELINE_LIMIT)
    )
    outbound = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.member_id == member_id)
        .order_by(OutboxMessage.created_at.desc())
        .limit(TIMELINE_LIMIT)
    )
    calls = session.execute(
        select(Call, User.name)
        .join(User, User.id == Call.user_id)
        .where(Call.member_id == member_id)
        .order_by(Call.created_at.desc())
        .limit(TIMELINE_LIMIT)
    )
    items = [_item(m.received_at, zone, "in", m.body, "") for m in inbound]
    items += [
        _item(m.created_at, zone, "out", m.body, m.delivery_status or m.status) for m in outbound
    ]
    items += [_call_item(c, name, zone) for c, name in calls]
    items.sort(key=lambda item: item.at)
    return items[-TIMELINE_LIMIT:]


def _item(at: datetime, zone: str, direction: str, body: str | None, status: str) -> TimelineItem:
    return TimelineItem(at, local_time(at, zone), direction, body or "(erased)", status)


def _call_item(call: Call, name: str, zone: str) -> TimelineItem:
    minutes = f", {max(1, round(call.duration_seconds / 60))} min" if call.duration_seconds else ""
    outcome = (call.outcome or call.status).replace("_", " ")
    return TimelineItem(
        call.created_at,
        local_time(call.created_at, zone),
        "call",
        f"Call from {name.split(' ')[0]} through the organisation's number",
        f"{outcome}{minutes}",
    )
