"""The web console: server-rendered pages for coordinators and facilitators.

How to plug a page in (other modules, e.g. smsapp.web.console.reports):

    from smsapp.web.console import (
        add_nav, console_bp, coordinator_required, db, login_required, render_page,
    )

    @console_bp.get("/reports")
    @coordinator_required
    def reports() -> str:
        return render_page("console/reports.html", rows=...)

    add_nav("Reports", "console.reports", coordinator_only=True)

Routes must be added at import time (before the blueprint's first registration).
`register(app)` imports the optional modules simulator, flow_editor and reports when
they exist; a module may also define `register(app)` to set up anything app-wide.
Every POST to the console is CSRF-checked (form field `csrf_token`, or the
`X-CSRFToken` header); templates get `csrf_token()`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from flask import Flask

from smsapp.web.console.core import (
    ConsoleUser,
    NavItem,
    add_nav,
    audit_view,
    console_bp,
    coordinator_required,
    current_account,
    db,
    db_user,
    login_required,
    nav_items,
    render_page,
)

__all__ = [
    "ConsoleUser",
    "NavItem",
    "add_nav",
    "audit_view",
    "console_bp",
    "coordinator_required",
    "current_account",
    "db",
    "db_user",
    "login_required",
    "nav_items",
    "register",
    "render_page",
]

# Our own view modules, imported for the routes they add to console_bp.
_VIEW_MODULES = (
    "auth",
    "errors",
    "dashboard",
    "cases",
    "members",
    "member_page",
    "case_reach",
    "groups",
    "meetings",
    "meeting_changes",
    "checkins",
    "announcements",
    "messages",
    "settings",
    "account",
    "oncall",
    "staff",
)
# Pages built by others; each may be absent in a given checkout.
OPTIONAL_MODULES = ("simulator", "flow_editor", "reports", "tokens")


def register(app: Flask) -> None:
    """Set up login, CSRF and the console blueprint (with optional modules) on `app`."""
    from smsapp.web.console import auth

    ours = [importlib.import_module(f"smsapp.web.console.{name}") for name in _VIEW_MODULES]
    optional = [m for m in (_optional(name) for name in OPTIONAL_MODULES) if m is not None]
    auth.init_app(app)
    app.register_blueprint(console_bp)
    for module in [*ours, *optional]:
        if module is auth:
            continue
        hook = getattr(module, "register", None)
        if callable(hook):
            hook(app)


def _optional(name: str) -> ModuleType | None:
    full = f"smsapp.web.console.{name}"
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name != full:  # a real missing dependency inside the module: say so
            raise
        return None
