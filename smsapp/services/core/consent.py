"""Consent: opting in (with the exact disclosure shown) and opting out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from smsapp.models import ConsentRecord, FlowSession, Member, OutboxMessage, Timer
from smsapp.models.consent import ConsentKind
from smsapp.models.members import MemberStatus
from smsapp.models.messages import OutboxKind, OutboxStatus
from smsapp.models.timers import TimerStatus


def record_opt_in(
    session: Session, member: Member, now: datetime, *, method: str, disclosure: str, version: str
) -> ConsentRecord:
    """The member said YES to the disclosure they were shown: they become active."""
    member.status = MemberStatus.ACTIVE
    member.updated_at = now
    record = ConsentRecord(
        organisation_id=member.organisation_id,
        member_id=member.id,
        phone_hash=member.phone_hash,
        kind=ConsentKind.OPT_IN,
        method=method,
        disclosure_text=disclosure,
        disclosure_version=version,
        at=now,
    )
    session.add(record)
    return record


def opt_out(
    session: Session, member: Member, now: datetime, *, method: str, confirm: bool = True
) -> None:
    """Stop everything for this member: sessions end, timers and queued texts are cancelled."""
    member.status = MemberStatus.OPTED_OUT
    member.updated_at = now
    session.add(
        ConsentRecord(
            organisation_id=member.organisation_id,
            member_id=member.id,
            phone_hash=member.phone_hash,
            kind=ConsentKind.OPT_OUT,
            method=method,
            at=now,
        )
    )
    stop_automation(session, member.id)


def stop_automation(session: Session, member_id: int) -> None:
    """End open flows, cancel pending timers and unsent texts (crisis texts excepted)."""
    session.execute(
        update(FlowSession)
        .where(FlowSession.member_id == member_id, FlowSession.active.is_(True))
        .values(active=False)
    )
    session.execute(
        update(Timer)
        .where(Timer.member_id == member_id, Timer.status == TimerStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED)
    )
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.member_id == member_id,
            OutboxMessage.status == OutboxStatus.QUEUED,
            OutboxMessage.kind != OutboxKind.CRISIS,
        )
        .values(status=OutboxStatus.CANCELLED)
    )
