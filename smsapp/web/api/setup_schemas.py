"""Request and response models for setting a programme up through the API: groups, their
check-in schedule and escalation policy, members, meeting series, staff, settings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from smsapp.web.api.schemas import _Body
from smsapp.web.hardening import MAX_ID

HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class _Setup(_Body):
    """A body whose text lands in plain database columns (names, codes, titles), where
    PostgreSQL cannot store a NUL character: refused as invalid input."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if _has_nul(data):
            raise ValueError("text must not contain NUL characters")
        return data


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


Weekday = Annotated[int, Field(ge=0, le=6)]
Offset = Annotated[int, Field(ge=1, le=14 * 24 * 60)]


class GroupIn(_Setup):
    name: str = Field(max_length=120)
    code: str = Field(
        default="", max_length=20, description="6–20 letters or digits; generated when empty"
    )
    tz: str = Field(default="", max_length=64, description="IANA zone; the organisation's if empty")
    facilitator_ids: list[int] = Field(default_factory=list, max_length=50)
    requires_approval: bool = Field(
        default=False, description="a coordinator approves who joins by text"
    )
    crisis_text_en: str | None = Field(default=None, max_length=600)
    crisis_text_es: str | None = Field(default=None, max_length=600)


class CheckinsIn(_Setup):
    days: list[Weekday] = Field(
        default_factory=list, max_length=7, description="0 = Monday … 6 = Sunday"
    )
    time: str | None = Field(
        default=None, pattern=HHMM, description="'HH:MM' in the group's zone; null: no check-ins"
    )


class CheckinsOut(BaseModel):
    days: list[int]
    time: str | None


class GroupDetailOut(BaseModel):
    id: int
    code: str
    name: str
    tz: str
    sandbox: bool
    requires_approval: bool
    facilitator_ids: list[int]
    checkins: CheckinsOut
    crisis_text_en: str | None
    crisis_text_es: str | None
    changes: str | None = Field(
        default=None, description="after a time-zone change: what was re-planned"
    )


class LevelIn(_Setup):
    target: Literal["group_facilitators", "user", "on_call"]
    user_id: int | None = Field(default=None, description="the person, for target 'user'")
    urgent_timeout_minutes: int = Field(default=5, ge=1, le=60)
    normal_timeout_minutes: int = Field(default=60, ge=1, le=1440)
    repeats: int = Field(default=1, ge=1, le=10)


class LevelOut(BaseModel):
    target: str
    user_id: int | None
    urgent_timeout_minutes: int
    normal_timeout_minutes: int
    repeats: int


class PolicyIn(_Setup):
    levels: list[LevelIn] = Field(max_length=4, description="in order; at least two")


class PolicyOut(BaseModel):
    group_id: int
    levels: list[LevelOut]


class MemberEditIn(_Setup):
    name: str = Field(default="", max_length=120)
    region: str = Field(
        default="US", pattern=r"^[A-Za-z]{2}$", description="country for numbers without +"
    )
    phone: str = Field(min_length=1, max_length=40)
    group_id: int = Field(ge=1)
    language: Literal["en", "es"] = "en"


class ApprovalIn(_Setup):
    approve: bool = Field(description="true lets them in (they are texted); false declines")


class ApprovalOut(BaseModel):
    member_id: int
    status: str = Field(
        description="'pending' when approved (until they answer YES), 'declined' when removed"
    )


class InviteOut(BaseModel):
    member_id: int
    invited: bool


class SeriesIn(_Setup):
    group_id: int = Field(ge=1, description="ignored when editing: a series keeps its group")
    title: str = Field(max_length=120)
    location: str = Field(default="", max_length=200)
    start: str = Field(
        max_length=40, description="the first meeting, 'YYYY-MM-DD HH:MM' in the group's zone"
    )
    duration_minutes: int = Field(default=60, ge=5, le=24 * 60)
    repeat: Literal["once", "weekly", "monthly"] = "weekly"
    interval: int = Field(default=1, ge=1, le=8, description="weekly: every N weeks")
    days: list[Weekday] = Field(
        default_factory=list,
        max_length=7,
        description="0 = Monday … 6 = Sunday; weekly: the days, monthly: one day",
    )
    nth: int = Field(default=1, ge=-1, le=5, description="monthly: 1–5, or -1 for the last")
    reminders: list[Offset] = Field(
        default_factory=lambda: [1440, 120],
        max_length=4,
        description="minutes before the meeting, e.g. [1440, 120]: a day and two hours",
    )


