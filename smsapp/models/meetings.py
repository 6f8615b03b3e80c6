"""Meeting series, one-off meetings, exceptions (cancel / move) and RSVPs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smsapp.db import Base, BigId, intpk, one_of, str40, str120


class MeetingChange(StrEnum):
    """What an exception does to one meeting of a series."""

    CANCELLED = "cancelled"
    MOVED = "moved"  # to MeetingException.new_start


class RsvpAnswer(StrEnum):
    YES = "yes"
    NO = "no"
    LATER = "later"


class MeetingSeries(Base):
    __tablename__ = "meeting_series"

    id: Mapped[intpk]
    group_id: Mapped[int] = mapped_column(BigId, ForeignKey("groups.id", ondelete="CASCADE"))
    title: Mapped[str120]
    rrule: Mapped[str] = mapped_column(String(200), default="")  # empty: a one-off meeting
    start_local: Mapped[str] = mapped_column(String(19))  # ISO wall time in the group's zone
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    location: Mapped[str] = mapped_column(String(200), default="")
    reminder_offsets_minutes: Mapped[str] = mapped_column(String(60), default="1440,120")
    created_at: Mapped[datetime]


class MeetingException(Base):
    __tablename__ = "meeting_exceptions"
    __table_args__ = (
        UniqueConstraint("series_id", "original_start"),
        one_of("kind", MeetingChange),
    )

    id: Mapped[intpk]
    series_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("meeting_series.id", ondelete="CASCADE")
    )
    original_start: Mapped[datetime]
    kind: Mapped[str40]  # MeetingChange
    new_start: Mapped[datetime | None]


class Rsvp(Base):
    __tablename__ = "rsvps"
    __table_args__ = (
        UniqueConstraint("member_id", "series_id", "occurrence_start"),
        one_of("answer", RsvpAnswer),
    )

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    series_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("meeting_series.id", ondelete="CASCADE")
    )
    occurrence_start: Mapped[datetime]  # the original start in UTC
    answer: Mapped[str] = mapped_column(String(8))  # RsvpAnswer
    at: Mapped[datetime]
