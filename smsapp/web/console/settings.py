"""Coordinator page: organisation settings (crisis resources, quiet hours, help contact)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for

from smsapp.models import Organisation
from smsapp.services.core import crisis_resources as resources
from smsapp.services.core.crisis_resources import crisis_reply
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
            org_settings.update(db(), org, values)
        except org_settings.SettingsError as exc:
            db().rollback()
            form_error(form, exc.field, str(exc))
        else:
            db().commit()
            flash("Settings saved.", "success")
            return redirect(url_for("console.settings"))
    describe_crisis_fields(form, org)
    return render_page("console/form.html", form=form, title="Organisation settings")


def describe_crisis_fields(form: SettingsForm, org: Organisation) -> None:
    """Under each crisis box: what is sent when it is left empty, and what is sent now."""
    entry = resources.for_country(org.country)
    for lang, f in (("en", form.crisis_text_en), ("es", form.crisis_text_es)):
        if entry is None:
            default = (
                f"No built-in resources for country {org.country}: write your own "
                "(in at least one language) before any group can go live."
            )
        else:
            default = (
                f"Left empty, members get the built-in {entry.country} resources: "
                f"“{entry.text(lang)}” (source: {', '.join(entry.sources)})."
            )
        sent = crisis_reply(org, lang, reachable=True)
        f.description = f"{default} A member in crisis is sent now: “{sent}”"


_FIELDS = tuple(org_settings.OrgSettings.__dataclass_fields__)
