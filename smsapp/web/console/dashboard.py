"""The home page: how today is going (check-in answers, low moods, open cases, failed
texts, the next meetings), for coordinators and facilitators alike, each their own reach."""

from __future__ import annotations

from smsapp.services.domain import dashboard
from smsapp.web.console.core import (
    add_nav,
    audit_view,
    console_bp,
    current_account,
    db,
    login_required,
    render_page,
)
from smsapp.web.runtime import runtime

add_nav("Dashboard", "console.dashboard_page")


@console_bp.get("/dashboard")
@login_required
def dashboard_page() -> str:
    board = dashboard.build(db(), current_account(), runtime().now())
    if board.low_moods:
        audit_view("view_scores", None)  # names next to scores are member data
        db().commit()
    return render_page("console/dashboard.html", board=board)
