"""Start-up wiring: every module that registers a timer handler, a flow-action handler or
an escalation hook (domain/escalation/hooks.py).

The registries (core/timers.py, core/action_handlers.py) import none of their handlers,
so each layer owns its own: importing this module once (the runtime does) registers all
of them. A new timer kind or flow action adds its module here.
"""

from __future__ import annotations

from types import ModuleType

from smsapp.services.conversation import (
    flow_actions,
    safety_check,
    scheduled_fires,
    timer_handlers,
)
from smsapp.services.domain import announcements, auto_resume, checkins, rsvps
from smsapp.services.domain.escalation import handlers as escalation_handlers
from smsapp.services.domain.reach import notices

REGISTERING_MODULES: tuple[ModuleType, ...] = (
    announcements,
    auto_resume,
    checkins,
    rsvps,
    escalation_handlers,
    notices,
    flow_actions,
    safety_check,
    scheduled_fires,
    timer_handlers,
)
