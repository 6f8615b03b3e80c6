"""GET /reports/groups/{id}."""

from __future__ import annotations

from flask import abort

from smsapp.services.domain import reports
from smsapp.web.api import access, auth
from smsapp.web.api.blueprint import bp as api_bp
from smsapp.web.api.schemas import ReportOut, ReportQuery
from smsapp.web.api.spec import answers, api_spec
from smsapp.web.runtime import runtime


@api_bp.get("/reports/groups/<int:group_id>")
@api_spec.validate(resp=answers(404, HTTP_200=ReportOut), tags=["reports"])
def group_report(group_id: int, query: ReportQuery) -> ReportOut:
    """Mood per week, check-in response rate, RSVPs per meeting and time to acknowledge."""
    session = auth.db()
    group = access.group_or_404(session, auth.current_user(), group_id)
    try:
        report = reports.group_report(session, group.id, runtime().now(), query.weeks)
    except LookupError:  # sandbox groups have no reports
        abort(404)
    return ReportOut.model_validate(reports.report_as_dict(report))
