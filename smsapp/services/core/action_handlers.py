"""Who applies each kind of flow action: the service that owns it registers a handler,
and the conversation layer dispatches the actions a flow step returns.

The registry imports none of its handlers, so a domain service can own an action (a mood
score is the check-ins service's, an RSVP the RSVPs service's) without the layer that
runs flows importing upward or in a circle. `smsapp.services.wiring` imports every
module that registers, once, at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from smsapp.flows.schema import FlowDefinition
from smsapp.models import FlowSession, Member


@dataclass
class ActionCall:
    """What a handler may use: the member, their session and flow, and the texts the
    step is about to send (a handler may add to them)."""

    session: Session
    member: Member
    flow_session: FlowSession
    flow: FlowDefinition
    now: datetime
    texts: list[str] = field(default_factory=list)


A = TypeVar("A")
Handler = Callable[[ActionCall, Any], None]
_HANDLERS: dict[type, Handler] = {}


def handles(action_type: type[A]) -> Callable[[Callable[[ActionCall, A], None]], Handler]:
    """Register the decorated function as the one handler of `action_type`."""

    def register(fn: Callable[[ActionCall, A], None]) -> Handler:
        if action_type in _HANDLERS:
            raise RuntimeError(f"{action_type.__name__} already has a handler")
        _HANDLERS[action_type] = fn
        return fn

    return register


def apply(call: ActionCall, action: object) -> None:
    handler = _HANDLERS.get(type(action))
    if handler is None:
        raise LookupError(f"no handler registered for flow action {type(action).__name__}")
    handler(call, action)
