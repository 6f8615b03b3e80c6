"""GET /messages (delivery status and error codes, never bodies) and GET /optouts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import ConsentRecord, Member, OutboxMessage
from smsapp.models.consent import ConsentKind
from smsapp.models.members import MemberStatus
from smsapp.phones import mask_phone
from smsapp.services.domain import visibility
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.schemas import (
    GroupQuery,
    MessageList,
    MessageOut,
    MessagesQuery,
    OptOutList,
    OptOutOut,
)
from smsapp.web.api.spec import answers, api_spec


def _message_out(row: OutboxMessage) -> MessageOut:
    return MessageOut(
        id=row.id,
        member_id=row.member_id,
        kind=row.kind,
        priority=row.priority,
        status=row.status,
        delivery_status=row.delivery_status,
        error_code=row.error_code,
        to=mask_phone(row.to_phone or ""),
        due_at=row.due_at,
        sent_at=row.sent_at,
        created_at=row.created_at,
    )


@api_bp.get("/messages")
@api_spec.validate(resp=answers(404, HTTP_200=MessageList), tags=["messages"])
def list_messages(query: MessagesQuery) -> MessageList:
    """Outbound texts, newest first: status, delivery status and error code, numbers masked.

    Facilitators see only texts to members of their own groups; the view is audited.
    """
    session, user = auth.db(), auth.current_user()
    stmt = select(OutboxMessage).where(visibility.outbox_filter(user))
    if query.group_id is not None:
        group = access.group_or_404(session, user, query.group_id)
        stmt = stmt.where(
            OutboxMessage.member_id.in_(select(Member.id).where(Member.group_id == group.id))
        )
    if query.status is not None:
        stmt = stmt.where(OutboxMessage.status == query.status)
    if query.errors_only:
        stmt = stmt.where(OutboxMessage.error_code.is_not(None))
    rows = session.scalars(stmt.order_by(OutboxMessage.id.desc()).limit(query.limit))
    result = MessageList(messages=[_message_out(row) for row in rows])
    access.audit_view(session, user, "view_messages", ("group", query.group_id))
    session.commit()
    return result


@api_bp.get("/optouts")
@api_spec.validate(resp=answers(404, HTTP_200=OptOutList), tags=["members"])
def list_opt_outs(query: GroupQuery) -> OptOutList:
    """Members who texted STOP (or whom the carrier opted out), most recent first."""
    session, user = auth.db(), auth.current_user()
    stmt = select(Member).where(
        visibility.members_filter(user), Member.status == MemberStatus.OPTED_OUT
    )
    if query.group_id is not None:
        group = access.group_or_404(session, user, query.group_id)
        stmt = stmt.where(Member.group_id == group.id)
    members = list(session.scalars(stmt.order_by(Member.updated_at.desc(), Member.id)))
    last_opt_out = _last_opt_outs(session, [m.id for m in members])
    result = OptOutList(
        opt_outs=[
            OptOutOut(
                member_id=m.id,
                group_id=m.group_id,
                name=m.name,
                phone=access.masked_phone(m),
                opted_out_at=last_opt_out.get(m.id),
            )
            for m in members
        ]
    )
    access.audit_view(session, user, "view_opt_outs", ("group", query.group_id))
    session.commit()
    return result


def _last_opt_outs(session: Session, member_ids: list[int]) -> dict[int | None, datetime]:
    if not member_ids:
        return {}
    rows = session.execute(
        select(ConsentRecord.member_id, ConsentRecord.at)
        .where(ConsentRecord.member_id.in_(member_ids), ConsentRecord.kind == ConsentKind.OPT_OUT)
        .order_by(ConsentRecord.at)
    )
    return {member_id: at for member_id, at in rows}  # the latest wins
