"""The signed-in person's own account: name, email, password change, API tokens link."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, session, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from smsapp.services.domain import staff_access
from smsapp.services.domain.staff import StaffError
from smsapp.web.console.auth import SESSION_TOKEN
from smsapp.web.console.core import (
    console_bp,
    db,
    db_user,
    form_error,
    login_required,
    render_page,
)
from smsapp.web.runtime import runtime


class PasswordForm(FlaskForm):  # type: ignore[misc]
    current = PasswordField("Current password", [DataRequired()])
    new = PasswordField("New password (12 characters or more)", [DataRequired(), Length(12, 200)])
    again = PasswordField(
        "New password again", [DataRequired(), EqualTo("new", "the two new passwords differ")]
    )


@console_bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> Any:
    user = db_user()
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            staff_access.change_password(
                db(),
                user,
                form.current.data or "",
                form.new.data or "",
                runtime().now(),
                keep_login=session.get(SESSION_TOKEN, ""),
            )
        except StaffError as exc:
            db().rollback()
            form_error(form, exc.field, str(exc))
        else:
            db().commit()
            flash("Your password is changed. Your other logins have ended.", "success")
            return redirect(url_for("console.account"))
    return render_page("console/account.html", user=user, form=form)
