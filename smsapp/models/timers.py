"""Timers: every wait timeout, reminder, check-in and escalation step is a row with a due time."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smsapp.db import Base, BigId, intpk, one_of, str40


class TimerKind(StrEnum):
    """Each kind has one handler (`timers.handles`) and one queue (`timers.KIND_QUEUE`)."""

    WAIT_TIMEOUT = "wait_timeout"
    REMINDER = "reminder"
    CHECKIN = "checkin"
    ESCALATION_STEP = "escalation_step"
    MEETING_NOTICE = "meeting_notice"
    ANNOUNCEMENT = "announcement"
    SAFETY_CHECK = "safety_check"
    AUTO_RESUME = "auto_resume"


class TimerStatus(StrEnum):
    """pending → claimed (a tick has it) → done; or cancelled while pending."""

    PENDING = "pending"
    CLAIMED = "claimed"
    DONE = "done"
    CANCELLED = "cancelled"


class Timer(Base):
    __tablename__ = "timers"
    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_timers_due", "status", "due_at"),
        one_of("kind", TimerKind),
        one_of("status", TimerStatus),
    )

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(160))  # fixed per member, occurrence, offset
    kind: Mapped[str40]
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default=TimerStatus.PENDING)
    member_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(String(200), default="")  # shown as "why" in the sandbox
    claimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
