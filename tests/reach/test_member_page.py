"""The member page: the member's group facilitators and the coordinators see name, group,
status, moods, check-in answers, RSVPs, cases and the texts both ways in the member's
local time; everyone else gets 404; every view is audited."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from smsapp.models import AuditEntry, Member
from smsapp.services.domain import escalation, meetings, rsvps
from smsapp.services.domain.checkins import record_mood


def _sam_with_history(world: Any, phones: Any) -> int:
    rt = world.runtime
    with rt.session() as s:
        sam = s.get(Member, world.members["sam"].id)
        for days_ago, score in ((3, 4), (2, 2), (1, 3)):
            record_mood(
                s,
                sam,
                score,
                "slept badly" if score == 2 else None,
                rt.now() - timedelta(days=days_ago),
            )
        series = meetings.create_series(
            s,
            s.merge(world.hope),
            title="Tuesday circle",
            start_local="2026-03-03T18:30:00",
            rrule="FREQ=WEEKLY;BYDAY=TU",
            now=rt.now(),
        )
        s.flush()
        occurrence = datetime.fromisoformat("2026-03-03T23:30:00+00:00")
        rsvps.record(s, sam, series.id, occurrence, "yes", rt.now())
        escalation.open_case(
            s, member=sam, urgency="normal", source="talk", reason="asked to talk", now=rt.now()
        )
        s.commit()
    phones.text("sam", "HELP")
    return world.members["sam"].id


def test_a_facilitator_of_the_group_sees_everything_in_local_time(
    browser: Any, world: Any, phones: Any
) -> None:
    sam_id = _sam_with_history(world, phones)
    page = browser("alice").get(f"/console/members/{sam_id}").data.decode()
    assert "Sam" in page and "Hope Circle" in page and "active" in page
    assert "•" in page and "0111" in page and "+12025550111" not in page  # masked
    assert 'id="mood-chart"' in page and "slept badly" in page
    assert "Tuesday circle" in page and "YES" in page
    assert "Tue 3 Mar 2026, 6:30 PM EST" in page  # the meeting, in New York time
    assert "asked to talk" in page and "Case #" in page
    assert "HELP" in page  # Sam's text…
    assert "Mon 2 Mar 2026, 10:00 AM EST" in page  # …received 15:00 UTC, shown at 10:00 EST
    assert "America/New_York" in page
    assert "/edit" not in page  # editing is for coordinators


def test_every_view_is_audited(browser: Any, world: Any, phones: Any) -> None:
    sam_id = _sam_with_history(world, phones)
    browser("alice").get(f"/console/members/{sam_id}")
    browser("carol").get(f"/console/members/{sam_id}")
    with world.runtime.session() as s:
        rows = s.execute(
            select(AuditEntry.actor_user_id, AuditEntry.action).where(
                AuditEntry.subject_id == sam_id, AuditEntry.action.like("view_%")
            )
        ).all()
    for who in ("alice", "carol"):
        actions = {a for u, a in rows if u == world.users[who].id}
        assert actions == {"view_member", "view_scores", "view_messages"}


def test_coordinators_see_it_with_an_edit_link(browser: Any, world: Any, phones: Any) -> None:
    sam_id = _sam_with_history(world, phones)
    page = browser("carol").get(f"/console/members/{sam_id}").data.decode()
    assert "Sam" in page and f"/console/members/{sam_id}/edit" in page


def test_others_get_404_and_nothing_is_audited(browser: Any, world: Any, phones: Any) -> None:
    sam_id = _sam_with_history(world, phones)
    for who in ("bob", "dave"):  # another group's facilitator; another organisation
        response = browser(who).get(f"/console/members/{sam_id}")
        assert response.status_code == 404 and b"Sam" not in response.data
    assert browser("alice").get("/console/members/999999").status_code == 404
    with world.runtime.session() as s:
        viewers = set(
            s.scalars(select(AuditEntry.actor_user_id).where(AuditEntry.subject_id == sam_id))
        )
    assert world.users["bob"].id not in viewers and world.users["dave"].id not in viewers


def test_the_member_list_links_names_for_facilitators(
    browser: Any, world: Any, phones: Any
) -> None:
    sam_id = _sam_with_history(world, phones)
    page = browser("alice").get("/console/members").data.decode()
    assert f'href="/console/members/{sam_id}"' in page
