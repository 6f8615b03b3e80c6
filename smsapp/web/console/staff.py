"""Staff pages: a coordinator invites facilitators and coordinators by one-time link,
sends a new password link, deactivates and reactivates accounts; anyone with a live link
sets their password at /console/welcome/<token>.

A link is shown once, on the page the POST redirects to (smsapp.web.console.reveal), and
mailed too when SMTP is set up (smsapp.transport.mail).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from smsapp.models import Case, Group, Organisation, User
from smsapp.models.escalations import UNRESOLVED
from smsapp.services.domain import staff, staff_access
from smsapp.services.domain.staff import StaffError
from smsapp.transport.mail import mail_configured
from smsapp.web import staff_links
from smsapp.web.console import reveal
from smsapp.web.console.auth import start_login
from smsapp.web.console.core import (
    add_nav,
    console_bp,
    coordinator_required,
    current_account,
    db,
    db_user,
    form_error,
    render_page,
)
from smsapp.web.console.forms import ConfirmForm, InviteForm, NewPasswordForm
from smsapp.web.runtime import runtime

add_nav("Staff", "console.staff_page", coordinator_only=True)


def _org() -> Organisation:
    org = db().get(Organisation, current_account().organisation_id)
    assert org is not None
    return org


def _person(user_id: int) -> User:
    user = db().get(User, user_id)
    if user is None or user.organisation_id != current_account().organisation_id or user.sandbox:
        abort(404)
    return user


def _groups() -> list[Group]:
    query = select(Group).where(
        Group.organisation_id == current_account().organisation_id, ~Group.sandbox
    )
    return list(db().scalars(query.order_by(Group.name)))


@console_bp.route("/staff", methods=["GET", "POST"])
@coordinator_required
def staff_page() -> Any:
    """Everyone who logs in, and the invitation form."""
    groups = _groups()
    form = InviteForm()
    form.group_ids.choices = [(g.id, g.name) for g in groups]
    if form.validate_on_submit() and not _refused(form):
        chosen = tuple(g for g in groups if g.id in (form.group_ids.data or ()))
        try:
            issued = staff_access.invite(
                db(),
                _org(),
                db_user(),
                role=form.role.data or "facilitator",
                email=form.email.data or "",
                name=form.name.data or "",
                phone=form.phone.data or "",
                groups=chosen,
                now=runtime().now(),
            )
        except StaffError as exc:
            db().rollback()
            form_error(form, exc.field, str(exc))
        else:
            db().commit()
            return _after_link(issued)
    people = staff_access.staff_of(db(), current_account().organisation_id)
    pending = {
        u.id
        for u in people
        if u.active
        and not u.password_hash
        and staff_access.pending_link(db(), u.id, runtime().now())
    }
    return render_page(
        "console/staff.html",
        form=form,
        people=people,
        pending=pending,
        mail_on=mail_configured(runtime().settings),
    )


def _refused(form: InviteForm) -> bool:
    """Show every problem with the invitation's details next to its field."""
    found = staff.problems(
        db(),
        _org(),
        role=form.role.data or "",
        email=form.email.data or "",
        name=form.name.data or "",
        phone=form.phone.data or "",
    )
    for problem in found:
        form_error(form, problem.field, str(problem))
    return bool(found)


@console_bp.get("/staff/<int:user_id>")
@coordinator_required
def staff_person(user_id: int) -> str:
    person = _person(user_id)
    link = reveal.take(f"link:{person.id}")
    return render_page(
        "console/staff_person.html",
        person=person,
        link=link,
        mailed=request.args.get("mailed") == "1" and link is not None,
        mail_on=mail_configured(runtime().settings),
        pending=staff_access.pending_link(db(), person.id, runtime().now()),
        form=ConfirmForm(),
    )


@console_bp.post("/staff/<int:user_id>/link")
@coordinator_required
def staff_link(user_id: int) -> Response:
    """A new one-time password link (the older one stops working)."""
    person = _person(user_id)
    try:
        issued = staff_access.reset_link(db(), person, db_user(), runtime().now())
    except StaffError as exc:
        flash(str(exc), "error")
        return redirect(url_for("console.staff_person", user_id=person.id))
    db().commit()
    return _after_link(issued)


@console_bp.route("/staff/<int:user_id>/deactivate", methods=["GET", "POST"])
@coordinator_required
def staff_deactivate(user_id: int) -> Any:
    """Asks first; then the account's logins end at once and it gets no more alerts."""
    person = _person(user_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            ended = staff_access.deactivate(db(), person, db_user(), runtime().now())
        except StaffError as exc:
            flash(str(exc), "error")
        else:
            db().commit()
            flash(
                f"{person.name} is deactivated: logged out everywhere ({ended} "
                f"{'login' if ended == 1 else 'logins'} ended), no alerts, no API access.",
                "success",
            )
        return redirect(url_for("console.staff_person", user_id=person.id))
    taken = db().scalar(
        select(func.count())
        .select_from(Case)
        .where(Case.acked_by == person.id, Case.status.in_(UNRESOLVED))
    )
    return render_page("console/staff_deactivate.html", person=person, form=form, taken=taken)


@console_bp.post("/staff/<int:user_id>/reactivate")
@coordinator_required
def staff_reactivate(user_id: int) -> Response:
    person = _person(user_id)
    staff_access.reactivate(db(), person, db_user())
    db().commit()
    flash(f"{person.name} can log in again with their password.", "success")
    return redirect(url_for("console.staff_person", user_id=person.id))


@console_bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str) -> Any:
    """Set a password from an invitation or reset link, then start working."""
    now = runtime().now()
    link = staff_access.link_owner(db(), token, now)
    if link is None:
        return render_page("console/welcome_gone.html"), 404
    user = db().get(User, link.user_id)
    assert user is not None
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            staff_access.set_password_by_link(db(), token, form.password.data or "", now)
        except StaffError as exc:
            db().rollback()
            form_error(form, exc.field, str(exc))
        else:
            db().commit()
            start_login(user)
            flash(f"Welcome, {user.name}. Your password is set.", "success")
            return redirect(url_for("console.dashboard_page"))
    return render_page("console/welcome.html", form=form, person=user, purpose=link.purpose)


def _after_link(issued: staff_access.IssuedLink) -> Response:
    """Mail the link when mail is set up, and show it once on the person's page."""
    url, mailed = staff_links.deliver(issued, _org(), db_user())
    reveal.stash(f"link:{issued.user.id}", url)
    return redirect(
        url_for("console.staff_person", user_id=issued.user.id, mailed="1" if mailed else None)
    )
