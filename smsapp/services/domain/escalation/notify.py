"""Texting responders about a case: outbox rows tied to the case, urgent, once per key."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Case, Group, OutboxMessage, User
from smsapp.models.messages import OutboxKind, Priority
from smsapp.services.core import outbox
from smsapp.services.core.texts import text


def text_users(
    session: Session, case: Case, user_ids: Iterable[int], body: str, now: datetime, tag: str
) -> int:
    """Queue ``body`` to each user (key ``case:<id>:<tag>:u<user>``); returns how many.

    The rows carry no member id: a member's opt-out or pause must never cancel the
    texts that bring a person to them.
    """
    count = 0
    for user_id in sorted(set(user_ids)):
        user = session.get(User, user_id)
        if user is None or not user.active or not user.phone:
            continue
        if user.organisation_id != case.organisation_id:
            continue  # never, whatever a policy says: cases stay inside their organisation
        outbox.queue_message(
            session,
            to=user.phone,
            body=body,
            kind=OutboxKind.ESCALATION,
            key=f"case:{case.id}:{tag}:u{user.id}",
            now=now,
            organisation_id=case.organisation_id,
            user_id=user.id,
            case_id=case.id,
            priority=Priority.URGENT,
        )
        count += 1
    return count


def notified_user_ids(session: Session, case_id: int) -> list[int]:
    """Everyone who has been texted about the case so far."""
    rows = session.scalars(
        select(OutboxMessage.user_id).where(
            OutboxMessage.case_id == case_id,
            OutboxMessage.kind == OutboxKind.ESCALATION,
            OutboxMessage.user_id.is_not(None),
        )
    )
    return sorted({r for r in rows if r is not None})


def group_code(session: Session, case: Case) -> str:
    group = session.get(Group, case.group_id) if case.group_id else None
    return group.code if group else text("case_no_group")


def case_link(session: Session, case: Case) -> str:
    """The console page of the case (login required), absolute when the base URL is known."""
    runtime = session.info.get("runtime")
    base = getattr(getattr(runtime, "settings", None), "public_base_url", "") or ""
    return f"{base.rstrip('/')}/console/cases/{case.id}"
