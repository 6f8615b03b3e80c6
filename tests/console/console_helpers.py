"""Helpers for console tests."""

from __future__ import annotations

from typing import Any

from smsapp.services.core import login_sessions
from smsapp.web.console.auth import SESSION_TOKEN


def sign_in(client: Any, app: Any, user_id: int) -> None:
    """Log a test client in without the form (argon2 is slow on purpose; the form has its
    own tests): a login the server knows, as the form would start."""
    runtime = app.extensions["smsapp"]
    with runtime.session() as s:
        token = login_sessions.start(s, user_id, runtime.now())
        s.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session["seen"] = runtime.now().timestamp()
        session[SESSION_TOKEN] = token
