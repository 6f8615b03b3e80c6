"""The case page's Call button: Twilio rings the facilitator from the organisation's
number, and pressing 1 connects the member with that number as caller ID, so neither
sees the other's number. Played through the signed voice webhooks, as Twilio would."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from smsapp.models import Call, Case, CaseEvent, Member
from smsapp.services.domain import escalation
from tests.factories import ORG_NUMBER as HARBOR
from tests.factories import PHONES
from tests.reach.voice_helpers import TwilioVoice


def _acked_case(world: Any, who: str = "sam", taker: str = "alice") -> int:
    rt = world.runtime
    with rt.session() as s:
        member = s.get(Member, world.members[who].id)
        case = escalation.open_case(
            s, member=member, urgency="urgent", source="talk", reason="asked", now=rt.now()
        )
        escalation.acknowledge(s, case, s.merge(world.users[taker]), rt.now())
        s.commit()
        return case.id


def _voice(client: Any, runtime: Any, sid: str) -> TwilioVoice:
    settings = runtime.settings
    return TwilioVoice(client, settings.public_base_url, settings.twilio_auth_token, sid)


def test_call_rings_the_facilitator_then_connects_the_member_from_the_org_number(
    browser: Any, world: Any, phones: Any, transport: Any, client: Any, runtime: Any
) -> None:
    case_id = _acked_case(world)
    alice = browser("alice")
    page = alice.get(f"/console/cases/{case_id}").data.decode()
    assert "Call Sam" in page
    assert alice.post(f"/console/cases/{case_id}/call").status_code == 302
    phones.drain()

    [placed] = transport.calls
    request = placed.request
    assert request.to == PHONES["alice"] and request.caller_id == HARBOR
    assert request.answer_url.startswith("https://sms.example.org/twilio/voice/calls/")

    twilio = _voice(client, runtime, placed.sid)
    prompt = twilio.answer(request.answer_url)
    assert "Press 1" in prompt.said and "case" in prompt.said
    assert "Sam" not in prompt.said and PHONES["sam"] not in prompt.said
    connect = twilio.press(prompt, "1")
    assert connect.dial is not None
    assert connect.dial.get("callerId") == HARBOR
    assert [n.text for n in connect.dial.iter("Number")] == [PHONES["sam"]]
    assert twilio.dialed(connect, "completed").said == ""
    assert twilio.ended(request.status_url, "completed", duration=250) == 204

    with runtime.session() as s:
        call = s.scalar(select(Call))
        assert (call.status, call.outcome, call.duration_seconds) == ("completed", "connected", 250)
        trail = [e.detail for e in s.scalars(select(CaseEvent).where(CaseEvent.kind == "call"))]
    assert any("completed, 4 min" in d for d in trail)
    assert all(PHONES["sam"] not in d and PHONES["alice"] not in d for d in trail)
    page = alice.get(f"/console/cases/{case_id}").data.decode()
    assert "Call connected, 4 min" in page


def test_the_member_not_answering_is_said_and_shown(
    browser: Any, world: Any, phones: Any, transport: Any, client: Any, runtime: Any
) -> None:
    case_id = _acked_case(world)
    browser("alice").post(f"/console/cases/{case_id}/call")
    phones.drain()
    [placed] = transport.calls
    twilio = _voice(client, runtime, placed.sid)
    connect = twilio.press(twilio.answer(placed.request.answer_url), "1")
    assert "did not answer" in twilio.dialed(connect, "no-answer").said
    with runtime.session() as s:
        assert s.scalar(select(Call.outcome)) == "member_no_answer"


def test_no_key_asks_again_then_says_goodbye_without_dialling(
    browser: Any, world: Any, phones: Any, transport: Any, client: Any, runtime: Any
) -> None:
    case_id = _acked_case(world)
    browser("alice").post(f"/console/cases/{case_id}/call")
    phones.drain()
    [placed] = transport.calls
    twilio = _voice(client, runtime, placed.sid)
    first = twilio.answer(placed.request.answer_url)
    again = twilio.press(first, "")
    assert "Press 1" in again.said and again.dial is None
    done = twilio.press(again, "9")
    assert done.dial is None and done.gather_action is None and "Goodbye" in done.said


def test_only_the_person_who_took_the_case_may_call(
    browser: Any, world: Any, phones: Any, transport: Any
) -> None:
    case_id = _acked_case(world)
    carol = browser("carol")  # a coordinator: sees the case, has not taken it
    assert "Call Sam" not in carol.get(f"/console/cases/{case_id}").data.decode()
    refused = carol.post(f"/console/cases/{case_id}/call", follow_redirects=True)
    assert b"before calling the member" in refused.data
    phones.drain()
    assert transport.calls == []


def test_a_facilitator_of_another_group_gets_404(browser: Any, world: Any, transport: Any) -> None:
    case_id = _acked_case(world)
    assert browser("bob").post(f"/console/cases/{case_id}/call").status_code == 404
    assert browser("dave").post(f"/console/cases/{case_id}/call").status_code == 404
    assert transport.calls == []


def test_voice_webhooks_refuse_unsigned_and_foreign_calls(
    browser: Any, world: Any, phones: Any, transport: Any, client: Any, runtime: Any
) -> None:
    case_id = _acked_case(world)
    browser("alice").post(f"/console/cases/{case_id}/call")
    phones.drain()
    [placed] = transport.calls
    call_id = placed.request.answer_url.split("/")[-2]
    twilio = _voice(client, runtime, placed.sid)
    for step in ("answer", "key", "dialed", "status"):
        url = f"/twilio/voice/calls/{call_id}/{step}"
        assert twilio.post(url, sign=False, Digits="1").status == 403, step
        bad = twilio.post(url, sign=False, Digits="1")
        assert bad.root is None
    # Signed, but not the call Twilio placed: nothing to connect.
    stranger = _voice(client, runtime, "CA" + "f" * 32)
    prompt = stranger.post(f"/twilio/voice/calls/{call_id}/key?try=1", Digits="1")
    assert prompt.dial is None and "Goodbye" in prompt.said
    with runtime.session() as s:
        assert s.get(Case, case_id).status == "acked"
