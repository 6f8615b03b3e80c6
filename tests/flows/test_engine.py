import json
from datetime import timedelta
from typing import Any

import pytest

from smsapp.flows import actions as act
from smsapp.flows.engine import (
    MAX_STEPS_PER_EVENT,
    Reply,
    SessionState,
    Start,
    Timeout,
    start,
    step,
)
from smsapp.flows.schema import FlowDefinition

ASK: dict[str, Any] = {
    "message": {"en": "How are you, {{ member.first_name }}? Reply 1-5", "es": "¿Como estas? 1-5"},
    "wait": {
        "timeout": "30m",
        "timeout_route": "bye",
        "reprompt": {"en": "Please reply 1-5", "es": "Responde 1-5"},
        "reprompt_limit": 1,
        "give_up_route": "gave_up",
        "routes": [
            {"type": "number", "min": 1, "max": 2, "to": "low"},
            {"type": "number", "min": 3, "max": 5, "to": "ok"},
        ],
    },
}


def make_flow(**nodes) -> FlowDefinition:
    base = {
        "ask": ASK,
        "low": {
            "actions": [
                {"type": "record_mood"},
                {"type": "escalate", "urgency": "normal", "reason": "low mood"},
            ],
            "message": "Sorry to hear. Reply TALK to talk.",
        },
        "ok": {"actions": [{"type": "record_mood"}], "message": "Thanks!"},
        "bye": {"message": "Talk soon."},
        "gave_up": {"message": "No worries, we'll ask another day."},
    }
    base.update(nodes)
    return FlowDefinition.model_validate(
        {"id": "t", "name": "Test", "version": 3, "start": "ask", "expiry": "1d", "nodes": base}
    )


def test_start_sends_the_first_message_and_waits(now, ctx):
    result = start(make_flow(), now, ctx)
    assert result.actions == [act.Send("How are you, Ana? Reply 1-5")]
    assert result.state.node == "ask"
    assert result.state.waiting_since == now
    assert result.state.wait_expires_at == now + timedelta(minutes=30)
    assert (result.state.flow_id, result.state.flow_version) == ("t", 3)
    assert not result.state.ended


def test_start_renders_in_the_members_language(now, ctx_es):
    assert start(make_flow(), now, ctx_es).actions == [act.Send("¿Como estas? 1-5")]


def test_reply_routes_and_captures_the_note(now, ctx):
    flow = make_flow()
    state = start(flow, now, ctx).state
    result = step(flow, state, Reply("2 rough day"), now, ctx)
    assert result.actions == [
        act.RecordMood(2, "rough day"),
        act.Escalate("normal", "low mood"),
        act.Send("Sorry to hear. Reply TALK to talk."),
        act.End(),
    ]
    assert result.state.ended and result.state.node == "low"
    assert result.state.wait_expires_at is None


def test_unmatched_reply_reprompts_once_then_gives_up(now, ctx):
    flow = make_flow()
    state = start(flow, now, ctx).state
    first = step(flow, state, Reply("what?"), now, ctx)
    assert first.actions == [act.Send("Please reply 1-5")]
    assert first.state.reprompts == 1 and first.state.waiting
    second = step(flow, first.state, Reply("9"), now, ctx)
    assert second.actions == [act.Send("No worries, we'll ask another day."), act.End()]
    assert second.state.ended


def test_without_give_up_route_the_session_just_ends(now, ctx):
    ask = {**ASK, "wait": {**ASK["wait"], "give_up_route": None, "reprompt_limit": 0}}
    flow = make_flow(ask=ask)
    state = start(flow, now, ctx).state
    result = step(flow, state, Reply("hmm"), now, ctx)
    assert result.actions == [act.End()] and result.state.ended


def test_generic_reprompt_lists_the_valid_answers(now, ctx_es):
    ask = {**ASK, "wait": {**ASK["wait"], "reprompt": None}}
    flow = make_flow(ask=ask)
    state = start(flow, now, ctx_es).state
    result = step(flow, state, Reply("hmm"), now, ctx_es)
    assert result.actions == [act.Send("Perdon, no entendi. Responde 1-2 o 3-5.")]


def test_timeout_follows_the_timeout_route(now, ctx):
    flow = make_flow()
    state = start(flow, now, ctx).state
    result = step(flow, state, Timeout(), now + timedelta(minutes=30), ctx)
    assert result.actions == [act.Send("Talk soon."), act.End()]
    assert result.state.ended


