"""The flow actions the conversation layer owns: setting a member's field or name, pausing them,
recording their consent, and logging a broken flow. Other actions are registered by the
services that own them (check-ins, RSVPs, escalation); see core/action_handlers.py."""

from __future__ import annotations

import logging

from smsapp.flows import actions as act
from smsapp.flows import engine
from smsapp.services.conversation.member_commands import pause
from smsapp.services.conversation.render import render_context
from smsapp.services.core import consent
from smsapp.services.core.action_handlers import ActionCall, handles

log = logging.getLogger(__name__)
SETTABLE_FIELDS = {"language": ("en", "es")}


@handles(act.SetField)
def _set_field(call: ActionCall, action: act.SetField) -> None:
    allowed = SETTABLE_FIELDS.get(action.field)
    if allowed is None or action.value not in allowed:
        log.warning("flow.set_field_refused", extra={"member_id": call.member.id})
        return
    setattr(call.member, action.field, action.value)
    call.member.updated_at = call.now


@handles(act.SaveName)
def _save_name(call: ActionCall, action: act.SaveName) -> None:
    """The name a member texted (a joiner is asked): spaces tidied, at most 60 characters."""
    name = " ".join(action.name.split())[:60]
    if any(ch.isalpha() for ch in name):
        call.member.name = name
        call.member.updated_at = call.now


@handles(act.PauseMember)
def _pause(call: ActionCall, action: act.PauseMember) -> None:
    pause(call.session, call.member, call.now)


@handles(act.Enroll)
def _enroll(call: ActionCall, action: act.Enroll) -> None:
    """The member said YES to the join flow: the consent record keeps what they were shown."""
    ctx = render_context(call.session, call.member, None, flow=call.flow, now=call.now)
    disclosure = engine.render_node_message(call.flow, call.flow.start, ctx) or ""
    consent.record_opt_in(
        call.session,
        call.member,
        call.now,
        method="sms_reply",
        disclosure=disclosure,
        version=f"{call.flow.id}-v{call.flow.version}",
    )


@handles(act.FlowError)
def _flow_error(call: ActionCall, action: act.FlowError) -> None:
    log.error("flow.error", extra={"flow_id": call.flow.id, "member_id": call.member.id})
