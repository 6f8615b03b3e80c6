"""Escalation transcripts: levels, timeouts, repeats, ACK, DONE, and who may act on a case."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from smsapp.models import Case, CaseEvent, Group, User
from smsapp.receive import receive_sms
from smsapp.services.core import directory
from smsapp.services.domain.escalation import (
    LevelSpec,
    PolicyError,
    set_policy,
    time_to_acknowledge,
)
from tests.factories import ORG_NUMBER, OTHER_NUMBER, PHONES
from tests.safety.safety_helpers import CRISIS, assert_private, cases, minutes


def test_unacknowledged_urgent_case_runs_through_every_level(phones, clock, world):
    phones.text("sam", CRISIS)
    [case] = cases(world.runtime)
    phones.drain()
    assert len(phones.received("alice")) == 1 and phones.received("carol") == []
    clock.advance(minutes(4))
    phones.drain()
    assert phones.received("carol") == []  # not before the urgent timeout
    clock.advance(minutes(1))
    phones.drain()
    assert len(phones.received("carol")) == 1 and len(phones.received("alice")) == 1
    clock.advance(minutes(5))
    phones.drain()
    carol = phones.received("carol")
    # The last level again: carol is also the coordinator, so the alarm is her one text.
    assert len(carol) == 2 and carol[-1].startswith(f"ALARM: URGENT case {case.id} (HOPE)")
    assert f"ACK {case.id}" in carol[-1] and "nobody has taken it" in carol[-1]
    assert any("988" in body for body in phones.received("sam"))  # resources again
    clock.advance(minutes(9))
    phones.drain()
    assert len(phones.received("carol")) == 2  # the repeats back off: 10 minutes now
    clock.advance(minutes(1))
    phones.drain()
    assert len(phones.received("carol")) == 3  # and again, backing off, until an ACK
    assert phones.received("dave") == [] and phones.received("bob") == []
    assert_private(phones.received("alice") + phones.received("carol"))


def test_ack_stops_the_steps_and_tells_the_others(phones, clock, runtime, world):
    phones.text("sam", CRISIS)
    phones.drain()
    clock.advance(minutes(5))
    phones.drain()
    [case] = cases(runtime)
    assert "is yours" in phones.text("carol", "ACK")  # no number: the newest open case
    phones.drain()
    assert phones.received("alice")[-1] == f"Case {case.id} was taken by Carol. No action needed."
    clock.advance(minutes(20))
    phones.drain()
    assert len(phones.received("carol")) == 1 and len(phones.received("alice")) == 2
    [case] = cases(runtime)
    assert case.status == "acked" and time_to_acknowledge(case) == minutes(5)
    assert "already taken by Carol" in phones.text("alice", f"ACK {case.id}")


def test_an_ack_then_silence_reminds_the_person_who_took_it(phones, clock, runtime, world):
    phones.text("sam", CRISIS)
    phones.drain()
    [case] = cases(runtime)
    phones.text("alice", f"ACK {case.id}")
    clock.advance(minutes(30))
    phones.drain()
    assert f"Case {case.id} is still open" in phones.received("alice")[-1]
    assert phones.received("carol") == []
    assert "add a note" in phones.text("alice", f"DONE {case.id}")
    assert "resolved" in phones.text("alice", f"DONE {case.id} called, made a safety plan")
    assert "already closed" in phones.text("alice", f"DONE {case.id} again")
    clock.advance(minutes(120))
    phones.drain()
    assert len(phones.received("alice")) == 2
    with runtime.session() as s:
        closed = s.get(Case, case.id)
        assert closed.status == "resolved" and closed.note == "called, made a safety plan"
        kinds = [e.kind for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))]
        assert kinds[:3] == ["opened", "notified", "acked"] and "resolved" in kinds
        assert all("end it all" not in e.detail for e in closed.events)


def test_normal_case_waits_an_hour_per_level(phones, clock, runtime, world):
    assert "facilitator" in phones.text("sam", "TALK")
    phones.drain()
    [case] = cases(runtime)
    assert case.urgency == "normal" and case.source == "talk"
    assert phones.received("alice")[0].startswith(f"Case {case.id} (HOPE)")
    clock.advance(minutes(59))
    phones.drain()
    assert phones.received("carol") == []
    clock.advance(minutes(1))
    phones.drain()
    assert len(phones.received("carol")) == 1


def test_repeats_text_a_level_again_before_going_up(phones, clock, runtime, world):
    with runtime.session() as s:
        hope = s.get(Group, world.hope.id)
        set_policy(
            s, hope, [LevelSpec("group_facilitators", repeats=2), LevelSpec("on_call")], clock.now()
        )
        s.commit()
    phones.text("sam", CRISIS)
    phones.drain()
    clock.advance(minutes(5))
    phones.drain()
    assert len(phones.received("alice")) == 2 and phones.received("carol") == []
    assert "level 1, 2nd alert" in phones.received("alice")[-1]
    clock.advance(minutes(9))  # the repeat waits twice as long
    phones.drain()
    assert phones.received("carol") == []
    clock.advance(minutes(1))
    phones.drain()
    assert len(phones.received("alice")) == 2 and len(phones.received("carol")) == 1
    assert "open 15 min - level 2, 1st alert" in phones.received("carol")[0]


def test_a_policy_with_fewer_than_two_levels_cannot_be_saved(runtime, world):
    with runtime.session() as s:
        hope = s.get(Group, world.hope.id)
        with pytest.raises(PolicyError, match="at least 2 levels"):
            set_policy(s, hope, [LevelSpec("group_facilitators")], runtime.now())


ERIN = "+12025550120"  # a facilitator of the calm group only


def _add_calm_facilitator(runtime, world) -> None:
    with runtime.session() as s:
        calm = s.get(Group, world.calm.id)
        erin = User(
            organisation_id=world.org.id,
            email="erin@example.org",
            name="Erin",
            role="facilitator",
            created_at=runtime.now(),
        )
        directory.set_user_phone(erin, ERIN)
        erin.groups = [calm]
        s.add(erin)
        s.commit()


def test_outsiders_cannot_see_or_act_on_a_case(phones, runtime, world):
    _add_calm_facilitator(runtime, world)
    phones.text("sam", CRISIS)
    [case] = cases(runtime)
    for body in (f"ACK {case.id}", "ACK", f"DONE {case.id} closing it"):
        # dave texts his own organisation's number, where he is staff
        assert phones.text("dave", body, to=OTHER_NUMBER).startswith("No open case found")
        assert phones.text(ERIN, body).startswith("No open case found")  # another group
    assert phones.text("dave", "ACK 999999", to=OTHER_NUMBER).startswith("No open case found")
    phones.drain()
    assert phones.received("dave") == [] and phones.received(ERIN) == []
    assert cases(runtime)[0].status == "open"


def test_a_later_urgent_signal_raises_an_open_normal_case(phones, clock, runtime, world):
    phones.text("sam", "TALK")
    phones.drain()
    clock.advance(minutes(10))
    phones.text("sam", CRISIS)
    phones.drain()
    [case] = cases(runtime)
    assert case.urgency == "urgent"
    alerts = phones.received("alice")
    assert len(alerts) == 2 and alerts[1].startswith(f"URGENT case {case.id}")
    clock.advance(minutes(5))  # now on the urgent clock, not the normal hour
    phones.drain()
    assert len(phones.received("carol")) == 1


def test_two_responders_acking_at_once_exactly_one_wins(phones, runtime, world):
    phones.text("sam", CRISIS)
    [case] = cases(runtime)
    barrier = threading.Barrier(2)
    replies: dict[str, str | None] = {}

    def ack(who: str, n: int) -> None:
        barrier.wait()
        sid = f"SMrace{n:030d}"
        replies[who] = receive_sms(
            runtime, sid=sid, phone=PHONES[who], body=f"ACK {case.id}", to=ORG_NUMBER
        ).reply

    threads = [
        threading.Thread(target=ack, args=(who, n)) for n, who in enumerate(("alice", "carol"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [who for who, reply in replies.items() if reply and "is yours" in reply]
    assert len(winners) == 1
    [acked] = cases(runtime)
    assert acked.status == "acked" and acked.acked_by == world.users[winners[0]].id
