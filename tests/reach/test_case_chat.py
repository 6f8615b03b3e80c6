"""The conversation on the case page: a chat with a reply box for the person who has the
case, passing the case to a colleague, a member texts cannot reach, the organisation's own
notice wording, and retention of the conversation's words."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from smsapp.models import Case, CaseEvent, CaseMessage, Member, Organisation
from smsapp.services.domain.privacy import retention
from tests.factories import ORG_NUMBER, PHONES
from tests.safety.safety_helpers import CRISIS


def _taken(phones: Any, runtime: Any, who: str = "sam", taker: str = "alice") -> int:
    phones.text(who, "TALK")
    with runtime.session() as s:
        case_id = int(s.scalar(select(Case.id).order_by(Case.id.desc())))
    phones.text(taker, f"ACK {case_id}")
    phones.drain()
    return case_id


def test_the_taker_replies_from_the_case_page(
    phones: Any, transport: Any, runtime: Any, browser: Any
) -> None:
    case_id = _taken(phones, runtime)
    alice = browser("alice")
    page = alice.get(f"/console/cases/{case_id}").data.decode()
    assert "Message to Sam" in page and "Call Sam" in page
    response = alice.post(f"/console/cases/{case_id}/reply", data={"body": "Thinking of you."})
    assert response.status_code == 302
    phones.drain()
    sent = transport.sent[-1]
    assert (sent.to, sent.body, sent.sender) == (
        PHONES["sam"],
        "Alice: Thinking of you.",
        ORG_NUMBER,
    )
    chat = alice.get(f"/console/cases/{case_id}").data.decode()
    assert "Thinking of you." in chat and "case page" in chat
    with runtime.session() as s:
        [message] = s.scalars(select(CaseMessage)).all()
        assert (message.direction, message.channel) == ("to_member", "console")


def test_others_see_the_chat_but_only_the_taker_can_write(
    phones: Any, runtime: Any, browser: Any
) -> None:
    case_id = _taken(phones, runtime)
    phones.text("alice", "hello from alice")
    carol = browser("carol")
    page = carol.get(f"/console/cases/{case_id}").data.decode()
    assert "hello from alice" in page and "Message to Sam" not in page
    refused = carol.post(
        f"/console/cases/{case_id}/reply", data={"body": "hi"}, follow_redirects=True
    )
    assert b"not in a conversation of yours" in refused.data
    assert (
        browser("bob").post(f"/console/cases/{case_id}/reply", data={"body": "x"}).status_code
        == 404
    )
    assert browser("bob").get(f"/console/cases/{case_id}").status_code == 404


def test_passing_the_case_tells_the_colleague_and_the_member(
    phones: Any, transport: Any, runtime: Any, browser: Any, world: Any
) -> None:
    case_id = _taken(phones, runtime)
    carol_id = world.users["carol"].id
    alice = browser("alice")
    assert (
        alice.post(f"/console/cases/{case_id}/handover", data={"user_id": carol_id}).status_code
        == 302
    )
    phones.drain()
    to_carol = [m.body for m in transport.sent if m.to == PHONES["carol"]][-1]
    assert to_carol.startswith(f"Case {case_id} was passed to you by Alice.")
    assert "Sam" not in to_carol
    to_sam = [m.body for m in transport.sent if m.to == PHONES["sam"]][-1]
    assert (
        to_sam
        == "Carol from Harbor Check-ins has your message and will text you back from this number."
    )
    assert phones.text("carol", "Hi Sam, Carol here.") is None
    assert "ACK <case>" in phones.text("alice", "hello?")  # Alice has no conversation now
    phones.drain()
    assert transport.sent[-1].body == "Carol: Hi Sam, Carol here."
    with runtime.session() as s:
        assert s.get(Case, case_id).acked_by == carol_id
        assert s.scalar(select(CaseEvent.detail).where(CaseEvent.kind == "handed")) == "to Carol"


def test_a_member_who_opted_out_and_texts_crisis_words_is_offered_a_call(
    phones: Any, transport: Any, runtime: Any, browser: Any
) -> None:
    phones.text("sam", "STOP")
    phones.text("sam", CRISIS)
    phones.drain()
    with runtime.session() as s:
        case_id = int(s.scalar(select(Case.id)))
    alice = browser("alice")
    page = alice.get(f"/console/cases/{case_id}").data.decode()
    assert (
        "Texts cannot reach Sam" in page
        and "opted out" in page
        and "ACK the case, then call" in page
    )
    ack = phones.text("alice", f"ACK {case_id}")
    assert "Texts cannot reach this member: call them from the case page" in ack
    phones.drain()
    assert [
        m for m in transport.sent if m.to == PHONES["sam"] and "has your message" in m.body
    ] == []
    page = alice.get(f"/console/cases/{case_id}").data.decode()
    assert "Call Sam" in page and "Message to Sam" not in page
    refused = phones.text("alice", "are you safe?")
    assert refused.startswith(f"Case {case_id}: not sent.") and "opted out" in refused
    assert f"/console/cases/{case_id}" in refused
    with runtime.session() as s:
        assert s.scalar(select(CaseEvent.kind).where(CaseEvent.kind == "member_not_told"))


def test_crisis_words_during_a_conversation_get_resources_and_reach_the_facilitator(
    phones: Any, transport: Any, runtime: Any, world: Any
) -> None:
    case_id = _taken(phones, runtime)
    reply = phones.text("sam", CRISIS)
    assert "automated message" in reply
    phones.drain()
    to_alice = [m.body for m in transport.sent if m.to == PHONES["alice"]]
    assert f"Case {case_id}: {CRISIS}" in to_alice
    assert any(body.startswith(f"URGENT case {case_id}") for body in to_alice)


def test_the_organisation_words_the_notice_its_own_way(
    phones: Any, transport: Any, runtime: Any, browser: Any, world: Any
) -> None:
    carol = browser("carol")
    form = {
        "name": "Harbor",
        "program_name": "Harbor Check-ins",
        "help_contact": "555",
        "crisis_text_en": "",
        "crisis_text_es": "",
        "quiet_start": "21:00",
        "quiet_end": "08:00",
        "ack_notice_en": "Hi, it's {facilitator} at {program}. I got your text and will "
        "write back here.",
        "ack_notice_es": "",
    }
    bad = carol.post("/console/settings", data={**form, "ack_notice_en": "Hi {name}"})
    assert b"use only {facilitator} and {program}" in bad.data
    assert carol.post("/console/settings", data=form).status_code == 302
    _taken(phones, runtime)
    _taken(phones, runtime, who="maria")
    sent = {m.to: m.body for m in transport.sent if "Alice" in m.body}
    assert (
        sent[PHONES["sam"]]
        == "Hi, it's Alice at Harbor Check-ins. I got your text and will write back here."
    )
    assert sent[PHONES["maria"]].startswith("Alice de Harbor Check-ins")  # no Spanish wording set
    with runtime.session() as s:
        assert s.get(Organisation, world.org.id).ack_notice_es is None


def test_the_conversations_words_go_with_the_other_bodies(
    phones: Any, runtime: Any, world: Any, clock: Any
) -> None:
    _taken(phones, runtime)
    phones.text("alice", "an old message")
    clock.advance(timedelta(days=91))
    with runtime.session() as s:
        org = s.get(Organisation, world.org.id)
        counts = retention.prune_batch(s, org, runtime.now())
        s.commit()
        assert counts.conversation_bodies == 1
        assert s.scalars(select(CaseMessage.body)).all() == [None]
        assert s.get(Member, world.members["sam"].id) is not None
