"""How today is going, for the person who just logged in: check-in answers today and this
week, low moods, open and unacknowledged cases with their age, texts that failed and why,
and the next meetings with their RSVPs. Facilitators see their own groups only.

Days and weeks are the organisation's local days (a week starts on Monday).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from smsapp.models import (
    Case,
    CaseEvent,
    FlowSession,
    Group,
    Member,
    MoodScore,
    Organisation,
    OutboxMessage,
    Rsvp,
)
from smsapp.models.escalations import UNRESOLVED, CaseStatus, Urgency
from smsapp.models.messages import OutboxStatus
from smsapp.models.users import Role
from smsapp.services.domain import calendar, visibility
from smsapp.services.domain.checkins import LOW_SCORE
from smsapp.services.domain.escalation import rota_changes

LOW_MOOD_DAYS = 7
FAILED_DAYS = 7
MEETING_DAYS = 7
LIST_LIMIT = 10
# What a person can do about a failed text, by Twilio error code.
FAILURE_REASONS = {
    "21211": "not a valid phone number",
    "21408": "texting that country is not enabled",
    "21610": "the person replied STOP to the carrier",
    "21612": "the carrier cannot reach this number",
    "21614": "not a mobile number",
    "30003": "phone switched off or out of coverage",
    "30004": "blocked by the recipient",
    "30005": "the number does not exist",
    "30006": "a landline or unreachable carrier",
    "30007": "filtered by the carrier as spam",
    "30008": "unknown error at the carrier",
}


@dataclass(frozen=True)
class Rate:
    """Check-ins asked and answered in a period; `rate` 0..1, None when none were asked."""

    asked: int
    answered: int

    @property
    def rate(self) -> float | None:
        return round(self.answered / self.asked, 3) if self.asked else None


@dataclass(frozen=True)
class LowMood:
    member_id: int
    member_name: str
    group_name: str
    score: int
    at: datetime


@dataclass(frozen=True)
class OpenCase:
    case: Case
    group_name: str
    age_minutes: int


@dataclass(frozen=True)
class FailedSend:
    message: OutboxMessage
    member_name: str
    reason: str


@dataclass(frozen=True)
class UpcomingMeeting:
    found: calendar.Upcoming
    group: Group
    yes: int
    no: int
    later: int


@dataclass(frozen=True)
class Alarm:
    """An open case that reached nobody at some level (its latest such step)."""

    case: Case
    group_name: str
    detail: str
    at: datetime


@dataclass
class Dashboard:
    tz: str
    today: Rate
    week: Rate
    alarms: list[Alarm] = field(default_factory=list)
    # Groups whose escalation policy reaches nobody right now (coordinators only).
    unreachable_groups: list[str] = field(default_factory=list)
    low_moods: list[LowMood] = field(default_factory=list)
    open_cases: list[OpenCase] = field(default_factory=list)
    failed: list[FailedSend] = field(default_factory=list)
    meetings: list[UpcomingMeeting] = field(default_factory=list)

    @property
    def unacked(self) -> int:
        return sum(1 for c in self.open_cases if c.case.status == CaseStatus.OPEN)


def failure_reason(code: str | None) -> str:
    """What a failed text's error code means, in words."""
    if not code:
        return "no reason given by the carrier"
    return FAILURE_REASONS.get(code, f"error {code}")


def build(session: Session, viewer: visibility.Viewer, now: datetime) -> Dashboard:
    """The dashboard for `viewer` at `now`."""
    org = session.get(Organisation, viewer.organisation_id)
    tz = org.tz if org is not None else "UTC"
    today = _local_midnight(now, tz, 0)
    monday = _local_midnight(now, tz, now.astimezone(ZoneInfo(tz)).weekday())
    return Dashboard(
        tz=tz,
        today=checkin_rate(session, viewer, today, now, tz),
        week=checkin_rate(session, viewer, monday, now, tz),
        low_moods=low_moods(session, viewer, now - timedelta(days=LOW_MOOD_DAYS)),
        open_cases=open_cases(session, viewer, now),
        failed=failed_sends(session, viewer, now - timedelta(days=FAILED_DAYS)),
        meetings=upcoming_meetings(session, viewer, now, now + timedelta(days=MEETING_DAYS)),
        alarms=alarms(session, viewer),
        unreachable_groups=[
            g.name
            for g in rota_changes.groups_reaching_nobody(session, viewer.organisation_id, now)
        ]
        if viewer.role == Role.COORDINATOR
        else [],
    )


def alarms(session: Session, viewer: visibility.Viewer) -> list[Alarm]:
    """Open cases that found a level with nobody to text, the latest such step each."""
    rows = session.execute(
        select(Case, Group.name, CaseEvent)
        .join(CaseEvent, CaseEvent.case_id == Case.id)
        .outerjoin(Group, Group.id == Case.group_id)
        .where(
            visibility.cases_filter(viewer),
            Case.status == CaseStatus.OPEN,
            CaseEvent.kind == "unreachable",
        )
        .order_by(CaseEvent.id.desc())
    ).all()
    latest: dict[int, Alarm] = {}
    for case, group_name, found in rows:
        latest.setdefault(case.id, Alarm(case, group_name or "no group", found.detail, found.at))
    return list(latest.values())[:LIST_LIMIT]


