"""The sandbox is sealed: the simulator acts only inside its own sandbox group, real
phones never reach it, and its rows never show in real lists, case queues or logs."""

from __future__ import annotations

from sqlalchemy import func, select

from smsapp.models import Case, Group, Member, OutboxMessage
from smsapp.sandbox import simulator
from smsapp.services.domain import visibility

CRISIS = "I can't do this anymore"


def _sandbox(runtime, world):
    with runtime.session() as s:
        box = simulator.ensure_sandbox(s, world.org.id, runtime.now(), active=True)
        s.commit()
    return box


def _members(runtime) -> int:
    with runtime.session() as s:
        return int(s.scalar(select(func.count(Member.id))) or 0)


def test_the_simulator_cannot_join_a_real_group_of_any_organisation(runtime, world):
    box = _sandbox(runtime, world)
    before = _members(runtime)
    for code in ("HOPE", "CALM", "OTHER"):  # its own organisation's and another's
        reply = simulator.send_text(runtime, box, "member", f"JOIN {code}")
        assert reply is not None and "no group has the code" in reply
    assert _members(runtime) == before


def test_a_real_phone_cannot_join_the_sandbox_or_reach_its_people(phones, runtime, world):
    box = _sandbox(runtime, world)
    assert "no group has the code" in (phones.text("stranger", f"JOIN {box.code}") or "")
    # A text from the simulated member's number over the real line finds no one.
    assert "JOIN" in (phones.text(box.member_phone, "HELP") or "")
    assert "JOIN" in (phones.text(box.facilitator_phone, "ACK") or "")


def test_sandbox_cases_members_and_texts_stay_out_of_real_lists(phones, runtime, world):
    box = _sandbox(runtime, world)
    simulator.send_text(runtime, box, "member", CRISIS)
    phones.text("sam", "TALK")
    phones.drain()
    with runtime.session() as s:
        carol = s.merge(world.users["carol"])
        all_cases = list(s.scalars(select(Case)))
        real_cases = list(s.scalars(select(Case).where(visibility.cases_filter(carol))))
        members = list(s.scalars(select(Member).where(visibility.members_filter(carol))))
        texts = list(s.scalars(select(OutboxMessage).where(visibility.outbox_filter(carol))))
    assert any(c.group_id == box.group_id for c in all_cases) or len(all_cases) == 1
    assert [c.member_id for c in real_cases] == [world.members["sam"].id]
    assert box.member_id not in {m.id for m in members}
    assert texts and all(
        t.member_id != box.member_id and t.user_id != box.facilitator_id for t in texts
    )


def test_the_sandbox_group_is_not_in_real_group_lists(runtime, world):
    _sandbox(runtime, world)
    with runtime.session() as s:
        carol = s.merge(world.users["carol"])
        codes = sorted(s.scalars(select(Group.code).where(visibility.groups_filter(carol))))
    assert codes == ["CALM", "HOPE"]


def test_another_organisations_coordinator_gets_their_own_sandbox(runtime, world):
    box = _sandbox(runtime, world)
    with runtime.session() as s:
        other = simulator.ensure_sandbox(s, world.other_org.id, runtime.now(), active=True)
        s.commit()
    assert other.group_id != box.group_id
    reply = simulator.send_text(runtime, other, "member", f"JOIN {box.code}")
    assert reply is not None and "no group has the code" in reply
