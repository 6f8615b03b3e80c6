"""Strangers and abuse: automated replies are budgeted per sender, a stranger's crisis
texts share one case, loops with auto-responders stop, JOIN cannot be brute-forced."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from smsapp.models import Case, Group, InboundMessage, Member, OutboxMessage
from smsapp.services.conversation import enrollment
from smsapp.services.core import budgets
from smsapp.services.domain import groups as group_service
from smsapp.services.domain import members as member_service
from tests.factories import OTHER_NUMBER, PHONES
from tests.safety.safety_helpers import CRISIS


def _count(runtime, model, *where) -> int:
    with runtime.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_a_stranger_gets_a_few_replies_an_hour_and_every_text_is_stored(
    phones, clock, runtime, world
):
    replies = [phones.text("stranger", "hello") for _ in range(30)]
    answered = [r for r in replies if r]
    assert len(answered) == budgets.STRANGER_REPLIES_PER_HOUR
    assert _count(runtime, InboundMessage) == 30
    clock.advance(timedelta(minutes=61))
    assert phones.text("stranger", "hello") is not None  # the budget refills with time


def test_a_strangers_crisis_texts_open_one_case_and_resources_go_once_per_ten_minutes(
    phones, clock, runtime, world
):
    replies = []
    for _ in range(20):
        replies.append(phones.text("stranger", CRISIS))
        clock.advance(timedelta(seconds=15))  # twenty texts in five minutes
    phones.drain()
    assert len([r for r in replies if r]) == 1 and "988" in (replies[0] or "")
    [case] = list(_cases(runtime))
    assert case.organisation_id == world.org.id and case.member_id is None
    escalations = _count(runtime, OutboxMessage, OutboxMessage.kind == "escalation")
    assert 0 < escalations <= 3  # one level's people, once: not seventy texts
    clock.advance(timedelta(minutes=10))
    assert "988" in (phones.text("stranger", CRISIS) or "")
    assert len(list(_cases(runtime))) == 1  # the later text joins the open case


def test_a_strangers_crisis_text_is_answered_even_when_the_budget_is_spent(phones, runtime, world):
    for _ in range(budgets.STRANGER_REPLIES_PER_HOUR + 2):
        phones.text("stranger", "hello")
    assert "988" in (phones.text("stranger", CRISIS) or "")


def test_a_resolved_strangers_case_lets_a_new_one_open(phones, clock, runtime, world):
    phones.text("stranger", CRISIS)
    [case] = list(_cases(runtime))
    phones.text("carol", f"DONE {case.id} called them back")
    clock.advance(timedelta(minutes=11))
    phones.text("stranger", CRISIS)
    assert len(list(_cases(runtime))) == 2


def test_a_loop_with_an_auto_responder_stops_within_a_few_texts(phones, runtime, world):
    """Sam's phone answers every text with an away message; we answer 'sorry, I didn't
    get that'; after a few rounds we stop answering, which ends the loop."""
    answers = [
        phones.text("sam", "I'm driving right now, I'll text you back later") for _ in range(20)
    ]
    assert len([a for a in answers if a]) == budgets.FALLBACKS_PER_HOUR
    assert phones.text("sam", "4") is not None  # a real check-in still gets its answer


def test_a_staff_auto_responder_loop_stops_too(phones, runtime, world):
    answers = [phones.text("alice", "Out of office until Monday") for _ in range(10)]
    assert len([a for a in answers if a]) == budgets.FALLBACKS_PER_HOUR


def test_guessing_join_codes_is_throttled(phones, clock, runtime, world):
    guesses = [phones.text("stranger", f"JOIN G{n:05d}") for n in range(50)]
    assert len([g for g in guesses if g]) <= budgets.STRANGER_REPLIES_PER_HOUR
    # Even the right code is not acted on while the sender is over their JOIN attempts.
    phones.text("stranger", "JOIN HOPE")
    assert _count(runtime, Member, Member.phone_last4 == PHONES["stranger"][-4:]) == 0
    clock.advance(timedelta(minutes=61))
    assert "Msg & data rates" in (phones.text("stranger", "JOIN HOPE") or "")


def test_generated_group_codes_are_long_and_unguessable(runtime, world):
    with runtime.session() as s:
        codes = {group_service.generate_code(s) for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) >= 6 and set(c) <= set(group_service.CODE_ALPHABET) for c in codes)


def test_a_group_can_require_approval_for_members_who_join_by_text(phones, runtime, world):
    with runtime.session() as s:
        s.get(Group, world.hope.id).requires_approval = True
        s.commit()
    reply = phones.text("stranger", "JOIN HOPE") or ""
    assert "coordinator" in reply and "YES" not in reply
    phones.text("stranger", "YES")
    phones.drain()
    assert phones.received("stranger") == []  # nothing until a coordinator approves
    with runtime.session() as s:
        member = s.scalar(select(Member).where(Member.phone_last4 == PHONES["stranger"][-4:]))
        assert member.status == "awaiting_approval"
        assert enrollment.approve_join(s, member, runtime.now()) == 1
        s.commit()
    phones.drain()
    [consent_request] = phones.received("stranger")
    assert "Reply YES to join" in consent_request
    assert "Welcome to Hope Circle" in (phones.text("stranger", "YES") or "")


def test_a_declined_join_request_leaves_nothing_behind(phones, runtime, world):
    with runtime.session() as s:
        s.get(Group, world.other_group.id).requires_approval = True
        s.commit()
    phones.text("stranger", "JOIN OTHER", to=OTHER_NUMBER)
    with runtime.session() as s:
        member = s.scalar(select(Member).where(Member.phone_last4 == PHONES["stranger"][-4:]))
        member_service.decline_join(s, member)
        s.commit()
    phones.drain()
    assert phones.received("stranger") == []
    assert _count(runtime, Member, Member.phone_last4 == PHONES["stranger"][-4:]) == 0


def _cases(runtime):
    with runtime.session() as s:
        return list(s.scalars(select(Case).order_by(Case.id)))
