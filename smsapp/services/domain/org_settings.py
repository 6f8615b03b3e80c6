"""Organisation settings: crisis resources text, quiet hours and the help contact."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Group, Organisation
from smsapp.services.core import crisis_resources as resources
from smsapp.services.domain.schedule import validate_org_quiet_hours

MAX_CRISIS_TEXT = 600


class SettingsError(ValueError):
    """A settings change refused; `field` names the form field at fault."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class OrgSettings:
    name: str
    program_name: str
    help_contact: str
    crisis_text_en: str
    crisis_text_es: str
    quiet_start: str  # "HH:MM"
    quiet_end: str


def current(org: Organisation) -> OrgSettings:
    """The organisation's settings as form values."""
    return OrgSettings(
        name=org.name,
        program_name=org.program_name,
        help_contact=org.help_contact,
        crisis_text_en=org.crisis_text_en or "",
        crisis_text_es=org.crisis_text_es or "",
        quiet_start=f"{org.quiet_start:%H:%M}",
        quiet_end=f"{org.quiet_end:%H:%M}",
    )


def update(session: Session, org: Organisation, values: OrgSettings) -> None:
    """Apply all settings at once, or none: quiet hours may widen but never shrink.

    An organisation in a country without built-in crisis resources cannot empty its own
    text while a live group exists: its members would get no number to call.
    """
    try:
        hours = validate_org_quiet_hours(values.quiet_start.strip(), values.quiet_end.strip())
    except ValueError as exc:
        raise SettingsError(str(exc), "quiet_start") from None
    for field in ("name", "program_name", "help_contact"):
        if not getattr(values, field).strip():
            raise SettingsError("this is required", field)
    for field in ("crisis_text_en", "crisis_text_es"):
        if len(getattr(values, field)) > MAX_CRISIS_TEXT:
            raise SettingsError(f"at most {MAX_CRISIS_TEXT} characters", field)
    org.name = values.name.strip()
    org.program_name = values.program_name.strip()
    org.help_contact = values.help_contact.strip()
    # Empty crisis text means "use the country's built-in resources".
    org.crisis_text_en = values.crisis_text_en.strip() or None
    org.crisis_text_es = values.crisis_text_es.strip() or None
    if _would_lose_resources(session, org, values):
        raise SettingsError(
            f"there are no built-in crisis resources for country {org.country!r} and groups "
            "are live: write the crisis resources in at least one language",
            "crisis_text_en",
        )
    org.quiet_start, org.quiet_end = hours.start, hours.end


def _would_lose_resources(session: Session, org: Organisation, values: OrgSettings) -> bool:
    if resources.for_country(org.country) is not None:
        return False
    if values.crisis_text_en.strip() or values.crisis_text_es.strip():
        return False
    live = select(Group.id).where(Group.organisation_id == org.id, Group.sandbox.is_(False))
    return session.scalar(live.limit(1)) is not None


def default_replies(org: Organisation) -> dict[str, str | None]:
    """Per language, the built-in resources text this organisation's country gets (None:
    no entry), for the settings page to show what is sent when a box is left empty."""
    return {lang: resources.default_text(org, lang) for lang in resources.LANGUAGES}
