"""The dashboard: how today went, in the organisation's own days, each viewer their reach."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from smsapp.models import Member, Organisation, OutboxMessage
from smsapp.services.conversation import conversations
from smsapp.services.domain import escalation, meetings


def _a_day(world: Any, phones: Any) -> None:
    """Sam and Maria are asked to check in; Sam answers 2, Maria does not. A text to Lee
    failed (phone off); a Hope meeting is tomorrow and Sam said YES; Sam asked to talk."""
    rt = world.runtime
    with rt.session() as s:
        org = s.get(Organisation, world.org.id)
        org.tz = "America/New_York"
        for name in ("sam", "maria"):
            conversations.start_flow(s, s.get(Member, world.members[name].id), "checkin", rt.now())
        s.add(
            OutboxMessage(
                idempotency_key="failed-1",
                organisation_id=world.org.id,
                member_id=world.members["lee"].id,
                to_phone="+447911123413",
                body="Reminder",
                kind="scheduled",
                status="failed",
                error_code="30003",
                due_at=rt.now(),
                created_at=rt.now(),
            )
        )
        meetings.create_series(
            s,
            s.merge(world.hope),
            title="Tuesday circle",
            start_local="2026-03-03T18:30:00",
            rrule="FREQ=WEEKLY;BYDAY=TU",
            now=rt.now(),
        )
        escalation.open_case(
            s,
            member=s.get(Member, world.members["sam"].id),
            urgency="normal",
            source="talk",
            reason="asked to talk",
            now=rt.now() - timedelta(minutes=95),
        )
        s.commit()
    phones.text("sam", "2")


def test_coordinator_sees_how_today_went(browser: Any, world: Any, phones: Any) -> None:
    _a_day(world, phones)
    page = browser("carol").get("/console/dashboard").data.decode()
    assert "50%" in page and "(1 of 2)" in page  # Sam answered, Maria not yet
    assert "Sam" in page and "Hope Circle" in page  # the low mood, named
    assert "asked to talk" in page and "open for 1 h 35 min" in page
    assert "not acknowledged" in page
    assert "phone switched off or out of coverage" in page  # the failed text's reason
    assert "Tuesday circle" in page and "Tue 3 Mar, 6:30 PM New York time" in page
    assert "New York time" in page


def test_facilitator_sees_only_their_groups(browser: Any, world: Any, phones: Any) -> None:
    _a_day(world, phones)
    page = browser("bob").get("/console/dashboard").data.decode()  # bob: Calm Waters only
    assert "Sam" not in page and "asked to talk" not in page and "Tuesday circle" not in page
    assert "phone switched off" in page  # the failed text went to Lee, of bob's group
    assert "(0 of 0)" in page


def test_login_lands_on_the_dashboard(browser: Any, world: Any) -> None:
    response = browser().login("alice")
    assert response.headers["Location"].endswith("/console/dashboard")
