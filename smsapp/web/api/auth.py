"""Bearer-token authentication and the request's database session."""

from __future__ import annotations

from flask import g, request
from sqlalchemy.orm import Session

from smsapp.models import User
from smsapp.services.domain import api_tokens
from smsapp.web.runtime import runtime


def db() -> Session:
    """The request's session (opened on first use, closed at teardown)."""
    if "api_db" not in g:
        g.api_db = runtime().open_session()  # outbox rows are enqueued after commit
    session: Session = g.api_db
    return session


def close_session() -> None:
    session = g.pop("api_db", None)
    if session is not None:
        session.close()


def bearer_token() -> str:
    """The token from `Authorization: Bearer <token>`, or '' when absent or malformed."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authenticate_request() -> bool:
    """Find the caller by token; the token's last use is committed at once."""
    session = db()
    user = api_tokens.authenticate(session, bearer_token(), runtime().now())
    if user is None:
        return False
    session.commit()
    g.api_user = user
    return True


def current_user() -> User:
    user: User = g.api_user
    return user
