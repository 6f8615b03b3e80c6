"""Erasure on a member's request: DELETE, then DELETE YES within 24 hours.

Erasing removes the member's texts (in and out), mood scores, RSVPs, flow sessions,
timers and profile. What stays is what the law asks for: the consent and opt-out
records (with the keyed phone hash, never the number), an opt-out record of the
erasure itself, the audit trail, and cases with the member unlinked and their notes
blanked (an organisation must still be able to count the escalations it handled).

The member row stays as an empty shell with status "erased" so consent records keep
their reference; its phone hash is replaced, so the number is unknown again and a
new JOIN creates a new member.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, event, or_, select, update
from sqlalchemy.orm import Session

from smsapp.models import (
    AuditEntry,
    Call,
    Case,
    CaseEvent,
    CaseMessage,
    ConsentRecord,
    FlowSession,
    InboundMessage,
    Member,
    MoodScore,
    OutboxMessage,
    Rsvp,
    Timer,
)
from smsapp.models.consent import ConsentKind
from smsapp.models.members import MemberStatus
from smsapp.models.messages import OutboxKind
from smsapp.services.core import audit

CONFIRM_WINDOW = timedelta(hours=24)
REQUESTED = "erasure_requested"
ERASED = "erase_member"
_ERASED_IN_SESSION = "erased_member_ids"


@dataclass(frozen=True)
class ErasureReport:
    """How many rows of each kind were removed (counts only: safe to log and audit)."""

    messages_in: int
    messages_out: int
    mood_scores: int
    rsvps: int
    flow_sessions: int
    timers: int
    cases_unlinked: int

    def summary(self) -> str:
        return (
            f"in={self.messages_in} out={self.messages_out} moods={self.mood_scores} "
            f"rsvps={self.rsvps} flows={self.flow_sessions} timers={self.timers} "
            f"cases={self.cases_unlinked}"
        )


def request_confirmation(session: Session, member: Member, now: datetime) -> None:
    """Remember that the member asked; DELETE YES within 24 h confirms."""
    audit.record(
        session,
        actor_user_id=None,
        organisation_id=member.organisation_id,
        action=REQUESTED,
        subject_type="member",
        subject_id=member.id,
        now=now,
        actor="member",
    )


def confirmation_pending(session: Session, member: Member, now: datetime) -> bool:
    """True if the member texted DELETE in the last 24 hours."""
    asked = session.scalar(
        select(AuditEntry.id)
        .where(
            AuditEntry.action == REQUESTED,
            AuditEntry.subject_type == "member",
            AuditEntry.subject_id == member.id,
            AuditEntry.at > now - CONFIRM_WINDOW,
            AuditEntry.at <= now,
        )
        .limit(1)
    )
    return asked is not None


def erase_member(
    session: Session,
    member: Member,
    now: datetime,
    *,
    actor: str,
    actor_user_id: int | None = None,
) -> ErasureReport:
    """Erase the member's messages, scores and profile; keep consent and opt-out records.

    ``actor`` is "member" for a DELETE by text, or "user:<id>" (with ``actor_user_id``)
    when a coordinator erases from the console. Not committed.
    """
    _record_opt_out(session, member, now)
    messages_in, messages_out = _delete_messages(session, member)
    report = ErasureReport(
        messages_in=messages_in,
        messages_out=messages_out,
        mood_scores=_delete(session, MoodScore, MoodScore.member_id == member.id),
        rsvps=_delete(session, Rsvp, Rsvp.member_id == member.id),
        flow_sessions=_delete(session, FlowSession, FlowSession.member_id == member.id),
        timers=_delete(session, Timer, Timer.member_id == member.id),
        cases_unlinked=_unlink_cases(session, member.id, now),
    )
    _blank_profile(member, now)
    session.info.setdefault(_ERASED_IN_SESSION, set()).add(member.id)
    audit.record(
        session,
        actor_user_id=actor_user_id,
        organisation_id=member.organisation_id,
        action=ERASED,
        subject_type="member",
        subject_id=member.id,
        detail=report.summary(),
        now=now,
        actor=actor,
    )
    return report


def _record_opt_out(session: Session, member: Member, now: datetime) -> None:
    # Proof that this number asked to hear nothing more, kept with the hash only.
    session.add(
        ConsentRecord(
            organisation_id=member.organisation_id,
            member_id=member.id,
            phone_hash=member.phone_hash,
            kind=ConsentKind.OPT_OUT,
            method="erasure",
            at=now,
        )
    )


def _delete(session: Session, model: Any, *conditions: Any) -> int:
    result = session.execute(
        delete(model).where(*conditions).execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _delete_messages(session: Session, member: Member) -> tuple[int, int]:
    """Texts from and to the member, including those before they were known (their JOIN),
    and their cases' conversations (the facilitators' copies of the member's words too)."""
    inbound_rows = or_(
        InboundMessage.member_id == member.id,
        (InboundMessage.member_id.is_(None))
        & (InboundMessage.phone_hash == member.phone_hash)
        & (
            (InboundMessage.organisation_id == member.organisation_id)
            | InboundMessage.organisation_id.is_(None)
        ),
    )
    sids = list(session.scalars(select(InboundMessage.message_sid).where(inbound_rows)))
    outbound = _delete_conversations(session, member.id)
    outbound += _delete(session, OutboxMessage, OutboxMessage.member_id == member.id)
    # Inline answers to texts sent before the member existed carry no member id.
    outbound += sum(
        _delete(session, OutboxMessage, OutboxMessage.idempotency_key.in_(keys))
        for keys in _chunks([f"inline:{sid}" for sid in sids], 500)
    )
    return _delete(session, InboundMessage, inbound_rows), outbound