def _local_midnight(now: datetime, tz: str, days_back: int) -> datetime:
    local_day: date = now.astimezone(ZoneInfo(tz)).date() - timedelta(days=days_back)
    return datetime.combine(local_day, time(0), ZoneInfo(tz)).astimezone(ZoneInfo("UTC"))


def _real_members(viewer: visibility.Viewer) -> Select[Any]:
    """Members the viewer may see, outside sandbox groups."""
    real_groups = select(Group.id).where(~Group.sandbox)
    return select(Member.id).where(
        visibility.members_filter(viewer), Member.group_id.in_(real_groups)
    )


def checkin_rate(
    session: Session, viewer: visibility.Viewer, since: datetime, until: datetime, tz: str
) -> Rate:
    """Check-ins started in [since, until] and how many got a score (one per member a day
    at most, so a member who texts two scores is not counted twice)."""
    members = _real_members(viewer)
    asked = session.execute(
        select(FlowSession.member_id, FlowSession.started_at).where(
            FlowSession.flow_id == "checkin",
            FlowSession.member_id.in_(members),
            FlowSession.started_at >= since,
            FlowSession.started_at <= until,
        )
    ).all()
    scored = session.execute(
        select(MoodScore.member_id, MoodScore.at).where(
            MoodScore.member_id.in_(members),
            MoodScore.score.is_not(None),
            MoodScore.at >= since,
            MoodScore.at <= until,
        )
    ).all()
    zone = ZoneInfo(tz)
    asked_days = {(m, at.astimezone(zone).date()) for m, at in asked}
    answered_days = {(m, at.astimezone(zone).date()) for m, at in scored} & asked_days
    return Rate(len(asked_days), len(answered_days))


def low_moods(session: Session, viewer: visibility.Viewer, since: datetime) -> list[LowMood]:
    """Scores of LOW_SCORE or less since `since`, newest first."""
    rows = session.execute(
        select(MoodScore, Member, Group.name)
        .join(Member, Member.id == MoodScore.member_id)
        .join(Group, Group.id == Member.group_id)
        .where(
            visibility.members_filter(viewer),
            ~Group.sandbox,
            MoodScore.score.is_not(None),
            MoodScore.score <= LOW_SCORE,
            MoodScore.at >= since,
        )
        .order_by(MoodScore.at.desc())
        .limit(LIST_LIMIT)
    ).all()
    return [LowMood(m.id, m.name or "(no name)", g, s.score or 0, s.at) for s, m, g in rows]


def open_cases(session: Session, viewer: visibility.Viewer, now: datetime) -> list[OpenCase]:
    """Open and acknowledged cases, unacknowledged and urgent first, then oldest."""
    unacked_first = (Case.status != CaseStatus.OPEN).asc()
    urgent_first = (Case.urgency != Urgency.URGENT).asc()
    rows = session.execute(
        select(Case, Group.name)
        .outerjoin(Group, Group.id == Case.group_id)
        .where(visibility.cases_filter(viewer), Case.status.in_(UNRESOLVED))
        .order_by(unacked_first, urgent_first, Case.opened_at)
    ).all()
    return [
        OpenCase(c, g or "no group", max(0, int((now - c.opened_at).total_seconds() // 60)))
        for c, g in rows
    ]


def failed_sends(session: Session, viewer: visibility.Viewer, since: datetime) -> list[FailedSend]:
    """Texts that failed (or the carrier reported undelivered) since `since`, newest first."""
    rows = session.execute(
        select(OutboxMessage, Member.name)
        .outerjoin(Member, Member.id == OutboxMessage.member_id)
        .where(
            visibility.outbox_filter(viewer),
            or_(
                OutboxMessage.status == OutboxStatus.FAILED,
                OutboxMessage.delivery_status.in_(("failed", "undelivered")),
            ),
            OutboxMessage.created_at >= since,
        )
        .order_by(OutboxMessage.created_at.desc())
        .limit(LIST_LIMIT)
    ).all()
    return [
        FailedSend(
            m, name or ("a staff member" if m.user_id else "—"), failure_reason(m.error_code)
        )
        for m, name in rows
    ]


def rsvp_counts(session: Session, series_ids: set[int]) -> Counter[tuple[int, datetime, str]]:
    """RSVP answers per (series, original start, answer)."""
    if not series_ids:
        return Counter()
    rows = session.execute(
        select(Rsvp.series_id, Rsvp.occurrence_start, Rsvp.answer, func.count())
        .where(Rsvp.series_id.in_(series_ids))
        .group_by(Rsvp.series_id, Rsvp.occurrence_start, Rsvp.answer)
    )
    return Counter({(s, at, answer): n for s, at, answer, n in rows})


def upcoming_meetings(
    session: Session, viewer: visibility.Viewer, start: datetime, end: datetime
) -> list[UpcomingMeeting]:
    """Meetings of the viewer's groups starting in [start, end), with RSVP counts."""
    groups = list(
        session.scalars(select(Group).where(visibility.groups_filter(viewer), ~Group.sandbox))
    )
    by_id = {g.id: g for g in groups}
    found = calendar.upcoming(session, groups, start, end)[:LIST_LIMIT]
    counts = rsvp_counts(session, {u.series.id for u in found})
    result = []
    for item in found:
        key = (item.series.id, item.occurrence.original_start_utc)
        result.append(
            UpcomingMeeting(
                item,
                by_id[item.series.group_id],
                counts[(*key, "yes")],
                counts[(*key, "no")],
                counts[(*key, "later")],
            )
        )
    return result
