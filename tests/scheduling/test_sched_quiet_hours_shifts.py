"""Quiet hours in the member's own zone: reminders move earlier, check-ins move later."""

from __future__ import annotations

from datetime import UTC, datetime, time

from smsapp.models import Group, Organisation
from smsapp.services.domain import meetings
from tests.scheduling.sched_helpers import run_until, sent_to, set_group, set_member, weekly_meeting


def checkins(runtime, member):
    return [r for r in sent_to(runtime, member) if r.body.startswith(("Hi ", "Hola "))]


def reminders(runtime, member):
    return [r for r in sent_to(runtime, member) if r.body.startswith(("Reminder", "Recordatorio"))]


def test_a_reminder_in_quiet_hours_comes_the_evening_before(phones, clock, runtime, world):
    set_group(runtime, world.hope, checkin_days="")
    with runtime.session() as s:
        meetings.create_one_off(
            s,
            s.get(Group, world.hope.id),
            title="Early",
            start_local="2026-03-04T08:30",
            now=clock.now(),
        )
        s.commit()
    run_until(phones, clock, runtime, datetime(2026, 3, 4, 14, 0, tzinfo=UTC))
    sent = [r.sent_at for r in reminders(runtime, world.members["sam"])]
    # 24 h before is 08:30 Tue; 2 h before would be 06:30 Wed, so it goes at 20:59 Tue.
    assert sent == [
        datetime(2026, 3, 3, 13, 30, tzinfo=UTC),
        datetime(2026, 3, 4, 1, 59, tzinfo=UTC),
    ]


def test_a_check_in_in_quiet_hours_comes_in_the_morning(phones, clock, runtime, world):
    assert "23:00" in phones.text("sam", "TIME 11PM")
    run_until(phones, clock, runtime, datetime(2026, 3, 4, 18, 0, tzinfo=UTC))
    sent = [r.sent_at for r in checkins(runtime, world.members["sam"])]
    assert sent == [
        datetime(2026, 3, 3, 13, 0, tzinfo=UTC),
        datetime(2026, 3, 4, 13, 0, tzinfo=UTC),
    ]
    assert len(checkins(runtime, world.members["maria"])) == 2  # the group's 19:00 time


def test_member_in_another_zone_than_the_group(phones, clock, runtime, world):
    set_member(runtime, world.members["sam"], tz="Europe/London")
    weekly_meeting(runtime, world.hope, "2026-03-03T18:00", clock)
    run_until(phones, clock, runtime, datetime(2026, 3, 3, 23, 30, tzinfo=UTC))
    sam = world.members["sam"]
    # 19:00 in New York is midnight in London: the check-in waits for 08:00 London.
    assert [r.sent_at for r in checkins(runtime, sam)] == [datetime(2026, 3, 3, 8, 0, tzinfo=UTC)]
    # The meeting is 23:00 London; both reminders would land in London's night.
    assert [r.sent_at for r in reminders(runtime, sam)] == [
        datetime(2026, 3, 2, 20, 59, tzinfo=UTC),
        datetime(2026, 3, 3, 20, 59, tzinfo=UTC),
    ]
    assert "Tue 3 Mar, 11:00 PM" in reminders(runtime, sam)[0].body  # in the member's zone
    maria = world.members["maria"]
    assert [r.sent_at for r in reminders(runtime, maria)] == [
        datetime(2026, 3, 2, 23, 0, tzinfo=UTC),
        datetime(2026, 3, 3, 21, 0, tzinfo=UTC),
    ]


def test_organisation_quiet_hours_can_only_be_stricter(phones, clock, runtime, world):
    with runtime.session() as s:
        org = s.get(Organisation, world.org.id)
        org.quiet_start, org.quiet_end = time(18, 0), time(9, 0)
        s.commit()
    run_until(phones, clock, runtime, datetime(2026, 3, 3, 18, 0, tzinfo=UTC))
    assert [r.sent_at for r in checkins(runtime, world.members["sam"])] == [
        datetime(2026, 3, 3, 14, 0, tzinfo=UTC)  # 09:00 local, not 19:00
    ]


def test_laxer_organisation_quiet_hours_are_ignored(phones, clock, runtime, world):
    with runtime.session() as s:
        org = s.get(Organisation, world.org.id)
        org.quiet_start, org.quiet_end = time(23, 0), time(6, 0)
        s.commit()
    phones.text("sam", "TIME 9:30pm")
    run_until(phones, clock, runtime, datetime(2026, 3, 3, 18, 0, tzinfo=UTC))
    assert [r.sent_at for r in checkins(runtime, world.members["sam"])] == [
        datetime(2026, 3, 3, 13, 0, tzinfo=UTC)  # 08:00 local: 21:30 is still quiet
    ]
