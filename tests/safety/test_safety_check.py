"""The safety check: distress without a clear risk signal gets a question, not an alarm."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from smsapp.jobs.drain import drain
from smsapp.models import Timer
from tests.safety.safety_helpers import cases


def _checks(runtime):
    with runtime.session() as s:
        return list(s.scalars(select(Timer).where(Timer.kind == "safety_check")))


def _later(runtime, minutes):
    runtime.clock.advance(timedelta(minutes=minutes))
    drain(runtime)


def test_safe_is_thanked_and_noted_and_no_case_opens(phones, runtime, world):
    question = phones.text("sam", "I can't do this anymore")
    assert "Are you safe?" in question and "988" in question and "911" in question
    assert phones.text("sam", "I'm safe").startswith("Thank you for letting us know.")
    _later(runtime, 20)
    [check] = _checks(runtime)
    assert check.status == "done" and check.payload["answer"] == "safe"
    assert cases(runtime) == [] and phones.received("alice") == []


def test_no_answer_in_15_minutes_opens_a_normal_case(phones, runtime, world):
    phones.text("sam", "everything is falling apart")
    _later(runtime, 14)
    assert cases(runtime) == []
    _later(runtime, 2)
    [case] = cases(runtime)
    assert (case.urgency, case.source) == ("normal", "safety_check")
    assert "facilitator" in phones.received("sam")[-1]
    assert len(phones.received("alice")) == 1  # the group's facilitator, no member text in it
    assert "falling" not in phones.received("alice")[0]


def test_a_worrying_answer_opens_a_case_at_once(phones, runtime, world):
    phones.text("sam", "I feel so hopeless")
    assert phones.text("sam", "not really").startswith("Thank you for telling us.")
    [case] = cases(runtime)
    assert (case.urgency, case.source) == ("normal", "safety_check")
    _later(runtime, 20)
    assert len(cases(runtime)) == 1 and _checks(runtime)[0].payload["answer"] == "worrying"


def test_a_crisis_after_the_question_is_a_crisis_and_closes_the_check(phones, runtime, world):
    phones.text("sam", "I can't do this anymore")
    reply = phones.text("sam", "I took all my pills")
    assert "A facilitator has been alerted." in reply
    [case] = cases(runtime)
    assert case.urgency == "urgent"
    _later(runtime, 20)
    assert len(cases(runtime)) == 1 and _checks(runtime)[0].payload["answer"] == "crisis"


def test_distress_while_a_case_is_open_reaches_the_case_not_a_new_question(phones, runtime, world):
    phones.text("sam", "TALK")
    reply = phones.text("sam", "I feel so hopeless")
    assert "A facilitator has been asked to contact you soon." in reply
    assert len(cases(runtime)) == 1 and _checks(runtime) == []


def test_a_gb_member_is_asked_with_uk_resources(phones, runtime, world):
    from smsapp.models import Organisation

    with runtime.session() as s:
        s.get(Organisation, world.org.id).country = "GB"
        s.commit()
    question = phones.text("lee", "what's the point")
    assert "116 123" in question and "999" in question and "988" not in question


def test_other_answers_are_routed_as_usual_and_the_check_keeps_running(phones, runtime, world):
    phones.text("sam", "I can't do this anymore")
    assert "Text 1-5" in (phones.text("sam", "hello?") or "")
    _later(runtime, 16)
    assert [c.source for c in cases(runtime)] == ["safety_check"]
