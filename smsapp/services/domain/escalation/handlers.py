"""What escalation registers: the flow action that opens a case, and the timer that
moves a case to its next step when nobody has acknowledged it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.flows import actions as act
from smsapp.models import Timer
from smsapp.services.core import timers
from smsapp.services.core.action_handlers import ActionCall, handles
from smsapp.services.domain.escalation.cases import open_case
from smsapp.services.domain.escalation.steps import advance


@handles(act.Escalate)
def _escalate_action(call: ActionCall, action: act.Escalate) -> None:
    open_case(
        call.session,
        member=call.member,
        urgency=action.urgency,
        source="flow",
        reason=action.reason,
        now=call.now,
    )


@timers.handles("escalation_step")
def _escalation_step(session: Session, timer: Timer, now: datetime) -> None:
    advance(session, int(timer.payload["case_id"]), now)
