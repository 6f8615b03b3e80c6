"""Coordinator pages: the message log (delivery status, error codes) and the opt-out list."""

from __future__ import annotations

from flask import request
from sqlalchemy import select

from smsapp.models import ConsentRecord, Group, Member, OutboxMessage
from smsapp.phones import mask_phone
from smsapp.services.domain import visibility
from smsapp.web.console.core import (
    add_nav,
    audit_view,
    console_bp,
    coordinator_required,
    current_account,
    db,
    render_page,
)

PAGE = 100
STATUSES = ("queued", "claimed", "sent", "failed", "cancelled", "inline")

add_nav("Messages", "console.messages", coordinator_only=True)


@console_bp.get("/messages")
@coordinator_required
def messages() -> str:
    """Outbound texts, newest first; numbers masked, bodies not shown here."""
    query = select(OutboxMessage).where(visibility.outbox_filter(current_account()))
    status = request.args.get("status", "")
    if status in STATUSES:
        query = query.where(OutboxMessage.status == status)
    if request.args.get("errors"):
        query = query.where(OutboxMessage.error_code.is_not(None))
    rows = db().scalars(query.order_by(OutboxMessage.id.desc()).limit(PAGE))
    shown = [(m, mask_phone(m.to_phone or "")) for m in rows]
    return render_page("console/messages.html", rows=shown, status=status, statuses=STATUSES)


@console_bp.get("/opt-outs")
@coordinator_required
def opt_outs() -> str:
    """Members who texted STOP (or were opted out by the carrier), with when."""
    account = current_account()
    members = (
        db()
        .execute(
            select(Member, Group.name)
            .outerjoin(Group, Group.id == Member.group_id)
            .where(visibility.members_filter(account), Member.status == "opted_out")
            .order_by(Member.updated_at.desc())
        )
        .all()
    )
    rows = []
    for member, group_name in members:
        when = db().scalar(
            select(ConsentRecord.at)
            .where(ConsentRecord.member_id == member.id, ConsentRecord.kind == "opt_out")
            .order_by(ConsentRecord.at.desc())
        )
        rows.append((member, group_name, mask_phone(member.phone or ""), when))
    audit_view("view_opt_outs", None)
    db().commit()
    return render_page("console/opt_outs.html", rows=rows)
