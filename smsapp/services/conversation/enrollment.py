"""JOIN <group code>: a new person gets the consent request, and nothing else, until YES."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsapp.models import Group, Member
from smsapp.models.members import MemberStatus
from smsapp.models.messages import OutboxKind
from smsapp.services.conversation import conversations
from smsapp.services.conversation.inbound_text import InboundText
from smsapp.services.core import directory, outbox
from smsapp.services.core.texts import text as translate
from smsapp.services.domain.members import NO_INVITE_STATUSES, MemberError

JOIN_WORDS = {"JOIN", "UNIRME", "UNIR"}


def handle_join(
    session: Session,
    organisation_id: int,
    phone: str,
    member: Member | None,
    text: InboundText,
    now: datetime,
    *,
    sandbox_group_id: int | None = None,
    allowed: bool = True,
) -> str | None:
    """Answer a JOIN text; None if the text is not a JOIN (or `allowed` is False: the
    sender has used up their JOIN attempts, and the text is stored unanswered).

    Only groups of the organisation whose number was texted are found, never a sandbox
    group from a real phone, and from the simulator only its own sandbox group.
    """
    word = text.word
    if word not in JOIN_WORDS or not allowed:
        return None
    code = text.argument.replace(" ", "")
    language = "es" if word != "JOIN" else (member.language if member else "en")
    group = _group(session, organisation_id, code, sandbox_group_id) if code else None
    if group is None:
        return translate("unknown_group", language, code=code[:20] or "(none)")
    staying = (
        member is not None and member.group_id == group.id and member.status == MemberStatus.ACTIVE
    )
    member = _pending_member(session, phone, member, group, language, now)
    if group.requires_approval and not staying:
        member.status = (
            MemberStatus.AWAITING_APPROVAL
        )  # a coordinator approves; then the invite goes
        return translate("join_awaiting_approval", language, group=group.name)
    texts = conversations.start_flow(session, member, "join", now)
    return "\n\n".join(texts)


def is_join(text: InboundText) -> bool:
    return text.word in JOIN_WORDS


def _group(
    session: Session, organisation_id: int, code: str, sandbox_group_id: int | None
) -> Group | None:
    query = select(Group).where(
        Group.organisation_id == organisation_id, func.upper(Group.code) == code
    )
    if sandbox_group_id is not None:
        query = query.where(Group.id == sandbox_group_id)
    else:
        query = query.where(Group.sandbox.is_(False))
    return session.scalar(query)


def _pending_member(
    session: Session, phone: str, member: Member | None, group: Group, language: str, now: datetime
) -> Member:
    if member is not None and member.organisation_id == group.organisation_id:
        member.group_id = group.id
        if member.status != MemberStatus.ACTIVE:
            member.status = MemberStatus.PENDING
        member.updated_at = now
        return member
    member = Member(
        organisation_id=group.organisation_id,
        group_id=group.id,
        language=language,
        tz=group.tz,
        status=MemberStatus.PENDING,
        created_at=now,
        updated_at=now,
    )
    directory.set_member_phone(member, phone)
    session.add(member)
    session.flush()
    return member


def invite(session: Session, member: Member, now: datetime) -> int:
    """A coordinator's invite: the join flow's consent request, texted to a pending member.
    Returns how many texts were queued. Raises MemberError for a member who cannot be
    invited (already active, opted out, erased)."""
    if member.status in NO_INVITE_STATUSES:
        raise MemberError(f"cannot invite a member who is {member.status.replace('_', ' ')}")
    bodies = conversations.start_flow(session, member, "join", now)
    stamp = int(now.timestamp())
    for index, body in enumerate(bodies):
        outbox.queue_message(
            session,
            to=member.phone or "",
            body=body,
            kind=OutboxKind.SYSTEM,
            key=f"invite:{member.id}:{stamp}:{index}",
            now=now,
            organisation_id=member.organisation_id,
            member_id=member.id,
        )
    return len(bodies)


def approve_join(session: Session, member: Member, now: datetime) -> int:
    """A coordinator lets in someone who texted JOIN to a group that needs approval: they
    get the consent request now (nothing else until they reply YES)."""
    if member.status != MemberStatus.AWAITING_APPROVAL:
        raise MemberError("this person is not waiting for approval")
    member.status = MemberStatus.PENDING
    member.updated_at = now
    return invite(session, member, now)
