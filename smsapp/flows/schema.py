"""Typed flow definitions: what a flow YAML file may contain.

Pydantic models with unknown keys rejected, so a typo in a definition is an error
at load time rather than a silent default in front of a member. Cross-references
(routes to nodes, template variables) are checked by `lint`.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from smsapp.flows.patterns import PatternError, compile_pattern

SCHEMA_PATH = Path(__file__).with_name("flow.schema.json")
ANY_LANGUAGE = "*"

NodeId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
FlowId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
ChoiceName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=20)]
Duration = Annotated[
    str,
    StringConstraints(pattern=r"^[1-9][0-9]*[smhd]$"),
    WithJsonSchema({"type": "string", "pattern": r"^[1-9][0-9]*[smhd]$", "examples": ["30m"]}),
]

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(value: str) -> timedelta:
    """Turn "30m", "4h", "2d" or "90s" into a timedelta."""
    return timedelta(**{_UNITS[value[-1]]: int(value[:-1])})


def _text_from_yaml(value: Any) -> Any:
    # A plain string is a text for every language; a mapping is per language.
    return {ANY_LANGUAGE: value} if isinstance(value, str) else value


Text = Annotated[
    dict[str, Annotated[str, StringConstraints(min_length=1)]],
    BeforeValidator(_text_from_yaml),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "propertyNames": {"pattern": "^[a-z]{2}$"},
                    "additionalProperties": {"type": "string", "minLength": 1},
                    "minProperties": 1,
                },
            ]
        }
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- routers -----------------------------------------------------------------


class NumberRouter(_Strict):
    """Matches a whole number in [min, max]; the rest of the reply becomes the note.

    With `below_baseline: n` it matches only a number at least n below the member's own
    recent baseline (the caller passes it as `member.baseline`; none known, no match).
    """

    type: Literal["number"]
    min: int
    max: int
    to: NodeId
    below_baseline: int | None = Field(default=None, ge=1, le=4)

    @model_validator(mode="after")
    def _ordered(self) -> NumberRouter:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class ChoiceRouter(_Strict):
    """Matches a whole reply against named choices with synonyms."""

    type: Literal["choice"]
    choices: dict[ChoiceName, list[str]] = Field(min_length=1)
    routes: dict[ChoiceName, NodeId] = Field(min_length=1)

    @model_validator(mode="after")
    def _routes_name_choices(self) -> ChoiceRouter:
        unknown = sorted(set(self.routes) - set(self.choices))
        if unknown:
            raise ValueError(f"routes name unknown choices: {', '.join(unknown)}")
        return self


class RegexRouter(_Strict):
    """Matches the whole reply (case-insensitive) against a regular expression."""

    type: Literal["regex"]
    pattern: str
    to: NodeId

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            compile_pattern(value)
        except PatternError as exc:
            raise ValueError(str(exc)) from None
        return value


class AnyRouter(_Strict):
    """Matches any non-empty reply."""

    type: Literal["any"]
    to: NodeId


Router = Annotated[
    NumberRouter | ChoiceRouter | RegexRouter | AnyRouter, Field(discriminator="type")
]


# --- actions -----------------------------------------------------------------


class RecordMoodSpec(_Strict):
    """Record the score (and note) captured by the number router that led here."""

    type: Literal["record_mood"]


class RsvpSpec(_Strict):
    type: Literal["rsvp"]
    answer: Literal["yes", "no", "later"]


class EscalateSpec(_Strict):
    type: Literal["escalate"]
    urgency: Literal["urgent", "normal"]
    reason: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class SetFieldSpec(_Strict):
    type: Literal["set_field"]
    field: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    value: str


class PauseMemberSpec(_Strict):
    type: Literal["pause_member"]


class StartFlowSpec(_Strict):
    type: Literal["start_flow"]
    flow_id: FlowId
    unless: Literal["member_named"] | None = None  # e.g. ask a name only of the nameless


class SaveNameSpec(_Strict):
    """Keep the reply (captured as `text` by an any or regex route) as the member's name."""

    type: Literal["save_name"]


class EnrollSpec(_Strict):
    type: Literal["enroll"]


class AddNoteSpec(_Strict):
    """Attach the member's reply (any-text route) to their latest mood score."""

    type: Literal["add_note"]


class EndSpec(_Strict):
    type: Literal["end"]


ActionSpec = Annotated[
    RecordMoodSpec
    | RsvpSpec
    | EscalateSpec
    | SetFieldSpec
    | PauseMemberSpec
    | StartFlowSpec
    | SaveNameSpec
    | EnrollSpec
    | AddNoteSpec
    | EndSpec,
    Field(discriminator="type"),
]


# --- nodes and flows ---------------------------------------------------------


class Wait(_Strict):
    """Wait for a reply; routes are tried in order, the first match wins."""

    timeout: Duration | None = None
    timeout_route: NodeId | None = None
    reprompt: Text | None = None
    reprompt_limit: int = Field(default=1, ge=0, le=3)
    give_up_route: NodeId | None = None
    routes: list[Router] = Field(min_length=1)

    @property
    def timeout_delta(self) -> timedelta | None:
        """The timeout as a timedelta, or None when the wait never times out."""
        return parse_duration(self.timeout) if self.timeout else None


class Node(_Strict):
    """Send a message and/or run actions, then wait, go to `next`, or end."""

    message: Text | None = None
    actions: list[ActionSpec] = Field(default_factory=list)
    wait: Wait | None = None
    next: NodeId | None = None

    @model_validator(mode="after")
    def _wait_or_next(self) -> Node:
        if self.wait is not None and self.next is not None:
            raise ValueError("a node that waits routes by its replies; remove 'next'")
        return self


class FlowDefinition(_Strict):
    """A versioned conversation: nodes keyed by id, starting at `start`."""

    id: FlowId
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    description: str | None = None
    version: int = Field(ge=1)
    default_language: Language = "en"
    start: NodeId
    expiry: Duration = "7d"
    nodes: dict[NodeId, Node] = Field(min_length=1)

    @property
    def expiry_delta(self) -> timedelta:
        """How long a session of this flow may stay open."""
        return parse_duration(self.expiry)


def json_schema() -> dict[str, Any]:
    """The JSON Schema for flow files, generated from the models (for editors)."""
    schema = FlowDefinition.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://smsapp.invalid/flow.schema.json"
    return schema


def json_schema_text() -> str:
    """The committed text of flow.schema.json."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # regenerate: python -m smsapp.flows.schema
    SCHEMA_PATH.write_text(json_schema_text(), encoding="utf-8")
