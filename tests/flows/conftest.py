"""Fixtures for flow tests: a fixed clock, contexts, and a transcript runner.

A transcript reads like the conversation it checks:

    app< Hi Ana, how are you today?...     (a trailing "..." matches a prefix)
    member> 2
    do> Escalate(urgency='normal', reason='low mood')
    wait 4h                                 (fires the timeout if it is due)
    ended
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from smsapp.flows import actions as act
from smsapp.flows.engine import Reply, StepResult, Timeout, start, step
from smsapp.flows.schema import FlowDefinition, parse_duration
from smsapp.flows.templates import RenderContext

NOW = datetime(2025, 3, 10, 18, 0, tzinfo=UTC)

ANA = RenderContext(
    language="en",
    member={"first_name": "Ana", "name": "Ana Ruiz", "language": "en"},
    group={"name": "Tuesday Circle", "code": "TUES", "texts_per_week": 4},
    meeting={"when": "Tue 11 Mar, 6:30 PM", "location": "Room 2"},
    organisation={"name": "Riverside", "help_contact": "555-0100", "program_name": "Riverside"},
)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def ctx() -> RenderContext:
    return ANA


@pytest.fixture
def ctx_es() -> RenderContext:
    return replace(ANA, language="es")


def _expect_outputs(lines: list[str], produced: list[act.Action]) -> None:
    """Compare expected `app<` / `do>` lines with what the engine produced, in order."""
    shown = [f"app< {a.text}" if isinstance(a, act.Send) else f"do> {a!r}" for a in produced]
    shown = [s for s in shown if s != "do> End()"]
    assert len(shown) == len(lines), f"expected {lines}, got {shown}"
    for want, got in zip(lines, shown, strict=True):
        if want.endswith("..."):
            assert got.startswith(want[:-3]), f"expected {want!r}, got {got!r}"
        else:
            assert got == want


def run_transcript(flow: FlowDefinition, script: str, ctx: RenderContext) -> StepResult:
    """Drive the pure engine through a transcript; return the final result."""
    now = NOW
    lines = [line.strip() for line in script.strip().splitlines() if line.strip()]
    result = start(flow, now, ctx)
    pending: list[str] = []
    produced = result.actions
    for line in [*lines, "member> <end of script>"]:
        if line.startswith(("app<", "do>")):
            pending.append(line)
            continue
        _expect_outputs(pending, produced)
        pending = []
        if line == "member> <end of script>":
            break
        if line == "ended":
            assert result.state.ended, "session should have ended"
            produced = []
        elif line == "waiting":
            assert result.state.waiting, "session should wait for a reply"
            produced = []
        elif line.startswith("member>"):
            result = step(flow, result.state, Reply(line[len("member>") :].strip()), now, ctx)
            produced = result.actions
        elif m := re.fullmatch(r"wait (\w+)", line):
            now += parse_duration(m.group(1)) if m.group(1) != "0" else timedelta()
            result = step(flow, result.state, Timeout(), now, ctx)
            produced = result.actions
        else:
            raise AssertionError(f"bad transcript line {line!r}")
    return result


@pytest.fixture
def transcript() -> Callable[[FlowDefinition, str, RenderContext], StepResult]:
    return run_transcript
