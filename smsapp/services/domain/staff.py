"""Staff accounts: coordinators and facilitators of one organisation.

A staff member's phone number receives escalation texts and is how their ACK and DONE
texts find them, so it is unique among the organisation's staff.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.accounts import hash_password
from smsapp.models import Organisation, User
from smsapp.models.users import Role
from smsapp.phones import InvalidPhone, normalise_phone
from smsapp.services.core import directory
from smsapp.services.domain import oncall


class StaffError(ValueError):
    """An account change refused; `field` names the option or form field at fault."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def add_staff(
    session: Session,
    org: Organisation,
    *,
    role: str,
    email: str,
    name: str,
    password: str | None,
    now: datetime,
    phone: str = "",
    on_call: bool = False,
) -> User:
    """A new account in `org`; raises StaffError naming the field at fault.

    `password=None` makes an account that cannot sign in until a password is set;
    `on_call` puts the account on the on-call rota around the clock.
    """
    if role not in list(Role):
        raise StaffError(f"the role must be one of {', '.join(Role)}", "role")
    email = _email(session, email)
    name = name.strip()
    if not name or len(name) > 120:
        raise StaffError("the name must be 1–120 characters", "name")
    try:
        password_hash = hash_password(password) if password is not None else ""
    except ValueError as exc:
        raise StaffError(str(exc), "password") from None
    user = User(
        organisation_id=org.id,
        email=email,
        name=name,
        role=role,
        password_hash=password_hash,
        created_at=now,
    )
    if phone:
        directory.set_user_phone(user, staff_phone(session, org, phone))
    session.add(user)
    session.flush()
    if on_call:
        oncall.put_on_call_always(session, org, user)
    return user


def staff_by_email(session: Session, org: Organisation, email: str) -> User | None:
    """The account of `org` with this email (any case), if any."""
    return session.scalar(
        select(User).where(User.organisation_id == org.id, User.email == email.strip().lower())
    )


def problems(
    session: Session, org: Organisation, *, role: str, email: str, name: str, phone: str = ""
) -> list[StaffError]:
    """Everything wrong with a new account's details at once (a form shows them together)."""
    found: list[StaffError] = []
    if role not in list(Role):
        found.append(StaffError(f"the role must be one of {', '.join(Role)}", "role"))
    if not name.strip() or len(name.strip()) > 120:
        found.append(StaffError("the name must be 1–120 characters", "name"))
    try:
        _email(session, email)
    except StaffError as exc:
        found.append(exc)
    if phone:
        try:
            staff_phone(session, org, phone)
        except StaffError as exc:
            found.append(exc)
    return found


def staff_phone(session: Session, org: Organisation, raw: str) -> str:
    """E.164 in the organisation's country, not already another account's in `org`
    (a text from it must find one person)."""
    try:
        e164 = normalise_phone(raw, org.country or "US")
    except InvalidPhone as exc:
        raise StaffError(str(exc), "phone") from None
    if directory.user_by_phone(session, org.id, e164) is not None:
        raise StaffError("another account in this organisation has this number", "phone")
    return e164


def _email(session: Session, raw: str) -> str:
    email = raw.strip().lower()
    if "@" not in email or len(email) > 120 or not email.isprintable():
        raise StaffError("that is not an email address", "email")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise StaffError(f"an account with email {email!r} already exists", "email")
    return email
