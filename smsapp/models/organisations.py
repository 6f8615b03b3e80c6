"""Organisations and their groups."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum

from sqlalchemy import Float, ForeignKey, Integer, String, Text, Time, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smsapp.db import Base, BigId, intpk, one_of, str40, str120


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[intpk]
    name: Mapped[str120]
    program_name: Mapped[str120]
    help_contact: Mapped[str120] = mapped_column(default="")
    crisis_text_en: Mapped[str | None] = mapped_column(Text)
    crisis_text_es: Mapped[str | None] = mapped_column(Text)
    # What a member is told when a facilitator takes their case ({facilitator}, {program});
    # None: the built-in wording (smsapp/data/texts.yaml, ack_notice).
    ack_notice_en: Mapped[str | None] = mapped_column(Text)
    ack_notice_es: Mapped[str | None] = mapped_column(Text)
    quiet_start: Mapped[time] = mapped_column(Time, default=time(21, 0))
    quiet_end: Mapped[time] = mapped_column(Time, default=time(8, 0))
    retain_bodies_days: Mapped[int] = mapped_column(Integer, default=90)
    retain_moods_days: Mapped[int] = mapped_column(Integer, default=365)
    retain_cases_days: Mapped[int] = mapped_column(Integer, default=365)
    lexicon_extra: Mapped[str] = mapped_column(Text, default="")
    messages_per_week: Mapped[int] = mapped_column(Integer, default=4)
    # ISO 3166 alpha-2: picks the default crisis resources and the phone region.
    country: Mapped[str] = mapped_column(String(2), default="US", server_default="US")
    # IANA zone: the default for the organisation's new groups.
    tz: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    created_at: Mapped[datetime]

    groups: Mapped[list[Group]] = relationship(back_populates="organisation")
    numbers: Mapped[list[SendingNumber]] = relationship(
        back_populates="organisation", order_by="SendingNumber.id"
    )


class NumberKind(StrEnum):
    LONG_CODE = "long_code"
    TOLL_FREE = "toll_free"
    SHORT_CODE = "short_code"
    MESSAGING_SERVICE = "messaging_service"  # a Twilio Messaging Service SID ("MG…")


class SendingNumber(Base):
    """A number (or Twilio Messaging Service) an organisation owns: members text it, and
    the organisation's texts go from it. An inbound text's `To` picks the organisation."""

    __tablename__ = "sending_numbers"
    __table_args__ = (UniqueConstraint("address"), one_of("kind", NumberKind))

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    # E.164 ("+15005550006"), a short code ("12345") or a Messaging Service SID ("MG…").
    address: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20), default=NumberKind.LONG_CODE)
    # Message segments per second; None means SMSAPP_SEND_RATE.
    rate: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime]

    organisation: Mapped[Organisation] = relationship(back_populates="numbers")


class Group(Base):
    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisations.id"), index=True)
    code: Mapped[str40]
    name: Mapped[str120]
    tz: Mapped[str] = mapped_column(String(64))
    checkin_days: Mapped[str] = mapped_column(String(7), default="")  # "024" = Mon, Wed, Fri
    checkin_time: Mapped[time | None] = mapped_column(Time)
    sandbox: Mapped[bool] = mapped_column(default=False)
    # Members who join by texting JOIN CODE wait for a coordinator's approval.
    requires_approval: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The group's own crisis resources (None: the organisation's, then its country's).
    crisis_text_en: Mapped[str | None] = mapped_column(Text)
    crisis_text_es: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    organisation: Mapped[Organisation] = relationship(back_populates="groups")
