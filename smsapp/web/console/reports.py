"""Reports page: a group's mood trend, check-in response rate, RSVPs per meeting and time to
acknowledge cases, drawn by Chart.js from JSON embedded in the page.

Also attaches the JSON API: the console's register() calls this module's register().
"""

from __future__ import annotations

from flask import abort, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from smsapp.models import Group
from smsapp.services.domain import reports as report_service
from smsapp.services.domain import visibility
from smsapp.services.domain.schedule import to_local
from smsapp.web.console.core import (
    add_nav,
    console_bp,
    current_account,
    db,
    login_required,
    render_page,
)
from smsapp.web.console.csv_files import csv_download
from smsapp.web.runtime import runtime

add_nav("Reports", "console.reports")
WEEK_CHOICES = (4, 8, 12, 26)


@console_bp.get("/reports")
@login_required
def reports() -> str:
    """One group's report; facilitators choose among their own groups only."""
    session, account = db(), current_account()
    groups = list(
        session.scalars(
            select(Group)
            .where(visibility.groups_filter(account), Group.sandbox.is_(False))
            .order_by(Group.name)
        )
    )
    weeks = request.args.get("weeks", 8, type=int)
    weeks = weeks if weeks in WEEK_CHOICES else 8
    selected = _selected(groups)
    report = None
    if selected is not None:
        report = report_service.group_report(session, selected.id, runtime().now(), weeks)
    return render_page(
        "console/reports.html",
        groups=groups,
        selected=selected,
        weeks=weeks,
        week_choices=WEEK_CHOICES,
        report=report,
        data=report_service.report_as_dict(report) if report else None,
    )


@console_bp.get("/reports.csv")
@login_required
def reports_csv() -> Response:
    """The chosen group's weeks and meetings as one CSV (a row per week, then per meeting)."""
    session, account = db(), current_account()
    groups = list(
        session.scalars(
            select(Group).where(visibility.groups_filter(account), Group.sandbox.is_(False))
        )
    )
    selected = _selected(groups)
    if selected is None:
        abort(404)
    weeks = request.args.get("weeks", 8, type=int)
    weeks = weeks if weeks in WEEK_CHOICES else 8
    report = report_service.group_report(session, selected.id, runtime().now(), weeks)
    header = ["row", "week or meeting", "title", "mean mood", "check-ins answered",
              "check-ins missed", "response rate", "yes", "no", "later"]  # fmt: skip
    rows: list[list[object]] = [
        [
            "week",
            w.week_start.isoformat(),
            "",
            w.mean,
            w.scores,
            w.missed,
            w.response_rate,
            "",
            "",
            "",
        ]  # fmt: skip
        for w in report.weeks
    ]
    rows += [
        [
            "meeting",
            to_local(m.occurrence_start, selected.tz).strftime("%Y-%m-%d %H:%M"),
            m.title,
            "",
            "",
            "",
            "",
            m.yes,
            m.no,
            m.later,
        ]  # fmt: skip
        for m in report.meetings
    ]
    return csv_download(f"report-{selected.code.lower()}-{weeks}-weeks.csv", header, rows)


def _selected(groups: list[Group]) -> Group | None:
    wanted = request.args.get("group", type=int)
    if wanted is None:
        return groups[0] if groups else None
    match = next((g for g in groups if g.id == wanted), None)
    if match is None:  # not theirs, a sandbox, or nothing at all: the same answer
        abort(404)
    return match
