"""HTTP edges: webhooks, health, console and API. Handlers parse, call a service, commit."""

from __future__ import annotations

from flask import Flask

from smsapp.web import hardening
from smsapp.web.api import register as register_api
from smsapp.web.console import register as register_console
from smsapp.web.health import bp as health_bp
from smsapp.web.twilio import bp as twilio_bp


def register(app: Flask) -> None:
    hardening.init_app(app, app.extensions["smsapp"].settings)
    app.register_blueprint(health_bp)
    app.register_blueprint(twilio_bp)
    register_console(app)
    register_api(app)
