"""smsapp: SMS check-ins for peer support groups."""

from __future__ import annotations

from typing import Any

from flask import Flask

from smsapp.config import Settings
from smsapp.runtime import Runtime, build_runtime, set_current_runtime


def create_app(settings: Settings | None = None, *, web: bool = True, **parts: Any) -> Flask:
    """Build the app: settings from the environment unless given; nothing runs at import.

    `parts` replaces runtime parts (clock, transport, redis, engine) for tests and the
    sandbox; `web=False` builds only the runtime (the worker).
    """
    settings = settings or Settings.from_env()
    from smsapp.logging_setup import configure_logging

    configure_logging()
    runtime = build_runtime(settings, **parts)
    from smsapp.jobs import queues

    # The edge's commit hands the rows it queued to RQ (see runtime.EdgeSession).
    runtime.enqueue_sends = lambda rows: queues.enqueue_sends(runtime, rows)
    set_current_runtime(runtime)
    app = Flask(__name__, instance_path=str(settings.instance_path.resolve()))
    app.config.update(
        SECRET_KEY=settings.secret_key or runtime.lookup_secret.hex(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        PERMANENT_SESSION_LIFETIME=30 * 60,
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    app.extensions["smsapp"] = runtime
    if settings.proxy_hops:  # client address and scheme as the proxy saw them
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    if web:
        _register_web(app)
        if settings.production:
            _warm_risk_screen()
    return app


def _warm_risk_screen() -> None:
    """Start building the risk screen's lexicon (a few seconds: simplemma's dictionaries
    are read once), so the first text a web process answers rarely waits for it."""
    from smsapp.services.domain.risk.lexicon import warm_in_background

    warm_in_background()


def _register_web(app: Flask) -> None:
    from smsapp.web import register

    register(app)


def runtime_of(app: Flask) -> Runtime:
    runtime: Runtime = app.extensions["smsapp"]
    return runtime
