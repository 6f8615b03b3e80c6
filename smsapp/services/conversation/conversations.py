"""Flow sessions: starting flows, feeding them replies and timeouts, applying their actions."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from smsapp.flows import actions as act
from smsapp.flows import engine
from smsapp.flows.schema import FlowDefinition
from smsapp.models import FlowSession, Member
from smsapp.models.timers import TimerKind
from smsapp.services.conversation.render import render_context
from smsapp.services.core import action_handlers, flow_catalog, timers
from smsapp.services.core.action_handlers import ActionCall
from smsapp.services.domain import checkins
from smsapp.services.domain.flow_sessions import active_session, end_active, release_held

log = logging.getLogger(__name__)


def start_flow(
    session: Session,
    member: Member,
    flow_id: str,
    now: datetime,
    *,
    context: dict[str, Any] | None = None,
) -> list[str]:
    """End any open session and start `flow_id`; returns the texts to send the member."""
    end_active(session, member.id)
    flow, source = flow_catalog.for_group(session, member.group_id, flow_id)
    context = context or {}
    ctx = render_context(session, member, context.get("meeting"), flow=flow, now=now)
    result = engine.start(flow, now, ctx)
    fs = FlowSession(
        member_id=member.id,
        flow_id=flow.id,
        flow_version=flow.version,
        flow_source=source,
        state=result.state.to_dict(),
        context=context,
        active=True,
        started_at=now,
        updated_at=now,
    )
    session.add(fs)
    session.flush()
    return _apply(session, member, fs, flow, result, now)


def answer(session: Session, member: Member, body: str, now: datetime) -> str | None:
    """Give the reply to the member's waiting session; None if nothing was waiting for it."""
    fs = active_session(session, member.id)
    if fs is None:
        return None
    flow = _definition(session, member, fs)
    state = engine.SessionState.from_dict(fs.state)
    # The member's own baseline costs a query: only flows that route on it ask for it.
    baseline = checkins.baseline(session, member.id) if _uses_baseline(flow) else None
    ctx = render_context(session, member, fs.context.get("meeting"), baseline, flow=flow, now=now)
    result = engine.step(flow, state, engine.Reply(body), now, ctx)
    if not result.handled:
        if result.state.ended:
            _store(fs, result.state, now)
            release_held(session, member.id, now)
        return None
    release_held(session, member.id, now)  # texts held behind this question go now
    texts = _apply(session, member, fs, flow, result, now)
    return "\n\n".join(texts) if texts else None


def member_checkin(session: Session, member: Member, body: str, now: datetime) -> str | None:
    """A member texted a score with no check-in waiting: run the check-in flow on it."""
    start_flow(session, member, "checkin", now)
    return answer(session, member, body, now)


def on_timeout(session: Session, fs_id: int, now: datetime) -> list[str]:
    """A wait ran out: step the session; texts go out as scheduled messages."""
    fs = session.get(FlowSession, fs_id)
    if fs is None or not fs.active:
        return []
    member = session.get(Member, fs.member_id)
    if member is None:
        return []
    flow = _definition(session, member, fs)
    ctx = render_context(session, member, fs.context.get("meeting"), flow=flow, now=now)
    result = engine.step(flow, engine.SessionState.from_dict(fs.state), engine.Timeout(), now, ctx)
    if not result.handled:
        return []
    release_held(session, member.id, now)  # texts held behind this question go now
    return _apply(session, member, fs, flow, result, now)


def _uses_baseline(flow: FlowDefinition) -> bool:
    return any(
        getattr(route, "below_baseline", None)
        for node in flow.nodes.values()
        if node.wait is not None
        for route in node.wait.routes
    )


def _definition(session: Session, member: Member, fs: FlowSession) -> FlowDefinition:
    return flow_catalog.for_session(
        session, member.organisation_id, fs.flow_id, fs.flow_version, fs.flow_source
    )


def _store(fs: FlowSession, state: engine.SessionState, now: datetime) -> None:
    fs.state = state.to_dict()
    fs.active = not state.ended
    fs.updated_at = now


def _apply(
    session: Session,
    member: Member,
    fs: FlowSession,
    flow: FlowDefinition,
    result: engine.StepResult,
    now: datetime,
) -> list[str]:
    _store(fs, result.state, now)
    call = ActionCall(session, member, fs, flow, now)
    texts = call.texts
    follow_ups: list[str] = []
    for action in result.actions:
        if isinstance(action, act.Send):
            texts.append(action.text)
        elif isinstance(action, act.StartFlow):
            if not (action.unless == "member_named" and member.name):
                follow_ups.append(action.flow_id)
        elif not isinstance(action, act.End):  # the stored state already says it ended
            action_handlers.apply(call, action)
    if result.state.wait_expires_at is not None and fs.active:
        timers.schedule(
            session,
            key=f"wait:{fs.id}:{result.state.wait_expires_at.isoformat()}",
            kind=TimerKind.WAIT_TIMEOUT,
            due_at=result.state.wait_expires_at,
            now=now,
            member_id=member.id,
            payload={"flow_session_id": fs.id},
            reason=f"{flow.id}: no reply by then",
        )
    for flow_id in follow_ups:
        texts.extend(start_flow(session, member, flow_id, now, context=dict(fs.context)))
    return texts
