"""Finding people by phone number through the keyed hash (an indexed equality lookup)."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, joinedload

from smsapp.crypto import lookup_hash
from smsapp.models import Member, Organisation, SendingNumber, User
from smsapp.services.core import standing

_SECRET: bytes = b""


def set_lookup_secret(secret: bytes) -> None:
    global _SECRET
    _SECRET = secret


def phone_hash(e164: str) -> str:
    if not _SECRET:
        raise RuntimeError("lookup secret not configured")
    return lookup_hash(e164, _SECRET)


def member_by_phone(
    session: Session, organisation_id: int, e164: str, *, sandbox_group_id: int | None = None
) -> Member | None:
    """The organisation's member with this number (a number is one member per organisation).

    A sandbox member is found only from its own simulator (`sandbox_group_id`), and the
    simulator finds no one else: a simulated phone never reaches a real record.
    """
    # Organisation and group come in the same statement: every inbound text needs both.
    member = session.scalars(
        select(Member)
        .where(Member.organisation_id == organisation_id, Member.phone_hash == phone_hash(e164))
        .options(joinedload(Member.organisation), joinedload(Member.group))
    ).first()
    if member is None:
        return None
    if sandbox_group_id is not None:
        return member if member.group_id == sandbox_group_id else None
    return None if member.group is not None and member.group.sandbox else member


def locate(session: Session, address: str, e164: str) -> tuple[Organisation | None, Member | None]:
    """The organisation that owns the texted number, and its member with this phone.

    One statement: every inbound text needs both (and the member's group), and asks what
    the member has open (`standing`).
    """
    row = session.execute(
        select(Organisation, Member, *standing.columns())
        .join(SendingNumber, SendingNumber.organisation_id == Organisation.id)
        .outerjoin(
            Member,
            and_(Member.organisation_id == Organisation.id, Member.phone_hash == phone_hash(e164)),
        )
        .options(joinedload(Member.group))
        .where(SendingNumber.address == address)
    ).first()
    if row is None:
        return None, None
    org, member, case_id, safety_check_id, session_id, held_timer_id = row
    if member is not None and member.group is not None and member.group.sandbox:
        return org, None
    if member is not None:  # what the member has open, read in the same statement
        standing.remember(
            session,
            standing.Standing(member.id, case_id, safety_check_id, session_id, held_timer_id),
        )
    return org, member


def user_by_phone(
    session: Session, organisation_id: int, e164: str, *, sandbox_group_id: int | None = None
) -> User | None:
    """The organisation's active staff account with this number (simulated staff likewise)."""
    query = select(User).where(
        User.organisation_id == organisation_id,
        User.phone_hash == phone_hash(e164),
        User.active.is_(True),
        User.sandbox.is_(sandbox_group_id is not None),
    )
    if sandbox_group_id is not None:
        query = query.where(User.groups.any(id=sandbox_group_id))
    return session.scalars(query.order_by(User.id)).first()


def phone_in_use(session: Session, e164: str) -> bool:
    """True when any organisation's member or staff account has this number."""
    digest = phone_hash(e164)
    member = session.scalar(select(Member.id).where(Member.phone_hash == digest).limit(1))
    user = session.scalar(select(User.id).where(User.phone_hash == digest).limit(1))
    return member is not None or user is not None


def set_member_phone(member: Member, e164: str) -> None:
    member.phone = e164
    member.phone_hash = phone_hash(e164)
    member.phone_last4 = e164[-4:]


def set_user_phone(user: User, e164: str) -> None:
    user.phone = e164
    user.phone_hash = phone_hash(e164)
