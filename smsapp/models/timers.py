"""Timers: every wait timeout, reminder, check-in and escalation step is a row with a due time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smsapp.db import Base, BigId, intpk, str40

TIMER_KINDS = (
    "wait_timeout",
    "reminder",
    "checkin",
    "escalation_step",
    "meeting_notice",
    "announcement",
)


class Timer(Base):
    __tablename__ = "timers"
    __table_args__ = (UniqueConstraint("key"), Index("ix_timers_due", "status", "due_at"))

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(160))  # fixed per member, occurrence, offset
    kind: Mapped[str40]
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="pending")
    member_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(String(200), default="")  # shown as "why" in the sandbox
    claimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
