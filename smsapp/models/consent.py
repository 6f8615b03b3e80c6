"""Consent records: kept beyond erasure, as the law requires."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from smsapp.db import Base, BigId, intpk, one_of, str40


class ConsentKind(StrEnum):
    OPT_IN = "opt_in"
    OPT_OUT = "opt_out"


class ConsentRecord(Base):
    __tablename__ = "consent_records"
    __table_args__ = (one_of("kind", ConsentKind),)

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisations.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str40]  # ConsentKind
    method: Mapped[str40]  # sms_keyword | sms_reply | console
    disclosure_text: Mapped[str] = mapped_column(Text, default="")
    disclosure_version: Mapped[str40] = mapped_column(default="")
    at: Mapped[datetime]
