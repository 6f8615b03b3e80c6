"""Bearer tokens for the JSON API: created once, shown once, stored as a sha256 hash."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import ApiToken, User

log = logging.getLogger(__name__)
TOKEN_PREFIX = "sms_"


@dataclass(frozen=True)
class CreatedToken:
    """The stored row and the plain token, which exists only in this value."""

    row: ApiToken
    token: str


def hash_token(token: str) -> str:
    """The sha256 hex digest stored in place of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, user: User, name: str, now: datetime) -> CreatedToken:
    """Make a new token for `user`; the caller shows `token` once and never stores it."""
    if not user.active:
        raise PermissionError("inactive users cannot hold API tokens")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id, token_hash=hash_token(token), name=name.strip()[:120], created_at=now
    )
    session.add(row)
    session.flush()
    log.info("api_token.created", extra={"count": 1})
    return CreatedToken(row, token)


def authenticate(session: Session, token: str, now: datetime) -> User | None:
    """The active user a live token belongs to (and mark it used), else None."""
    if not token:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = now
    return user


def revoke_token(session: Session, user: User, token_id: int) -> bool:
    """Revoke one of `user`'s tokens (coordinators may revoke any in their organisation)."""
    row = session.get(ApiToken, token_id)
    if row is None:
        return False
    owner = session.get(User, row.user_id)
    same_org = owner is not None and owner.organisation_id == user.organisation_id
    if not (row.user_id == user.id or (user.is_coordinator and same_org)):
        return False
    row.revoked = True
    return True


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """A user's tokens, newest first (hashes only; the tokens themselves are gone)."""
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )
