"""The JSON API under /api/v1: bearer tokens, pydantic-validated input, JSON errors, and an
OpenAPI document generated from the route declarations by spectree."""

from __future__ import annotations

from flask import Flask

from smsapp.web.api import (
    announcements,
    case_actions,
    case_detail,
    cases,
    dashboard,
    flow_library,
    flows,
    group_setup,
    groups,
    meetings,
    member_admin,
    members,
    messages,
    oncall,
    org_admin,
    reports,
    series,
    staff_accounts,
)
from smsapp.web.api.blueprint import bp

# Modules that add routes to bp.
ROUTE_MODULES = (
    announcements,
    case_actions,
    case_detail,
    cases,
    dashboard,
    flow_library,
    flows,
    group_setup,
    groups,
    meetings,
    member_admin,
    members,
    messages,
    oncall,
    org_admin,
    reports,
    series,
    staff_accounts,
)


def register(app: Flask) -> None:
    """Attach the API to the app (called once from the web layer's register())."""
    if "api" not in app.blueprints:
        app.register_blueprint(bp)
