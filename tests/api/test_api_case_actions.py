"""The case page's actions in the API: a message to the member, a bridged call, and
passing the case to a colleague; the console's services, rules and refusals."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from smsapp.models import AuditEntry, Call, Case, CaseEvent, CaseMessage, Member, OutboxMessage
from smsapp.models.calls import CallPurpose
from smsapp.services.domain import escalation
from tests.factories import PHONES, World


def _case(world: World, taker: str | None = "alice", who: str = "sam") -> int:
    rt = world.runtime
    with rt.session() as s:
        member = s.get(Member, world.members[who].id)
        case = escalation.open_case(
            s, member=member, urgency="normal", source="talk", reason="asked", now=rt.now()
        )
        if taker is not None:
            escalation.acknowledge(s, case, s.merge(world.users[taker]), rt.now())
        s.commit()
        return case.id


def _relays(world: World) -> list[OutboxMessage]:
    """The texts of the case's conversation (not its notices)."""
    with world.runtime.session() as s:
        sent = select(CaseMessage.outbox_id)
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(sent))))


def _private(response: Any, *words: str) -> None:
    """The answer repeats neither the member's number nor the words sent."""
    text = response.get_data(as_text=True)
    for word in (PHONES["sam"], PHONES["alice"], "sam", *words):
        assert word.lower() not in text.lower(), word


# --- POST /cases/{id}/messages ---------------------------------------------------------


def test_the_taker_texts_the_member_from_the_org_number(api, world):
    case_id = _case(world)
    response = api.post(f"/cases/{case_id}/messages", "alice", json={"body": " How are you? "})
    assert response.status_code == 200, response.json
    out = response.json
    assert (out["case_id"], out["direction"], out["channel"]) == (case_id, "to_member", "api")
    assert out["status"] == "queued"
    _private(response, "How are you")
    [text] = _relays(world)
    assert text.to_phone == PHONES["sam"]
    assert text.body == "Alice: How are you?"  # signed with her first name, as the case page
    with world.runtime.session() as s:
        message = s.scalar(select(CaseMessage))
        assert (message.id, message.body, message.channel) == (out["id"], "How are you?", "api")
        trail = [e.detail for e in s.scalars(select(CaseEvent).where(CaseEvent.kind == "message"))]
        [audit] = s.scalars(select(AuditEntry).where(AuditEntry.action == "message_member"))
    assert trail == ["Alice to the member through the API"]
    assert (audit.subject_type, audit.subject_id) == ("member", world.members["sam"].id)
    assert audit.actor_user_id == world.users["alice"].id


def test_only_the_taker_texts_the_member(api, world):
    case_id = _case(world)
    refused = api.post(f"/cases/{case_id}/messages", "carol", json={"body": "hello"})
    assert refused.status_code == 403  # a coordinator, but the case is Alice's
    assert "taken by someone else" in refused.json["error"]
    assert api.post(f"/cases/{case_id}/messages", "bob", json={"body": "hi"}).status_code == 404
    assert api.post(f"/cases/{case_id}/messages", "dave", json={"body": "hi"}).status_code == 404
    assert api.post("/cases/999999/messages", "alice", json={"body": "hi"}).status_code == 404
    assert _relays(world) == []


def test_a_case_nobody_took_or_a_member_who_opted_out_is_refused_with_the_reason(api, world):
    untaken = _case(world, taker=None)
    response = api.post(f"/cases/{untaken}/messages", "alice", json={"body": "hello"})
    assert response.status_code == 409
    assert response.json["error"] == f"Case {untaken} is not in a conversation of yours."
    taken = _case(world, who="maria")
    with world.runtime.session() as s:
        s.get(Member, world.members["maria"].id).status = "opted_out"
        s.commit()
    response = api.post(f"/cases/{taken}/messages", "alice", json={"body": "hello"})
    assert response.status_code == 409
    assert "opted out" in response.json["error"]
    assert _relays(world) == []


def test_a_resolved_case_takes_no_more_messages(api, world):
    case_id = _case(world)
    assert api.post(f"/cases/{case_id}/resolve", "alice", json={}).status_code == 200
    response = api.post(f"/cases/{case_id}/messages", "alice", json={"body": "hello"})
    assert response.status_code == 409
    assert _relays(world) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"body": ""},
        {"body": "   "},
        {"body": "x" * 1501},
        {"body": 7},
        {"body": "hi\x00"},
        {"body": "hi", "to": "+12025550199"},
    ],
)
def test_a_bad_message_is_422(api, world, body):
    case_id = _case(world)
    response = api.post(f"/cases/{case_id}/messages", "alice", json=body)
    assert response.status_code == 422, response.json
    assert response.json["error"] == "the request is not valid"
    assert _relays(world) == []


# --- POST /cases/{id}/calls ------------------------------------------------------------


def test_the_taker_asks_for_a_bridged_call(api, world):
    case_id = _case(world)
    response = api.post(f"/cases/{case_id}/calls", "alice")
    assert response.status_code == 200, response.json
    assert (response.json["case_id"], response.json["status"]) == (case_id, "queued")
    _private(response)
    with world.runtime.session() as s:
        call = s.scalar(select(Call))
        assert call.id == response.json["id"]
        assert (call.purpose, call.to_phone, call.user_id) == (
            CallPurpose.BRIDGE,
            PHONES["alice"],
            world.users["alice"].id,
        )
        assert call.enqueued_at is not None  # handed to the call queue, as the console does
        trail = [e.detail for e in s.scalars(select(CaseEvent).where(CaseEvent.kind == "call"))]
    assert len(trail) == 1 and "call requested" in trail[0]


