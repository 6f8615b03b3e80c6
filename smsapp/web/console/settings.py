"""Coordinator page: organisation settings (crisis resources, quiet hours, help contact)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for

from smsapp.models import Organisation
from smsapp.services.domain import org_settings
from smsapp.web.console.core import (
    add_nav,
    console_bp,
    coordinator_required,
    current_account,
    db,
    form_error,
    render_page,
)
from smsapp.web.console.forms import SettingsForm

add_nav("Settings", "console.settings", coordinator_only=True)


@console_bp.route("/settings", methods=["GET", "POST"])
@coordinator_required
def settings() -> Any:
    org = db().get(Organisation, current_account().organisation_id)
    assert org is not None
    form = SettingsForm(data=org_settings.current(org).__dict__)
    if form.validate_on_submit():
        values = org_settings.OrgSettings(**{k: form[k].data or "" for k in _FIELDS})
        try:
            org_settings.update(org, values)
        except org_settings.SettingsError as exc:
            db().rollback()
            form_error(form, exc.field, str(exc))
        else:
            db().commit()
            flash("Settings saved.", "success")
            return redirect(url_for("console.settings"))
    return render_page("console/form.html", form=form, title="Organisation settings")


_FIELDS = tuple(org_settings.OrgSettings.__dataclass_fields__)