class SeriesOut(BaseModel):
    id: int
    group_id: int
    title: str
    location: str
    start_local: str = Field(description="the first meeting, in the group's zone")
    rrule: str = Field(description="iCalendar RRULE; empty for a one-off meeting")
    description: str = Field(description="e.g. 'Every Wednesday, 7:00 PM Chicago time'")
    duration_minutes: int
    reminders: list[int]
    ended_on: date | None = Field(description="the last day it meets, once ended")


class SeriesList(BaseModel):
    series: list[SeriesOut]


class OccurrenceChangeIn(_Setup):
    original_start: str = Field(
        max_length=40, description="which meeting: its original_start from GET /meetings (UTC)"
    )
    new_start: str | None = Field(
        default=None, max_length=40, description="to move it: 'YYYY-MM-DD HH:MM', group's zone"
    )


class OccurrenceChangeOut(BaseModel):
    series_id: int
    told: int = Field(description="members who will get a text about the change")


class StaffOut(BaseModel):
    id: int
    email: str
    name: str
    role: str
    on_call: bool
    active: bool
    group_ids: list[int]
    phone: str | None = Field(description="masked: only the last four digits are shown")
    password_set: bool = Field(description="false until they set one from their link")
    link_pending: bool = Field(
        description="an invitation or password link is waiting to be used (never the link)"
    )


class StaffList(BaseModel):
    staff: list[StaffOut]


class StaffIn(_Setup):
    role: Literal["coordinator", "facilitator"]
    email: str = Field(max_length=254)
    name: str = Field(max_length=120)
    phone: str = Field(default="", max_length=40, description="receives escalation texts")
    group_ids: list[int] = Field(default_factory=list, max_length=50)


class InvitationIn(_Setup):
    """Someone to invite: their account is made without a password, and a one-time link
    (valid 7 days) lets them set one."""

    role: Literal["coordinator", "facilitator"]
    email: str = Field(max_length=254)
    name: str = Field(max_length=120)
    phone: str = Field(default="", max_length=40, description="receives escalation texts")
    group_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=50, description="a facilitator's groups"
    )


class StaffLinkOut(BaseModel):
    """A new one-time link. It is in this answer only (the database keeps a hash of it):
    hand it to its owner. It is mailed to them too when mail is set up."""

    staff: StaffOut
    purpose: Literal["invite", "reset"] = Field(
        description="invite: they have never set a password; reset: a new one"
    )
    link: str = Field(description="opens the console's page to set a password, once")
    expires_at: datetime
    mailed: bool = Field(description="true when the mail server accepted the mail")


class DeactivatedOut(BaseModel):
    staff: StaffOut
    logins_ended: int = Field(description="console logins ended at once")


class CaseEventOut(BaseModel):
    at: datetime
    kind: str = Field(description="opened, notified, acked, resolved, …")
    by: str | None = Field(description="the staff member's name, when a person acted")
    detail: str


class CaseDetailOut(BaseModel):
    id: int
    group_id: int | None
    member_id: int | None
    urgency: str
    source: str
    reason: str
    status: str
    level: int
    opened_at: datetime
    acked_at: datetime | None
    resolved_at: datetime | None
    note: str | None = Field(description="the note written when it was resolved (DONE)")
    events: list[CaseEventOut]


class SettingsIn(_Setup):
    """Fields left out keep their value."""

    name: str | None = Field(default=None, max_length=120)
    program_name: str | None = Field(default=None, max_length=120)
    help_contact: str | None = Field(default=None, max_length=200)
    crisis_text_en: str | None = Field(
        default=None, max_length=600, description="empty: the country's built-in resources"
    )
    crisis_text_es: str | None = Field(default=None, max_length=600)
    quiet_start: str | None = Field(
        default=None, pattern=HHMM, description="quiet hours may widen 21:00–08:00, not shrink"
    )
    quiet_end: str | None = Field(default=None, pattern=HHMM)
    ack_notice_en: str | None = Field(default=None, max_length=300)
    ack_notice_es: str | None = Field(default=None, max_length=300)


class SettingsOut(BaseModel):
    name: str
    program_name: str
    help_contact: str
    crisis_text_en: str
    crisis_text_es: str
    quiet_start: str
    quiet_end: str
    ack_notice_en: str
    ack_notice_es: str
