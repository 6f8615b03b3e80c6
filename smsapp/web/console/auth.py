"""Logging in and out: argon2 passwords, rate limiting, CSRF on every POST, idle logout."""

from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, flash, redirect, request, session, url_for
from flask_login import LoginManager, login_user, logout_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.validators import ValidationError

from smsapp.accounts import hash_password, verify_password
from smsapp.models import User
from smsapp.services.core import login_sessions
from smsapp.web.console import login_limits
from smsapp.web.console.core import (
    ConsoleUser,
    close_db,
    console_bp,
    current_account,
    db,
    nav_items,
    render_page,
)
from smsapp.web.console.forms import LoginForm
from smsapp.web.hardening import MAX_ID
from smsapp.web.runtime import runtime

log = logging.getLogger(__name__)

IDLE_SECONDS = 30 * 60
SESSION_TOKEN = "login"
# Checked against when the email is unknown, so a wrong email costs what a wrong password does.
_DUMMY_HASH = hash_password("no account has this password " + secrets.token_hex(8))


def init_app(app: Flask) -> None:
    """Flask-Login, the request session's teardown and the template helpers."""
    manager = LoginManager()
    manager.login_view = "console.login"
    manager.login_message = "Please log in to see that page."
    manager.user_loader(_load_user)
    manager.init_app(app)
    app.teardown_appcontext(close_db)
    app.config.setdefault("WTF_CSRF_ENABLED", True)


def _load_user(user_id: str) -> ConsoleUser | None:
    if not user_id.isdigit() or int(user_id) > MAX_ID:
        return None
    if not login_sessions.is_live(db(), session.get(SESSION_TOKEN, ""), int(user_id)):
        return None  # logged out (or idled out) on the server: the cookie is dead
    user = db().get(User, int(user_id))
    if user is None or not user.active:
        return None
    return ConsoleUser.of(user)


@console_bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    from flask_login import current_user

    account = current_user if current_user.is_authenticated else None
    return {
        "csrf_token": generate_csrf,
        "account": account,
        "nav": nav_items(account),
        "now": runtime().now(),
    }


@console_bp.before_request
def _guard() -> Response | None:
    """CSRF on every POST; log out after 30 minutes without a request."""
    if request.method == "POST" and runtime_csrf_enabled():
        token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken", "")
        try:
            validate_csrf(token)
        except ValidationError:
            abort(400, "The form has expired or was not sent from this site; please try again.")
    return _idle_logout()


def runtime_csrf_enabled() -> bool:
    from flask import current_app

    return bool(current_app.config.get("WTF_CSRF_ENABLED", True))


def _idle_logout() -> Response | None:
    from flask_login import current_user

    now = runtime().now().timestamp()
    if current_user.is_authenticated:
        seen = session.get("seen", now)
        if now - float(seen) > IDLE_SECONDS:
            _end_login()
            flash("You were logged out after 30 minutes without activity.", "info")
            return redirect(url_for("console.login", next=request.path))
    session["seen"] = now
    session.permanent = True
    return None


@console_bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        client = request.remote_addr or "-"
        if login_limits.blocked(runtime(), email, client):
            flash("Too many failed attempts. Please wait 15 minutes and try again.", "error")
            return render_page("console/login.html", form=form), 429
        user = db().scalar(select(User).where(User.email == email))
        if _password_matches(user, form.password.data or ""):
            assert user is not None
            login_limits.forget_client(runtime(), email, client)
            start_login(user)
            log.info("console.login", extra={"user_id": user.id})
            return redirect(_safe_next(request.args.get("next")))
        login_limits.record_failure(runtime(), email, client)
        flash("That email and password do not match an account.", "error")
        return render_page("console/login.html", form=form), 401
    return render_page("console/login.html", form=form)


def _password_matches(user: User | None, password: str) -> bool:
    """argon2 runs for unknown emails too, so the time taken tells no one which exist."""
    if user is None or not user.active or not user.password_hash:
        verify_password(_DUMMY_HASH, password)
        return False
    return verify_password(user.password_hash, password)


def start_login(user: User) -> None:
    session.clear()  # a fresh session on login: no fixation
    session[SESSION_TOKEN] = login_sessions.start(db(), user.id, runtime().now())
    db().commit()
    login_user(ConsoleUser.of(user))
    session["seen"] = runtime().now().timestamp()


def _end_login() -> None:
    """The server forgets the login: the cookie, wherever a copy of it is, is dead."""
    login_sessions.end(db(), session.get(SESSION_TOKEN, ""), runtime().now())
    db().commit()
    logout_user()
    session.clear()


@console_bp.post("/logout")
def logout() -> Response:
    _end_login()
    flash("You are logged out.", "info")
    return redirect(url_for("console.login"))


@console_bp.get("/")
def home() -> Response:
    from flask_login import current_user

    if not current_user.is_authenticated:
        return redirect(url_for("console.login"))
    return redirect(url_for("console.dashboard_page"))


def _safe_next(target: str | None) -> str:
    """Only same-site paths under /console: never an open redirect."""
    if not target or len(target) > 2000 or not target.isprintable() or "\\" in target:
        return url_for("console.dashboard_page")  # CR/LF would split the Location header
    parts = urlsplit(target)
    if not parts.scheme and not parts.netloc and target.startswith("/console"):
        return target
    return url_for("console.dashboard_page")


__all__ = ["current_account", "init_app"]
