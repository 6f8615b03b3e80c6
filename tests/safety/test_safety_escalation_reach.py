"""Escalation always reaches a person: a policy that reaches nobody is refused; a level
that reaches nobody alarms the coordinators at once and the case goes on up; an empty
policy never spins (one timer per backed-off retry, not one per tick)."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import func, select

from smsapp.models import CaseEvent, Group, Organisation, Timer, User
from smsapp.services.domain import groups, oncall
from smsapp.services.domain.escalation import LevelSpec, PolicyError, set_policy
from tests.factories import PHONES
from tests.safety.safety_helpers import CRISIS, assert_private, cases, minutes, post_status

DEFAULT = [LevelSpec("group_facilitators"), LevelSpec("on_call")]


def _clear_rota(runtime, world) -> None:
    with runtime.session() as s:
        oncall.set_rota(s, s.get(Organisation, world.org.id), [])
        s.commit()


def _no_phone(runtime, user_id: int) -> None:
    with runtime.session() as s:
        user = s.get(User, user_id)
        user.phone, user.phone_hash = None, None
        s.commit()


def _bob_on_call(runtime, world, starts: time = time(0), ends: time = time(0)) -> None:
    with runtime.session() as s:
        shift = oncall.ShiftInput(world.users["bob"].id, tuple(range(7)), starts, ends)
        oncall.set_rota(s, s.get(Organisation, world.org.id), [shift])
        s.commit()


def test_a_policy_that_reaches_nobody_is_refused_and_says_why(runtime, world):
    _clear_rota(runtime, world)
    _no_phone(runtime, world.users["alice"].id)
    with runtime.session() as s:
        hope = s.get(Group, world.hope.id)
        with pytest.raises(PolicyError) as refused:
            set_policy(s, hope, DEFAULT, runtime.now())
    message = str(refused.value)
    assert message.startswith("This policy would reach nobody")
    assert "Level 1 (the group's facilitators): the group has no active facilitator" in message
    assert "level 2 (on call): nobody is on the on-call rota" in message
    with runtime.session() as s:  # someone on the rota is enough
        shift = oncall.ShiftInput(world.users["bob"].id, (5, 6), time(9), time(17))
        oncall.set_rota(s, s.get(Organisation, world.org.id), [shift])
        set_policy(s, s.get(Group, world.hope.id), DEFAULT, runtime.now())


def test_a_chosen_person_without_a_phone_is_named(runtime, world):
    _clear_rota(runtime, world)
    with runtime.session() as s:
        calm = s.get(Group, world.calm.id)
        calm_levels = [LevelSpec("user", world.users["carol"].id), LevelSpec("on_call")]
        carol = s.get(User, world.users["carol"].id)
        carol.active = False
        s.flush()
        with pytest.raises(PolicyError, match="Carol's account is deactivated"):
            set_policy(s, calm, calm_levels, runtime.now())


def test_a_group_cannot_start_when_nobody_could_be_reached(runtime, world):
    _clear_rota(runtime, world)
    with runtime.session() as s:
        data = groups.GroupInput("NEWGRP1", "New", "UTC")
        with pytest.raises(groups.GroupError, match="put someone on call"):
            groups.create_group(s, world.org.id, data, runtime.now())
        s.rollback()
        with_alice = groups.GroupInput("NEWGRP1", "New", "UTC", (world.users["alice"].id,))
        assert groups.create_group(s, world.org.id, with_alice, runtime.now()).id


def test_a_level_that_reaches_nobody_alarms_the_coordinators_at_once(phones, runtime, world):
    _no_phone(runtime, world.users["alice"].id)
    _bob_on_call(runtime, world)
    phones.text("sam", CRISIS)
    phones.drain()
    [case] = cases(runtime)
    [alarm] = phones.received("carol")
    assert alarm.startswith(f"ALARM: URGENT case {case.id} (HOPE) - just opened.")
    assert "level 1 (the group's facilitators): the group has no active facilitator" in alarm
    [alert] = phones.received("bob")  # on call, texted in the same moment
    assert alert.startswith(f"URGENT case {case.id} (HOPE) - just opened - level 2, 1st alert.")
    assert_private([alarm, alert])
    with runtime.session() as s:
        details = [e.detail for e in s.scalars(select(CaseEvent).order_by(CaseEvent.id))]
    assert (
        "Level 1 (the group's facilitators): nobody could be texted - the group has no "
        "active facilitator with a phone number" in details
    )
    assert "Nobody reached: texted 1 person (coordinators)" in details
    assert "Level 2 (on call), round 1: texted 1 person" in details


def test_a_level_whose_texts_all_fail_alarms_and_goes_up_at_once(phones, client, runtime, world):
    _bob_on_call(runtime, world)
    phones.text("sam", CRISIS)
    phones.drain()
    [case] = cases(runtime)
    [sid] = [m.sid for m in phones.transport.sent if m.to == PHONES["alice"]]
    assert post_status(client, runtime, sid, "undelivered", "30003") == 204
    phones.drain()
    [alarm] = phones.received("carol")
    assert "level 1 (the group's facilitators): every text to them failed" in alarm
    assert len(phones.received("bob")) == 1  # at once, not after the 5-minute timeout
    assert f"ACK {case.id}" in phones.received("bob")[0]


def test_an_empty_policy_never_spins_and_finds_the_rota_when_it_fills(
    phones, clock, runtime, world
):
    # The rota covers from 15:40 UTC (the organisation's zone) every day; it is 15:00.
    _no_phone(runtime, world.users["alice"].id)
    _bob_on_call(runtime, world, starts=time(15, 40), ends=time(23, 0))
    phones.text("sam", CRISIS)
    [case] = cases(runtime)
    sent_at: dict[str, list[int]] = {"carol": [], "bob": []}
    for second in range(0, 60 * 60, 10):  # a clock stepped every 10 s for an hour
        phones.drain()
        for who, times in sent_at.items():
            times.extend([second // 60] * (len(phones.received(who)) - len(times)))
        clock.advance(minutes(1 / 6))
    assert sent_at["carol"] == [0]  # one alarm, at once, for however many empty rounds
    # Retries of the empty last level back off (5, 10, 20 minutes): the rota filled at
    # 15:40 and the next retry, at 35 + 40 = 75 min, would text bob; until then none.
    with runtime.session() as s:
        steps = s.scalar(
            select(func.count(Timer.id)).where(Timer.key.like(f"case:{case.id}:step:%"))
        )
        unreachable = s.scalars(
            select(CaseEvent.at).where(
                CaseEvent.case_id == case.id, CaseEvent.kind == "unreachable"
            )
        ).all()
    assert steps == 4  # 0, 5, 15, 35 minutes: one timer per retry, no row per tick
    opened = cases(runtime)[0].opened_at
    retries = sorted({int((at - opened).total_seconds() // 60) for at in unreachable})
    assert retries == [0, 5, 15, 35]
    clock.advance(minutes(40))
    phones.drain()
    assert len(phones.received("bob")) == 1 and "level 2" in phones.received("bob")[0]
