"""Facilitator pages: open cases first, a case with the member's scores, texts and trail."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import case as sql_case
from sqlalchemy import select
from werkzeug.wrappers import Response

from smsapp.models import (
    Case,
    CaseEvent,
    Group,
    InboundMessage,
    Member,
    MoodScore,
    OutboxMessage,
    User,
)
from smsapp.models.escalations import UNRESOLVED, CaseStatus, Urgency
from smsapp.phones import mask_phone
from smsapp.services.domain import escalation, visibility
from smsapp.services.domain.escalation import trail
from smsapp.web.console.case_reach import reach_context
from smsapp.web.console.core import (
    add_nav,
    audit_view,
    console_bp,
    current_account,
    db,
    db_user,
    login_required,
    render_page,
)
from smsapp.web.console.forms import ConfirmForm, ResolveForm
from smsapp.web.runtime import runtime

SCORE_DAYS = 30
HISTORY_LIMIT = 40

add_nav("Cases", "console.cases")


def visible_case(case_id: int) -> Case:
    """The case if the current account may see it; 404 otherwise (learn nothing)."""
    try:
        return visibility.case(db(), current_account(), case_id)
    except visibility.NotVisible:
        abort(404)


CASE_VIEWS = {  # ?show=…: the tab's label and the page's heading
    "open": ("Open", "Open cases"),
    "mine": ("Mine", "Cases you have taken"),
    "resolved": ("Resolved", "Resolved cases"),
    "all": ("All", "All cases"),
}
CASE_PAGE = 50


@console_bp.get("/cases")
@login_required
def cases() -> str:
    """Open cases (not yet acknowledged first, then urgent, then oldest), or the viewer's
    own, the resolved ones, or all of them, 50 to a page."""
    show = request.args.get("show", "open")
    show = show if show in CASE_VIEWS else "open"
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows = db().execute(_case_query(show).limit(CASE_PAGE + 1).offset((page - 1) * CASE_PAGE)).all()
    return render_page(
        "console/cases.html",
        show=show,
        views=CASE_VIEWS,
        rows=rows[:CASE_PAGE],
        page=page,
        has_next=len(rows) > CASE_PAGE,
        closed_rows=_resolved_this_week() if show == "open" and page == 1 else [],
        now=runtime().now(),
        ack_form=ConfirmForm(),
    )


def _case_query(show: str) -> Any:
    account = current_account()
    query = (
        select(Case, Group.name)
        .outerjoin(Group, Group.id == Case.group_id)
        .where(visibility.cases_filter(account))
    )
    if show == "resolved":
        return query.where(Case.status == CaseStatus.RESOLVED).order_by(
            Case.resolved_at.desc(), Case.id
        )
    if show == "all":
        return query.order_by(Case.opened_at.desc(), Case.id.desc())
    if show == "mine":
        query = query.where(Case.acked_by == account.id)
    unacked_first = sql_case((Case.status == CaseStatus.OPEN, 0), else_=1)
    urgent_first = sql_case((Case.urgency == Urgency.URGENT, 0), else_=1)
    return query.where(Case.status.in_(UNRESOLVED)).order_by(
        unacked_first, urgent_first, Case.opened_at, Case.id
    )


def _resolved_this_week() -> list[Any]:
    since = runtime().now() - timedelta(days=7)
    return list(
        db()
        .execute(
            select(Case, Group.name)
            .outerjoin(Group, Group.id == Case.group_id)
            .where(
                visibility.cases_filter(current_account()),
                Case.status == CaseStatus.RESOLVED,
                Case.resolved_at >= since,
            )
            .order_by(Case.resolved_at.desc())
            .limit(5)
        )
        .all()
    )


@console_bp.get("/cases/<int:case_id>")
@login_required
def case_page(case_id: int) -> str:
    return _case_page(visible_case(case_id), ResolveForm())


def _case_page(case: Case, resolve_form: ResolveForm) -> str:
    session = db()
    ctx: dict[str, Any] = {"scores": [], "history": [], "member": None}
    member = _member_of(case)
    if member is not None and case.member_id is not None:
        ctx.update(
            member=member,
            masked_phone=mask_phone(member.phone or ""),
            scores=_scores(case.member_id),
            history=_history(case.member_id),
        )
        audit_view("view_scores", member.id)
        audit_view("view_messages", member.id)
        session.commit()
    ctx.update(reach_context(case, member))
    return render_page(
        "console/case.html",
        case=case,
        group=session.get(Group, case.group_id) if case.group_id else None,
        events=_events(case),
        source_words=trail.source_words(case.source),
        now=runtime().now(),
        ack_form=ConfirmForm(),
        resolve_form=resolve_form,
        **ctx,
    )


@console_bp.post("/cases/<int:case_id>/ack")
@login_required
def case_ack(case_id: int) -> Response:
    case = visible_case(case_id)
    if escalation.acknowledge(db(), case, db_user(), runtime().now()):
        db().commit()
        flash(f"Case {case.id} acknowledged. Others were told you have it.", "success")
    else:
        flash(f"Case {case.id} was already acknowledged.", "info")
    return redirect(url_for("console.case_page", case_id=case.id))


@console_bp.post("/cases/<int:case_id>/resolve")
@login_required
def case_resolve(case_id: int) -> Any:
    case = visible_case(case_id)
    form = ResolveForm()
    note = (form.note.data or "").strip()
    if not form.validate() or not note:
        # The page again, the note field marked and the summary focused: nothing typed is
        # lost and no jump to an anchor hides the message on a phone.
        form.note.errors = ["write a short note (up to 2000 characters) to close the case"]
        return _case_page(case, form), 422
    if escalation.resolve(db(), case, db_user(), note, runtime().now()):
        db().commit()
        flash(f"Case {case.id} is done.", "success")
    else:
        flash(f"Case {case.id} was already resolved.", "info")
    return redirect(url_for("console.cases"))


def _member_of(case: Case) -> Member | None:
    """The case's member, if the viewer may see them (they may have moved group since)."""
    if case.member_id is None:
        return None
    try:
        return visibility.member(db(), current_account(), case.member_id)
    except visibility.NotVisible:
        return None


