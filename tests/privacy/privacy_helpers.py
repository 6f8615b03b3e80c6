"""Planting recognisable personal data for the privacy tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from smsapp.models import Case, MeetingSeries, Member, MoodScore, Rsvp, User
from smsapp.services.conversation import conversations
from smsapp.services.core import outbox, timers
from smsapp.services.domain import checkins, escalation
from tests.factories import World

NAME = "Zebediah Quartermain"
MOOD_NOTE = "planted mood note: wombat lullaby"
CASE_NOTE = "planted case note: marmalade lighthouse"
OUTBOUND = "planted outbound: periwinkle saxophone"


def member(session: Session, world: World, who: str) -> Member:
    found = session.get(Member, world.members[who].id)
    assert found is not None
    return found


def user(session: Session, world: World, who: str) -> User:
    found = session.get(User, world.users[who].id)
    assert found is not None
    return found


def plant_member_data(session: Session, world: World, who: str, now: datetime) -> Case:
    """A mood note, a resolved case with a note, an RSVP, a flow session, a timer and a
    queued text for ``who``; returns the case."""
    m = member(session, world, who)
    m.name = NAME if who == "sam" else m.name
    checkins.record_mood(session, m, 4, MOOD_NOTE, now)
    case = escalation.open_case(
        session, member=m, urgency="normal", source="talk", reason="asked to talk", now=now
    )
    escalation.resolve(session, case, user(session, world, "carol"), CASE_NOTE, now)
    series = MeetingSeries(
        group_id=m.group_id or world.hope.id,
        title="Tuesday circle",
        start_local="2026-03-03T18:00:00",
        created_at=now,
    )
    session.add(series)
    session.flush()
    session.add(
        Rsvp(
            member_id=m.id,
            series_id=series.id,
            occurrence_start=now + timedelta(days=1),
            answer="yes",
            at=now,
        )
    )
    conversations.start_flow(session, m, "checkin", now)
    timers.schedule(
        session,
        key=f"test:{m.id}:reminder",
        kind="reminder",
        due_at=now + timedelta(days=2),
        now=now,
        member_id=m.id,
    )
    assert m.phone is not None
    outbox.queue_message(
        session,
        to=m.phone,
        body=OUTBOUND,
        kind="scheduled",
        key=f"test:{m.id}:planted",
        now=now,
        due_at=now + timedelta(hours=1),
        organisation_id=m.organisation_id,
        member_id=m.id,
    )
    session.flush()
    return case


def moods_of(session: Session, member_id: int) -> list[MoodScore]:
    return list(
        session.query(MoodScore).filter(MoodScore.member_id == member_id).order_by(MoodScore.id)
    )
