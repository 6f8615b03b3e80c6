"""Request and response models of the JSON API; the OpenAPI document is generated from them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from smsapp.phones import InvalidPhone, normalise_phone
from smsapp.web.hardening import MAX_ID


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Body(_In):
    # JSON has real numbers and booleans: `true` or "7" for an id is a mistake, not a 1 or 7.
    # (Query strings are all text, so query models stay lax.)
    model_config = ConfigDict(strict=True)


class ErrorDetail(BaseModel):
    path: str = Field(description="where the problem is, e.g. 'phone' or 'body.items[2]'")
    message: str


class ErrorOut(BaseModel):
    """Every error: a sentence for people and, for invalid input, one detail per field."""

    error: str
    details: list[ErrorDetail] = Field(default_factory=list)


class GroupOut(BaseModel):
    id: int
    code: str
    name: str
    tz: str
    sandbox: bool


class GroupList(BaseModel):
    groups: list[GroupOut]


class MemberOut(BaseModel):
    id: int
    group_id: int | None
    name: str | None
    phone: str = Field(description="masked: only the last four digits are shown")
    language: str
    status: str


class MemberList(BaseModel):
    members: list[MemberOut]


class MemberIn(_Body):
    """A new member; they stay pending until they reply YES to the consent request."""

    group_id: int = Field(ge=1)
    # region comes before phone: the phone validator reads it.
    region: str = Field(
        default="US", pattern=r"^[A-Za-z]{2}$", description="country for numbers without +"
    )
    phone: str = Field(min_length=1, max_length=40, description="any format; stored as E.164")
    name: str | None = Field(default=None, max_length=120)
    language: Literal["en", "es"] = "en"

    @field_validator("phone")
    @classmethod
    def _e164(cls, value: str, info: ValidationInfo) -> str:
        region = info.data.get("region", "US")
        try:
            return normalise_phone(value, region)
        except InvalidPhone as exc:
            raise ValueError(str(exc)) from None


class CaseOut(BaseModel):
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


class CaseList(BaseModel):
    cases: list[CaseOut]


class CaseQuery(_In):
    status: Literal["open", "acked", "resolved", "active", "all"] = Field(
        default="active", description="'active' is open or acked"
    )


class ResolveIn(_Body):
    note: str | None = Field(default=None, max_length=2000)


class WeekOut(BaseModel):
    week_start: str
    mean_mood: float | None
    scores: int
    missed: int
    response_rate: float | None


class MeetingOut(BaseModel):
    series_id: int
    title: str
    occurrence_start: str
    yes: int
    no: int
    later: int


class AckOut(BaseModel):
    acked: int
    unacked: int
    median_minutes: float | None
    p95_minutes: float | None


class ReportOut(BaseModel):
    group_id: int
    group_name: str
    weeks: list[WeekOut]
    meetings: list[MeetingOut]
    ack: AckOut


class ReportQuery(_In):
    weeks: int = Field(default=8, ge=1, le=52)


class GroupQuery(_In):
    group_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="only this group")


class MeetingsQuery(GroupQuery):
    days: int = Field(default=14, ge=1, le=90, description="how far ahead to look")


class OccurrenceOut(BaseModel):
    series_id: int
    group_id: int
    title: str
    location: str
    start: datetime = Field(description="UTC; where the meeting happens (after any move)")
    end: datetime
    original_start: datetime = Field(description="UTC; identifies the occurrence")
    moved: bool
    yes: int
    no: int
    later: int


class MeetingList(BaseModel):
    meetings: list[OccurrenceOut]


class MessagesQuery(GroupQuery):
    status: Literal["queued", "claimed", "sent", "failed", "cancelled", "inline"] | None = None
    errors_only: bool = Field(default=False, description="only texts with an error code")
    limit: int = Field(default=100, ge=1, le=500)


class MessageOut(BaseModel):
    """One outbound text: where it stands, never what it says."""

    id: int
    member_id: int | None
    kind: str
    priority: str
    status: str
    delivery_status: str | None
    error_code: str | None
    to: str = Field(description="masked: only the last four digits are shown")
    due_at: datetime
    sent_at: datetime | None
    created_at: datetime


class MessageList(BaseModel):
    messages: list[MessageOut]


class OptOutOut(BaseModel):
    member_id: int
    group_id: int | None
    name: str | None
    phone: str = Field(description="masked: only the last four digits are shown")
    opted_out_at: datetime | None


class OptOutList(BaseModel):
    opt_outs: list[OptOutOut]


class FlowYamlIn(_Body):
    yaml: str = Field(max_length=100_000, description="the flow definition as YAML")
    flow_id: str | None = Field(
        default=None, max_length=80, description="when given, the YAML's id must match it"
    )


class FlowDraftIn(_Body):
    yaml: str = Field(max_length=100_000, description="the flow definition as YAML")


class IssueOut(BaseModel):
    path: str = Field(description="where in the flow, e.g. 'nodes.ask.wait.routes[1]'")
    message: str
    severity: Literal["error", "warning"]
    line: int | None = Field(description="1-based line of the YAML, when known")


class FlowMessageOut(BaseModel):
    """One message template: its line, a preview for a sample member, and its cost."""

    path: str
    line: int | None
    preview: str | None
    encoding: str | None
    segments: int | None
    chars: int | None
    ucs2_char: str | None = Field(description="the first character that forces UCS-2")
    error: str | None


class FlowCheckOut(BaseModel):
    ok: bool = Field(description="true when there are no errors (warnings allowed)")
    issues: list[IssueOut]
    messages: list[FlowMessageOut]


class FlowVersionOut(BaseModel):
    flow_id: str
    version: int
    status: str
    check: FlowCheckOut


class ImportIn(_Body):
    csv: str = Field(
        max_length=2_000_000,
        description="CSV text with a header: name, phone, and group (a group code) "
        "unless group_id is given; language (en or es) is optional",
    )
    group_id: int | None = Field(default=None, ge=1, description="group for rows with none")
    region: str = Field(
        default="US", pattern=r"^[A-Za-z]{2}$", description="country for numbers without +"
    )


class RowProblemOut(BaseModel):
    row: int = Field(description="the line in the CSV; the header is line 1")
    reason: str


class ImportOut(BaseModel):
    added: list[MemberOut]
    rejected: list[RowProblemOut]


class AnnouncementIn(_Body):
    text: str = Field(max_length=2000, description="what every member gets (4 segments at most)")
    send_at: str | None = Field(
        default=None,
        max_length=40,
        description="'YYYY-MM-DD HH:MM' in the group's time zone; empty or absent: now",
    )


class DeliveryCountsOut(BaseModel):
    queued: int = Field(description="waiting for their time (or a member's quiet hours to end)")
    sent: int = Field(description="handed to the carrier, no delivery report yet")
    delivered: int
    failed: int
    not_sent: int = Field(description="the member paused or opted out before their copy's time")


class AnnouncementPreviewOut(BaseModel):
    encoding: Literal["GSM-7", "UCS-2"]
    segments: int = Field(description="message segments per copy (what the carrier bills)")
    characters: int
    ucs2_char: str | None = Field(description="the first character that forces UCS-2")
    send_at: datetime = Field(description="UTC")
    recipients: int = Field(description="members who receive texts now")
    left_out: int = Field(description="members who do not (paused, opted out, not joined)")
    after_quiet_hours: int = Field(description="copies that wait for a member's quiet hours")


class AnnouncementOut(BaseModel):
    id: int
    group_id: int
    text: str
    send_at: datetime = Field(description="UTC, the time asked for")
    created_at: datetime
    created_by_user_id: int | None = Field(description="none when sent with the CLI")
    encoding: Literal["GSM-7", "UCS-2"]
    segments: int
    deliveries: DeliveryCountsOut


class AnnouncementList(BaseModel):
    announcements: list[AnnouncementOut]
