"""Meetings in plain terms: edit and end a series, undo a cancel, and a group's time zone
change that re-plans what is planned in it and says what moved."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from smsapp.models import MeetingSeries, Member, Timer
from smsapp.services.domain import meetings
from smsapp.services.domain.schedule.plain import (
    Repeat,
    describe_offsets,
    describe_series,
    parse_offsets,
    repeat_of,
)

MEETING = {
    "group_id": 0,
    "title": "Circle",
    "location": "Library",
    "first_date": "2026-03-04",
    "start_time": "19:00",
    "duration_minutes": 60,
    "repeat": "weekly",
    "interval": 1,
    "nth": 1,
    "days": ["2"],
    "reminders": ["1440", "120"],
}


def test_plain_terms_both_ways() -> None:
    from datetime import datetime

    start = datetime(2026, 3, 4, 19, 0)
    assert describe_series("FREQ=WEEKLY;BYDAY=WE", start, "America/Chicago") == (
        "Every Wednesday, 7:00 PM Chicago time"
    )
    assert describe_series("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", start, "Europe/London") == (
        "Every 2 weeks on Monday and Thursday, 7:00 PM London time"
    )
    assert describe_series("FREQ=MONTHLY;BYDAY=1MO", start, "UTC") == (
        "The first Monday of every month, 7:00 PM UTC"
    )
    assert describe_series("", start, "America/Chicago").startswith("Once, Wednesday 4 March")
    for repeat in (Repeat("weekly", 2, (0, 3)), Repeat("monthly", 1, (0,), -1), Repeat()):
        assert repeat_of(repeat.to_rrule()) == repeat
    assert describe_offsets([120, 1440]) == "1 day before, 2 hours before"
    assert parse_offsets(["1 day, 2 hours before", "30 min"]) == [1440, 120, 30]


def _series(world: Any) -> MeetingSeries:
    with world.runtime.session() as s:
        return s.scalars(select(MeetingSeries)).one()


def test_edit_then_end_then_restore_a_series(browser: Any, world: Any) -> None:
    b = browser("carol")
    assert (
        b.post("/console/meetings/new", data={**MEETING, "group_id": world.hope.id}).status_code
        == 302
    )
    series = _series(world)
    form = b.get(f"/console/meetings/{series.id}").data.decode()
    assert 'value="Circle"' in form and 'value="19:00"' in form
    edited = {**MEETING, "title": "Evening circle", "interval": 2, "days": ["2", "4"]}
    assert b.post(f"/console/meetings/{series.id}", data=edited).status_code == 302
    page = b.get("/console/meetings").data.decode()
    assert "Every 2 weeks on Wednesday and Friday, 7:00 PM New York time" in page
    b.post(f"/console/meetings/{series.id}/end")
    form = b.get(f"/console/meetings/{series.id}").data.decode()
    assert "This series has ended" in form
    with world.runtime.session() as s:
        pending = s.scalars(
            select(Timer).where(Timer.kind == "reminder", Timer.status == "pending")
        ).all()
        assert pending == []  # no reminders for meetings that will not happen
    b.post(f"/console/meetings/{series.id}/restore")
    assert "End Evening circle" in b.get(f"/console/meetings/{series.id}").data.decode()


def test_a_cancel_can_be_undone_before_anyone_is_texted(
    browser: Any, world: Any, phones: Any
) -> None:
    b = browser("carol")
    b.post("/console/meetings/new", data={**MEETING, "group_id": world.hope.id})
    series = _series(world)
    first = "2026-03-05T00:00:00+00:00"  # Wed 4 Mar 19:00 New York
    url = f"/console/meetings/{series.id}/occurrence"
    b.post(url, data={"original": first, "action": "cancel"})
    page = b.get("/console/meetings").data.decode()
    assert "Circle cancelled" in page and "Undo" in page
    undone = b.post(
        f"/console/meetings/{series.id}/undo", data={"original": first}, follow_redirects=True
    ).data.decode()
    assert "nobody was texted" in undone and "Wed 4 Mar, 7:00 PM New York time" in undone
    world.runtime.clock.advance(timedelta(minutes=5))
    phones.drain()
    assert not any("cancelled" in t for t in phones.received("sam"))
    b.post(url, data={"original": first, "action": "cancel"})
    world.runtime.clock.advance(timedelta(minutes=3))
    phones.drain()
    assert any("cancelled" in t for t in phones.received("sam"))
    late = b.post(
        f"/console/meetings/{series.id}/undo", data={"original": first}, follow_redirects=True
    ).data.decode()
    assert "already told" in late


def test_time_zone_change_replans_and_says_what_moved(browser: Any, world: Any) -> None:
    rt = world.runtime
    with rt.session() as s:
        meetings.create_series(
            s,
            s.merge(world.hope),
            title="Circle",
            start_local="2026-03-04T19:00:00",
            rrule="FREQ=WEEKLY;BYDAY=WE",
            now=rt.now(),
        )
        sam = s.get(Member, world.members["sam"].id)
        sam.tz = "Europe/Paris"  # Sam chose his own zone: he keeps it
        s.commit()
    b = browser("carol")
    data = {
        "code": "HOPE",
        "name": "Hope Circle",
        "tz": "America/Chicago",
        "facilitator_ids": [world.users["alice"].id],
    }
    page = b.post(
        f"/console/groups/{world.hope.id}", data=data, follow_redirects=True
    ).data.decode()
    assert "from New York time to Chicago time" in page and "1 member moved" in page
    assert "Circle was Wed 4 Mar, 6:00 PM, now Wed 4 Mar, 7:00 PM Chicago time" in page
    with rt.session() as s:
        maria = s.get(Member, world.members["maria"].id)
        assert maria.tz == "America/Chicago"
        assert s.get(Member, world.members["sam"].id).tz == "Europe/Paris"
        checkins = s.scalars(
            select(Timer).where(
                Timer.kind == "checkin", Timer.member_id == maria.id, Timer.status == "pending"
            )
        ).all()
        assert len(checkins) == 1  # one, at 19:00 Chicago (01:00 UTC), not two
        assert checkins[0].due_at.hour == 1


def test_group_form_shows_every_problem_at_once(browser: Any, world: Any) -> None:
    page = (
        browser("carol")
        .post("/console/groups/new", data={"code": "x", "name": " ", "tz": "Mars/Base"})
        .data.decode()
    )
    assert "6–20 letters" in page and "This field is required" in page
    assert "unknown time zone" in page and "Mars/Base" in page
    assert "data-error-summary" in page


def test_policy_refusal_keeps_what_was_typed(browser: Any, world: Any) -> None:
    response = browser("carol").post(
        f"/console/groups/{world.hope.id}/policy",
        data={
            "level-0-target": "group_facilitators",
            "level-0-urgent": "7",
            "level-1-target": "on_call",
            "level-1-urgent": "ten",
        },
    )
    page = response.data.decode()
    assert response.status_code == 422
    assert "Level 2: the urgent timeout must be a whole number." in page
    assert 'value="ten"' in page and 'value="7"' in page and "data-error-summary" in page
