"""An alert call: pressing 1 takes the case exactly once, whatever Twilio retries and
however many responders press at once; a call nobody takes moves the case on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from smsapp.models import Call, Case, CaseEvent, Member
from smsapp.services.core import calls
from smsapp.services.domain import escalation
from smsapp.transport.base import TransportError
from tests.factories import PHONES
from tests.reach.voice_helpers import TwilioVoice


def _alert_calls(world: Any, *who: str) -> tuple[int, list[int]]:
    """Sam's urgent case, and an alert call queued to each of `who` for its current step."""
    rt = world.runtime
    with rt.session() as s:
        member = s.get(Member, world.members["sam"].id)
        case = escalation.open_case(
            s, member=member, urgency="urgent", source="crisis", reason="screen", now=rt.now()
        )
        step = escalation.current_step(s, case)
        ids = [
            calls.queue_call(
                s,
                purpose="alert",
                key=f"case:{case.id}:s{step}:u{world.users[name].id}:call",
                to=PHONES[name],
                caller_id="+15005550006",
                organisation_id=case.organisation_id,
                case_id=case.id,
                user_id=world.users[name].id,
                step=step,
                now=rt.now(),
            ).id
            for name in who
        ]
        s.commit()
        return case.id, ids


def _placed(phones: Any, transport: Any, client: Any, runtime: Any) -> list[Any]:
    phones.drain()
    settings = runtime.settings
    return [
        (p, TwilioVoice(client, settings.public_base_url, settings.twilio_auth_token, p.sid))
        for p in transport.calls
    ]


def test_pressing_1_acknowledges_exactly_once(
    world: Any, phones: Any, transport: Any, client: Any, runtime: Any
) -> None:
    case_id, _ = _alert_calls(world, "alice")
    [(placed, twilio)] = _placed(phones, transport, client, runtime)
    prompt = twilio.answer(placed.request.answer_url)
    assert f"Urgent case {case_id} needs a person. Press 1" in prompt.said
    assert all(word not in prompt.said for word in ("Sam", "crisis", "screen", "0111"))
    taken = twilio.press(prompt, "1")
    again = twilio.press(prompt, "1")  # Twilio retried the same webhook
    assert "is yours" in taken.said and "is yours" in again.said
    assert twilio.ended(placed.request.status_url, "completed", 40) == 204
    with runtime.session() as s:
        case = s.get(Case, case_id)
        assert (case.status, case.acked_by) == ("acked", world.users["alice"].id)
        acks = s.scalar(
            select(func.count()).where(CaseEvent.case_id == case_id, CaseEvent.kind == "acked")
        )
        assert acks == 1
        assert s.scalar(select(Call.outcome)) == "acked"


def test_two_responders_pressing_1_one_takes_it(
    world: Any, phones: Any, transport: Any, client: Any, runtime: Any
) -> None:
    case_id, _ = _alert_calls(world, "alice", "carol")
    (a_call, alice), (c_call, carol) = _placed(phones, transport, client, runtime)
    alice_prompt = alice.answer(a_call.request.answer_url)
    carol_prompt = carol.answer(c_call.request.answer_url)
    assert "is yours" in carol.press(carol_prompt, "1").said
    assert "already taken" in alice.press(alice_prompt, "1").said
    alice.ended(a_call.request.status_url, "completed", 20)
    with runtime.session() as s:
        assert s.get(Case, case_id).acked_by == world.users["carol"].id
        assert s.get(Case, case_id).level == 0  # a call ended after the ACK moves nothing


def test_an_unanswered_alert_moves_the_case_to_the_next_level(
    world: Any, phones: Any, transport: Any, client: Any, runtime: Any
) -> None:
    case_id, _ = _alert_calls(world, "alice")
    [(placed, twilio)] = _placed(phones, transport, client, runtime)
    assert twilio.ended(placed.request.status_url, "no-answer") == 204
    assert twilio.ended(placed.request.status_url, "no-answer") == 204  # a retried callback
    with runtime.session() as s:
        case = s.get(Case, case_id)
        assert (case.status, case.level) == ("open", 1)
        details = s.scalars(select(CaseEvent.detail).where(CaseEvent.kind == "call")).all()
    assert details == ["call to Alice: no-answer, not taken"]


def test_answered_but_no_key_moves_the_case_on_too(
    world: Any, phones: Any, transport: Any, client: Any, runtime: Any
) -> None:
    """A voicemail picks up: nobody pressed 1, so nobody has the case."""
    case_id, _ = _alert_calls(world, "alice")
    [(placed, twilio)] = _placed(phones, transport, client, runtime)
    twilio.answer(placed.request.answer_url)
    twilio.ended(placed.request.status_url, "completed", 31)
    with runtime.session() as s:
        assert s.get(Case, case_id).level == 1


def test_a_call_twilio_refuses_moves_the_case_on_like_a_failed_text(
    world: Any, phones: Any, transport: Any, runtime: Any
) -> None:
    transport.fail_next_call(TransportError("twilio 400 21217", permanent=True, code="21217"))
    case_id, [call_id] = _alert_calls(world, "alice")
    phones.drain()
    with runtime.session() as s:
        call = s.get(Call, call_id)
        assert (call.status, call.outcome, call.error_code) == ("failed", "not_placed", "21217")
        assert s.get(Case, case_id).level == 1
    assert transport.calls == []


def test_a_temporary_failure_is_retried_and_the_call_placed_once(
    world: Any, phones: Any, transport: Any, runtime: Any, clock: Any
) -> None:
    from datetime import timedelta

    transport.fail_next_call(TransportError("twilio 429 20429", permanent=False, code="20429"))
    case_id, [call_id] = _alert_calls(world, "alice")
    phones.drain()
    assert transport.calls == []
    clock.advance(timedelta(seconds=11))
    phones.drain()
    phones.drain()
    assert len(transport.calls) == 1
    with runtime.session() as s:
        assert s.get(Call, call_id).status == "placed"
        assert s.get(Case, case_id).level == 0


def test_a_call_whose_worker_died_is_never_placed_twice(
    world: Any, phones: Any, transport: Any, runtime: Any, clock: Any
) -> None:
    from datetime import timedelta

    case_id, [call_id] = _alert_calls(world, "alice")
    with runtime.session() as s:  # a worker claimed it, then was killed
        assert calls.claim(s, call_id, runtime.now()) is not None
        s.commit()
    clock.advance(calls.CLAIM_LEASE + timedelta(seconds=1))
    phones.drain()
    assert transport.calls == []
    with runtime.session() as s:
        assert s.get(Call, call_id).outcome == "lost"
        assert s.get(Case, case_id).level == 1
