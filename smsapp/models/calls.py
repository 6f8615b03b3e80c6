"""Phone calls the service places through Twilio's Calls API, and a case's conversation.

A call is a row first (like an outbox text): the job that places it claims the row
before the network call, so a job that runs twice calls once. Twilio then asks the voice
webhooks what to say, and reports the call's final status.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smsapp.db import Base, BigId, intpk, one_of
from smsapp.db_types import EncryptedText


class CallPurpose(StrEnum):
    # An escalation level that phones a responder (press 1 to take the case).
    ALERT = "alert"
    # The "Call" button, which rings the facilitator and then connects the member.
    BRIDGE = "bridge"


class CallStatus(StrEnum):
    """queued → claimed → placed (Twilio has it) → one of Twilio's final statuses."""

    QUEUED = "queued"
    CLAIMED = "claimed"
    PLACED = "placed"
    COMPLETED = "completed"
    BUSY = "busy"
    NO_ANSWER = "no-answer"
    FAILED = "failed"
    CANCELED = "canceled"  # Twilio's spelling


FINAL_CALL_STATUSES = (
    CallStatus.COMPLETED,
    CallStatus.BUSY,
    CallStatus.NO_ANSWER,
    CallStatus.FAILED,
    CallStatus.CANCELED,
)


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        Index("ix_calls_due", "status", "due_at"),
        one_of("purpose", CallPurpose),
        one_of("status", CallStatus),
    )

    id: Mapped[intpk]
    idempotency_key: Mapped[str] = mapped_column(String(160))
    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisations.id"))
    case_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))  # the person rung
    member_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("members.id", ondelete="SET NULL"), index=True
    )  # bridge: whom the call connects (their number is read when the call is answered)
    to_phone: Mapped[str | None] = mapped_column(EncryptedText())
    caller_id: Mapped[str] = mapped_column(String(64))  # the organisation's number
    step: Mapped[int | None] = mapped_column(Integer)  # alert: the escalation step it is part of
    status: Mapped[str] = mapped_column(String(16), default=CallStatus.QUEUED)
    outcome: Mapped[str | None] = mapped_column(String(20))  # acked, taken, connected, no_answer…
    twilio_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    error_code: Mapped[str | None] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime]
    enqueued_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    placed_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    keyed_at: Mapped[datetime | None]  # when the answering person pressed the key (once)
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class CaseMessage(Base):
    """One text of the private conversation between a case's member and its facilitator,
    through the organisation's number (by SMS or from the case page)."""

    __tablename__ = "case_messages"

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisations.id"))
    member_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))  # the facilitator
    direction: Mapped[str] = mapped_column(String(12))  # to_member | from_member
    channel: Mapped[str] = mapped_column(String(12))  # sms | console | api
    body: Mapped[str | None] = mapped_column(EncryptedText())
    outbox_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("outbox.id", ondelete="SET NULL")
    )  # the text that carries it (its delivery status)
    at: Mapped[datetime] = mapped_column(index=True)
