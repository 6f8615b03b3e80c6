"""People who log in: coordinators and facilitators (facilitators also get escalation SMS)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smsapp.db import Base, BigId, intpk, one_of, str40, str120
from smsapp.db_types import EncryptedText
from smsapp.models.organisations import Group


class Role(StrEnum):
    COORDINATOR = "coordinator"
    FACILITATOR = "facilitator"


class LinkPurpose(StrEnum):
    """What a one-time account link is for."""

    INVITE = "invite"
    RESET = "reset"


group_facilitators = Table(
    "group_facilitators",
    Base.metadata,
    Column("group_id", BigId, ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("email"), one_of("role", Role))

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisations.id"), index=True)
    email: Mapped[str120]
    name: Mapped[str120]
    role: Mapped[str40]
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str | None] = mapped_column(EncryptedText())
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    sms_opted_out: Mapped[bool] = mapped_column(default=False)  # texted STOP: no alerts by SMS
    active: Mapped[bool] = mapped_column(default=True)
    # The simulator's facilitator: a simulated phone that never reaches real routing.
    sandbox: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]

    groups: Mapped[list[Group]] = relationship(secondary=group_facilitators)

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR


class LoginSession(Base):
    """A console login, known to the server: logging out ends it, so a copied cookie stops
    working. Only a hash of the token in the (signed) cookie is stored."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class AccountLink(Base):
    """A one-time link that sets an account's password: an invitation or a reset.

    Only a hash of the token in the link is stored; using the link, a newer link, or
    deactivating the account spends it."""

    __tablename__ = "account_links"
    __table_args__ = (one_of("purpose", LinkPurpose),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str40]  # LinkPurpose
    created_by: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
