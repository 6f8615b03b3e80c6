"""The message log (texts in and out, searchable, a page at a time, CSV export) and the
coordinators' opt-out list."""

from __future__ import annotations

from datetime import date

from flask import abort, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from smsapp.models import ConsentRecord, Group, Member
from smsapp.models.consent import ConsentKind
from smsapp.models.members import MemberStatus
from smsapp.phones import mask_phone
from smsapp.services.domain import message_log, visibility
from smsapp.services.domain.schedule import to_local
from smsapp.web.console.core import (
    add_nav,
    audit_view,
    console_bp,
    coordinator_required,
    current_account,
    db,
    login_required,
    org_tz,
    render_page,
)
from smsapp.web.console.csv_files import csv_download

add_nav("Messages", "console.messages")


@console_bp.get("/messages")
@login_required
def messages() -> str:
    """Texts in and out, newest first: search, direction, status, member and dates.
    Facilitators see their own groups' texts (visibility's rules)."""
    flt = _log_filter()
    found = message_log.message_log(db(), current_account(), flt, org_tz())
    member = None
    if flt.member_id is not None:
        try:
            member = visibility.member(db(), current_account(), flt.member_id)
        except visibility.NotVisible:
            abort(404)
    audit_view("view_message_log", flt.member_id)
    db().commit()
    return render_page(
        "console/messages.html",
        found=found,
        flt=flt,
        member=member,
        statuses=message_log.STATUS_WORDS,
        tz=org_tz(),
    )


@console_bp.get("/messages.csv")
@coordinator_required
def messages_csv() -> Response:
    """The filtered log as a CSV (times in the organisation's zone, named in the header)."""
    flt = _log_filter()
    tz = org_tz()
    rows = message_log.rows_for_export(db(), current_account(), flt, tz)
    audit_view("export_messages", flt.member_id)
    db().commit()
    return csv_download(
        "messages.csv",
        [f"time ({tz})", "direction", "who", "number", "status", "kind", "error", "text"],
        (
            (
                to_local(r.at, tz).strftime("%Y-%m-%d %H:%M"),
                "in" if r.direction == "in" else "out",
                r.who,
                r.number,
                r.status,
                r.kind,
                r.error,
                r.body if r.body is not None else "",
            )
            for r in rows
        ),
    )


def _log_filter() -> message_log.LogFilter:
    args = request.args
    direction = args.get("direction", "")
    status = args.get("status", "")
    return message_log.LogFilter(
        direction=direction if direction in ("in", "out") else "",
        status=status if status in message_log.STATUS_WORDS else "",
        member_id=args.get("member", type=int),
        text=(args.get("q") or "")[:200],
        since=_date(args.get("since")),
        until=_date(args.get("until")),
        page=max(1, args.get("page", 1, type=int) or 1),
    )


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


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
            .where(visibility.members_filter(account), Member.status == MemberStatus.OPTED_OUT)
            .order_by(Member.updated_at.desc())
        )
        .all()
    )
    rows = []
    for member, group_name in members:
        when = db().scalar(
            select(ConsentRecord.at)
            .where(ConsentRecord.member_id == member.id, ConsentRecord.kind == ConsentKind.OPT_OUT)
            .order_by(ConsentRecord.at.desc())
        )
        rows.append((member, group_name, mask_phone(member.phone or ""), when))
    audit_view("view_opt_outs", None)
    db().commit()
    return render_page("console/opt_outs.html", rows=rows)
