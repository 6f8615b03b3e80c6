"""GET /cases, POST /cases/{id}/ack, POST /cases/{id}/resolve."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from smsapp.models import Case
from smsapp.models.escalations import UNRESOLVED, CaseStatus, Urgency
from smsapp.services.domain import escalation, visibility
from smsapp.services.domain.escalation.cases import can_act_on
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.schemas import CaseList, CaseOut, CaseQuery, ResolveIn
from smsapp.web.api.spec import answers, api_spec
from smsapp.web.runtime import runtime

_STATUSES = {
    "open": (CaseStatus.OPEN,),
    "acked": (CaseStatus.ACKED,),
    "resolved": (CaseStatus.RESOLVED,),
    "active": UNRESOLVED,
}


def _case_out(case: Case) -> CaseOut:
    return CaseOut.model_validate(case, from_attributes=True)


@api_bp.get("/cases")
@api_spec.validate(resp=answers(HTTP_200=CaseList), tags=["cases"])
def list_cases(query: CaseQuery) -> CaseList:
    """Cases in the caller's groups, most urgent and oldest first."""
    session, user = auth.db(), auth.current_user()
    stmt = select(Case).where(visibility.cases_filter(user))
    if query.status in _STATUSES:
        stmt = stmt.where(Case.status.in_(_STATUSES[query.status]))
    urgent_first = (Case.urgency != Urgency.URGENT).asc()
    cases = session.scalars(stmt.order_by(urgent_first, Case.opened_at, Case.id).limit(500))
    return CaseList(cases=[_case_out(c) for c in cases])


def _actionable(case_id: int) -> Case:
    session, user = auth.db(), auth.current_user()
    case = access.case_or_404(session, user, case_id)
    if not can_act_on(session, user, case):
        abort(404)
    return case


@api_bp.post("/cases/<int:case_id>/ack")
@api_spec.validate(resp=answers(400, 404, 409, HTTP_200=CaseOut), tags=["cases"])
def ack_case(case_id: int) -> CaseOut:
    """Acknowledge an open case: escalation stops and the others notified are told."""
    case = _actionable(case_id)
    if not escalation.acknowledge(auth.db(), case, auth.current_user(), runtime().now()):
        abort(409, f"the case is already {case.status}")
    auth.db().commit()
    return _case_out(case)


@api_bp.post("/cases/<int:case_id>/resolve")
@api_spec.validate(resp=answers(400, 404, 409, HTTP_200=CaseOut), tags=["cases"])
def resolve_case(case_id: int, json: ResolveIn) -> CaseOut:
    """Resolve a case with an optional note (kept encrypted); automation resumes."""
    case = _actionable(case_id)
    note = json.note if json else None  # no body at all: spectree passes None
    if not escalation.resolve(auth.db(), case, auth.current_user(), note or "", runtime().now()):
        abort(409, "the case is already resolved")
    auth.db().commit()
    return _case_out(case)
