"""Retention: what an organisation keeps, and for how long.

Each organisation sets how many days message bodies, mood scores and closed cases'
notes are kept. Older bodies are blanked (the row stays, so counts, delivery history
and duplicate detection keep working), older mood scores are deleted, and notes of
cases closed longer ago are blanked. Consent and opt-out records are proof the law
asks for: they are kept at least CONSENT_YEARS after the number's last message.

Work is done in bounded batches (``prune_batch``) so the daily job can commit as it
goes and never holds long locks; ``record_run`` appends the audit row.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from smsapp.models import (
    Case,
    CaseMessage,
    ConsentRecord,
    Group,
    InboundMessage,
    Member,
    MoodScore,
    Organisation,
    OutboxMessage,
)
from smsapp.models.escalations import CaseStatus
from smsapp.models.messages import UNFINISHED
from smsapp.services.core import audit

CONSENT_YEARS = 4
CONSENT_KEEP = timedelta(days=365 * CONSENT_YEARS + 1)  # a leap day never cuts it short
DEFAULT_BATCH_SIZE = 500
# Outbox rows still on their way out keep their body until they are sent or given up.


@dataclass
class RetentionCounts:
    """How many rows each rule touched."""

    inbound_bodies: int = 0
    outbox_bodies: int = 0
    conversation_bodies: int = 0
    mood_scores: int = 0
    case_notes: int = 0
    consent_records: int = 0

    def add(self, other: RetentionCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    def summary(self) -> str:
        """``inbound_bodies=3 outbox_bodies=4 …``: counts only, safe for the audit log."""
        return " ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))


@dataclass(frozen=True)
class Cutoffs:
    bodies: datetime
    moods: datetime
    cases: datetime
    consent: datetime

    @classmethod
    def for_org(cls, org: Organisation, now: datetime) -> Cutoffs:
        return cls(
            bodies=now - timedelta(days=org.retain_bodies_days),
            moods=now - timedelta(days=org.retain_moods_days),
            cases=now - timedelta(days=org.retain_cases_days),
            consent=now - CONSENT_KEEP,
        )


def prune_batch(
    session: Session, org: Organisation, now: datetime, batch_size: int = DEFAULT_BATCH_SIZE
) -> RetentionCounts:
    """Apply every rule to at most ``batch_size`` rows each; all zero means done.

    Not committed: the caller commits each batch and calls again.
    """
    cut = Cutoffs.for_org(org, now)
    return RetentionCounts(
        inbound_bodies=_blank_inbound(session, org.id, cut.bodies, batch_size),
        outbox_bodies=_blank_outbox(session, org.id, cut.bodies, batch_size),
        conversation_bodies=_blank_conversations(session, org.id, cut.bodies, batch_size),
        mood_scores=_delete_moods(session, org.id, cut.moods, batch_size),
        case_notes=_blank_case_notes(session, org.id, cut.cases, batch_size),
        consent_records=_delete_old_consent(session, org.id, cut.consent, batch_size),
    )


def record_run(session: Session, org: Organisation, counts: RetentionCounts, now: datetime) -> None:
    """Append the audit row for one organisation's run (actor "system")."""
    audit.record(
        session,
        actor_user_id=None,
        organisation_id=org.id,
        action="retention",
        subject_type="organisation",
        subject_id=org.id,
        detail=counts.summary(),
        now=now,
    )


def _ids(session: Session, query: Any, batch_size: int) -> list[int]:
    return list(session.scalars(query.limit(batch_size)))


def _apply(session: Session, statement: Any, id_column: Any, ids: list[int]) -> int:
    """Run one batch's UPDATE or DELETE on exactly the rows picked; returns how many."""
    if ids:
        session.execute(
            statement.where(id_column.in_(ids)).execution_options(synchronize_session=False)
        )
    return len(ids)


def _blank_inbound(session: Session, org_id: int, cutoff: datetime, batch_size: int) -> int:
    ids = _ids(
        session,
        select(InboundMessage.id)
        .where(
            InboundMessage.organisation_id == org_id,
            InboundMessage.received_at < cutoff,
            (InboundMessage.body.is_not(None)) | (InboundMessage.reply.is_not(None)),
        )
        .order_by(InboundMessage.id),
        batch_size,
    )
    return _apply(
        session, update(InboundMessage).values(body=None, reply=None), InboundMessage.id, ids
    )


def _blank_outbox(session: Session, org_id: int, cutoff: datetime, batch_size: int) -> int:
    ids = _ids(
        session,
        select(OutboxMessage.id)
        .where(
            OutboxMessage.organisation_id == org_id,
            OutboxMessage.created_at < cutoff,
            OutboxMessage.body.is_not(None),
            OutboxMessage.status.not_in(UNFINISHED),
        )
        .order_by(OutboxMessage.id),
        batch_size,
    )
    return _apply(session, update(OutboxMessage).values(body=None), OutboxMessage.id, ids)


def _blank_conversations(session: Session, org_id: int, cutoff: datetime, batch_size: int) -> int:
    """A case's conversation is kept like any text: its words go after the bodies' time."""
    ids = _ids(
        session,
        select(CaseMessage.id)
        .where(
            CaseMessage.organisation_id == org_id,
            CaseMessage.at < cutoff,
            CaseMessage.body.is_not(None),
        )
        .order_by(CaseMessage.id),
        batch_size,
    )
    return _apply(session, update(CaseMessage).values(body=None), CaseMessage.id, ids)


def _delete_moods(session: Session, org_id: int, cutoff: datetime, batch_size: int) -> int:
    members = select(Member.id).where(Member.organisation_id == org_id)
    groups = select(Group.id).where(Group.organisation_id == org_id)
    ids = _ids(
        session,
        select(MoodScore.id)
        .where(
            or_(MoodScore.member_id.in_(members), MoodScore.group_id.in_(groups)),
            MoodScore.at < cutoff,
        )
        .order_by(MoodScore.id),
        batch_size,
    )
    return _apply(session, delete(MoodScore), MoodScore.id, ids)


def _blank_case_notes(session: Session, org_id: int, cutoff: datetime, batch_size: int) -> int:
    ids = _ids(
        session,
        select(Case.id)
        .where(
            Case.organisation_id == org_id,
            Case.status == CaseStatus.RESOLVED,
            Case.resolved_at < cutoff,
            Case.note.is_not(None),
        )
        .order_by(Case.id),
        batch_size,
    )
    return _apply(session, update(Case).values(note=None), Case.id, ids)


def _delete_old_consent(session: Session, org_id: int, cutoff: datetime, batch_size: int) -> int:
    """Consent records of numbers silent for CONSENT_YEARS: no record, no message since."""
    # A text from the number to any organisation counts as a message: keep rather than lose.
    last_inbound = (
        select(func.max(InboundMessage.received_at))
        .where(InboundMessage.phone_hash == ConsentRecord.phone_hash)
        .scalar_subquery()
    )
    silent_numbers = (
        select(ConsentRecord.phone_hash)
        .where(ConsentRecord.organisation_id == org_id)
        .group_by(ConsentRecord.phone_hash)
        .having(func.max(ConsentRecord.at) < cutoff)
    )
    ids = _ids(
        session,
        select(ConsentRecord.id)
        .where(
            ConsentRecord.organisation_id == org_id,
            ConsentRecord.phone_hash.in_(silent_numbers),
            func.coalesce(last_inbound, ConsentRecord.at) < cutoff,
        )
        .order_by(ConsentRecord.id),
        batch_size,
    )
    return _apply(session, delete(ConsentRecord), ConsentRecord.id, ids)