def _scores(member_id: int) -> list[dict[str, Any]]:
    since = runtime().now() - timedelta(days=SCORE_DAYS)
    rows = db().scalars(
        select(MoodScore)
        .where(MoodScore.member_id == member_id, MoodScore.at >= since)
        .order_by(MoodScore.at)
    )
    return [{"at": r.at.date().isoformat(), "score": r.score, "missed": r.missed} for r in rows]


def _history(member_id: int) -> list[dict[str, Any]]:
    """The member's recent texts both ways, newest last, bodies decrypted for display."""
    session = db()
    inbound = session.scalars(
        select(InboundMessage)
        .where(InboundMessage.member_id == member_id)
        .order_by(InboundMessage.received_at.desc())
        .limit(HISTORY_LIMIT)
    )
    outbound = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.member_id == member_id)
        .order_by(OutboxMessage.created_at.desc())
        .limit(HISTORY_LIMIT)
    )
    items = [_item("in", m.received_at, m.body, "") for m in inbound]
    items += [_item("out", m.created_at, m.body, m.delivery_status or m.status) for m in outbound]
    items.sort(key=lambda item: item["at"])
    return items[-HISTORY_LIMIT:]


def _item(direction: str, at: datetime, body: str | None, status: str) -> dict[str, Any]:
    return {"dir": direction, "at": at, "body": body or "(erased)", "status": status}


def _events(case: Case) -> list[tuple[str, str, datetime]]:
    """The case's trail in plain words: (heading, sentence, when)."""
    rows = db().execute(
        select(CaseEvent, User.name)
        .outerjoin(User, User.id == CaseEvent.user_id)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.id)
    )
    return [(*trail.describe(event, name or ""), event.at) for event, name in rows]
