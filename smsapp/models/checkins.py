"""Mood scores from check-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from smsapp.db import Base, BigId, intpk
from smsapp.db_types import EncryptedText


class MoodScore(Base):
    __tablename__ = "mood_scores"

    id: Mapped[intpk]
    member_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("groups.id"), index=True)
    score: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(EncryptedText())
    missed: Mapped[bool] = mapped_column(default=False)  # a check-in with no answer
    at: Mapped[datetime] = mapped_column(index=True)
