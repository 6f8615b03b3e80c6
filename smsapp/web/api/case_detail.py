"""GET /cases/{id}: one case with its trail and the note it was resolved with."""

from __future__ import annotations

from sqlalchemy import select

from smsapp.models import CaseEvent, User
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.setup_schemas import CaseDetailOut, CaseEventOut
from smsapp.web.api.spec import answers, api_spec


@api_bp.get("/cases/<int:case_id>")
@api_spec.validate(resp=answers(404, HTTP_200=CaseDetailOut), tags=["cases"])
def get_case(case_id: int) -> CaseDetailOut:
    """A case the caller may see, its trail (who was told, who acknowledged) and its
    note; the view is written to the audit log."""
    session, user = auth.db(), auth.current_user()
    case = access.case_or_404(session, user, case_id)
    rows = session.execute(
        select(CaseEvent, User.name)
        .outerjoin(User, User.id == CaseEvent.user_id)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.id)
    )
    events = [CaseEventOut(at=e.at, kind=e.kind, by=name, detail=e.detail) for e, name in rows]
    result = CaseDetailOut(
        id=case.id,
        group_id=case.group_id,
        member_id=case.member_id,
        urgency=case.urgency,
        source=case.source,
        reason=case.reason,
        status=case.status,
        level=case.level,
        opened_at=case.opened_at,
        acked_at=case.acked_at,
        resolved_at=case.resolved_at,
        note=case.note,
        events=events,
    )
    access.audit_view(session, user, "view_case", ("case", case.id))
    session.commit()
    return result
