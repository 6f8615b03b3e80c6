"""Console logins the server knows about: logging out (or idling out) ends one for good.

The signed session cookie carries a random token; only its hash is stored. A cookie
copied before logout no longer finds a live login afterwards.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from smsapp.models import LoginSession


def start(session: Session, user_id: int, now: datetime) -> str:
    """A new login for the user; returns the token to keep in the session cookie."""
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(id=_digest(token), user_id=user_id, created_at=now))
    return token


def is_live(session: Session, token: str, user_id: int) -> bool:
    row = session.get(LoginSession, _digest(token)) if token else None
    return row is not None and row.user_id == user_id and row.ended_at is None


def end(session: Session, token: str, now: datetime) -> None:
    if token:
        session.execute(
            update(LoginSession)
            .where(LoginSession.id == _digest(token), LoginSession.ended_at.is_(None))
            .values(ended_at=now)
        )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def end_all(session: Session, user_id: int, now: datetime, keep: str = "") -> int:
    """End every live login of a user (all but the one holding `keep`); returns how many."""
    query = update(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.ended_at.is_(None)
    )
    if keep:
        query = query.where(LoginSession.id != _digest(keep))
    result = session.execute(query.values(ended_at=now))
    return int(getattr(result, "rowcount", 0) or 0)
