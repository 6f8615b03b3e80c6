"""On call: an organisation's weekly rota and its overrides, asked at each escalation round."""

from smsapp.services.domain.oncall.rota import (
    OverrideView,
    ShiftInput,
    ShiftView,
    add_override,
    add_shift,
    anyone_on_rota,
    can_be_texted,
    is_on_rota,
    on_call_at,
    overrides,
    put_on_call_always,
    remove_override,
    remove_shift,
    rota_gaps,
    set_rota,
    shifts,
)
from smsapp.services.domain.oncall.week import RotaError, describe_span, parse_shift

__all__ = [
    "OverrideView",
    "RotaError",
    "ShiftInput",
    "ShiftView",
    "add_override",
    "add_shift",
    "anyone_on_rota",
    "can_be_texted",
    "describe_span",
    "is_on_rota",
    "on_call_at",
    "overrides",
    "parse_shift",
    "put_on_call_always",
    "remove_override",
    "remove_shift",
    "rota_gaps",
    "set_rota",
    "shifts",
]
