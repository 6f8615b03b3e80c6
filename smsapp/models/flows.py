"""Flow sessions and coordinator-published flow versions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smsapp.db import Base, BigId, intpk, one_of, str40
from smsapp.db_types import EncryptedJSON


class FlowSource(StrEnum):
    """Where a session's flow came from."""

    BUILTIN = "builtin"  # smsapp/data
    ORG = "org"  # a version the organisation published (FlowVersion)


class FlowVersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class FlowSession(Base):
    __tablename__ = "flow_sessions"
    __table_args__ = (
        Index("ix_flow_sessions_member_active", "member_id", "active"),
        one_of("flow_source", FlowSource),
    )

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    flow_id: Mapped[str40]
    flow_version: Mapped[int] = mapped_column(Integer)
    flow_source: Mapped[str] = mapped_column(String(12), default=FlowSource.BUILTIN)
    state: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON())
    context: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON())
    active: Mapped[bool] = mapped_column(default=True)
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class FlowVersion(Base):
    __tablename__ = "flow_versions"
    __table_args__ = (
        UniqueConstraint("organisation_id", "flow_id", "version"),
        one_of("status", FlowVersionStatus),
    )

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisations.id"))
    flow_id: Mapped[str40]
    version: Mapped[int] = mapped_column(Integer)
    yaml_text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=FlowVersionStatus.DRAFT)
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]


class GroupFlow(Base):
    """Which published flow version a group uses in place of a built-in flow."""

    __tablename__ = "group_flows"

    group_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    flow_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    flow_version_id: Mapped[int] = mapped_column(BigId, ForeignKey("flow_versions.id"))
