"""The case page's ways to reach the member: the conversation as a chat with a reply box,
the Call button (Twilio rings the facilitator, then connects the member through the
organisation's number), and passing the case to a colleague."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from smsapp.jobs.queues import enqueue_calls
from smsapp.models import Call, Case, ConsentRecord, Member, User
from smsapp.models.calls import CallPurpose
from smsapp.models.consent import ConsentKind
from smsapp.models.escalations import CaseStatus
from smsapp.models.members import MemberStatus
from smsapp.services.core import calls
from smsapp.services.domain import visibility
from smsapp.services.domain.member_profile import local_time
from smsapp.services.domain.reach import conversation, voice
from smsapp.web.console.core import (
    audit_view,
    console_bp,
    current_account,
    db,
    db_user,
    login_required,
)
from smsapp.web.runtime import runtime

RECENT_CALLS = 5
MAX_REPLY = conversation.MAX_REPLY
_CHANNELS = {"console": "case page", "api": "API"}  # how the chat labels where a text came from


def _visible_case(case_id: int) -> Case:
    try:
        return visibility.case(db(), current_account(), case_id)
    except visibility.NotVisible:
        abort(404)


def reach_context(case: Case, member: Member | None) -> dict[str, Any]:
    """What the case page needs to show the conversation and offer a reply, a call and a
    hand-over (or say plainly why not)."""
    session = db()
    mine = case.status == CaseStatus.ACKED and case.acked_by == current_account().id
    zone = (member.tz if member else None) or "UTC"
    chat = [
        {
            "direction": m.direction,
            "who": name.split(" ")[0] if m.direction == "to_member" else "",
            "body": m.body or "(erased)",
            "when": local_time(m.at, zone),
            "status": status,
            "channel": _CHANNELS.get(m.channel, "SMS"),
        }
        for m, name, status in (conversation.messages(session, case) if member else [])
    ]
    unreachable = conversation.unreachable_reason(member) if member else None
    return {
        "chat": chat,
        "unreachable": unreachable,
        "opted_out_at": _opted_out_at(member) if unreachable and member else None,
        "can_reply": mine and unreachable is None,
        "can_call": mine and _can_call(case, member),
        "colleagues": _colleagues(case) if _may_hand_over(case) else [],
        "recent_calls": list(
            session.scalars(
                select(Call)
                .where(Call.case_id == case.id, Call.purpose == CallPurpose.BRIDGE)
                .order_by(Call.id.desc())
                .limit(RECENT_CALLS)
            )
        ),
    }


@console_bp.post("/cases/<int:case_id>/reply")
@login_required
def case_reply(case_id: int) -> Response:
    case = _visible_case(case_id)
    body = (request.form.get("body") or "").strip()
    if len(body) > MAX_REPLY:
        flash(f"Please keep a message under {MAX_REPLY} characters.", "error")
        return _back(case)
    try:
        conversation.to_member(db(), case, db_user(), body, "console", runtime().now())
    except conversation.NotDelivered as refused:
        db().rollback()
        flash(str(refused), "error")
        return _back(case)
    if case.member_id is not None:
        audit_view("message_member", case.member_id)
    db().commit()
    return _back(case)


@console_bp.post("/cases/<int:case_id>/call")
@login_required
def case_call(case_id: int) -> Response:
    case = _visible_case(case_id)
    rt = runtime()
    try:
        call = voice.request_bridge(db(), case, db_user(), rt.settings.twilio_from_number, rt.now())
    except voice.CallRefused as refused:
        db().rollback()
        flash(str(refused), "error")
    else:
        calls.mark_enqueued(db(), [call.id], rt.now())
        db().commit()
        enqueue_calls(rt, [call.id])
        flash(
            "Calling your phone from the organisation's number. Answer and press 1 "
            "to connect the member.",
            "success",
        )
    return _back(case)


@console_bp.post("/cases/<int:case_id>/handover")
@login_required
def case_handover(case_id: int) -> Response:
    case = _visible_case(case_id)
    chosen = request.form.get("user_id", "")
    colleague = next((u for u in _colleagues(case) if str(u.id) == chosen), None)
    if not _may_hand_over(case) or colleague is None:
        flash("Choose a colleague who can take this case.", "error")
        return _back(case)
    try:
        conversation.hand_over(db(), case, db_user(), colleague, runtime().now())
    except conversation.NotDelivered as refused:
        db().rollback()
        flash(str(refused), "error")
        return _back(case)
    db().commit()
    flash(f"Case {case.id} is now with {colleague.name}. They and the member were told.", "success")
    return redirect(url_for("console.cases"))


def _back(case: Case) -> Response:
    return redirect(url_for("console.case_page", case_id=case.id) + "#reach")


def _can_call(case: Case, member: Member | None) -> bool:
    if member is None or not member.phone or member.status == MemberStatus.ERASED:
        return False
    fallback = runtime().settings.twilio_from_number
    return calls.caller_id_for(db(), case.organisation_id, fallback) is not None


def _may_hand_over(case: Case) -> bool:
    return conversation.may_hand_over(case, current_account())


def _colleagues(case: Case) -> list[User]:
    return conversation.colleagues(db(), case)


def _opted_out_at(member: Member) -> str | None:
    at = db().scalar(
        select(ConsentRecord.at)
        .where(ConsentRecord.member_id == member.id, ConsentRecord.kind == ConsentKind.OPT_OUT)
        .order_by(ConsentRecord.at.desc())
        .limit(1)
    )
    return local_time(at, member.tz or "UTC") if at is not None else None
