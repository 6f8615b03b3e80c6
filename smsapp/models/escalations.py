"""Escalation policies and cases."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smsapp.db import Base, BigId, intpk, one_of, str40, str120
from smsapp.db_types import EncryptedText


class LevelTarget(StrEnum):
    """Whom one level of an escalation policy texts."""

    GROUP_FACILITATORS = "group_facilitators"
    USER = "user"  # one chosen person (PolicyLevel.user_id)
    ON_CALL = "on_call"


class CaseStatus(StrEnum):
    """open → acked (a person took it) → resolved; a more urgent signal reopens it."""

    OPEN = "open"
    ACKED = "acked"
    RESOLVED = "resolved"


# Still someone's to finish: the member's case is reused, and their conversation runs.
UNRESOLVED = (CaseStatus.OPEN, CaseStatus.ACKED)


class CaseSource(StrEnum):
    """What opened (or last raised) a case."""

    CRISIS = "crisis"
    FLOW = "flow"  # a check-in answer (a flow's escalate action)
    TALK = "talk"  # the member asked for a person
    PATTERN = "pattern"  # a run of low moods
    SAFETY_CHECK = "safety_check"


class Urgency(StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"


class PolicyLevel(Base):
    """One level of a group's escalation policy; everyone at a level is notified."""

    __tablename__ = "policy_levels"
    __table_args__ = (UniqueConstraint("group_id", "position"), one_of("target", LevelTarget))

    id: Mapped[intpk]
    group_id: Mapped[int] = mapped_column(BigId, ForeignKey("groups.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    target: Mapped[str40]
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    urgent_timeout_minutes: Mapped[int] = mapped_column(Integer, default=5)
    normal_timeout_minutes: Mapped[int] = mapped_column(Integer, default=60)
    repeats: Mapped[int] = mapped_column(Integer, default=1)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        one_of("urgency", Urgency),
        one_of("source", CaseSource),
        one_of("status", CaseStatus),
    )

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisations.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("groups.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    # A sender the organisation does not know: their open case is found by this keyed hash.
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    urgency: Mapped[str] = mapped_column(String(10))  # Urgency
    source: Mapped[str40]  # CaseSource
    reason: Mapped[str120]
    status: Mapped[str] = mapped_column(String(12), default=CaseStatus.OPEN)
    level: Mapped[int] = mapped_column(Integer, default=0)
    round: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime]
    acked_at: Mapped[datetime | None]
    acked_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(EncryptedText())

    events: Mapped[list[CaseEvent]] = relationship(order_by="CaseEvent.id")


class CaseEvent(Base):
    """A case's own trail: opened, notified level N, acked, resolved."""

    __tablename__ = "case_events"

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    kind: Mapped[str40]
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    detail: Mapped[str120] = mapped_column(default="")
