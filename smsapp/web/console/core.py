"""The console's shared parts: blueprint, request session, current account, page rendering."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, abort, g, render_template
from flask_login import current_user, login_required
from sqlalchemy.orm import Session

from smsapp.models import Organisation, User
from smsapp.models.users import Role
from smsapp.services.core.texts import plural
from smsapp.services.domain.schedule import format_local, to_local
from smsapp.services.domain.schedule.plain import zone_label
from smsapp.web.runtime import runtime

console_bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class ConsoleUser:
    """The logged-in person, detached from any DB session (Flask-Login's user object)."""

    id: int
    organisation_id: int
    role: str
    name: str
    email: str

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @classmethod
    def of(cls, user: User) -> ConsoleUser:
        return cls(user.id, user.organisation_id, user.role, user.name, user.email)


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    coordinator_only: bool


_NAV: list[NavItem] = []


def add_nav(label: str, endpoint: str, *, coordinator_only: bool = False) -> None:
    """Add a link to the console's navigation (once, at import time of a page module)."""
    if all(item.endpoint != endpoint for item in _NAV):
        _NAV.append(NavItem(label, endpoint, coordinator_only))


def nav_items(account: ConsoleUser | None) -> list[NavItem]:
    """The links `account` may follow."""
    if account is None:
        return []
    return [i for i in _NAV if account.is_coordinator or not i.coordinator_only]


def db() -> Session:
    """This request's database session; closed at the end of the request, never auto-committed."""
    if "console_db" not in g:
        g.console_db = runtime().open_session()  # outbox rows are enqueued after commit
    return cast(Session, g.console_db)


def close_db(_exc: BaseException | None = None) -> None:
    session = g.pop("console_db", None)
    if session is not None:
        session.close()


def current_account() -> ConsoleUser:
    """The logged-in account (only call behind login_required)."""
    return cast(ConsoleUser, current_user._get_current_object())


def db_user() -> User:
    """The logged-in account as a User row of this request's session."""
    user = db().get(User, current_account().id)
    if user is None or not user.active:
        abort(403)
    return user


def coordinator_required(view: F) -> F:
    """Login required, and the account must be a coordinator (403 otherwise)."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_account().is_coordinator:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapped)


def render_page(template: str, **ctx: Any) -> str:
    """Render a console page; templates extend console/base.html."""
    return render_template(template, **ctx)


def audit_view(action: str, member_id: int | None) -> None:
    """Record that the current account viewed or changed a member's data (not committed)."""
    from smsapp.services.core import audit

    account = current_account()
    audit.record(
        db(),
        actor_user_id=account.id,
        organisation_id=account.organisation_id,
        action=action,
        subject_type="member",
        subject_id=member_id,
        now=runtime().now(),
    )


__all__ = ["login_required"]


@console_bp.app_template_filter("ago")
def ago(when: Any) -> str:
    """'5 min', '3 h', '2 d': how long ago, by the app's clock (tests move it)."""
    if when is None:
        return ""
    seconds = max(0, int((runtime().now() - when).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


@console_bp.app_template_filter("when")
def when(value: Any) -> str:
    """A stored instant as the reader's local time, zone named (the organisation's zone)."""
    return local(value)


@console_bp.app_template_filter("local")
def local(value: Any, tz: str | None = None, zone: bool = True, iso: bool = False) -> str:
    """An instant as local time, zone named: "Wed 4 Mar, 7:00 PM Chicago time".

    `tz` defaults to the organisation's zone (the zone the people reading it live in);
    `iso=True` gives the value a datetime-local input wants ("2026-03-04T19:00")."""
    if value is None:
        return ""
    zone_name = tz or org_tz()
    if iso:
        return str(to_local(value, zone_name).strftime("%Y-%m-%dT%H:%M"))
    text = format_local(value, zone_name)
    return f"{text} {zone_label(zone_name)}" if zone else text


@console_bp.app_template_filter("zone")
def zone(tz: str) -> str:
    """ "America/Chicago" -> "Chicago time"."""
    return zone_label(tz)


@console_bp.app_template_filter("percent")
def percent(value: float | None) -> str:
    """0.756 -> "76%"; None (nothing to count) -> "–"."""
    return "–" if value is None else f"{round(value * 100)}%"


@console_bp.app_template_filter("duration")
def duration(minutes: int) -> str:
    """Minutes as "45 min", "3 h 5 min", "2 d 4 h"."""
    days, rest = divmod(int(minutes), 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


@console_bp.app_template_filter("plural")
def plural_filter(count: int, one: str, other: str, number: bool = True) -> str:
    """{{ n|plural("member", "members") }} -> "1 member", "3 members"."""
    return plural(count, one, other) if number else (one if count == 1 else other)


def org_tz() -> str:
    """The logged-in account's organisation's time zone (cached for the request)."""
    if "console_org_tz" not in g:
        org = db().get(Organisation, current_account().organisation_id)
        g.console_org_tz = org.tz if org is not None else "UTC"
    return cast(str, g.console_org_tz)


def form_error(form: Any, field: str, message: str) -> None:
    """Show a service's refusal next to the form field it concerns (or at the top)."""
    target = getattr(form, field, None) if field else None
    if target is None:
        from flask import flash

        flash(message, "error")
        return
    target.errors = [*target.errors, message]
