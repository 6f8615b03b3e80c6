"""The case page's ways to reach the member: the Call button (Twilio rings the
facilitator, then connects the member through the organisation's number)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from smsapp.jobs.queues import enqueue_calls
from smsapp.models import Call, Case, Member
from smsapp.services.core import calls
from smsapp.services.domain import visibility
from smsapp.services.domain.reach import voice
from smsapp.web.console.core import console_bp, current_account, db, db_user, login_required
from smsapp.web.runtime import runtime

RECENT_CALLS = 5


def _visible_case(case_id: int) -> Case:
    try:
        return visibility.case(db(), current_account(), case_id)
    except visibility.NotVisible:
        abort(404)


def reach_context(case: Case, member: Member | None) -> dict[str, Any]:
    """What the case page needs to offer a call (or say why it cannot)."""
    session = db()
    fallback = runtime().settings.twilio_from_number
    recent = session.scalars(
        select(Call)
        .where(Call.case_id == case.id, Call.purpose == "bridge")
        .order_by(Call.id.desc())
        .limit(RECENT_CALLS)
    )
    return {
        "can_call": member is not None
        and bool(member.phone)
        and case.status == "acked"
        and case.acked_by == current_account().id
        and calls.caller_id_for(session, case.organisation_id, fallback) is not None,
        "recent_calls": list(recent),
    }


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
    return redirect(url_for("console.case_page", case_id=case.id) + "#reach")
