"""How an unacknowledged case moves: text a level, wait, repeat with backoff, go up.

- A round texts everyone the level reaches at that moment ("on call" asks the rota then).
- Repeats back off: the wait after a round doubles (5, 10, 20, 40 minutes for a 5-minute
  level) up to `BACKOFF_CAP` times the level's timeout, so a case is never dropped and
  never floods.
- A person gets at most `MAX_TEXTS_PER_HOUR` texts about one case in any hour; a round
  that would exceed it skips them and says so in the case's trail.
- A level that reaches nobody (no one to text, or every text failed) alarms the
  coordinators at once and the case goes on to the next level in the same step; when
  even the last level reaches nobody, the case tries again after the backoff. No step
  ever re-arms itself for "now", so an empty policy cannot spin.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsapp.models import Case, CaseEvent, Group, Member, Organisation, OutboxMessage, Timer
from smsapp.models.escalations import UNRESOLVED, CaseStatus, Urgency
from smsapp.models.messages import OutboxKind
from smsapp.models.timers import TimerKind, TimerStatus
from smsapp.services.core import outbox, timers
from smsapp.services.core.crisis_resources import crisis_reply
from smsapp.services.core.texts import text
from smsapp.services.domain.escalation import texts
from smsapp.services.domain.escalation.notify import case_link, group_code, text_users
from smsapp.services.domain.escalation.policy import (
    LevelSpec,
    coordinators,
    level_name,
    levels_for,
    recipients,
    why_nobody,
)
from smsapp.services.domain.escalation.trail import event, people

log = logging.getLogger(__name__)
BACKOFF_CAP = 8  # the longest wait between repeats, in multiples of the level's timeout
MAX_TEXTS_PER_HOUR = 4  # texts about one case to one person in any 60 minutes
# Events that start a step: each names its texts and its timer (a round that reached
# nobody is a step too, so retrying an empty level gets a new timer, not the spent one).
STEP_KINDS = ("notified", "acked", "reminded", "unreachable")
FAILED = ("failed", "undelivered")
# An acknowledged case with no DONE after this long reminds the person who took it.
ACK_FOLLOW_UP = {"urgent": timedelta(minutes=30), "normal": timedelta(hours=24)}


def backoff(level: LevelSpec, urgency: str, round_: int) -> timedelta:
    """The wait after round `round_` (0-based) of a level: its timeout, doubled per repeat,
    capped at BACKOFF_CAP times the timeout."""
    minutes = level.timeout_minutes(urgency)
    return timedelta(minutes=minutes * min(2 ** min(round_, 16), BACKOFF_CAP))


def advance(
    session: Session, case_id: int, now: datetime, *, failed_step: int | None = None
) -> None:
    """Step a case: its timer ran out, or (``failed_step``) a text of that step failed.

    Unacknowledged: repeat the level or go up one; after the last level's repeats the
    last level is texted again after each backoff and the coordinators get an alarm, so a
    case is never dropped. Acknowledged without DONE: remind the person who took it.
    """
    case = session.get(Case, case_id)
    if case is None or case.status not in UNRESOLVED:
        return
    if failed_step is not None:
        if case.status == CaseStatus.OPEN and failed_step == current_step(session, case):
            _after_failure(session, case, failed_step, now)
        return
    if not _fired_by_current_timer(session, case):
        return  # a stale timer: a failure or a raise has moved the case on already
    if case.status == CaseStatus.ACKED:
        remind_taker(session, case, now)
    else:
        _after_timeout(session, case, now)


def notify(session: Session, case: Case, now: datetime) -> None:
    """Text everyone the case's level reaches now and arm the next step; a level that
    reaches nobody alarms the coordinators (one text for however many empty levels) and
    the case goes straight on up."""
    levels = levels_for(session, case.group_id)
    empty: list[tuple[int, LevelSpec, str]] = []
    while True:
        level = levels[min(case.level, len(levels) - 1)]
        reached = recipients(session, case.organisation_id, case.group_id, level, now)
        if reached:
            break
        why = why_nobody(session, case.organisation_id, case.group_id, level, now)
        empty.append((case.level + 1, level, why))
        _nobody_at_level(session, case, level, why, now)
        if case.level + 1 >= len(levels):
            break
        case.level += 1
        case.round = 0
    if empty:
        _alarm_nobody(session, case, empty, now)
    if reached:
        _text_round(session, case, level, [u.id for u in reached], now)
    why_armed = "next round" if reached else "try the last level again"
    _arm(session, case, now + backoff(level, case.urgency, case.round), now, why_armed)


def remind_taker(session: Session, case: Case, now: datetime) -> None:
    event(session, case, now, "reminded", user_id=case.acked_by)
    if case.acked_by is not None:
        step = current_step(session, case)
        text_users(session, case, [case.acked_by], texts.follow_up(case.id), now, f"s{step}")
    arm_follow_up(session, case, now)


def arm_follow_up(session: Session, case: Case, now: datetime) -> None:
    _arm(session, case, now + ACK_FOLLOW_UP[case.urgency], now, "remind the person who took it")


def cancel_steps(session: Session, case: Case) -> None:
    timers.cancel(
        session, Timer.kind == TimerKind.ESCALATION_STEP, Timer.key.like(f"case:{case.id}:%")
    )


def step_of(row: OutboxMessage) -> int | None:
    """The step an escalation text belongs to (from its key ``case:<id>:s<step>:…``)."""
    parts = row.idempotency_key.split(":")
    if len(parts) < 3 or not parts[2].startswith("s") or not parts[2][1:].isdigit():
        return None
    return int(parts[2][1:])


def current_step(session: Session, case: Case) -> int:
    """Steps so far (notifications, ACKs, reminders); names texts and timers uniquely."""
    count = session.scalar(
        select(func.count(CaseEvent.id)).where(
            CaseEvent.case_id == case.id, CaseEvent.kind.in_(STEP_KINDS)
        )
    )
    return int(count or 0)


def facts(session: Session, case: Case, now: datetime, alert: int = 1) -> texts.AlertFacts:
    return texts.AlertFacts(
        case_id=case.id,
        urgency=case.urgency,
        group_code=group_code(session, case),
        level=case.level + 1,
        alert=alert,
        open_for=now - case.opened_at,
        link=case_link(session, case),
    )


def _after_timeout(session: Session, case: Case, now: datetime) -> None:
    levels = levels_for(session, case.group_id)
    level = levels[min(case.level, len(levels) - 1)]
    if case.round + 1 < level.repeats:
        case.round += 1
    elif case.level + 1 < len(levels):
        case.level += 1
        case.round = 0
    else:
        case.round += 1
        _exhausted(session, case, now)
    notify(session, case, now)


def _after_failure(session: Session, case: Case, step: int, now: datetime) -> None:
    """A text of the current round failed: go up at once; when every text of the round
    failed, the level reached nobody and the coordinators are told."""
    levels = levels_for(session, case.group_id)
    level = levels[min(case.level, len(levels) - 1)]
    event(session, case, now, "failed", detail=f"Level {case.level + 1}: a text failed")
    if not _round_alive(session, case, step):
        why = "every text to them failed"
        _nobody_at_level(session, case, level, why, now)
        _alarm_nobody(session, case, [(case.level + 1, level, why)], now)
    if case.level + 1 < len(levels):
        case.level += 1
        case.round = 0
        notify(session, case, now)
    else:  # nobody further up: raise the alarm now, the last level's timer still runs
        _exhausted(session, case, now)


def _round_alive(session: Session, case: Case, step: int) -> bool:
    rows = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.case_id == case.id,
            OutboxMessage.idempotency_key.like(f"case:{case.id}:s{step}:u%"),
        )
    ).all()
    return any(r.status not in FAILED and r.delivery_status not in FAILED for r in rows)


def _text_round(
    session: Session, case: Case, level: LevelSpec, user_ids: list[int], now: datetime
) -> None:
    """One round of a level: everyone under the hourly cap is texted (someone who got an
    alarm about the case this very moment is not texted twice); the trail says who was
    texted and who was held back."""
    told = _texted_at(session, case, now)
    fresh = [
        u
        for u in user_ids
        if u not in told and _texts_last_hour(session, case, u, now) < MAX_TEXTS_PER_HOUR
    ]
    reached = len(fresh) + len([u for u in user_ids if u in told])
    held = len(user_ids) - reached
    detail = f"Level {case.level + 1} ({level_name(session, level)}), round {case.round + 1}: "
    detail += f"texted {people(reached)}" if reached else "texted nobody new"
    if held:
        detail += f"; {people(held)} not texted again ({MAX_TEXTS_PER_HOUR} texts this hour)"
    event(session, case, now, "notified", detail=detail)
    body = texts.alert(facts(session, case, now, alert=case.round + 1))
    text_users(session, case, fresh, body, now, f"s{current_step(session, case)}")


def _texted_at(session: Session, case: Case, now: datetime) -> set[int]:
    """Who got an alarm about the case at `now` (the alarm asks for an ACK as well)."""
    rows = session.scalars(
        select(OutboxMessage.user_id).where(
            OutboxMessage.case_id == case.id,
            OutboxMessage.idempotency_key.like(f"case:{case.id}:alarm%"),
            OutboxMessage.created_at == now,
        )
    )
    return {r for r in rows if r is not None}


def _texts_last_hour(session: Session, case: Case, user_id: int, now: datetime) -> int:
    count = session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.case_id == case.id,
            OutboxMessage.user_id == user_id,
            OutboxMessage.kind == OutboxKind.ESCALATION,
            OutboxMessage.created_at > now - timedelta(hours=1),
            OutboxMessage.idempotency_key.not_like("%taken%"),
        )
    )
    return int(count or 0)


def _nobody_at_level(
    session: Session, case: Case, level: LevelSpec, why: str, now: datetime
) -> None:
    """A level reached nobody: the trail says so and why."""
    event(
        session, case, now, "unreachable",
        detail=f"Level {case.level + 1} ({level_name(session, level)}): nobody could be "
        f"texted - {why}",
    )  # fmt: skip
    log.warning("case.level_unreachable", extra={"case_id": case.id, "level": case.level + 1})


def _alarm_nobody(
    session: Session, case: Case, empty: list[tuple[int, LevelSpec, str]], now: datetime
) -> None:
    """Alarm the coordinators at once, in one text, the first time a case finds a level
    empty (later empty rounds of the same case are in the trail and on the dashboard)."""
    if _has_event(session, case, "alarm", "Nobody reached%"):
        return
    words = "; ".join(
        text("escalation_alarm_level", level=n, level_name=level_name(session, lv), why=why)
        for n, lv, why in empty
    )
    body = texts.nobody_reached(facts(session, case, now), words)
    _alarm(session, case, body, f"alarm:nobody{current_step(session, case)}", now, "Nobody reached")


def _exhausted(session: Session, case: Case, now: datetime) -> None:
    """Every level had its turn: alarm the coordinators (unless an alarm about this case
    has already gone to them) and resend resources, once."""
    if _has_event(session, case, "exhausted"):
        return
    event(session, case, now, "exhausted", detail="Every level has had its turn, nobody took it")
    if not _has_event(session, case, "alarm"):
        body = texts.unacknowledged(facts(session, case, now))
        _alarm(session, case, body, "alarm", now, "No answer")
    if case.urgency == Urgency.URGENT:
        _resend_resources(session, case, now)
    log.warning("case.unacknowledged", extra={"case_id": case.id})


def _alarm(session: Session, case: Case, body: str, tag: str, now: datetime, why: str) -> None:
    users = [u.id for u in coordinators(session, case.organisation_id)]
    sent = text_users(session, case, users, body, now, tag)
    event(
        session, case, now, "alarm",
        detail=f"{why}: texted {people(sent)} (coordinators)" if sent
        else f"{why}: no coordinator can be texted, shown on the dashboard only",
    )  # fmt: skip


def _has_event(session: Session, case: Case, kind: str, detail_like: str = "%") -> bool:
    found = session.scalar(
        select(CaseEvent.id)
        .where(
            CaseEvent.case_id == case.id,
            CaseEvent.kind == kind,
            CaseEvent.detail.like(detail_like),
        )
        .limit(1)
    )
    return found is not None


def _resend_resources(session: Session, case: Case, now: datetime) -> None:
    member = session.get(Member, case.member_id) if case.member_id else None
    if member is None or not member.phone:
        return
    org = session.get(Organisation, case.organisation_id)
    group = session.get(Group, member.group_id) if member.group_id else None
    outbox.queue_message(
        session,
        to=member.phone,
        body=crisis_reply(org, member.language, reachable=False, group=group),
        kind=OutboxKind.CRISIS,
        key=f"case:{case.id}:resources",
        now=now,
        organisation_id=case.organisation_id,
        member_id=member.id,
        case_id=case.id,
    )


def _arm(session: Session, case: Case, due: datetime, now: datetime, why: str) -> None:
    """One pending step timer per case: the old one is cancelled, a new one is keyed."""
    cancel_steps(session, case)
    timers.schedule(
        session,
        key=f"case:{case.id}:step:{current_step(session, case)}",
        kind=TimerKind.ESCALATION_STEP,
        due_at=due,
        now=now,
        payload={"case_id": case.id},
        reason=f"case {case.id}: {why}",
    )


def _fired_by_current_timer(session: Session, case: Case) -> bool:
    """The step timer for the case's current step is the one running now."""
    key = f"case:{case.id}:step:{current_step(session, case)}"
    status = session.scalar(select(Timer.status).where(Timer.key == key))
    return status == TimerStatus.CLAIMED
