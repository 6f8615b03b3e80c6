"""The flow engine: a pure function of (definition, state, event, now) → (state, actions).

No database, network or clock: the caller passes `now` and applies the actions in one
transaction. The same code runs in production, the simulator and the tests.
Captured reply values (score, note, choice) live only for the event that produced
them, so member free text never lands in the stored session state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from smsapp.flows import actions as act
from smsapp.flows.routers import match_routes
from smsapp.flows.schema import (
    AddNoteSpec,
    EndSpec,
    EnrollSpec,
    EscalateSpec,
    FlowDefinition,
    Node,
    PauseMemberSpec,
    RecordMoodSpec,
    RsvpSpec,
    SaveNameSpec,
    SetFieldSpec,
    StartFlowSpec,
    Wait,
)
from smsapp.flows.templates import RenderContext, RenderError, render_text

MAX_STEPS_PER_EVENT = 20
STATE_FORMAT = 1


@dataclass(frozen=True)
class Start:
    """Begin the flow."""


@dataclass(frozen=True)
class Reply:
    """An inbound SMS from the member."""

    text: str


@dataclass(frozen=True)
class Timeout:
    """The wait's timer fired."""


Event = Start | Reply | Timeout


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(UTC) if value else None


@dataclass(frozen=True)
class SessionState:
    """Where a member is in a flow, pinned to the definition version it started on."""

    flow_id: str
    flow_version: int
    node: str
    waiting_since: datetime | None = None
    wait_expires_at: datetime | None = None
    reprompts: int = 0
    ended: bool = False
    expires_at: datetime | None = None

    @property
    def waiting(self) -> bool:
        """True when the session waits for a reply."""
        return not self.ended and self.waiting_since is not None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form for storage."""
        return {
            "format": STATE_FORMAT,
            "flow_id": self.flow_id,
            "flow_version": self.flow_version,
            "node": self.node,
            "waiting_since": _iso(self.waiting_since),
            "wait_expires_at": _iso(self.wait_expires_at),
            "reprompts": self.reprompts,
            "ended": self.ended,
            "expires_at": _iso(self.expires_at),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionState:
        """Rebuild a state stored with `to_dict`."""
        if data.get("format", STATE_FORMAT) != STATE_FORMAT:
            raise ValueError(f"unsupported session state format {data.get('format')!r}")
        return cls(
            flow_id=str(data["flow_id"]),
            flow_version=int(data["flow_version"]),
            node=str(data["node"]),
            waiting_since=_parse_time(data.get("waiting_since")),
            wait_expires_at=_parse_time(data.get("wait_expires_at")),
            reprompts=int(data.get("reprompts", 0)),
            ended=bool(data.get("ended", False)),
            expires_at=_parse_time(data.get("expires_at")),
        )


@dataclass(frozen=True)
class StepResult:
    """The new state and what the caller must do; `handled` is False if the event was ignored."""

    state: SessionState
    actions: list[act.Action] = field(default_factory=list)
    handled: bool = True


def start(flow: FlowDefinition, now: datetime, ctx: RenderContext) -> StepResult:
    """Begin a new session of `flow` at its start node."""
    state = SessionState(
        flow_id=flow.id,
        flow_version=flow.version,
        node=flow.start,
        expires_at=now + flow.expiry_delta,
    )
    return _Run(flow, now, ctx).go(state, flow.start, {})


def step(
    flow: FlowDefinition, state: SessionState, event: Event, now: datetime, ctx: RenderContext
) -> StepResult:
    """Apply one event to a session and return the new state and actions."""
    if (state.flow_id, state.flow_version) != (flow.id, flow.version):
        raise ValueError(
            f"session is on {state.flow_id} v{state.flow_version}, "
            f"definition is {flow.id} v{flow.version}"
        )
    if isinstance(event, Start):
        return start(flow, now, ctx)
    if not state.waiting:
        return StepResult(state, [], handled=False)
    if state.expires_at is not None and now >= state.expires_at:
        return StepResult(_ended(state), [act.End()], handled=False)
    node = flow.nodes.get(state.node)
    if node is None or node.wait is None:
        return _Run(flow, now, ctx).fail(state, [], f"session waits at unknown node {state.node!r}")
    if isinstance(event, Timeout):
        return _on_timeout(flow, state, node.wait, now, ctx)
    return _on_reply(flow, state, node.wait, event.text, now, ctx)


def render_node_message(flow: FlowDefinition, node_id: str, ctx: RenderContext) -> str | None:
    """The rendered message of one node, e.g. the join disclosure text for a consent record."""
    message = flow.nodes[node_id].message
    return render_text(message, ctx, flow.default_language) if message else None


def _ended(state: SessionState) -> SessionState:
    return replace(state, ended=True, waiting_since=None, wait_expires_at=None, reprompts=0)


def _on_timeout(
    flow: FlowDefinition, state: SessionState, wait: Wait, now: datetime, ctx: RenderContext
) -> StepResult:
    # A stale or early timer (an older wait's row, a clock rounding down) is ignored.
    if state.wait_expires_at is None or now < state.wait_expires_at:
        return StepResult(state, [], handled=False)
    if wait.timeout_route is None:
        return StepResult(_ended(state), [act.End()])
    return _Run(flow, now, ctx).go(state, wait.timeout_route, {})


def _on_reply(
    flow: FlowDefinition,
    state: SessionState,
    wait: Wait,
    text: str,
    now: datetime,
    ctx: RenderContext,
) -> StepResult:
    run = _Run(flow, now, ctx)
    found = match_routes(wait.routes, text, _baseline(ctx))
    if found is not None:
        return run.go(state, found.target, found.captured)
    if state.reprompts < wait.reprompt_limit:
        try:
            prompt = _reprompt_text(flow, wait, ctx)
        except RenderError as exc:
            return run.fail(state, [], f"reprompt at {state.node!r}: {exc}")
        return StepResult(replace(state, reprompts=state.reprompts + 1), [act.Send(prompt)])
    if wait.give_up_route is not None:
        return run.go(state, wait.give_up_route, {})
    return StepResult(_ended(state), [act.End()])


def _baseline(ctx: RenderContext) -> float | None:
    # The caller computes the member's recent mean score; the engine only reads it.
    value = ctx.member.get("baseline")
    return float(value) if isinstance(value, int | float) else None


_GENERIC_REPROMPT = {
    "en": "Sorry, I didn't get that. Please reply {answers}.",
    "es": "Perdon, no entendi. Responde {answers}.",
}
_OR = {"en": "or", "es": "o"}


def _reprompt_text(flow: FlowDefinition, wait: Wait, ctx: RenderContext) -> str:
    if wait.reprompt:
        return render_text(wait.reprompt, ctx, flow.default_language)
    # No reprompt written: list the valid answers so the member is never stuck.
    lang = ctx.language if ctx.language in _GENERIC_REPROMPT else "en"
    answers: list[str] = []
    for router in wait.routes:
        if router.type == "number":
            answers.append(f"{router.min}-{router.max}")
        elif router.type == "choice":
            answers.extend(name.upper() for name in router.routes)
    if not answers:
        return _GENERIC_REPROMPT[lang].split(".")[0] + "."
    listed = (
        ", ".join(answers[:-1]) + f" {_OR[lang]} " + answers[-1] if len(answers) > 1 else answers[0]
    )
    return _GENERIC_REPROMPT[lang].format(answers=listed)


class _Run:
    """Walks nodes for one event, collecting actions, within the step cap."""

    def __init__(self, flow: FlowDefinition, now: datetime, ctx: RenderContext) -> None:
        self.flow, self.now, self.ctx = flow, now, ctx

    def go(self, state: SessionState, node_id: str, captured: Mapping[str, object]) -> StepResult:
        out: list[act.Action] = []
        for _ in range(MAX_STEPS_PER_EVENT):
            node = self.flow.nodes.get(node_id)
            if node is None:
                return self.fail(state, out, f"unknown node {node_id!r}")
            state = replace(_ended(state), ended=False, node=node_id)
            try:
                ended = self._enter(node, captured, out)
            except RenderError as exc:
                return self.fail(state, out, f"message at {node_id!r}: {exc}")
            if ended:
                return StepResult(_ended(state), [*out, act.End()])
            if node.wait is not None:
                return StepResult(self._waiting(state, node.wait), out)
            if node.next is None:
                return StepResult(_ended(state), [*out, act.End()])
            node_id, captured = node.next, {}
        # A definition that loops without waiting: send nothing of what it produced.
        return self.fail(state, [], f"loop guard: more than {MAX_STEPS_PER_EVENT} steps")

    def fail(self, state: SessionState, out: list[act.Action], reason: str) -> StepResult:
        return StepResult(_ended(state), [*out, act.FlowError(reason), act.End()])

    def _waiting(self, state: SessionState, wait: Wait) -> SessionState:
        delta = wait.timeout_delta
        expires = self.now + delta if delta else None
        return replace(state, waiting_since=self.now, wait_expires_at=expires, reprompts=0)

    def _enter(self, node: Node, captured: Mapping[str, object], out: list[act.Action]) -> bool:
        # Effects come before the message, so e.g. consent is recorded before a welcome.
        ended = False
        for spec in node.actions:
            if isinstance(spec, EndSpec):
                ended = True
            else:
                out.append(_to_action(spec, captured))
        if node.message:
            out.append(act.Send(render_text(node.message, self.ctx, self.flow.default_language)))
        return ended


def _to_action(spec: object, captured: Mapping[str, object]) -> act.Action:
    if isinstance(spec, RecordMoodSpec | AddNoteSpec | SaveNameSpec):
        return _action_from_answer(spec, captured)
    return _fixed_action(spec)


def _action_from_answer(
    spec: RecordMoodSpec | AddNoteSpec | SaveNameSpec, captured: Mapping[str, object]
) -> act.Action:
    """An action that carries what the route captured from the member's answer."""
    if isinstance(spec, RecordMoodSpec):
        score, note = captured.get("score"), captured.get("note")
        if not isinstance(score, int):
            return act.FlowError("record_mood without a score from a number route")
        return act.RecordMood(score, note if isinstance(note, str) else None)
    if isinstance(spec, AddNoteSpec):
        note = captured.get("text") or captured.get("note")
        if not isinstance(note, str):
            return act.FlowError("add_note without text from an any route")
        return act.AddNote(note)
    name = captured.get("text")
    if not isinstance(name, str):
        return act.FlowError("save_name without text from an any or regex route")
    return act.SaveName(name)


def _fixed_action(spec: object) -> act.Action:
    """An action the flow's YAML fixes entirely."""
    if isinstance(spec, RsvpSpec):
        return act.Rsvp(spec.answer)
    if isinstance(spec, EscalateSpec):
        return act.Escalate(spec.urgency, spec.reason)
    if isinstance(spec, SetFieldSpec):
        return act.SetField(spec.field, spec.value)
    if isinstance(spec, PauseMemberSpec):
        return act.PauseMember()
    if isinstance(spec, StartFlowSpec):
        return act.StartFlow(spec.flow_id, spec.unless)
    if isinstance(spec, EnrollSpec):
        return act.Enroll()
    raise TypeError(f"unknown action {spec!r}")
