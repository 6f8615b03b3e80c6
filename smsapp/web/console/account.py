"""The signed-in person's own account: name, email, password change, API tokens link."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from smsapp.accounts import hash_password, verify_password
from smsapp.web.console.core import console_bp, db, db_user, login_required, render_page


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
        if not verify_password(user.password_hash, form.current.data or ""):
            form.current.errors = ["that is not your current password"]
        else:
            user.password_hash = hash_password(form.new.data or "")
            db().commit()
            flash("Your password is changed.", "success")
            return redirect(url_for("console.account"))
    return render_page("console/account.html", user=user, form=form)
