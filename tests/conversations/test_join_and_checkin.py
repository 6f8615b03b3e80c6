"""Conversations through the real webhook: joining with consent, check-ins, commands."""

from __future__ import annotations

from sqlalchemy import select

from smsapp.models import ConsentRecord, Member, MoodScore
from tests.factories import PHONES


def test_join_asks_for_consent_and_yes_enrolls(phones, runtime, world):
    consent_request = phones.text("stranger", "join hope")
    assert "Msg & data rates may apply" in consent_request
    assert "STOP" in consent_request and "HELP" in consent_request
    with runtime.session() as s:
        member = s.scalar(select(Member).where(Member.phone_last4 == PHONES["stranger"][-4:]))
        assert member.status == "pending"
    welcome = phones.text("stranger", "Yes!")
    assert "Welcome to Hope Circle" in welcome
    with runtime.session() as s:
        member = s.get(Member, member.id)
        assert member.status == "active"
        record = s.scalar(select(ConsentRecord).where(ConsentRecord.member_id == member.id))
        assert record.kind == "opt_in" and record.method == "sms_reply"
        assert record.disclosure_text.startswith("Harbor Check-ins")


def test_nothing_is_sent_before_consent(phones, runtime, world):
    phones.text("stranger", "JOIN HOPE")
    phones.text("stranger", "what is this")
    phones.drain()
    assert phones.received("stranger") == []


def test_join_with_unknown_code_says_so(phones, world):
    assert "no group has the code NOPE" in phones.text("stranger", "JOIN nope")


def test_declining_consent_keeps_the_person_out(phones, runtime, world):
    phones.text("stranger", "JOIN HOPE")
    assert "won't get messages" in phones.text("stranger", "no")
    with runtime.session() as s:
        member = s.scalar(select(Member).where(Member.phone_last4 == PHONES["stranger"][-4:]))
        assert member.status == "pending"


def test_member_texting_a_score_records_a_check_in(phones, runtime, world):
    reply = phones.text("sam", "4")
    assert reply
    with runtime.session() as s:
        [score] = s.scalars(select(MoodScore)).all()
        assert score.score == 4 and score.member_id == world.members["sam"].id


def test_unknown_text_gets_the_fallback(phones, world):
    assert "TALK" in phones.text("sam", "banana")
    assert "JOIN" in phones.text("stranger", "hello?")


def test_empty_and_long_unicode_bodies_get_an_answer(phones, world):
    assert phones.text("sam", "") is not None
    assert phones.text("sam", "🙂" * 1600) is not None


def test_talk_opens_a_case_and_texts_the_facilitator(phones, world):
    assert "facilitator" in phones.text("sam", "TALK")
    phones.drain()
    [alert] = phones.received("alice")
    assert "Sam" not in alert and "ACK" in alert


def test_spanish_member_gets_spanish_texts(phones, world):
    assert "Perdona" in phones.text("maria", "banana")


def test_pause_and_resume(phones, runtime, world):
    assert "RESUME" in phones.text("sam", "pause")
    with runtime.session() as s:
        assert s.get(Member, world.members["sam"].id).status == "paused"
    assert "Welcome back" in phones.text("sam", "RESUME")
