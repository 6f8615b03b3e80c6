"""What a member has open, read once with the inbound lookup: their case in conversation,
a safety check waiting for an answer, and their newest open flow session.

Every inbound text asks the first two ("is there one?"), and the answer is almost always
no; a check-in reply asks for the session. `directory.locate` reads the three ids in its
own statement, and the lookups (`reach.conversation.of_member`, `safety_check.pending`,
`flow_sessions.active_session`) ask `known` first, so a "no" costs no statement. Any
write in the session (a flush, or an INSERT/UPDATE/DELETE statement) and the end of the
transaction forget what was read, so a lookup after a change asks the database again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, event, func, select
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.selectable import ScalarSelect

from smsapp.models import Case, FlowSession, Member, Timer
from smsapp.models.escalations import UNRESOLVED
from smsapp.models.timers import TimerKind, TimerStatus

_KEY = "smsapp.standing"
# The lookups' own conditions (tests/services/test_standing.py keeps them equal).
CASE_IN_CONVERSATION = UNRESOLVED
SAFETY_CHECK = TimerKind.SAFETY_CHECK
# A reminder or check-in held back behind a waiting question is stored with this reason
# (conversation/scheduled_fires.py); the answer or the timeout releases it at once.
HELD_REASON = "waiting for the member's reply to "
HELD_KINDS = (TimerKind.REMINDER, TimerKind.CHECKIN)


@dataclass(frozen=True)
class Standing:
    member_id: int
    case_id: int | None
    safety_check_id: int | None
    session_id: int | None
    held_timer_id: int | None = None  # a text held behind the waiting question


def columns() -> list[ScalarSelect[Any]]:
    """Correlated subqueries on `Member`: the case, safety check, session and held-text ids."""
    return [
        _newest(Case.id, Case.member_id == Member.id, Case.status.in_(CASE_IN_CONVERSATION),
                Case.acked_by.is_not(None)),
        _newest(Timer.id, Timer.member_id == Member.id, Timer.kind == SAFETY_CHECK,
                Timer.status == TimerStatus.PENDING),
        _newest(FlowSession.id, FlowSession.member_id == Member.id, FlowSession.active.is_(True)),
        _newest(Timer.id, Timer.member_id == Member.id, Timer.status == TimerStatus.PENDING,
                Timer.kind.in_(HELD_KINDS), Timer.reason.startswith(HELD_REASON)),
    ]  # fmt: skip


def _newest(id_column: Any, *where: ColumnElement[bool]) -> ScalarSelect[Any]:
    return select(func.max(id_column)).where(*where).correlate(Member).scalar_subquery()


def remember(session: Session, standing: Standing) -> None:
    session.info[_KEY] = standing


def known(session: Session, member_id: int) -> Standing | None:
    """What was read for this member, if nothing was written since."""
    standing: Standing | None = session.info.get(_KEY)
    return standing if standing is not None and standing.member_id == member_id else None


def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_KEY, None)


event.listen(Session, "after_flush", _forget)
event.listen(Session, "after_commit", _forget)
event.listen(Session, "after_rollback", _forget)
event.listen(Session, "after_soft_rollback", _forget)


@event.listens_for(Session, "do_orm_execute")
def _forget_on_write(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _forget(state.session)
