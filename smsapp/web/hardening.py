"""What every HTTP answer carries, and what none may become.

- Security headers (flask-talisman): a Content-Security-Policy without inline script or
  style, frame-ancestors 'none', nosniff, a Referrer-Policy, and HSTS in production.
  TLS ends at the proxy in front of gunicorn, so nothing is redirected here.
- An id in a URL beyond the database's range is a 404, like an id nobody has (JSON
  under /api/: see web/console/errors.py).
- A value the database refuses (a NUL byte, a number out of range, a string too long) is
  a 400 naming no value: never a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, request
from flask_talisman import Talisman
from sqlalchemy.exc import DataError
from werkzeug.routing import IntegerConverter

from smsapp.config import Settings

log = logging.getLogger(__name__)
MAX_ID = 2**63 - 1  # PostgreSQL bigint
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
_warned: list[bool] = []
BAD_VALUE = "a value was too long, out of range or held characters that cannot be stored"


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: at most a bigint, so a longer number is a 404, not a 500.

    Up to 18 digits (always a bigint): a longer number does not match the route at all and
    falls through to the 404. Refusing it after the match instead (`max` alone) makes
    werkzeug answer 405 for a PUT whose path shape also has a GET route."""

    regex = r"\d{1,18}"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask, settings: Settings) -> None:
    """Call before the blueprints are registered (the `int` converter is looked up then)."""
    app.url_map.converters["int"] = IdConverter
    Talisman(
        app,
        force_https=False,
        strict_transport_security=settings.production,
        strict_transport_security_max_age=365 * 24 * 3600,
        session_cookie_secure=settings.production,
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="same-origin",
    )
    app.register_error_handler(DataError, _refused_value)
    if not settings.proxy_hops:
        app.before_request(_warn_about_an_untrusted_proxy)


def _warn_about_an_untrusted_proxy() -> None:
    """Behind a proxy without SMSAPP_PROXY_HOPS every client has the proxy's address, so
    the login limits count everyone as one client: say so in the log, once per process."""
    if "X-Forwarded-For" in request.headers and not _warned:
        _warned.append(True)
        log.warning("http.proxy_not_trusted", extra={"hint": "set SMSAPP_PROXY_HOPS"})


def _refused_value(exc: DataError) -> tuple[Response | str, int]:
    log.warning("http.value_refused", extra={"path": request.path})
    if request.path.startswith("/api/"):
        return jsonify(error=BAD_VALUE), 400
    return f"Bad request: {BAD_VALUE}.", 400
