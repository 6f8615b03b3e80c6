"""Actions the engine asks its caller to perform.

The engine never does I/O: it returns these values and the caller applies them in
one database transaction. Texts in `Send` are already rendered in the member's
language. A wait timeout is not an action: the caller stores a timer row from
`SessionState.wait_expires_at`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RsvpAnswer = Literal["yes", "no", "later"]
Urgency = Literal["urgent", "normal"]


@dataclass(frozen=True)
class Send:
    """Send `text` to the member."""

    text: str


@dataclass(frozen=True)
class RecordMood:
    """Record a mood score (and the member's few words, if any)."""

    score: int
    note: str | None = None


@dataclass(frozen=True)
class AddNote:
    """Attach the member's few words to their latest mood score."""

    note: str


@dataclass(frozen=True)
class Rsvp:
    """Record the member's answer for the meeting the flow is about."""

    answer: RsvpAnswer


@dataclass(frozen=True)
class Escalate:
    """Ask a facilitator to reach out to the member."""

    urgency: Urgency
    reason: str


@dataclass(frozen=True)
class SetField:
    """Set a field of the member (e.g. language)."""

    field: str
    value: str


@dataclass(frozen=True)
class PauseMember:
    """Pause automated messages to the member."""


@dataclass(frozen=True)
class StartFlow:
    """Start another flow for the member once this step is applied (not when `unless`
    names something already true: "member_named")."""

    flow_id: str
    unless: str | None = None


@dataclass(frozen=True)
class SaveName:
    """Keep the name the member texted as their name."""

    name: str


@dataclass(frozen=True)
class Enroll:
    """The join consent was accepted: record consent with the disclosure text."""


@dataclass(frozen=True)
class FlowError:
    """The engine stopped a session because of a broken definition or context."""

    reason: str


@dataclass(frozen=True)
class End:
    """The session has ended."""


Action = (
    Send
    | RecordMood
    | AddNote
    | Rsvp
    | Escalate
    | SetField
    | PauseMember
    | StartFlow
    | SaveName
    | Enroll
    | FlowError
    | End
)
