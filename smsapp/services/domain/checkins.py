"""Mood scores, and the patterns over time that open a case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.flows import actions as act
from smsapp.models import Member, MoodScore
from smsapp.models.escalations import CaseSource, Urgency
from smsapp.services.core.action_handlers import ActionCall, handles
from smsapp.services.domain import escalation

LOW_SCORE = 2
PATTERN_LENGTH = 3


def record_mood(
    session: Session, member: Member, score: int, note: str | None, now: datetime
) -> None:
    session.add(
        MoodScore(member_id=member.id, group_id=member.group_id, score=score, note=note, at=now)
    )
    if score <= LOW_SCORE:  # only a low score can complete a low-score pattern
        session.flush()
        _check_patterns(session, member, now)


def record_missed(session: Session, member: Member, now: datetime) -> None:
    """A check-in went unanswered (its wait timed out)."""
    session.add(
        MoodScore(member_id=member.id, group_id=member.group_id, score=None, missed=True, at=now)
    )
    session.flush()
    _check_patterns(session, member, now)


def recent(session: Session, member_id: int, limit: int = 10) -> list[MoodScore]:
    return list(
        session.scalars(
            select(MoodScore)
            .where(MoodScore.member_id == member_id)
            .order_by(MoodScore.at.desc(), MoodScore.id.desc())
            .limit(limit)
        )
    )


def _check_patterns(session: Session, member: Member, now: datetime) -> None:
    """Three low scores in a row, or three missed check-ins in a row, open a normal case."""
    last = recent(session, member.id, PATTERN_LENGTH)
    if len(last) < PATTERN_LENGTH:
        return
    if all(s.score is not None and s.score <= LOW_SCORE for s in last):
        reason = "three low scores in a row"
    elif all(s.missed for s in last):
        reason = "three missed check-ins in a row"
    else:
        return
    escalation.open_case(
        session,
        member=member,
        urgency=Urgency.NORMAL,
        source=CaseSource.PATTERN,
        reason=reason,
        now=now,
    )


BASELINE_WINDOW = 7
BASELINE_MIN_SCORES = 3


def baseline(session: Session, member_id: int) -> float | None:
    """The mean of the member's last scores (missed check-ins left out), None if too few.

    The check-in flow compares a new score with this, so a member whose usual is 4-5
    gets a caring reply for a 2 or 3 drop before it reaches the fixed low band.
    """
    scored = [s.score for s in recent(session, member_id, BASELINE_WINDOW * 2) if s.score]
    scored = scored[:BASELINE_WINDOW]
    if len(scored) < BASELINE_MIN_SCORES:
        return None
    return sum(scored) / len(scored)


def last_scores(session: Session, member_id: int, limit: int = 7) -> list[int]:
    """The member's last `limit` scores, oldest first (for the MOOD command)."""
    scored = [s.score for s in recent(session, member_id, limit * 3) if s.score is not None]
    return list(reversed(scored[:limit]))


def add_note(session: Session, member: Member, note: str, now: datetime) -> None:
    """Attach the member's few words to their latest score (the check-in follow-up)."""
    latest = next((s for s in recent(session, member.id, 1) if s.score is not None), None)
    if latest is not None:
        latest.note = (f"{latest.note}; {note}" if latest.note else note)[:500]


@handles(act.RecordMood)
def _record_mood_action(call: ActionCall, action: act.RecordMood) -> None:
    record_mood(call.session, call.member, action.score, action.note, call.now)


@handles(act.AddNote)
def _add_note_action(call: ActionCall, action: act.AddNote) -> None:
    add_note(call.session, call.member, action.note, call.now)
