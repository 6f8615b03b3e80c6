"""Where cases come from: a flow's escalate action, TALK, and patterns over time."""

from __future__ import annotations

from datetime import timedelta

from tests.safety.safety_helpers import assert_private, cases, start_flow


def test_checkin_score_one_opens_a_normal_case(phones, runtime, world):
    start_flow(runtime, world, "sam", "checkin")
    assert "TALK" in phones.text("sam", "1")
    [case] = cases(runtime)
    assert (case.urgency, case.source) == ("normal", "flow")
    phones.drain()
    [alert] = phones.received("alice")
    assert alert.startswith(f"Case {case.id} (HOPE)")
    assert_private([alert])


def test_three_low_scores_in_a_row_open_a_pattern_case(phones, runtime, world):
    for _ in range(2):
        phones.text("sam", "2")
        [case] = [c for c in cases(runtime) if c.status != "resolved"]
        phones.text("alice", f"DONE {case.id} checked in with them")
    phones.text("sam", "2")
    newest = cases(runtime)[-1]
    assert (newest.source, newest.reason) == ("pattern", "three low scores in a row")
    assert newest.urgency == "normal" and newest.status == "open"


def test_three_missed_checkins_in_a_row_open_a_normal_case(phones, clock, runtime, world):
    for _ in range(3):
        start_flow(runtime, world, "sam", "checkin")
        clock.advance(timedelta(hours=4, minutes=1))
        phones.drain()
    [case] = cases(runtime)
    assert (case.source, case.reason) == ("pattern", "three missed check-ins in a row")
    assert case.urgency == "normal"
    assert len(phones.received("alice")) == 1


def test_one_open_case_per_member(phones, runtime, world):
    phones.text("sam", "TALK")
    phones.text("sam", "TALK")
    start_flow(runtime, world, "sam", "checkin")
    phones.text("sam", "1")
    assert len(cases(runtime)) == 1
    phones.drain()
    assert len(phones.received("alice")) == 1
