"""A member's data, gathered for a copy they asked for (MYDATA), as JSON or CSV.

The export holds what the service keeps about the member themself: profile, consent
records, texts in and out, mood scores, RSVPs and the cases opened about them. It
leaves out other people's data: who acknowledged or resolved a case, responders'
notes (they may name other people) and the texts sent to facilitators.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import (
    Case,
    ConsentRecord,
    Group,
    InboundMessage,
    MeetingSeries,
    Member,
    MoodScore,
    OutboxMessage,
    Rsvp,
)

FORMAT_VERSION = 1
SECTIONS = ("consent", "messages_in", "messages_out", "mood_scores", "rsvps", "cases")
# A spreadsheet runs cells starting with these as formulas; a member's text must not.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_member(session: Session, member_id: int) -> dict[str, Any]:
    """Everything kept about one member, as plain JSON-ready values (times in ISO UTC).

    Raises LookupError if there is no such member.
    """
    member = session.get(Member, member_id)
    if member is None:
        raise LookupError(f"no member {member_id}")
    return {
        "format_version": FORMAT_VERSION,
        "profile": _profile(session, member),
        "consent": _consent(session, member),
        "messages_in": _messages_in(session, member),
        "messages_out": _messages_out(session, member),
        "mood_scores": _moods(session, member),
        "rsvps": _rsvps(session, member),
        "cases": _cases(session, member),
    }


def to_json(export: dict[str, Any]) -> str:
    """The export as a readable JSON document."""
    return json.dumps(export, ensure_ascii=False, indent=2, sort_keys=False)


def to_csv(export: dict[str, Any]) -> str:
    """The export as one CSV in long form: section, row, field, value.

    One file opens in any spreadsheet and keeps every section; values that a
    spreadsheet would run as a formula are prefixed with an apostrophe.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "row", "field", "value"])
    for field, value in export["profile"].items():
        writer.writerow(["profile", 1, field, _cell(value)])
    for section in SECTIONS:
        for number, item in enumerate(export[section], 1):
            for field, value in item.items():
                writer.writerow([section, number, field, _cell(value)])
    return out.getvalue()


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _iso(value: datetime | date | time | None) -> str | None:
    return None if value is None else value.isoformat()


def _profile(session: Session, member: Member) -> dict[str, Any]:
    group = session.get(Group, member.group_id) if member.group_id else None
    return {
        "member_id": member.id,
        "name": member.name,
        "phone": member.phone,
        "language": member.language,
        "time_zone": member.tz,
        "status": member.status,
        "group": group.name if group else None,
        "checkin_time": _iso(member.checkin_time),
        "joined_at": _iso(member.created_at),
        "updated_at": _iso(member.updated_at),
    }


def _consent(session: Session, member: Member) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(ConsentRecord)
        .where(ConsentRecord.member_id == member.id)
        .order_by(ConsentRecord.at, ConsentRecord.id)
    )
    return [
        {
            "at": _iso(r.at),
            "kind": r.kind,
            "method": r.method,
            "disclosure_text": r.disclosure_text,
            "disclosure_version": r.disclosure_version,
        }
        for r in rows
    ]


def _messages_in(session: Session, member: Member) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(InboundMessage)
        .where(InboundMessage.member_id == member.id)
        .order_by(InboundMessage.received_at, InboundMessage.id)
    )
    return [{"at": _iso(r.received_at), "body": r.body, "reply": r.reply} for r in rows]


def _messages_out(session: Session, member: Member) -> list[dict[str, Any]]:
    # Texts to people other than the member (responders) are theirs, not the member's.
    rows = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.member_id == member.id, OutboxMessage.user_id.is_(None))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return [
        {
            "at": _iso(r.sent_at or r.created_at),
            "kind": r.kind,
            "status": r.status,
            "body": r.body,
        }
        for r in rows
        if member.phone is None or r.to_phone in (None, member.phone)
    ]


def _moods(session: Session, member: Member) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(MoodScore)
        .where(MoodScore.member_id == member.id)
        .order_by(MoodScore.at, MoodScore.id)
    )
    return [{"at": _iso(r.at), "score": r.score, "missed": r.missed, "note": r.note} for r in rows]


def _rsvps(session: Session, member: Member) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Rsvp, MeetingSeries.title)
        .join(MeetingSeries, MeetingSeries.id == Rsvp.series_id)
        .where(Rsvp.member_id == member.id)
        .order_by(Rsvp.occurrence_start, Rsvp.id)
    )
    return [
        {
            "meeting": title,
            "meeting_start": _iso(rsvp.occurrence_start),
            "answer": rsvp.answer,
            "answered_at": _iso(rsvp.at),
        }
        for rsvp, title in rows
    ]


def _cases(session: Session, member: Member) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Case).where(Case.member_id == member.id).order_by(Case.opened_at, Case.id)
    )
    return [
        {
            "opened_at": _iso(r.opened_at),
            "urgency": r.urgency,
            "source": r.source,
            "reason": r.reason,
            "status": r.status,
            "acknowledged_at": _iso(r.acked_at),
            "resolved_at": _iso(r.resolved_at),
        }
        for r in rows
    ]
