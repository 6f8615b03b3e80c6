"""Property: random replies and timeouts through every built-in flow never raise, and
every event leaves the session ended or waiting, within the step cap."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from smsapp.flows import actions as act
from smsapp.flows.engine import MAX_STEPS_PER_EVENT, Reply, Timeout, start, step
from smsapp.flows.loader import builtin_ids, load_builtin
from tests.flows.conftest import ANA, NOW

REPLIES = st.one_of(
    st.sampled_from(["1", "2", "3 rough day", "5️⃣", "yes", "NO", "later", "skip", "", "  "]),
    st.sampled_from(["three", "3/5", "👍", "7", "-1", "TALK", "sí", "quizás", "maybe"]),
    st.text(max_size=40),
)
EVENTS = st.lists(
    st.one_of(REPLIES.map(Reply), st.integers(1, 72).map(lambda h: (Timeout(), h))),
    max_size=12,
)
CONTEXTS = st.builds(
    lambda lang, baseline: replace(ANA, language=lang, member={**ANA.member, "baseline": baseline}),
    st.sampled_from(["en", "es", "fr"]),
    st.one_of(st.none(), st.floats(1, 5)),
)


def _settled(result) -> bool:
    return result.state.ended or result.state.waiting


@settings(max_examples=150, deadline=None)
@given(flow_id=st.sampled_from(builtin_ids()), events=EVENTS, ctx=CONTEXTS)
def test_random_events_always_end_or_wait(flow_id, events, ctx):
    flow = load_builtin(flow_id)
    now = NOW
    result = start(flow, now, ctx)
    assert _settled(result)
    for event in events:
        if isinstance(event, tuple):
            event, hours = event
            now += timedelta(hours=hours)
        result = step(flow, result.state, event, now, ctx)
        assert _settled(result)
        assert len(result.actions) <= 2 * MAX_STEPS_PER_EVENT + 2
        assert not any(isinstance(a, act.FlowError) for a in result.actions)
        if result.state.ended:
            assert not result.state.waiting