def _delete_conversations(session: Session, member_id: int) -> int:
    """A case's conversation is the member's data: its messages, and the texts that
    carried the member's words to a facilitator (rows without the member's id)."""
    case_ids = select(Case.id).where(Case.member_id == member_id)
    session.execute(
        update(Call)
        .where(Call.member_id == member_id)
        .values(member_id=None)
        .execution_options(synchronize_session="fetch")
    )
    _delete(
        session,
        CaseMessage,
        or_(CaseMessage.member_id == member_id, CaseMessage.case_id.in_(case_ids)),
    )
    return _delete(
        session,
        OutboxMessage,
        OutboxMessage.case_id.in_(case_ids),
        OutboxMessage.kind == OutboxKind.RELAY,
        OutboxMessage.member_id.is_(None),
    )


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _unlink_cases(session: Session, member_id: int, now: datetime) -> int:
    case_ids = list(session.scalars(select(Case.id).where(Case.member_id == member_id)))
    if not case_ids:
        return 0
    session.execute(
        update(Case)
        .where(Case.id.in_(case_ids))
        .values(member_id=None, note=None)
        .execution_options(synchronize_session="fetch")
    )
    for case_id in case_ids:
        session.add(CaseEvent(case_id=case_id, at=now, kind="member_erased", detail=""))
    return len(case_ids)


def _blank_profile(member: Member, now: datetime) -> None:
    member.name = None
    member.phone = None
    member.phone_last4 = ""
    # Not a hex digest, so it can never match a lookup: the number is unknown again.
    member.phone_hash = f"erased:{member.id}"
    member.group_id = None
    member.checkin_time = None
    member.automation_paused = False
    member.status = MemberStatus.ERASED
    member.updated_at = now


@event.listens_for(Session, "before_flush")
def _nothing_kept_after_erasure(session: Session, _context: Any, _instances: Any) -> None:
    """Rows the same request writes after erasing (the DELETE YES text and its inline
    answer) keep no body and no number."""
    erased: set[int] = session.info.get(_ERASED_IN_SESSION, set())
    if not erased:
        return
    for obj in session.new:
        if isinstance(obj, InboundMessage) and obj.member_id in erased:
            obj.body = None
            obj.reply = None
        elif isinstance(obj, OutboxMessage) and obj.member_id in erased:
            obj.body = None
            obj.to_phone = None


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_erased(session: Session) -> None:
    session.info.pop(_ERASED_IN_SESSION, None)
