"""Announcements: a coordinator's one-off text to a group, and each member's copy of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smsapp.db import Base, BigId, intpk
from smsapp.db_types import EncryptedText


class Announcement(Base):
    __tablename__ = "announcements"

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisations.id"), index=True)
    group_id: Mapped[int] = mapped_column(BigId, ForeignKey("groups.id"), index=True)
    body: Mapped[str] = mapped_column(EncryptedText())
    send_at: Mapped[datetime]  # the time asked for (UTC); quiet hours may move a copy later
    # None when an operator sent it with the CLI.
    created_by_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[datetime]


class AnnouncementCopy(Base):
    """One member's copy: planned at creation, texted when its timer fires (if the member
    still receives texts then), or left out with the reason."""

    __tablename__ = "announcement_copies"
    __table_args__ = (UniqueConstraint("announcement_id", "member_id"),)

    id: Mapped[intpk]
    announcement_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("announcements.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    due_at: Mapped[datetime]
    outbox_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("outbox.id"))
    skipped: Mapped[str | None] = mapped_column(String(40))  # why no text went out
