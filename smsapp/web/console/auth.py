"""Logging in and out: argon2 passwords, rate limiting, CSRF on every POST, idle logout."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, flash, redirect, request, session, url_for
from flask_login import LoginManager, login_user, logout_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.validators import ValidationError

from smsapp.accounts import verify_password
from smsapp.models import User
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
from smsapp.web.runtime import runtime

log = logging.getLogger(__name__)

IDLE_SECONDS = 30 * 60
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 15 * 60


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
    if not user_id.isdigit():
        return None
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
            logout_user()
            session.clear()
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
        if _too_many_failures(email):
            flash("Too many failed attempts. Please wait 15 minutes and try again.", "error")
            return render_page("console/login.html", form=form), 429
        user = db().scalar(select(User).where(User.email == email))
        if user and user.active and verify_password(user.password_hash, form.password.data or ""):
            _forget_failures(email)
            session.clear()  # a fresh session on login: no fixation
            login_user(ConsoleUser.of(user))
            session["seen"] = runtime().now().timestamp()
            log.info("console.login", extra={"user_id": user.id})
            return redirect(_safe_next(request.args.get("next")))
        _count_failure(email)
        flash("That email and password do not match an account.", "error")
        return render_page("console/login.html", form=form), 401
    return render_page("console/login.html", form=form)


@console_bp.post("/logout")
def logout() -> Response:
    logout_user()
    session.clear()
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
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/console"):
        return target
    return url_for("console.dashboard_page")


def _failure_key(email: str) -> str:
    return f"console:login-failures:{email}:{request.remote_addr or '-'}"


def _too_many_failures(email: str) -> bool:
    try:
        count = runtime().redis.get(_failure_key(email))
    except Exception:  # Redis down: argon2 still makes guessing slow; don't lock everyone out
        log.warning("console.ratelimit_unavailable")
        return False
    return int(count or 0) >= MAX_FAILURES


def _count_failure(email: str) -> None:
    try:
        pipe = runtime().redis.pipeline()
        pipe.incr(_failure_key(email))
        pipe.expire(_failure_key(email), FAILURE_WINDOW_SECONDS, nx=True)
        pipe.execute()
    except Exception:
        log.warning("console.ratelimit_unavailable")


def _forget_failures(email: str) -> None:
    try:
        runtime().redis.delete(_failure_key(email))
    except Exception:
        log.warning("console.ratelimit_unavailable")


__all__ = ["current_account", "init_app"]
