"""Request and response models of the on-call rota operations."""

from __future__ import annotations

from pydantic import BaseModel, Field

from smsapp.web.api.schemas import _Body
from smsapp.web.hardening import MAX_ID


class PersonOut(BaseModel):
    id: int
    name: str


class ShiftIn(_Body):
    user_id: int = Field(ge=1, le=MAX_ID)
    days: list[int] = Field(min_length=1, max_length=7, description="0 = Monday … 6 = Sunday")
    starts: str = Field(pattern=r"^\d{2}:\d{2}$", description="local time, HH:MM")
    ends: str = Field(
        pattern=r"^\d{2}:\d{2}$",
        description="local time, HH:MM; at or before `starts`: the next day (24:00 = midnight)",
    )


class RotaIn(_Body):
    """The whole weekly rota; it replaces the one there is."""

    shifts: list[ShiftIn] = Field(max_length=200)


class ShiftOut(BaseModel):
    id: int
    user: PersonOut
    day: int = Field(description="0 = Monday … 6 = Sunday")
    starts: str
    ends: str
    hours: str = Field(description='in words, e.g. "6:00 PM to 8:00 AM the next day"')


class OverrideIn(_Body):
    user_id: int = Field(ge=1, le=MAX_ID)
    starts: str = Field(
        pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$", description="local, YYYY-MM-DDTHH:MM"
    )
    ends: str = Field(
        pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$", description="local, YYYY-MM-DDTHH:MM"
    )


class OverrideOut(BaseModel):
    id: int
    user: PersonOut
    starts: str = Field(description="local, YYYY-MM-DDTHH:MM")
    ends: str = Field(description="local, YYYY-MM-DDTHH:MM")


class RotaOut(BaseModel):
    tz: str = Field(description="the organisation's zone; every time here is local to it")
    on_call_now: list[PersonOut]
    shifts: list[ShiftOut]
    gaps: list[str] = Field(description="parts of the week when nobody is on call, in words")
    overrides: list[OverrideOut] = Field(description="running now or still to come")
