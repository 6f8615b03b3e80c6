"""What escalation registers: the flow action that opens a case, and the timer that
moves a case to its next step when nobody has acknowledged it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.flows import actions as act
from smsapp.models import Timer
from smsapp.models.escalations import CaseSource
from smsapp.models.timers import TimerKind
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
        source=CaseSource.FLOW,
        reason=action.reason,
        now=call.now,
    )


@timers.handles(TimerKind.ESCALATION_STEP)
def _escalation_step(session: Session, timer: Timer, now: datetime) -> None:
    advance(session, int(timer.payload["case_id"]), now)
