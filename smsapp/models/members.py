"""Members: people who text. Phone numbers are encrypted with a keyed hash for lookups."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smsapp.db import Base, BigId, intpk, one_of, str40
from smsapp.db_types import EncryptedText
from smsapp.models.organisations import Group, Organisation


class MemberStatus(StrEnum):
    PENDING = "pending"  # invited, not yet opted in
    # Joined by text a group whose coordinator approves new members.
    AWAITING_APPROVAL = "awaiting_approval"
    ACTIVE = "active"
    PAUSED = "paused"
    OPTED_OUT = "opted_out"
    ERASED = "erased"


# Never texted again unasked: the member said STOP, or their data was erased.
UNREACHABLE = (MemberStatus.OPTED_OUT, MemberStatus.ERASED)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("organisation_id", "phone_hash"),
        one_of("status", MemberStatus),
    )

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisations.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("groups.id"), index=True)
    phone: Mapped[str | None] = mapped_column(EncryptedText())
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    phone_last4: Mapped[str] = mapped_column(String(4), default="")
    name: Mapped[str | None] = mapped_column(EncryptedText())
    language: Mapped[str] = mapped_column(String(8), default="en")
    tz: Mapped[str] = mapped_column(String(64))
    status: Mapped[str40] = mapped_column(default=MemberStatus.PENDING)
    checkin_time: Mapped[time | None] = mapped_column(Time)
    automation_paused: Mapped[bool] = mapped_column(default=False)  # open crisis case
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    organisation: Mapped[Organisation] = relationship(lazy="select", viewonly=True)
    group: Mapped[Group | None] = relationship(lazy="select", viewonly=True)

    @property
    def first_name(self) -> str:
        return (self.name or "").split(" ")[0] or "there"

    @property
    def receives_scheduled(self) -> bool:
        return self.status == MemberStatus.ACTIVE and not self.automation_paused
