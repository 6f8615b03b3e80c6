"""The simulator drives the real inbound edge on sandbox time, and never reaches Twilio."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from smsapp.models import Case, Member, Timer
from smsapp.sandbox import simulator, timeline
from smsapp.sandbox.routing import sandbox_transport

CRISIS = "I can't do this anymore, I want to end it all"


def _sandbox(runtime, world, **kwargs):
    with runtime.session() as s:
        box = simulator.ensure_sandbox(s, world.org.id, runtime.now(), **kwargs)
        s.commit()
    return box


def _texts(runtime, box, who):
    with runtime.session() as s:
        return [(line.direction, line.body) for line in simulator.chat(s, box, who)]


def _send(runtime, box, who: str, body: str) -> str:
    """Text from a sandbox phone; the inline answer (every text here gets one)."""
    reply = simulator.send_text(runtime, box, who, body)
    assert reply is not None, f"no answer to {body!r}"
    return reply


def test_a_crisis_gets_the_same_reply_through_the_webhook_and_the_simulator(phones, runtime, world):
    box = _sandbox(runtime, world, active=True)
    through_webhook = phones.text("sam", CRISIS)
    through_simulator = simulator.send_text(runtime, box, "member", CRISIS)
    assert through_webhook and "988" in through_webhook
    assert through_simulator == through_webhook


def test_join_yes_checkin_talk_ack_and_the_next_reminder(runtime, world, transport):
    box = _sandbox(runtime, world)
    consent_request = _send(runtime, box, "member", f"JOIN {box.code}")
    assert "Reply YES to join" in consent_request
    assert "Welcome to Sandbox" in _send(runtime, box, "member", "YES")

    fired = timeline.advance_to_next_event(runtime, box.group_id)
    assert fired is not None
    member_chat = _texts(runtime, box, "member")
    assert any("how are you today" in body for _, body in member_chat)
    assert "Hard days are real" in _send(runtime, box, "member", "2")
    assert _send(runtime, box, "member", "TALK")

    alerts = [body for d, body in _texts(runtime, box, "facilitator") if d == "out"]
    assert alerts and "Reply ACK" in alerts[0]
    asked = re.search(r"Reply ACK (\d+)", alerts[0])
    assert asked is not None
    case_id = asked.group(1)
    assert f"case {case_id} is yours" in _send(runtime, box, "facilitator", "ACK")
    with runtime.session() as s:
        case = s.get(Case, int(case_id))
        assert case is not None and case.status == "acked"

    _jump_to_reminder(runtime, box)
    assert any("Reminder: Sandbox meets" in body for _, body in _texts(runtime, box, "member"))
    # Nothing went to the real transport: sandbox texts stay on the local one.
    assert transport.sent == []
    assert sandbox_transport(runtime).to(box.facilitator_phone)


def _jump_to_reminder(runtime, box):
    for _ in range(20):
        with runtime.session() as s:
            upcoming = simulator.scheduled(s, box)
        if upcoming and upcoming[0].kind == "Meeting reminder":
            timeline.advance_to_next_event(runtime, box.group_id)
            return
        timeline.advance_to_next_event(runtime, box.group_id)
    raise AssertionError("no meeting reminder came up")


def test_advancing_the_sandbox_never_fires_real_members_timers(runtime, world):
    box = _sandbox(runtime, world, active=True)
    with runtime.session() as s:
        from smsapp.services.core import timers

        sam = world.members["sam"]
        timers.schedule(
            s,
            key="real:1",
            kind="checkin",
            due_at=runtime.now() + timedelta(hours=2),
            now=runtime.now(),
            member_id=sam.id,
            reason="real check-in",
        )
        s.commit()
    timeline.advance_by(runtime, box.group_id, timedelta(days=1))
    with runtime.session() as s:
        real = s.scalar(select(Timer).where(Timer.key == "real:1"))
        assert real.status == "pending"
    assert timeline.sandbox_clock(runtime, box.group_id).now() >= runtime.now() + timedelta(days=1)


def test_the_sandbox_is_made_once_with_fictional_numbers(runtime, world):
    first = _sandbox(runtime, world)
    again = _sandbox(runtime, world)
    assert first == again
    assert simulator.is_sandbox_number(first.member_phone)
    assert simulator.is_sandbox_number(first.facilitator_phone)
    with runtime.session() as s:
        assert s.get(Member, first.member_id).status == "pending"
