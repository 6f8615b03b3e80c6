"""Inbound messages and the outbox (every outbound text, inline replies included)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smsapp.db import Base, BigId, intpk, one_of, str40
from smsapp.db_types import EncryptedText


class Priority(StrEnum):
    """Which send queue an outbound text waits in (urgent texts also jump pacing)."""

    URGENT = "urgent"
    DEFAULT = "default"
    BULK = "bulk"


class OutboxStatus(StrEnum):
    """queued → claimed (a send job has it) → sent or failed; or cancelled before it went.
    inline: an answer given in the webhook's TwiML, logged and never sent again."""

    QUEUED = "queued"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INLINE = "inline"


# Not finished with: a send job may still take (or has) the text.
UNFINISHED = (OutboxStatus.QUEUED, OutboxStatus.CLAIMED)


class OutboxKind(StrEnum):
    """What a text is for (its default priority: services/core/outbox.py)."""

    REPLY = "reply"
    SCHEDULED = "scheduled"  # a flow's texts: held while the member's automation is paused
    ESCALATION = "escalation"
    CRISIS = "crisis"
    SYSTEM = "system"
    RELAY = "relay"  # a case's conversation
    ANNOUNCEMENT = "announcement"


class InboundMessage(Base):
    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("message_sid"),)

    id: Mapped[intpk]
    message_sid: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("organisations.id"))
    member_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    to_number: Mapped[str | None] = mapped_column(String(64))  # the number that was texted
    body: Mapped[str | None] = mapped_column(EncryptedText())
    reply: Mapped[str | None] = mapped_column(EncryptedText())  # the inline TwiML answer
    # What kind of answer the text earned (crisis, fallback, join, …), given or held back
    # by a budget: replies are counted per sender by kind (services/core/budgets.py).
    reply_kind: Mapped[str | None] = mapped_column(String(20))
    crisis: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[datetime] = mapped_column(index=True)


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        Index("ix_outbox_due", "status", "due_at"),
        one_of("kind", OutboxKind),
        one_of("priority", Priority),
        one_of("status", OutboxStatus),
    )

    id: Mapped[intpk]
    idempotency_key: Mapped[str] = mapped_column(String(160))
    organisation_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("organisations.id"))
    member_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"), index=True)
    to_phone: Mapped[str | None] = mapped_column(EncryptedText())
    # The organisation's number (or Messaging Service SID) the text goes from; pacing is
    # per sender. None: the installation's TWILIO_FROM_NUMBER / Messaging Service.
    sender: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str | None] = mapped_column(EncryptedText())
    kind: Mapped[str40]  # OutboxKind
    priority: Mapped[str] = mapped_column(String(10), default=Priority.DEFAULT)
    status: Mapped[str] = mapped_column(String(12), default=OutboxStatus.QUEUED)
    due_at: Mapped[datetime]
    # The send time reserved for this text by its sender's pacing (services/core/pacing.py):
    # set once, kept, and never moved behind texts that came after it.
    send_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    enqueued_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    twilio_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(20))
    error_code: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime]
