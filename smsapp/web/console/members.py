"""Member pages: a list for everyone (own groups for facilitators); add, edit, invite and
CSV import for coordinators. Phones are masked; every view of member data is audited.
The member page itself (/members/<id>) is smsapp.web.console.member_page."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from smsapp.models import ConsentRecord, Group, Member
from smsapp.phones import mask_phone
from smsapp.services.conversation import enrollment
from smsapp.services.core.texts import plural
from smsapp.services.domain import member_list, visibility
from smsapp.services.domain import members as member_service
from smsapp.services.domain.schedule import to_local
from smsapp.web.console.core import (
    add_nav,
    audit_view,
    console_bp,
    coordinator_required,
    current_account,
    db,
    form_error,
    login_required,
    org_tz,
    render_page,
)
from smsapp.web.console.csv_files import csv_download
from smsapp.web.console.forms import ImportForm, MemberForm
from smsapp.web.runtime import runtime

add_nav("Members", "console.members")


def _groups() -> list[Group]:
    query = select(Group).where(visibility.groups_filter(current_account()), ~Group.sandbox)
    return list(db().scalars(query.order_by(Group.name)))


def _member(member_id: int) -> Member:
    try:
        return visibility.member(db(), current_account(), member_id)
    except visibility.NotVisible:
        abort(404)


def _consent(member_ids: list[int]) -> dict[int, ConsentRecord]:
    """Each member's latest consent record."""
    latest: dict[int, ConsentRecord] = {}
    rows = db().scalars(
        select(ConsentRecord)
        .where(ConsentRecord.member_id.in_(member_ids))
        .order_by(ConsentRecord.at, ConsentRecord.id)
    )
    for row in rows:
        if row.member_id is not None:
            latest[row.member_id] = row
    return latest


@console_bp.get("/members")
@login_required
def members() -> str:
    """Members the viewer may see: search by name or number, filter by group and status."""
    flt = _member_filter()
    found = member_list.find_members(db(), current_account(), flt)
    consent = _consent([m.id for m, _ in found.rows])
    shown = [(m, g, mask_phone(m.phone or ""), consent.get(m.id)) for m, g in found.rows]
    audit_view("view_member_list", None)
    db().commit()
    return render_page(
        "console/members.html",
        rows=shown,
        found=found,
        flt=flt,
        groups=_groups(),
        statuses=member_list.STATUSES,
    )


@console_bp.get("/members.csv")
@coordinator_required
def members_csv() -> Response:
    """The filtered list as a CSV the import reads back (name, phone, group, language…)."""
    flt = _member_filter()
    rows = member_list.all_members(db(), current_account(), flt)
    codes = {g.id: g.code for g in _groups()}
    audit_view("export_members", None)
    db().commit()
    return csv_download(
        "members.csv",
        ["name", "phone", "group", "language", "status", "joined"],
        (
            (
                m.name,
                m.phone,
                codes.get(m.group_id or 0, ""),
                m.language,
                m.status,
                to_local(m.created_at, org_tz()).date().isoformat(),
            )
            for m, _ in rows
        ),
    )


def _member_filter() -> member_list.MemberFilter:
    args = request.args
    return member_list.MemberFilter(
        text=(args.get("q") or "")[:120],
        group_id=args.get("group", type=int),
        status=args.get("status", ""),
        page=args.get("page", 1, type=int) or 1,
    )


@console_bp.route("/members/new", methods=["GET", "POST"])
@coordinator_required
def member_new() -> Any:
    form = _member_form()
    if form.validate_on_submit():
        try:
            member = member_service.add_member(db(), _input(form), runtime().now())
        except member_service.MemberError as exc:
            db().rollback()
            form_error(form, exc.field, str(exc))
        else:
            audit_view("change_member", member.id)
            db().commit()
            flash("Member added. Send an invite so they can agree to texts.", "success")
            return redirect(url_for("console.member_edit", member_id=member.id))
    return render_page(
        "console/form.html", form=form, title="Add a member", back=url_for("console.members")
    )


