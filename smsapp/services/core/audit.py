"""The audit log: who viewed, exported or changed member data, and when.

Rows are append-only: ``smsapp.models.audit`` refuses ORM updates and deletes of
loaded rows and bulk ``update()`` / ``delete()`` statements against ``audit_log``
run through any Session, so no code path of the application can rewrite the trail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.models import AuditEntry

SYSTEM = "system"
DETAIL_LIMIT = 200


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
    actor: str | None = None,
) -> AuditEntry:
    """Append one audit row (not committed: the caller's transaction owns it).

    ``actor`` defaults to ``user:<id>`` for a person and ``system`` for jobs; pass
    ``actor="member"`` when the member acted by text. ``detail`` must never hold a
    message body, a name or a phone number: counts and short codes only.
    """
    entry = AuditEntry(
        at=now,
        organisation_id=organisation_id,
        actor_user_id=actor_user_id,
        actor=actor or (f"user:{actor_user_id}" if actor_user_id is not None else SYSTEM),
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail[:DETAIL_LIMIT],
    )
    session.add(entry)
    return entry
