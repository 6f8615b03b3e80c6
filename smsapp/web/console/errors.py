"""Styled error pages (403, 404, 500 …) with the console's navigation, and the favicon.

The console and other browser pages get an HTML page a person can go on from; the JSON
API keeps its own JSON errors and the Twilio webhooks their plain answers.
"""

from __future__ import annotations

from flask import Flask, jsonify, redirect, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from smsapp.web.console.core import render_page

MESSAGES = {
    400: ("Something in that request was not right", "Please go back and try again."),
    403: (
        "This page is not yours to see",
        "Your account does not have access to it. If you followed a link from a text, it "
        "may be about a group you do not facilitate.",
    ),
    404: (
        "We couldn't find that page",
        "It may have moved, or the link may be out of date.",
    ),
    405: ("That action is not available here", "Please go back and try again."),
    413: ("That file is too large", "Please send a smaller file (2 MB at most)."),
    429: ("Too many tries", "Please wait a few minutes and try again."),
    500: (
        "Something went wrong on our side",
        "Nothing you did caused this. Please try again in a moment; if it keeps happening, "
        "tell your administrator the time it happened.",
    ),
}
_NOT_HTML = ("/api/", "/twilio/", "/healthz")


def register(app: Flask) -> None:
    # HTTPException covers the 500 Flask makes of an unhandled exception (logged by Flask
    # itself); tests, which propagate exceptions, still see the original error.
    app.register_error_handler(HTTPException, _http_error)
    app.add_url_rule("/favicon.ico", "favicon", _favicon)


def _wants_page() -> bool:
    return not request.path.startswith(_NOT_HTML)


def _http_error(
    exc: HTTPException,
) -> Response | HTTPException | tuple[str, int] | tuple[Response, int]:
    code = exc.code or 500
    if request.path.startswith("/api/") and code == 404:
        # No API route matched (an id beyond the database's range included): JSON, like
        # the API's own 404s.
        return jsonify(error="not found"), 404
    if not _wants_page() or code < 400 or code not in MESSAGES:
        return exc
    return _page(code, exc)


def _page(code: int, exc: HTTPException | None) -> tuple[str, int]:
    title, advice = MESSAGES[code]
    detail = exc.description if exc is not None and code in (400, 413, 429) else ""
    default_description = type(exc).description if exc is not None else ""
    if detail == default_description:
        detail = ""
    return render_page(
        "console/error.html", code=code, title=title, advice=advice, detail=detail
    ), code


def _favicon() -> Response:
    return redirect(url_for("console.static", filename="console/favicon.svg"), code=301)