@console_bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@coordinator_required
def member_edit(member_id: int) -> Any:
    member = _member(member_id)
    form = _member_form(member)
    if form.validate_on_submit():
        try:
            member_service.edit_member(db(), member, _input(form), runtime().now())
        except member_service.MemberError as exc:
            db().rollback()
            form_error(form, exc.field, str(exc))
        else:
            audit_view("change_member", member.id)
            db().commit()
            flash("Saved.", "success")
            return redirect(url_for("console.member_edit", member_id=member.id))
    history = list(
        db().scalars(
            select(ConsentRecord)
            .where(ConsentRecord.member_id == member.id)
            .order_by(ConsentRecord.at)
        )
    )
    audit_view("view_member", member.id)
    db().commit()
    return render_page(
        "console/member.html",
        form=form,
        title=f"Edit {member.name or 'member'}",
        back=url_for("console.member_page", member_id=member.id),
        member=member,
        consent=history,
        masked=mask_phone(member.phone or ""),
    )


@console_bp.post("/members/<int:member_id>/invite")
@coordinator_required
def member_invite(member_id: int) -> Response:
    member = _member(member_id)
    try:
        enrollment.invite(db(), member, runtime().now())
    except member_service.MemberError as exc:
        db().rollback()
        flash(str(exc), "error")
    else:
        audit_view("invite_member", member.id)
        db().commit()
        flash("Invite sent: they join by answering YES.", "success")
    return redirect(url_for("console.member_edit", member_id=member.id))


@console_bp.post("/members/<int:member_id>/approval")
@coordinator_required
def member_approval(member_id: int) -> Response:
    """A join request to a group that needs approval: approve (the consent request is
    texted) or decline (the request is removed)."""
    member = _member(member_id)
    approve = request.form.get("decision") == "approve"
    try:
        if approve:
            enrollment.approve_join(db(), member, runtime().now())
        else:
            member_service.decline_join(db(), member)
    except member_service.MemberError as exc:
        db().rollback()
        flash(str(exc), "error")
        return redirect(url_for("console.member_edit", member_id=member_id))
    audit_view("approve_member" if approve else "decline_member", member_id)
    db().commit()
    if approve:
        flash("Approved: they get the consent request and join by answering YES.", "success")
        return redirect(url_for("console.member_edit", member_id=member_id))
    flash("Declined: the request was removed.", "info")
    return redirect(url_for("console.members"))


@console_bp.route("/members/import", methods=["GET", "POST"])
@coordinator_required
def member_import() -> Any:
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        data = form.file.data.read(member_service.MAX_ROWS * 200)
        try:
            report = member_service.import_csv(
                db(), data, _groups(), runtime().now(), region=form.region.data or "US"
            )
            for member in report.added:
                audit_view("change_member", member.id)
            db().commit()
        except Exception:
            db().rollback()  # one transaction: nothing half-imported
            raise
        flash(
            f"Imported {plural(len(report.added), 'member', 'members')}; "
            f"{plural(len(report.rejected), 'row', 'rows')} rejected.",
            "success" if not report.rejected else "info",
        )
    return render_page("console/import.html", form=form, report=report)


def _member_form(member: Member | None = None) -> MemberForm:
    form = (
        MemberForm()
        if member is None
        else MemberForm(
            data={
                "name": member.name,
                "phone": member.phone,
                "group_id": member.group_id,
                "language": member.language,
            }
        )
    )
    form.group_id.choices = [(g.id, f"{g.name} ({g.code})") for g in _groups()]
    return form


def _input(form: MemberForm) -> member_service.MemberInput:
    group = next((g for g in _groups() if g.id == form.group_id.data), None)
    if group is None:
        abort(404)
    return member_service.MemberInput(
        name=form.name.data or "",
        phone=form.phone.data or "",
        group=group,
        language=form.language.data or "en",
        region=form.region.data or "US",
    )
