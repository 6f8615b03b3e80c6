"""Escalation texts that inform without flooding, on a clock stepped every 30 seconds:
repeats back off (5, 10, 20, 40, 40 … minutes), each text says the level, the alert and
how long the case has been open, and one person gets at most 4 texts about a case in
any hour; the case page shows the rest of the trail in plain words."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from smsapp.flows.segments import segment_info
from smsapp.models import CaseEvent, Group
from smsapp.services.domain.escalation import LevelSpec, set_policy
from tests.safety.safety_helpers import CRISIS, assert_private, cases

STEP = timedelta(seconds=30)


def _run(phones, clock, who: tuple[str, ...], hours: float) -> dict[str, list[float]]:
    """Step the clock every 30 s, draining each time; when (minutes after the crisis)
    each person's texts arrived."""
    arrived: dict[str, list[float]] = {w: [] for w in who}
    for step in range(int(hours * 3600 / STEP.total_seconds()) + 1):
        phones.drain()
        for w, times in arrived.items():
            times.extend([step / 2] * (len(phones.received(w)) - len(times)))
        clock.advance(STEP)
    return arrived


def _most_in_an_hour(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 60) for start in times)


def test_repeats_back_off_and_say_where_the_case_is(phones, clock, runtime, world):
    phones.text("sam", CRISIS)
    [case] = cases(runtime)
    arrived = _run(phones, clock, ("alice", "carol"), hours=3)
    assert arrived["alice"] == [0]
    assert arrived["carol"] == [5, 10, 20, 40, 80, 120, 160]
    gaps = [b - a for a, b in zip(arrived["carol"], arrived["carol"][1:], strict=False)]
    assert gaps == [5, 10, 20, 40, 40, 40]  # doubling, capped at 8 x the 5-minute timeout
    carol = phones.received("carol")
    assert carol[0].startswith(f"URGENT case {case.id} (HOPE) - open 5 min - level 2, 1st alert.")
    assert carol[1].startswith(f"ALARM: URGENT case {case.id} (HOPE) - open 10 min.")
    assert carol[2].startswith(f"URGENT case {case.id} (HOPE) - open 20 min - level 2, 3rd alert.")
    assert carol[5].startswith(f"URGENT case {case.id} (HOPE) - open 2 h - level 2, 6th alert.")
    assert _most_in_an_hour(arrived["carol"]) <= 4
    assert_private(carol + phones.received("alice"))
    for body in carol + phones.received("alice"):
        assert segment_info(body).encoding == "GSM-7", body


def test_one_person_gets_at_most_four_texts_an_hour_and_the_trail_says_so(
    phones, clock, runtime, world
):
    alice = world.users["alice"].id
    with runtime.session() as s:
        levels = [
            LevelSpec("user", alice, repeats=3),
            LevelSpec("group_facilitators", repeats=3),
            LevelSpec("on_call"),
        ]
        set_policy(s, s.get(Group, world.hope.id), levels, clock.now())
        s.commit()
    phones.text("sam", CRISIS)
    [case] = cases(runtime)
    arrived = _run(phones, clock, ("alice", "carol"), hours=1.5)
    # alice: level 1 at 0, 5, 15; level 2 at 35, then held back at 40 and 50.
    assert arrived["alice"] == [0, 5, 15, 35]
    assert arrived["carol"] == [70, 75, 85]  # level 3 still comes on time
    assert _most_in_an_hour(arrived["alice"]) == 4
    with runtime.session() as s:
        details = [
            e.detail for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))
        ]
    held = "; 1 person not texted again (4 texts this hour)"
    assert f"Level 2 (the group's facilitators), round 2: texted nobody new{held}" in details
    assert "Level 2 (the group's facilitators), round 3: texted nobody new" + held in details
    assert "Level 1 (Alice), round 2: texted 1 person" in details
