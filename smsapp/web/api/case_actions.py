"""POST /cases/{id}/messages, POST /cases/{id}/calls and POST /cases/{id}/hand-over: the
case page's reply box, Call button and hand-over, with the same services and rules
(smsapp.services.domain.reach).

Only the person who took the case (ACK) texts or calls its member; its taker or a
coordinator passes it on. A case taken by someone else is refused with 403; one that is
not taken, resolved, or whose member cannot be reached with 409, saying why. Answers name
neither the member's number nor the words sent.
"""

from __future__ import annotations

from flask import abort

from smsapp.jobs.queues import enqueue_calls
from smsapp.models import Case, OutboxMessage, User
from smsapp.models.escalations import CaseStatus
from smsapp.services.core import calls
from smsapp.services.domain.reach import conversation, voice
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.case_action_schemas import (
    CaseCallOut,
    CaseMessageIn,
    CaseMessageOut,
    HandOverIn,
    HandOverOut,
)
from smsapp.web.api.escalation_schemas import PersonOut
from smsapp.web.api.schemas import CaseOut
from smsapp.web.api.spec import answers, api_spec, error_json
from smsapp.web.runtime import runtime


def _refuse_unless_mine(case: Case, user: User) -> None:
    """Someone else has the case: only they text or call its member (403). The services
    refuse this too; the API only says it with its own status."""
    if case.acked_by is not None and case.acked_by != user.id:
        abort(403, f"case {case.id} is taken by someone else: only they reach the member")


@api_bp.post("/cases/<int:case_id>/messages")
@api_spec.validate(resp=answers(400, 403, 404, 409, HTTP_200=CaseMessageOut), tags=["cases"])
def message_member(case_id: int, json: CaseMessageIn) -> CaseMessageOut:
    """Text the member of a case you took, from the organisation's number, signed with
    your first name; their replies come to your phone. 409 when the case is not in a
    conversation of yours or the member cannot be reached (opted out, erased)."""
    session, user = auth.db(), auth.current_user()
    case = access.case_or_404(session, user, case_id)
    _refuse_unless_mine(case, user)
    try:
        message = conversation.to_member(session, case, user, json.body, "api", runtime().now())
    except conversation.NotDelivered as refused:
        session.rollback()
        abort(409, str(refused))
    access.audit_view(session, user, "message_member", ("member", message.member_id))
    session.commit()
    row = session.get(OutboxMessage, message.outbox_id) if message.outbox_id else None
    return CaseMessageOut(
        id=message.id,
        case_id=case.id,
        at=message.at,
        direction=message.direction,
        channel=message.channel,
        status=row.status if row is not None else "not sent",
    )


@api_bp.post("/cases/<int:case_id>/calls")
@api_spec.validate(resp=answers(400, 403, 404, 409, HTTP_200=CaseCallOut), tags=["cases"])
def call_member(case_id: int) -> CaseCallOut:
    """Call the member of a case you took: your phone rings from the organisation's
    number, and pressing 1 connects the member, so neither sees the other's number.
    409 when the case is not yours to call from (not taken, resolved), the member has no
    number, your account has no phone, or the organisation has no number that calls."""
    session, user = auth.db(), auth.current_user()
    case = access.case_or_404(session, user, case_id)
    _refuse_unless_mine(case, user)
    rt = runtime()
    try:
        call = voice.request_bridge(session, case, user, rt.settings.twilio_from_number, rt.now())
    except voice.CallRefused as refused:
        session.rollback()
        abort(409, str(refused))
    calls.mark_enqueued(session, [call.id], rt.now())
    session.commit()
    enqueue_calls(rt, [call.id])
    return CaseCallOut(id=call.id, case_id=case.id, status=call.status, created_at=call.created_at)


@api_bp.post("/cases/<int:case_id>/hand-over")
@api_spec.validate(resp=answers(400, 403, 404, 409, HTTP_200=HandOverOut), tags=["cases"])
def hand_over_case(case_id: int, json: HandOverIn) -> HandOverOut | object:
    """Pass a taken case, and its conversation, to a colleague who may act on it; they
    and the member are told. Its taker or a coordinator may; 422 when `user_id` is not
    such a colleague (active, of the organisation, able to act on the case)."""
    session, user = auth.db(), auth.current_user()
    case = access.case_or_404(session, user, case_id)
    if not conversation.may_hand_over(case, user):
        if case.status == CaseStatus.ACKED:
            abort(403, "only the person who took the case, or a coordinator, may hand it over")
        abort(409, f"case {case.id} is not taken by anyone to pass on")
    chosen = (u for u in conversation.colleagues(session, case) if u.id == json.user_id)
    colleague = next(chosen, None)
    if colleague is None:
        detail = {"path": "user_id", "message": "choose a colleague who can take this case"}
        return error_json(422, "the request is not valid", [detail])
    try:
        conversation.hand_over(session, case, user, colleague, runtime().now())
    except conversation.NotDelivered as refused:
        session.rollback()
        abort(409, str(refused))
    session.commit()
    return HandOverOut(
        case=CaseOut.model_validate(case, from_attributes=True),
        taken_by=PersonOut(id=colleague.id, name=colleague.name),
    )
