"""Finding people by phone number through the keyed hash (an indexed equality lookup)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from smsapp.crypto import lookup_hash
from smsapp.models import Member, User

_SECRET: bytes = b""


def set_lookup_secret(secret: bytes) -> None:
    global _SECRET
    _SECRET = secret


def phone_hash(e164: str) -> str:
    if not _SECRET:
        raise RuntimeError("lookup secret not configured")
    return lookup_hash(e164, _SECRET)


def member_by_phone(session: Session, e164: str) -> Member | None:
    """The member with this number (newest first if, rarely, several organisations know it)."""
    # Organisation and group come in the same statement: every inbound text needs both.
    return session.scalars(
        select(Member)
        .where(Member.phone_hash == phone_hash(e164))
        .options(joinedload(Member.organisation), joinedload(Member.group))
        .order_by(Member.id.desc())
    ).first()


def user_by_phone(session: Session, e164: str) -> User | None:
    return session.scalars(
        select(User).where(User.phone_hash == phone_hash(e164), User.active.is_(True))
    ).first()


def set_member_phone(member: Member, e164: str) -> None:
    member.phone = e164
    member.phone_hash = phone_hash(e164)
    member.phone_last4 = e164[-4:]


def set_user_phone(user: User, e164: str) -> None:
    user.phone = e164
    user.phone_hash = phone_hash(e164)
