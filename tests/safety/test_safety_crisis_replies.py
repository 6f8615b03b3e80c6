"""A crisis text, whatever else it is, gets resources in the same request and opens a case."""

from __future__ import annotations

from sqlalchemy import select

from smsapp.models import Member, MoodScore, Organisation, User
from tests.safety.safety_helpers import CRISIS, assert_private, cases, member, start_flow


def _is_crisis_reply(reply: str | None) -> bool:
    text = reply or ""
    return "automated" in text and "988" in text and "911" in text


def test_checkin_reply_with_crisis_language_gets_resources_and_still_records_the_mood(
    phones, runtime, world
):
    start_flow(runtime, world, "sam", "checkin")
    reply = phones.text("sam", "2 and I want to end it all")
    assert _is_crisis_reply(reply) and "911" in reply
    assert "A facilitator has been alerted." in reply
    with runtime.session() as s:
        [score] = s.scalars(select(MoodScore)).all()
        assert score.score == 2
    [case] = cases(runtime)
    assert case.urgency == "urgent" and case.source == "crisis"
    assert member(runtime, world, "sam").automation_paused


def test_one_i_want_to_die_during_a_checkin(phones, runtime, world):
    start_flow(runtime, world, "sam", "checkin")
    assert _is_crisis_reply(phones.text("sam", "1 I want to die"))
    [case] = cases(runtime)  # the flow's own low-mood escalation joins the crisis case
    assert case.urgency == "urgent"
    phones.drain()
    alerts = phones.received("alice")
    assert len(alerts) == 1 and "URGENT" in alerts[0] and "HOPE" in alerts[0]
    assert f"ACK {case.id}" in alerts[0] and f"DONE {case.id}" in alerts[0]
    assert "/console/cases/" in alerts[0]
    assert_private(alerts)


def test_reminder_answer_with_crisis_language(phones, runtime, world):
    start_flow(
        runtime, world, "sam", "reminder", meeting={"when": "Tue 7pm", "location": "the hall"}
    )
    assert _is_crisis_reply(phones.text("sam", "yes but honestly I want to end it all"))
    assert len(cases(runtime)) == 1


def test_stop_with_crisis_text_opts_out_and_gets_resources(phones, runtime, world):
    reply = phones.text("sam", "STOP. I am going to kill myself")
    assert _is_crisis_reply(reply) and "unsubscribed" in reply
    sam = member(runtime, world, "sam")
    assert sam.status == "opted_out" and sam.automation_paused
    phones.drain()
    assert len(phones.received("alice")) == 1  # the member's opt-out never cancels the alert


def test_help_with_crisis_text(phones, runtime, world):
    assert _is_crisis_reply(phones.text("sam", "HELP me I want to die"))
    assert len(cases(runtime)) == 1


def test_unknown_sender_reaches_the_on_call_coordinator_only(phones, runtime, world):
    reply = phones.text("stranger", CRISIS)
    assert _is_crisis_reply(reply) and "alerted" in reply
    [case] = cases(runtime)
    assert case.member_id is None and case.organisation_id == world.org.id
    phones.drain()
    assert len(phones.received("carol")) == 1
    assert phones.received("alice") == [] and phones.received("dave") == []


def test_paused_and_opted_out_members_still_get_resources(phones, runtime, world):
    phones.text("sam", "PAUSE")
    phones.text("maria", "STOP")
    assert _is_crisis_reply(phones.text("sam", CRISIS))
    assert "automatizado" in phones.text("maria", "ya no puedo más, quiero morir")
    assert len(cases(runtime)) == 2
    phones.drain()
    assert len(phones.received("alice")) == 2 and phones.received("bob") == []


def test_alerted_is_said_only_when_someone_can_be_reached(phones, runtime, world):
    with runtime.session() as s:
        for user in s.scalars(select(User).where(User.organisation_id == world.org.id)):
            user.active = False
        s.commit()
    reply = phones.text("sam", CRISIS)
    assert _is_crisis_reply(reply) and "alerted" not in reply
    assert len(cases(runtime)) == 1  # the case waits in the console all the same


def test_organisation_crisis_text_per_language(phones, runtime, world):
    with runtime.session() as s:
        org = s.get(Organisation, world.org.id)
        org.crisis_text_en = "Call the Harbor warmline 555-0100 or 988."
        org.crisis_text_es = "Llama a la línea Harbor 555-0100 o al 988."
        s.commit()
    english = phones.text("sam", CRISIS)
    assert "Harbor warmline" in english and "911" not in english
    spanish = phones.text("maria", "ya no puedo más, quiero morir")
    assert "línea Harbor" in spanish and "automatizado" in spanish and "Avisamos" in spanish


def test_a_gb_member_gets_uk_resources_and_no_us_number(phones, runtime, world):
    with runtime.session() as s:
        s.get(Organisation, world.org.id).country = "GB"
        s.commit()
    reply = phones.text("lee", "I want to kill myself")
    assert "116 123" in reply and "999" in reply and "Samaritans" in reply
    for us_number in ("988", "911", "741741"):
        assert us_number not in reply
    assert "A facilitator has been alerted." in reply
    spanish = phones.text("maria", "quiero morir")
    assert "116 123" in spanish and "999" in spanish and "988" not in spanish


def test_a_us_member_gets_988(phones, runtime, world):
    reply = phones.text("sam", "I want to kill myself")
    assert "988" in reply and "911" in reply and "116 123" not in reply
    spanish = phones.text("maria", "quiero morir")
    assert "988" in spanish and "marcar 2" in spanish


def test_automation_stays_paused_until_done(phones, runtime, world):
    phones.text("sam", CRISIS)
    [case] = cases(runtime)
    phones.text("alice", f"ACK {case.id}")
    assert member(runtime, world, "sam").automation_paused
    assert "resolved" in phones.text("alice", f"DONE {case.id} spoke with them, safe plan made")
    with runtime.session() as s:
        assert not s.get(Member, world.members["sam"].id).automation_paused


def test_a_facilitators_done_note_is_not_screened_as_their_own_crisis(phones, runtime, world):
    phones.text("sam", "TALK")
    [case] = cases(runtime)
    reply = phones.text("alice", f"DONE {case.id} said she wanted to kill herself, now safe")
    assert reply == f"Case {case.id} resolved. Thank you."
    assert len(cases(runtime)) == 1
