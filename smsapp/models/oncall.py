"""Who is on call: an organisation's weekly rota and the overrides that replace it."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import ForeignKey, Integer, Time
from sqlalchemy.orm import Mapped, mapped_column

from smsapp.db import Base, BigId, intpk


class OnCallShift(Base):
    """One weekly slot of the rota, in the organisation's local time.

    ``ends`` at or before ``starts`` runs past midnight into the next day; equal times are
    a whole day. Several people may share a slot: everyone on call is texted."""

    __tablename__ = "oncall_shifts"

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)


class OnCallOverride(Base):
    """While it runs, its people are on call instead of the rota (stored in UTC)."""

    __tablename__ = "oncall_overrides"

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime]
