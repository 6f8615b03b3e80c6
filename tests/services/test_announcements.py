"""Announcements: who gets one, when (quiet hours in each member's own zone), and what
is refused. The clock starts Monday 2 March 2026, 15:00 UTC (10:00 in New York, where
Hope Circle meets; 23:00 in Shanghai)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from smsapp.models import AuditEntry, Group, Member
from smsapp.services.domain import announcements
from smsapp.services.domain.announcements import AnnouncementError
from tests.factories import Phones, World

TEXT = "Hope Circle meets at the library this week, not the church hall."


def _announce(world: World, body: str = TEXT, at: str = "") -> int:
    rt = world.runtime
    with rt.session() as s:
        group = s.get(Group, world.hope.id)
        assert group is not None
        at_local = announcements.parse_local(at) if at else None
        item = announcements.announce(
            s, group, body, at_local, rt.now(), user_id=world.users["carol"].id
        )
        s.commit()
        return item.id


def _counts(world: World, announcement_id: int) -> dict[str, int]:
    with world.runtime.session() as s:
        return dict(announcements.deliveries(s, [announcement_id])[announcement_id])


def _set(world: World, name: str, **values: object) -> None:
    with world.runtime.session() as s:
        member = s.get(Member, world.members[name].id)
        for key, value in values.items():
            setattr(member, key, value)
        s.commit()


def test_every_active_member_gets_it_once_and_paused_or_opted_out_ones_never(
    world: World, phones: Phones
) -> None:
    from tests.factories import make_member

    with world.runtime.session() as s:
        make_member(s, s.get(Group, world.hope.id), "stranger", status="paused")
        make_member(s, s.get(Group, world.hope.id), "dave", status="opted_out")
        s.commit()

    announcement_id = _announce(world)
    assert _counts(world, announcement_id) == {"queued": 2}
    phones.drain()
    phones.drain()  # a second tick and worker pass send nothing again

    assert phones.received("sam") == [TEXT]
    assert phones.received("maria") == [TEXT]
    assert phones.received("stranger") == [] and phones.received("dave") == []
    assert _counts(world, announcement_id) == {"sent": 2}


def test_a_member_at_23_00_local_gets_it_when_their_quiet_hours_end(
    world: World, phones: Phones, clock: object
) -> None:
    _set(world, "maria", tz="Asia/Shanghai")  # 23:00 there

    announcement_id = _announce(world)
    phones.drain()
    assert phones.received("sam") == [TEXT]
    assert phones.received("maria") == []
    assert _counts(world, announcement_id) == {"sent": 1, "queued": 1}

    clock.set(datetime(2026, 3, 2, 23, 59, tzinfo=UTC))  # 07:59 in Shanghai
    phones.drain()
    assert phones.received("maria") == []
    clock.set(datetime(2026, 3, 3, 0, 0, tzinfo=UTC))  # 08:00 in Shanghai
    phones.drain()
    assert phones.received("maria").count(TEXT) == 1  # (her check-in came at 08:00 too)
    assert phones.received("sam").count(TEXT) == 1


def test_a_member_who_pauses_before_a_later_announcement_is_not_texted(
    world: World, phones: Phones, clock: object
) -> None:
    announcement_id = _announce(world, at="2026-03-02 18:00")  # New York time
    phones.drain()
    assert phones.received("sam") == []

    _set(world, "sam", status="paused")
    clock.set(datetime(2026, 3, 2, 23, 0, tzinfo=UTC))  # 18:00 in New York
    phones.drain()
    assert phones.received("maria") == [TEXT]
    assert phones.received("sam") == []
    assert _counts(world, announcement_id) == {"sent": 1, "not_sent": 1}


def test_preview_names_the_encoding_segments_and_who_is_left_out(world: World) -> None:
    _set(world, "maria", status="opted_out")
    rt = world.runtime
    with rt.session() as s:
        group = s.get(Group, world.hope.id)
        assert group is not None
        plain = announcements.preview(s, group, "x" * 161, None, rt.now())
        curly = announcements.preview(s, group, "See you there \u2019", None, rt.now())
    assert (plain.info.encoding, plain.info.segments) == ("GSM-7", 2)
    assert (curly.info.encoding, curly.info.segments) == ("UCS-2", 1)
    assert (plain.recipients, plain.left_out) == (1, 1)


@pytest.mark.parametrize(
    ("body", "at", "field", "words"),
    [
        ("   ", "", "text", "empty"),
        ("x" * 613, "", "text", "too long"),
        ("\u2764" * 269, "", "text", "too long"),
        (TEXT, "2026-03-02 09:58", "send_at", "already passed"),
        (TEXT, "tomorrow", "send_at", "2026-12-24 18:30"),
    ],
)
def test_bad_input_is_refused_with_a_clear_reason(
    world: World, body: str, at: str, field: str, words: str
) -> None:
    with pytest.raises(AnnouncementError) as refused:
        _announce(world, body, at)
    assert refused.value.field == field
    assert words in str(refused.value)


def test_the_minute_that_has_just_begun_is_still_now_and_it_is_audited(world: World) -> None:
    world.runtime.clock.advance(timedelta(seconds=40))  # type: ignore[attr-defined]
    announcement_id = _announce(world, at="2026-03-02 10:00")
    with world.runtime.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "announce")).one()
    assert entry.actor_user_id == world.users["carol"].id
    assert f"announcement={announcement_id}" in entry.detail
    assert TEXT not in entry.detail