def test_only_the_taker_calls_and_says_why_not(api, world):
    case_id = _case(world)
    assert api.post(f"/cases/{case_id}/calls", "carol").status_code == 403
    assert api.post(f"/cases/{case_id}/calls", "bob").status_code == 404
    assert api.post(f"/cases/{case_id}/calls", "dave").status_code == 404
    untaken = _case(world, taker=None, who="maria")
    response = api.post(f"/cases/{untaken}/calls", "alice")
    assert response.status_code == 409
    assert response.json["error"] == f"Take case {untaken} (ACK) before calling the member."
    with world.runtime.session() as s:
        assert s.scalar(select(Call)) is None


def test_a_taker_without_a_phone_is_told_to_add_one(api, world):
    case_id = _case(world)
    with world.runtime.session() as s:
        alice = s.merge(world.users["alice"])
        alice.phone = None
        s.commit()
    response = api.post(f"/cases/{case_id}/calls", "alice")
    assert response.status_code == 409
    assert "Add your phone number" in response.json["error"]


# --- POST /cases/{id}/hand-over --------------------------------------------------------


def test_the_taker_hands_the_case_to_a_colleague(api, world):
    case_id = _case(world)
    carol = world.users["carol"]
    response = api.post(f"/cases/{case_id}/hand-over", "alice", json={"user_id": carol.id})
    assert response.status_code == 200, response.json
    assert response.json["taken_by"] == {"id": carol.id, "name": "Carol"}
    assert (response.json["case"]["id"], response.json["case"]["status"]) == (case_id, "acked")
    _private(response)
    with world.runtime.session() as s:
        assert s.get(Case, case_id).acked_by == carol.id
        [handed] = s.scalars(select(CaseEvent).where(CaseEvent.kind == "handed"))
        assert (handed.user_id, handed.detail) == (world.users["alice"].id, "to Carol")
        told = {
            m.to_phone
            for m in s.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id))
        }
    assert {PHONES["carol"], PHONES["sam"]} <= told  # the colleague and the member are told
    # Alice no longer has it: texting the member is now Carol's.
    again = api.post(f"/cases/{case_id}/messages", "alice", json={"body": "hi"})
    assert again.status_code == 403


def test_a_coordinator_may_pass_a_case_on_a_facilitator_who_did_not_take_it_may_not(api, world):
    case_id = _case(world, taker="carol")
    alice = world.users["alice"].id
    refused = api.post(f"/cases/{case_id}/hand-over", "alice", json={"user_id": alice})
    assert refused.status_code == 403
    assert (
        api.post(f"/cases/{case_id}/hand-over", "bob", json={"user_id": alice}).status_code == 404
    )
    assert (
        api.post(f"/cases/{case_id}/hand-over", "dave", json={"user_id": alice}).status_code == 404
    )
    with world.runtime.session() as s:
        assert s.get(Case, case_id).acked_by == world.users["carol"].id
    mine = _case(world, who="maria")  # Alice's; the coordinator passes it to herself
    response = api.post(
        f"/cases/{mine}/hand-over", "carol", json={"user_id": world.users["carol"].id}
    )
    assert response.status_code == 200
    assert response.json["taken_by"]["name"] == "Carol"


def test_a_case_nobody_took_is_not_handed_over(api, world):
    case_id = _case(world, taker=None)
    carol = world.users["carol"].id
    response = api.post(f"/cases/{case_id}/hand-over", "carol", json={"user_id": carol})
    assert response.status_code == 409
    assert response.json["error"] == f"case {case_id} is not taken by anyone to pass on"


@pytest.mark.parametrize("who", ["alice", "bob", "dave", None])
def test_only_a_colleague_who_may_act_on_the_case_can_take_it(api, world, who):
    """The taker herself, a facilitator of another group, another organisation's person,
    an id nobody has: the same 422, so nothing is learnt about other people's ids."""
    case_id = _case(world)
    user_id = world.users[who].id if who else 999999
    response = api.post(f"/cases/{case_id}/hand-over", "alice", json={"user_id": user_id})
    assert response.status_code == 422
    assert response.json["details"] == [
        {"path": "user_id", "message": "choose a colleague who can take this case"}
    ]
    with world.runtime.session() as s:
        assert s.get(Case, case_id).acked_by == world.users["alice"].id


@pytest.mark.parametrize("body", [{}, {"user_id": "3"}, {"user_id": 0}, {"user_id": 3, "x": 1}])
def test_a_bad_hand_over_is_422(api, world, body):
    case_id = _case(world)
    response = api.post(f"/cases/{case_id}/hand-over", "alice", json=body)
    assert response.status_code == 422, response.json


def test_the_operations_are_in_the_openapi_document(api):
    paths = api.get("/openapi.json", None).json["paths"]
    for action in ("messages", "calls", "hand-over"):
        post = paths[f"/api/v1/cases/{{case_id}}/{action}"]["post"]
        assert {"200", "403", "404", "409"} <= set(post["responses"]), action
