"""A crisis text, an ACK, and the private conversation that follows, through the real
webhook: the member is told a named facilitator has their message; the facilitator's
plain texts reach the member from the organisation's number and the member's replies
reach the facilitator; both show on the case page; DONE ends it, and the member's next
"3" is a check-in answer again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from smsapp.models import Case, CaseMessage, InboundMessage, MoodScore, OutboxMessage
from tests.factories import ORG_NUMBER, PHONES
from tests.safety.safety_helpers import CRISIS

STAFF_NUMBERS = (PHONES["alice"], PHONES["bob"], PHONES["carol"])


def _sent(transport: Any, who: str) -> list[Any]:
    return [m for m in transport.sent if m.to == PHONES[who]]


def _case_id(runtime: Any) -> int:
    with runtime.session() as s:
        return int(s.scalar(select(Case.id).order_by(Case.id.desc())))


def test_crisis_ack_conversation_done_then_checkins_again(
    phones: Any, transport: Any, runtime: Any, world: Any, browser: Any, clock: Any
) -> None:
    minute = timedelta(minutes=1)
    assert "automated message" in phones.text("sam", CRISIS)
    phones.drain()
    clock.advance(minute)
    case_id = _case_id(runtime)
    assert any(f"ACK {case_id}" in m.body for m in _sent(transport, "alice"))

    ack = phones.text("alice", f"ACK {case_id}")
    clock.advance(minute)
    assert f"case {case_id} is yours" in ack and "the member knows you will text" in ack
    phones.drain()
    [notice] = _sent(transport, "sam")
    assert notice.body == (
        "Alice from Harbor Check-ins has your message and will text you back from this number."
    )
    assert notice.sender == ORG_NUMBER
    assert all(number not in notice.body for number in STAFF_NUMBERS)

    assert phones.text("alice", "Hi Sam, I'm here. Are you somewhere safe right now?") is None
    phones.drain()
    clock.advance(minute)
    to_sam = _sent(transport, "sam")[-1]
    assert to_sam.body == "Alice: Hi Sam, I'm here. Are you somewhere safe right now?"
    assert to_sam.sender == ORG_NUMBER

    assert phones.text("sam", "yes I'm at home. my sister is here") is None
    assert phones.text("sam", "3") is None  # in a conversation, a 3 is words for Alice
    phones.drain()
    clock.advance(minute)
    to_alice = [m.body for m in _sent(transport, "alice")][-2:]
    assert to_alice == [f"Case {case_id}: yes I'm at home. my sister is here", f"Case {case_id}: 3"]
    assert all(m.sender == ORG_NUMBER for m in _sent(transport, "alice"))
    assert all("Sam" not in body and PHONES["sam"] not in body for body in to_alice)

    page = browser("alice").get(f"/console/cases/{case_id}").data.decode()
    chat = page[page.index('aria-label="Conversation"') : page.index("Message to Sam")]
    assert chat.index("Are you somewhere safe right now?") < chat.index("my sister is here")
    assert "10:0" in chat and "AM EST" in chat  # the member's local time

    done = phones.text("alice", f"DONE {case_id} safe at home with her sister, made a plan")
    assert f"Case {case_id} resolved" in done
    phones.drain()
    clock.advance(minute)
    assert _sent(transport, "sam")[-1].body == (
        "Thanks for talking with Alice. If you need someone again, text TALK any time."
    )

    alice_had = len(_sent(transport, "alice"))
    answer = phones.text("sam", "3")
    assert answer is not None and "Case" not in answer
    phones.drain()
    assert _sent(transport, "alice")[alice_had:] == []
    with runtime.session() as s:
        scores = s.scalars(
            select(MoodScore.score).where(MoodScore.member_id == world.members["sam"].id)
        )
        assert list(scores) == [3]
        assert s.get(Case, case_id).status == "resolved"


def test_messages_are_stored_encrypted_and_the_staff_copy_of_the_words_once(
    phones: Any, runtime: Any, world: Any
) -> None:
    phones.text("sam", "TALK")
    case_id = _case_id(runtime)
    phones.text("alice", f"ACK {case_id}")
    phones.text("alice", "zebra crossing at noon")
    with runtime.session() as s:
        raw = s.connection().exec_driver_sql("SELECT body FROM case_messages").scalars().all()
        assert raw and all("zebra" not in (b or "") for b in raw)
        [kept] = s.scalars(select(CaseMessage.body)).all()
        assert kept == "zebra crossing at noon"
        staff_rows = s.scalars(
            select(InboundMessage.body).where(InboundMessage.user_id == world.users["alice"].id)
        ).all()
        assert "zebra crossing at noon" not in staff_rows  # kept once, with the case


def test_several_conversations_ask_which_and_r_picks_one(
    phones: Any, transport: Any, runtime: Any, world: Any
) -> None:
    phones.text("sam", "TALK")
    sam_case = _case_id(runtime)
    phones.text("maria", "TALK")
    maria_case = _case_id(runtime)
    phones.text("alice", f"ACK {sam_case}")
    phones.text("alice", f"ACK {maria_case}")
    phones.drain()
    before = len(transport.sent)
    which = phones.text("alice", "how are you doing today?")
    assert f"cases {sam_case}, {maria_case}" in which and "Nothing was sent" in which
    assert phones.text("alice", f"R {maria_case} hola Maria, ¿cómo estás?") is None
    phones.drain()
    new = transport.sent[before:]
    assert [(m.to, m.body) for m in new] == [(PHONES["maria"], "Alice: hola Maria, ¿cómo estás?")]
    assert "not taken yet" not in (phones.text("alice", f"R {sam_case} hi Sam") or "")
    unknown = phones.text("bob", f"R {sam_case} hello")  # another group's facilitator
    assert unknown == f"No open case {sam_case} found."


def test_the_notice_is_in_the_members_language(
    phones: Any, transport: Any, runtime: Any, world: Any
) -> None:
    phones.text("maria", "HABLAR")
    phones.text("alice", f"ACK {_case_id(runtime)}")
    phones.drain()
    [notice] = _sent(transport, "maria")
    assert notice.body.startswith("Alice de Harbor Check-ins recibió tu mensaje")


def test_a_text_from_staff_with_no_conversation_gets_the_usage(phones: Any, world: Any) -> None:
    assert "ACK <case>" in phones.text("alice", "hello?")


def test_delete_is_never_relayed_and_erases_the_conversation(
    phones: Any, transport: Any, runtime: Any, world: Any
) -> None:
    phones.text("sam", "TALK")
    case_id = _case_id(runtime)
    phones.text("alice", f"ACK {case_id}")
    phones.text("alice", "are you there?")
    phones.text("sam", "my secret words")
    assert "DELETE YES" in phones.text("sam", "DELETE")
    assert "erased" in phones.text("sam", "DELETE YES")
    with runtime.session() as s:
        assert s.scalars(select(CaseMessage)).all() == []
        relayed = s.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == "relay"))
        assert all("secret" not in (b or "") for b in relayed)
        assert all("secret" not in (b or "") for b in s.scalars(select(InboundMessage.body)))
        assert all("are you there" not in (b or "") for b in s.scalars(select(InboundMessage.body)))
    assert "ACK <case>" in phones.text("alice", "hello?")  # nothing left to text
