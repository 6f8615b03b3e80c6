"""The append-only audit log: who viewed or changed member data, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from smsapp.db import Base, BigId, intpk, str40


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[intpk]
    at: Mapped[datetime] = mapped_column(index=True)
    organisation_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("organisations.id"))
    actor_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(120))  # "user:3", "system", "member"
    action: Mapped[str40]  # view_messages | view_scores | export | change_member | ...
    subject_type: Mapped[str40]
    subject_id: Mapped[int | None] = mapped_column(BigId)
    detail: Mapped[str] = mapped_column(String(200), default="")


class AuditImmutableError(RuntimeError):
    pass


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(_mapper: Any, _conn: Any, _target: AuditEntry) -> None:
    raise AuditImmutableError("audit entries are append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    # Bulk update()/delete() skip the mapper events above; refuse them before they run.
    if not (state.is_update or state.is_delete):
        return
    table: Any = getattr(state.statement, "table", None)
    if getattr(table, "name", None) == AuditEntry.__tablename__:
        raise AuditImmutableError("audit entries are append-only")
