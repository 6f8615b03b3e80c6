"""What an escalation text's delivery means for its case (registered with core/delivery).

A failed or undelivered escalation text moves its case on to the next responder at once:
waiting out the level's timeout would leave nobody alerted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.models import OutboxMessage
from smsapp.services.core import delivery
from smsapp.services.domain import escalation


@delivery.on_escalation_outcome
def escalation_text_outcome(
    session: Session, row: OutboxMessage, status: str, now: datetime
) -> None:
    escalation.record_delivery(session, row, status, now)
    if status in delivery.FAILED_STATUSES and row.case_id is not None:
        step = escalation.step_of(row)
        if step is not None:
            escalation.advance(session, row.case_id, now, failed_step=step)
