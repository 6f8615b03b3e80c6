"""Escalation: cases open, responders are texted level by level until a human acknowledges."""

from smsapp.services.escalation.cases import (
    acknowledge,
    advance,
    has_reachable_responder,
    open_case,
    resolve,
)
from smsapp.services.escalation.policy import PolicyError, levels_for, set_policy

__all__ = [
    "PolicyError",
    "acknowledge",
    "advance",
    "has_reachable_responder",
    "levels_for",
    "open_case",
    "resolve",
    "set_policy",
]
