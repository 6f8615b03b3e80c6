"""GET /dashboard: what the console's home page shows, for scripts and other screens."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from smsapp.services.domain import dashboard
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.spec import answers, api_spec
from smsapp.web.runtime import runtime


class RateOut(BaseModel):
    asked: int = Field(description="members asked to check in (one per member a day)")
    answered: int
    rate: float | None = Field(description="answered / asked, 0..1; null when none asked")


class LowMoodOut(BaseModel):
    member_id: int
    member_name: str
    group_name: str
    score: int
    at: datetime


class OpenCaseOut(BaseModel):
    id: int
    reason: str
    urgency: str
    status: str = Field(description="open (not acknowledged) or acked")
    group_name: str
    opened_at: datetime
    age_minutes: int


class FailedSendOut(BaseModel):
    id: int
    kind: str
    member_id: int | None
    error_code: str | None
    reason: str = Field(description="what the error code means, in words")
    created_at: datetime


class UpcomingOut(BaseModel):
    series_id: int
    title: str
    group_id: int
    start: datetime
    original_start: datetime
    moved: bool
    yes: int
    no: int
    later: int


class AlarmOut(BaseModel):
    case_id: int
    group_name: str
    detail: str = Field(description="the latest level that reached nobody, and why")
    at: datetime


class DashboardOut(BaseModel):
    tz: str = Field(description="the organisation's zone: today and this week are its days")
    today: RateOut
    week: RateOut
    low_moods: list[LowMoodOut]
    open_cases: list[OpenCaseOut]
    failed_sends: list[FailedSendOut]
    meetings: list[UpcomingOut]
    alarms: list[AlarmOut] = Field(description="open cases that reached nobody at some level")
    unreachable_groups: list[str] = Field(
        description="groups whose escalation policy reaches nobody now (coordinators only)"
    )


def _rate(rate: dashboard.Rate) -> RateOut:
    return RateOut(asked=rate.asked, answered=rate.answered, rate=rate.rate)


@api_bp.get("/dashboard")
@api_spec.validate(resp=answers(HTTP_200=DashboardOut), tags=["dashboard"])
def get_dashboard() -> DashboardOut:
    """Check-in answers today and this week, low moods of the last 7 days, open cases with
    their age, failed texts with the reason, and the next 7 days of meetings with RSVPs."""
    session, user = auth.db(), auth.current_user()
    board = dashboard.build(session, user, runtime().now())
    result = DashboardOut(
        tz=board.tz,
        today=_rate(board.today),
        week=_rate(board.week),
        low_moods=[
            LowMoodOut(
                member_id=m.member_id,
                member_name=m.member_name,
                group_name=m.group_name,
                score=m.score,
                at=m.at,
            )
            for m in board.low_moods
        ],
        open_cases=[
            OpenCaseOut(
                id=c.case.id,
                reason=c.case.reason,
                urgency=c.case.urgency,
                status=c.case.status,
                group_name=c.group_name,
                opened_at=c.case.opened_at,
                age_minutes=c.age_minutes,
            )
            for c in board.open_cases
        ],
        failed_sends=[
            FailedSendOut(
                id=f.message.id,
                kind=f.message.kind,
                member_id=f.message.member_id,
                error_code=f.message.error_code,
                reason=f.reason,
                created_at=f.message.created_at,
            )
            for f in board.failed
        ],
        meetings=[
            UpcomingOut(
                series_id=u.found.series.id,
                title=u.found.series.title,
                group_id=u.group.id,
                start=u.found.occurrence.start_utc,
                original_start=u.found.occurrence.original_start_utc,
                moved=u.found.occurrence.moved,
                yes=u.yes,
                no=u.no,
                later=u.later,
            )
            for u in board.meetings
        ],
        alarms=[
            AlarmOut(case_id=a.case.id, group_name=a.group_name, detail=a.detail, at=a.at)
            for a in board.alarms
        ],
        unreachable_groups=board.unreachable_groups,
    )
    if board.low_moods:
        access.audit_view(session, user, "view_scores", ("organisation", None))
        session.commit()
    return result
