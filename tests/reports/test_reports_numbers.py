"""Report numbers on seeded data: weeks in the group's own zone, sandbox groups left out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from smsapp.models import Case, Group, MeetingSeries, MoodScore, Rsvp
from smsapp.services.domain import reports
from tests.factories import World, make_member

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # Monday 10:00 in New York


def _mood(s, member, group_id, at, score=None):
    s.add(
        MoodScore(member_id=member.id, group_id=group_id, score=score, missed=score is None, at=at)
    )


@pytest.fixture
def seeded(world: World) -> World:
    with world.runtime.session() as s:
        sam, maria = s.merge(world.members["sam"]), s.merge(world.members["maria"])
        hope = world.hope.id
        _mood(s, sam, hope, NOW - timedelta(days=9), 1)  # Sat 21 Feb: week of 16 Feb
        _mood(s, maria, hope, NOW - timedelta(days=9))  # missed
        # Sun 1 Mar 23:30 in New York is already Monday in UTC: still last week locally.
        _mood(s, sam, hope, datetime(2026, 3, 2, 4, 30, tzinfo=UTC), 4)
        _mood(s, maria, hope, datetime(2026, 2, 25, 23, 0, tzinfo=UTC), 5)
        _mood(s, sam, hope, NOW - timedelta(hours=2), 3)  # this week
        sandbox = Group(
            organisation_id=world.org.id,
            code="SBX",
            name="Sandbox",
            tz="UTC",
            sandbox=True,
            created_at=NOW,
        )
        s.add(sandbox)
        s.flush()
        _mood(s, sam, sandbox.id, NOW - timedelta(hours=1), 1)
        s.commit()
    return world


def test_weekly_mood_and_response_rate(seeded):
    with seeded.runtime.session() as s:
        report = reports.group_report(s, seeded.hope.id, NOW, weeks=3)
    assert [
        (str(w.week_start), w.mean, w.scores, w.missed, w.response_rate) for w in report.weeks
    ] == [
        ("2026-02-16", 1.0, 1, 1, 0.5),
        ("2026-02-23", 4.5, 2, 0, 1.0),
        ("2026-03-02", 3.0, 1, 0, 1.0),
    ]


def test_sandbox_groups_are_left_out(seeded):
    with seeded.runtime.session() as s:
        by_group = reports.mood_by_group(s, seeded.org.id, NOW, weeks=1)
        sandbox_id = s.query(Group.id).filter(Group.code == "SBX").scalar()
        assert set(by_group) == {seeded.hope.id, seeded.calm.id}
        assert by_group[seeded.calm.id][0].asked == 0
        with pytest.raises(LookupError):
            reports.group_report(s, sandbox_id, NOW)


def test_rsvp_counts_per_meeting(world):
    first = datetime(2026, 2, 24, 23, 0, tzinfo=UTC)
    second = first + timedelta(weeks=1)
    with world.runtime.session() as s:
        series = MeetingSeries(
            group_id=world.hope.id,
            title="Tuesday circle",
            start_local="2026-02-24T18:00:00",
            created_at=NOW,
        )
        s.add(series)
        stranger = make_member(s, s.merge(world.hope), "stranger")
        s.flush()
        people = [world.members["sam"].id, world.members["maria"].id, stranger.id]
        for member_id, answer in zip(people, ["yes", "yes", "no"], strict=True):
            s.add(
                Rsvp(
                    member_id=member_id,
                    series_id=series.id,
                    occurrence_start=first,
                    answer=answer,
                    at=NOW,
                )
            )
        s.add(
            Rsvp(
                member_id=people[0],
                series_id=series.id,
                occurrence_start=second,
                answer="later",
                at=NOW,
            )
        )
        s.commit()
        meetings = reports.group_report(s, world.hope.id, NOW, weeks=2).meetings
    assert [(m.title, m.occurrence_start, m.yes, m.no, m.later) for m in meetings] == [
        ("Tuesday circle", first, 2, 1, 0),
        ("Tuesday circle", second, 0, 0, 1),
    ]


def test_time_to_acknowledge_median_and_p95(world):
    with world.runtime.session() as s:
        for minutes in (2, 4, 10, 30, None):
            opened = NOW - timedelta(days=1)
            s.add(
                Case(
                    organisation_id=world.org.id,
                    group_id=world.hope.id,
                    urgency="normal",
                    source="talk",
                    reason="r",
                    status="acked" if minutes else "open",
                    opened_at=opened,
                    acked_at=opened + timedelta(minutes=minutes) if minutes else None,
                )
            )
        s.commit()
        ack = reports.group_report(s, world.hope.id, NOW).ack
    assert (ack.acked, ack.unacked, ack.median_minutes, ack.p95_minutes) == (4, 1, 7.0, 27.0)


def test_percentile_interpolates_between_ranks():
    assert reports.percentile([], 95) is None
    assert reports.percentile([5.0], 95) == 5.0
    assert reports.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert reports.percentile(list(map(float, range(1, 101))), 95) == pytest.approx(95.05)