def test_early_or_stale_timeout_is_ignored(now, ctx):
    flow = make_flow()
    state = start(flow, now, ctx).state
    result = step(flow, state, Timeout(), now + timedelta(minutes=29), ctx)
    assert result.state == state and result.actions == [] and not result.handled


def test_reply_to_a_session_that_is_not_waiting_is_ignored(now, ctx):
    flow = make_flow()
    ended = step(flow, start(flow, now, ctx).state, Reply("4"), now, ctx).state
    result = step(flow, ended, Reply("5"), now, ctx)
    assert result.state == ended and result.actions == [] and not result.handled


def test_reply_after_session_expiry_ends_without_handling(now, ctx):
    ask = {**ASK, "wait": {**ASK["wait"], "timeout": None}}
    flow = make_flow(ask=ask)
    state = start(flow, now, ctx).state
    result = step(flow, state, Reply("4"), now + timedelta(days=2), ctx)
    assert result.actions == [act.End()] and result.state.ended and not result.handled


def test_start_event_restarts_the_flow(now, ctx):
    flow = make_flow()
    state = start(flow, now, ctx).state
    assert step(flow, state, Start(), now, ctx).actions[0] == act.Send(
        "How are you, Ana? Reply 1-5"
    )


def test_next_chains_nodes_within_one_event(now, ctx):
    flow = make_flow(ok={"message": "Thanks!", "next": "bye"})
    state = start(flow, now, ctx).state
    result = step(flow, state, Reply("4"), now, ctx)
    assert result.actions == [act.Send("Thanks!"), act.Send("Talk soon."), act.End()]


def test_loop_guard_ends_the_session_with_an_error(now, ctx):
    flow = make_flow(ok={"message": "Thanks!", "next": "bye"}, bye={"message": "x", "next": "ok"})
    state = start(flow, now, ctx).state
    result = step(flow, state, Reply("4"), now, ctx)
    assert result.state.ended
    assert result.actions == [
        act.FlowError(f"loop guard: more than {MAX_STEPS_PER_EVENT} steps"),
        act.End(),
    ]


def test_missing_template_value_is_an_error_not_a_blank(now, ctx):
    flow = make_flow(ok={"message": "See you at {{ meeting.location }}"})
    state = start(flow, now, ctx).state
    no_meeting = type(ctx)(language="en", member=ctx.member)
    result = step(flow, state, Reply("4"), now, no_meeting)
    assert not any(isinstance(a, act.Send) for a in result.actions)
    assert isinstance(result.actions[-2], act.FlowError) and result.state.ended


def test_end_action_stops_before_next(now, ctx):
    flow = make_flow(ok={"actions": [{"type": "end"}], "message": "Bye", "next": "bye"})
    result = step(flow, start(flow, now, ctx).state, Reply("5"), now, ctx)
    assert result.actions == [act.Send("Bye"), act.End()]


def test_every_action_kind_reaches_the_caller(now, ctx):
    flow = make_flow(
        ok={
            "actions": [
                {"type": "rsvp", "answer": "later"},
                {"type": "set_field", "field": "language", "value": "es"},
                {"type": "pause_member"},
                {"type": "start_flow", "flow_id": "checkin"},
                {"type": "enroll"},
            ]
        }
    )
    result = step(flow, start(flow, now, ctx).state, Reply("5"), now, ctx)
    assert result.actions == [
        act.Rsvp("later"),
        act.SetField("language", "es"),
        act.PauseMember(),
        act.StartFlow("checkin"),
        act.Enroll(),
        act.End(),
    ]


def test_state_round_trips_through_json(now, ctx):
    flow = make_flow()
    state = step(flow, start(flow, now, ctx).state, Reply("??"), now, ctx).state
    stored = json.loads(json.dumps(state.to_dict()))
    assert stored["flow_version"] == 3 and stored["format"] == 1
    restored = SessionState.from_dict(stored)
    assert restored == state
    # The restored session carries on exactly where it was.
    assert step(flow, restored, Reply("4"), now, ctx) == step(flow, state, Reply("4"), now, ctx)


def test_unknown_state_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        SessionState.from_dict({"format": 99, "flow_id": "t", "flow_version": 1, "node": "a"})


def test_a_session_runs_on_the_version_it_started_with(now, ctx):
    v3 = make_flow()
    state = start(v3, now, ctx).state
    v4 = v3.model_copy(update={"version": 4})
    with pytest.raises(ValueError, match="v3"):
        step(v4, state, Reply("4"), now, ctx)
    assert step(v3, state, Reply("4"), now, ctx).state.ended
