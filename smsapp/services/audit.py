"""The audit log: who viewed or changed member data. (Minimal version; see the lead.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.models import AuditEntry


def record(
    session: Session,
    *,
    actor_user_id: int | None,
    organisation_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    now: datetime,
    detail: str = "",
) -> AuditEntry:
    """Append one audit row (not committed: the caller's transaction owns it)."""
    entry = AuditEntry(
        at=now,
        organisation_id=organisation_id,
        actor_user_id=actor_user_id,
        actor=f"user:{actor_user_id}" if actor_user_id else "system",
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail[:200],
    )
    session.add(entry)
    return entry
