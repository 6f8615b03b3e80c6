"""Escalation: cases open, responders are texted level by level until a human acknowledges."""

from smsapp.services.domain.escalation import rota_changes
from smsapp.services.domain.escalation.cases import (
    acknowledge,
    can_act_on,
    has_reachable_responder,
    open_case,
    open_case_of,
    record_delivery,
    resolve,
    time_to_acknowledge,
)
from smsapp.services.domain.escalation.policy import LevelSpec, PolicyError, levels_for, set_policy
from smsapp.services.domain.escalation.steps import advance, current_step, step_of

__all__ = [
    "LevelSpec",
    "PolicyError",
    "acknowledge",
    "advance",
    "can_act_on",
    "current_step",
    "has_reachable_responder",
    "levels_for",
    "open_case",
    "open_case_of",
    "record_delivery",
    "resolve",
    "rota_changes",
    "set_policy",
    "step_of",
    "time_to_acknowledge",
]
