"""Getting into a staff account and out of it: invitations and password resets by one-time
link, password changes, deactivation.

A link's token exists only in the value returned here (the console shows it, and mails it
when mail is set up); the database keeps its sha256. A newer link spends the older ones.
Setting a password, or deactivating the account, ends the account's other logins.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from smsapp.accounts import hash_password, verify_password
from smsapp.models import AccountLink, ApiToken, Group, Organisation, User
from smsapp.models.users import LinkPurpose, Role
from smsapp.services.core import login_sessions
from smsapp.services.domain.staff import StaffError, add_staff

INVITE_VALID = timedelta(days=7)
RESET_VALID = timedelta(hours=24)
PURPOSES = ("invite", "reset")


@dataclass(frozen=True)
class IssuedLink:
    """The account and the plain token of its new link (shown once, never stored)."""

    user: User
    token: str
    purpose: str
    expires_at: datetime


def invite(
    session: Session,
    org: Organisation,
    by: User,
    *,
    role: str,
    email: str,
    name: str,
    now: datetime,
    phone: str = "",
    groups: tuple[Group, ...] = (),
) -> IssuedLink:
    """A new account with no password yet, and the link that lets its owner set one."""
    _check_coordinator(by, org.id)
    user = add_staff(
        session, org, role=role, email=email, name=name, password=None, now=now, phone=phone
    )
    if role == Role.FACILITATOR:
        user.groups = [g for g in groups if g.organisation_id == org.id]
    return _issue(session, user, by, "invite", now)


def reset_link(session: Session, user: User, by: User, now: datetime) -> IssuedLink:
    """A new one-time link for `user` to set a password (an invitation again if they never
    set one). Their current password keeps working until the link is used."""
    _check_coordinator(by, user.organisation_id)
    if not user.active:
        raise StaffError("this account is deactivated; reactivate it first")
    purpose = LinkPurpose.RESET if user.password_hash else LinkPurpose.INVITE
    return _issue(session, user, by, purpose, now)


def link_owner(session: Session, token: str, now: datetime) -> AccountLink | None:
    """The live link this token opens (unused, unexpired, account active), else None."""
    if not token or len(token) > 200:
        return None
    link = session.get(AccountLink, _digest(token))
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    user = session.get(User, link.user_id)
    return link if user is not None and user.active else None


def set_password_by_link(session: Session, token: str, password: str, now: datetime) -> User:
    """Spend the link and set the password; every login of the account ends."""
    link = link_owner(session, token, now)
    if link is None:
        raise StaffError("this link has been used, has expired or was replaced by a newer one")
    user = session.get(User, link.user_id)
    assert user is not None
    _set_password(user, password)
    _spend_links(session, user.id, now)
    login_sessions.end_all(session, user.id, now)
    return user


def change_password(
    session: Session, user: User, current: str, new: str, now: datetime, keep_login: str = ""
) -> None:
    """The owner changes their password; their other logins end (this one stays)."""
    if not verify_password(user.password_hash, current):
        raise StaffError("that is not your current password", "current")
    _set_password(user, new, field="new")
    _spend_links(session, user.id, now)
    login_sessions.end_all(session, user.id, now, keep=keep_login)


def deactivate(session: Session, user: User, by: User, now: datetime) -> int:
    """The account can no longer log in, use API tokens, get alerts or be on call.

    Returns how many logins were ended. A coordinator cannot deactivate themselves (an
    organisation must never lock itself out)."""
    _check_coordinator(by, user.organisation_id)
    if user.id == by.id:
        raise StaffError("you cannot deactivate your own account")
    user.active = False
    _spend_links(session, user.id, now)
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id).values(revoked=True))
    return login_sessions.end_all(session, user.id, now)


def reactivate(session: Session, user: User, by: User) -> None:
    """The account may log in again with its password (API tokens stay revoked)."""
    _check_coordinator(by, user.organisation_id)
    user.active = True


def staff_of(session: Session, org_id: int) -> list[User]:
    """The organisation's people (the simulator's facilitator excepted), active first."""
    query = select(User).where(User.organisation_id == org_id, User.sandbox.is_(False))
    return list(session.scalars(query.order_by(User.active.desc(), User.role, User.name)))


def pending_link(session: Session, user_id: int, now: datetime) -> AccountLink | None:
    """The account's live link, if one is waiting to be used."""
    return session.scalar(
        select(AccountLink)
        .where(
            AccountLink.user_id == user_id,
            AccountLink.used_at.is_(None),
            AccountLink.expires_at > now,
        )
        .order_by(AccountLink.created_at.desc())
        .limit(1)
    )


def _issue(session: Session, user: User, by: User, purpose: str, now: datetime) -> IssuedLink:
    _spend_links(session, user.id, now)
    token = secrets.token_urlsafe(32)
    expires = now + (INVITE_VALID if purpose == LinkPurpose.INVITE else RESET_VALID)
    session.add(
        AccountLink(
            id=_digest(token),
            user_id=user.id,
            purpose=purpose,
            created_by=by.id,
            created_at=now,
            expires_at=expires,
        )
    )
    session.flush()
    return IssuedLink(user, token, purpose, expires)


def _spend_links(session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(AccountLink)
        .where(AccountLink.user_id == user_id, AccountLink.used_at.is_(None))
        .values(used_at=now)
    )


def _set_password(user: User, password: str, field: str = "password") -> None:
    try:
        user.password_hash = hash_password(password)
    except ValueError as exc:
        raise StaffError(str(exc), field) from None


def _check_coordinator(by: User, org_id: int) -> None:
    if not (by.is_coordinator and by.active and by.organisation_id == org_id):
        raise PermissionError("only a coordinator of the organisation manages its staff")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
