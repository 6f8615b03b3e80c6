"""Reports for coordinators: mood per week, check-in response rate, RSVPs per meeting and
how fast cases are acknowledged. Sandbox groups are never counted.

Weeks start on Monday at midnight in the group's own time zone, so a Sunday-evening
check-in in New York lands in the week its members lived it.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsapp.models import Case, Group, MeetingSeries, MoodScore, Rsvp
from smsapp.models.meetings import RsvpAnswer

DEFAULT_WEEKS = 8
MAX_MEETINGS = 12


@dataclass(frozen=True)
class WeekMood:
    """Mean mood of the scores given in one week, and the check-ins asked and answered."""

    week_start: date
    mean: float | None
    scores: int
    missed: int

    @property
    def asked(self) -> int:
        return self.scores + self.missed

    @property
    def response_rate(self) -> float | None:
        """Answered check-ins over asked ones (0..1), None when nothing was asked."""
        return round(self.scores / self.asked, 3) if self.asked else None


@dataclass(frozen=True)
class MeetingRsvps:
    """RSVP answers for one occurrence of a meeting."""

    series_id: int
    title: str
    occurrence_start: datetime
    yes: int = 0
    no: int = 0
    later: int = 0


@dataclass(frozen=True)
class AckTimes:
    """Minutes from a case opening to its first acknowledgement."""

    acked: int
    unacked: int
    median_minutes: float | None
    p95_minutes: float | None


@dataclass(frozen=True)
class GroupReport:
    """Everything the reports page and API show for one group."""

    group_id: int
    group_name: str
    weeks: list[WeekMood] = field(default_factory=list)
    meetings: list[MeetingRsvps] = field(default_factory=list)
    ack: AckTimes = AckTimes(0, 0, None, None)


def percentile(values: list[float], pct: float) -> float | None:
    """The `pct` percentile (0..100) with linear interpolation between ranks; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def week_starts(now: datetime, tz: str, weeks: int) -> list[date]:
    """The Mondays (local dates) of the last `weeks` weeks, ending with the current week."""
    today = now.astimezone(ZoneInfo(tz)).date()
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def _local_midnight_utc(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(tz)).astimezone(ZoneInfo("UTC"))


def reportable_group(session: Session, group_id: int) -> Group:
    """The group, unless it is missing or a sandbox group (LookupError)."""
    group = session.get(Group, group_id)
    if group is None or group.sandbox:
        raise LookupError(f"no reports for group {group_id}")
    return group


def weekly_mood(session: Session, group: Group, now: datetime, weeks: int) -> list[WeekMood]:
    """Mood mean, answered and missed check-ins per local week for one group."""
    mondays = week_starts(now, group.tz, weeks)
    since = _local_midnight_utc(mondays[0], group.tz)
    rows = session.execute(
        select(MoodScore.at, MoodScore.score, MoodScore.missed).where(
            MoodScore.group_id == group.id, MoodScore.at >= since, MoodScore.at <= now
        )
    )
    scores: dict[date, list[int]] = defaultdict(list)
    missed: dict[date, int] = defaultdict(int)
    zone = ZoneInfo(group.tz)
    for at, score, was_missed in rows:
        local = at.astimezone(zone).date()
        monday = local - timedelta(days=local.weekday())
        if score is not None:
            scores[monday].append(score)
        elif was_missed:
            missed[monday] += 1
    return [
        WeekMood(
            week_start=m,
            mean=round(statistics.fmean(scores[m]), 2) if scores[m] else None,
            scores=len(scores[m]),
            missed=missed[m],
        )
        for m in mondays
    ]


def mood_by_group(
    session: Session, organisation_id: int, now: datetime, weeks: int = DEFAULT_WEEKS
) -> dict[int, list[WeekMood]]:
    """Weekly mood for every non-sandbox group of an organisation, keyed by group id."""
    groups = session.scalars(
        select(Group)
        .where(Group.organisation_id == organisation_id, Group.sandbox.is_(False))
        .order_by(Group.name)
    )
    return {group.id: weekly_mood(session, group, now, weeks) for group in groups}


def rsvp_counts(
    session: Session, group: Group, since: datetime, limit: int = MAX_MEETINGS
) -> list[MeetingRsvps]:
    """Yes / no / later per meeting occurrence starting after `since`, oldest first."""
    rows = session.execute(
        select(
            Rsvp.series_id, MeetingSeries.title, Rsvp.occurrence_start, Rsvp.answer, func.count()
        )
        .join(MeetingSeries, MeetingSeries.id == Rsvp.series_id)
        .where(MeetingSeries.group_id == group.id, Rsvp.occurrence_start >= since)
        .group_by(Rsvp.series_id, MeetingSeries.title, Rsvp.occurrence_start, Rsvp.answer)
    )
    counts: dict[tuple[int, str, datetime], dict[str, int]] = defaultdict(dict)
    for series_id, title, start, answer, count in rows:
        counts[(series_id, title, start)][answer] = count
    meetings = [
        MeetingRsvps(
            sid, title, start, **{k: v for k, v in answers.items() if k in list(RsvpAnswer)}
        )
        for (sid, title, start), answers in counts.items()
    ]
    meetings.sort(key=lambda m: (m.occurrence_start, m.series_id))
    return meetings[-limit:]


def ack_times(session: Session, group: Group, since: datetime, now: datetime) -> AckTimes:
    """Median and 95th percentile minutes to acknowledge cases opened since `since`."""
    rows = session.execute(
        select(Case.opened_at, Case.acked_at).where(
            Case.group_id == group.id, Case.opened_at >= since, Case.opened_at <= now
        )
    ).all()
    minutes = [(acked - opened).total_seconds() / 60 for opened, acked in rows if acked]
    median = statistics.median(minutes) if minutes else None
    p95 = percentile(minutes, 95)
    return AckTimes(
        acked=len(minutes),
        unacked=len(rows) - len(minutes),
        median_minutes=round(median, 1) if median is not None else None,
        p95_minutes=round(p95, 1) if p95 is not None else None,
    )


def group_report(
    session: Session, group_id: int, now: datetime, weeks: int = DEFAULT_WEEKS
) -> GroupReport:
    """The full report for one group over the last `weeks` weeks (LookupError for sandbox)."""
    group = reportable_group(session, group_id)
    mood = weekly_mood(session, group, now, weeks)
    since = _local_midnight_utc(mood[0].week_start, group.tz)
    return GroupReport(
        group_id=group.id,
        group_name=group.name,
        weeks=mood,
        meetings=rsvp_counts(session, group, since),
        ack=ack_times(session, group, since, now),
    )


def report_as_dict(report: GroupReport) -> dict[str, object]:
    """A JSON-ready form of a report (for the API and the page's chart data)."""
    return {
        "group_id": report.group_id,
        "group_name": report.group_name,
        "weeks": [
            {
                "week_start": w.week_start.isoformat(),
                "mean_mood": w.mean,
                "scores": w.scores,
                "missed": w.missed,
                "response_rate": w.response_rate,
            }
            for w in report.weeks
        ],
        "meetings": [
            {
                "series_id": m.series_id,
                "title": m.title,
                "occurrence_start": m.occurrence_start.isoformat(),
                "yes": m.yes,
                "no": m.no,
                "later": m.later,
            }
            for m in report.meetings
        ],
        "ack": {
            "acked": report.ack.acked,
            "unacked": report.ack.unacked,
            "median_minutes": report.ack.median_minutes,
            "p95_minutes": report.ack.p95_minutes,
        },
    }
