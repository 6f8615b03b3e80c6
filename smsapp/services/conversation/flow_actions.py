"""Applying a flow's actions (other than sends) inside the caller's transaction."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.flows import actions as act
from smsapp.flows import engine
from smsapp.flows.schema import FlowDefinition
from smsapp.models import FlowSession, Member

log = logging.getLogger(__name__)
SETTABLE_FIELDS = {"language": ("en", "es")}


def apply(
    session: Session,
    member: Member,
    fs: FlowSession,
    flow: FlowDefinition,
    action: act.Action,
    texts: list[str],
    now: datetime,
) -> None:
    from smsapp.services.conversation import conversations, member_commands
    from smsapp.services.core import consent
    from smsapp.services.domain import checkins, escalation, rsvps

    if isinstance(action, act.RecordMood):
        checkins.record_mood(session, member, action.score, action.note, now)
    elif isinstance(action, act.Rsvp):
        rsvps.record_from_session(session, member, fs.context, action.answer, now)
    elif isinstance(action, act.Escalate):
        escalation.open_case(
            session,
            member=member,
            urgency=action.urgency,
            source="flow",
            reason=action.reason,
            now=now,
        )
    elif isinstance(action, act.SetField):
        _set_field(member, action.field, action.value, now)
    elif isinstance(action, act.PauseMember):
        member_commands.pause(session, member, now)
    elif isinstance(action, act.Enroll):
        ctx = conversations.render_context(session, member, None)
        disclosure = engine.render_node_message(flow, flow.start, ctx) or ""
        consent.record_opt_in(
            session,
            member,
            now,
            method="sms_reply",
            disclosure=disclosure,
            version=f"{flow.id}-v{flow.version}",
        )
    elif isinstance(action, act.AddNote):
        checkins.add_note(session, member, action.note, now)
    elif isinstance(action, act.FlowError):
        log.error("flow.error", extra={"flow_id": flow.id, "member_id": member.id})


def _set_field(member: Member, field: str, value: str, now: datetime) -> None:
    allowed = SETTABLE_FIELDS.get(field)
    if allowed is None or value not in allowed:
        log.warning("flow.set_field_refused", extra={"member_id": member.id})
        return
    setattr(member, field, value)
    member.updated_at = now
