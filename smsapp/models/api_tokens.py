"""API tokens: bearer tokens coordinators create for the JSON API, stored only as a hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smsapp.db import Base, BigId, intpk, str120


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # sha256 hex of the token: a leaked database does not leak working tokens.
    token_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str120]
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked: Mapped[bool] = mapped_column(default=False)
