"""Which outbound texts belong to a sandbox: those never go to Twilio.

A text is a sandbox text when its member is in a sandbox group, its user facilitates
only sandbox groups, or its case was opened in a sandbox group. The send job asks here
after claiming the row and hands sandbox texts to a local transport instead.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Case, Group, Member, OutboxMessage, User, group_facilitators
from smsapp.runtime import Runtime
from smsapp.transport.local import LocalTransport

EXTRAS_KEY = "sandbox_transport"


def sandbox_transport(runtime: Runtime) -> LocalTransport:
    """The process's local transport for sandbox texts (kept in runtime.extras)."""
    transport = runtime.extras.get(EXTRAS_KEY)
    if not isinstance(transport, LocalTransport):
        transport = LocalTransport()
        runtime.extras[EXTRAS_KEY] = transport
    return transport


def is_sandbox_send(session: Session, outbox_id: int) -> bool:
    """True when the outbox row is addressed to a simulated phone or about a sandbox case."""
    row = session.get(OutboxMessage, outbox_id)
    if row is None:
        return False
    if row.member_id is not None and _member_in_sandbox(session, row.member_id):
        return True
    if row.case_id is not None and _case_in_sandbox(session, row.case_id):
        return True
    return row.user_id is not None and is_sandbox_user(session, row.user_id)


def is_sandbox_user(session: Session, user_id: int) -> bool:
    """A user who facilitates sandbox groups and nothing else (a simulated facilitator)."""
    user = session.get(User, user_id)
    if user is None:
        return False
    flags = session.scalars(
        select(Group.sandbox)
        .join(group_facilitators, group_facilitators.c.group_id == Group.id)
        .where(group_facilitators.c.user_id == user_id)
    ).all()
    return bool(flags) and all(flags)


def _member_in_sandbox(session: Session, member_id: int) -> bool:
    member = session.get(Member, member_id)
    return (
        member is not None
        and member.group_id is not None
        and _group_sandbox(session, member.group_id)
    )


def _case_in_sandbox(session: Session, case_id: int) -> bool:
    case = session.get(Case, case_id)
    return case is not None and case.group_id is not None and _group_sandbox(session, case.group_id)


def _group_sandbox(session: Session, group_id: int) -> bool:
    return bool(session.scalar(select(Group.sandbox).where(Group.id == group_id)))
