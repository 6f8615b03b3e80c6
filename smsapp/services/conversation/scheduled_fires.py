"""Timer handlers: meeting reminders, check-ins and meeting notices.

Each fire re-checks the rules at fire time, because a lot can change after planning:
the member paused, opted out or is in crisis (nothing is sent), answered NO (no more
reminders), the meeting was cancelled or has started (the reminder is dropped).

Sessions for one member never overlap. When a reminder or check-in comes due while
the member has a flow session *waiting for a reply*, the fire is queued behind it: the
timer is re-armed (status back to "pending") for the session's wait expiry plus one
minute, but never more than `DEFER_STEP` ahead; the answer or the timeout releases it
at once (`flow_sessions.release_held`), so a member who answers gets the held text
then. The waiting session is not ended, so its reply is never stolen. A question holds
later fires for at most `HOLD_MAX` after it was asked: an unanswered reminder (whose
wait is 12 h) must not swallow the evening's check-in. After that the new flow starts
(ending the old session); a late answer then goes to the newest question, the one at
the bottom of the member's screen.
A deferred reminder that can no longer go out before the meeting starts, or would land
in quiet hours, is dropped (reminders never move later); a deferred check-in moves
past quiet hours like any check-in.

Every text is queued with a key derived from the timer's fixed key, so a fire that runs
twice sends once (the timer claim already refuses a second run).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from smsapp.flows.engine import SessionState
from smsapp.models import Group, MeetingSeries, Member, Timer
from smsapp.models.messages import OutboxKind
from smsapp.models.timers import TimerKind, TimerStatus
from smsapp.services.conversation import conversations
from smsapp.services.core import outbox, timers
from smsapp.services.core.texts import text
from smsapp.services.domain import calendar, flow_sessions
from smsapp.services.domain.planning.member_plan import declined_rsvp, plan_member, quiet_hours_for
from smsapp.services.domain.schedule import format_local, shift_later

log = logging.getLogger(__name__)
DEFER_STEP = timedelta(minutes=15)
HOLD_MAX = timedelta(hours=1)
AFTER_WAIT = timedelta(minutes=1)

# The notices' wording: meeting_cancelled and meeting_moved in smsapp/data/texts.yaml.
NOTICES = {"cancelled": "meeting_cancelled", "moved": "meeting_moved"}


@timers.handles(TimerKind.REMINDER)
def fire_reminder(session: Session, timer: Timer, now: datetime) -> None:
    """Start the reminder flow for one meeting occurrence, unless it no longer applies."""
    member = _receiver(session, timer)
    series = session.get(MeetingSeries, int(timer.payload["series_id"]))
    if member is None or series is None:
        return
    occurrence = datetime.fromisoformat(timer.payload["occurrence"])
    occ = calendar.find_occurrence(session, series, occurrence)
    if (
        occ is None
        or occ.start_utc <= now
        or declined_rsvp(session, member.id, series.id, occurrence)
    ):
        return
    if quiet_hours_for(session, member).contains(now, member.tz):
        _drop(timer, "reminder would reach the member in quiet hours")
        return
    if _defer_behind_session(session, timer, member, now, latest=occ.start_utc):
        return
    context = {
        "meeting": {
            "when": format_local(occ.start_utc, member.tz, member.language),
            "location": series.location,
        },
        "series_id": series.id,
        "occurrence": occurrence.isoformat(),
    }
    texts = conversations.start_flow(session, member, "reminder", now, context=context)
    _queue(session, member, timer, texts, now)


@timers.handles(TimerKind.CHECKIN)
def fire_checkin(session: Session, timer: Timer, now: datetime) -> None:
    """Start the check-in flow, then plan the member's next check-in."""
    member = _receiver(session, timer)
    if member is None:
        return
    quiet = quiet_hours_for(session, member)
    if quiet.contains(now, member.tz):  # only after a deferral or a very late worker
        rearm(timer, shift_later(now, member.tz, quiet), "check-in moved past quiet hours")
        return
    if _defer_behind_session(session, timer, member, now, latest=None):
        return
    texts = conversations.start_flow(session, member, "checkin", now)
    _queue(session, member, timer, texts, now)
    plan_member(session, member, now)


@timers.handles(TimerKind.MEETING_NOTICE)
def fire_meeting_notice(session: Session, timer: Timer, now: datetime) -> None:
    """Tell a member their meeting was cancelled or moved (a system text, not bulk)."""
    member = _receiver(session, timer)
    series = session.get(MeetingSeries, int(timer.payload["series_id"]))
    if member is None or series is None:
        return
    occurrence = datetime.fromisoformat(timer.payload["occurrence"])
    if declined_rsvp(session, member.id, series.id, occurrence):
        return
    outbox.queue_message(
        session,
        to=member.phone or "",
        body=notice_text(session, member, series, timer.payload),
        kind=OutboxKind.SYSTEM,
        key=f"{timer.key}:0",
        now=now,
        organisation_id=member.organisation_id,
        member_id=member.id,
    )


def notice_text(
    session: Session, member: Member, series: MeetingSeries, payload: dict[str, str]
) -> str:
    group = session.get(Group, series.group_id)
    lang = "es" if member.language.startswith("es") else "en"
    new_start = payload.get("new_start")
    return text(
        NOTICES[payload["notice"]],
        lang,
        group=group.name if group else series.title,
        when=format_local(datetime.fromisoformat(payload["start"]), member.tz, lang),
        new_when=format_local(datetime.fromisoformat(new_start), member.tz, lang)
        if new_start
        else "",
        location=series.location or text("meeting_location_unknown"),
    )


def _receiver(session: Session, timer: Timer) -> Member | None:
    """The timer's member if they still receive scheduled texts, else None (fire dropped)."""
    member = session.get(Member, timer.member_id) if timer.member_id else None
    if member is None or not member.receives_scheduled or not member.phone:
        log.info("schedule.fire_dropped", extra={"timer_id": timer.id})
        return None
    return member


def _defer_behind_session(
    session: Session, timer: Timer, member: Member, now: datetime, latest: datetime | None
) -> bool:
    """Re-arm the timer behind the member's waiting session; True when it was deferred."""
    fs = flow_sessions.active_session(session, member.id)
    if fs is None:
        return False
    due = held_until(SessionState.from_dict(fs.state), now)
    if due is None:
        return False
    if latest is not None and (
        due >= latest or quiet_hours_for(session, member).contains(due, member.tz)
    ):
        _drop(timer, "reminder could not go out before the meeting")
        return True
    rearm(timer, due, flow_sessions.HELD_REASON + fs.flow_id)
    return True


def held_until(state: SessionState, now: datetime) -> datetime | None:
    """When a fire due now comes back, queued behind the member's waiting session (see the
    module docstring); None when nothing holds it (no question waiting, or held too long)."""
    if not state.waiting or state.waiting_since is None:
        return None
    hold_until = state.waiting_since + HOLD_MAX
    if now >= hold_until:
        return None
    expires = max(state.wait_expires_at or now, now)
    return min(expires + AFTER_WAIT, now + DEFER_STEP, hold_until)


def rearm(timer: Timer, due: datetime, why: str) -> None:
    # timers.fire marks a still-"claimed" timer done; "pending" puts it back for the tick.
    timer.status = TimerStatus.PENDING
    timer.due_at = due
    timer.claimed_at = None
    timer.reason = why[:200]
    log.info("schedule.fire_deferred", extra={"timer_id": timer.id})


def _drop(timer: Timer, why: str) -> None:
    timer.reason = why[:200]
    log.info("schedule.fire_dropped", extra={"timer_id": timer.id})


def _queue(session: Session, member: Member, timer: Timer, texts: list[str], now: datetime) -> None:
    outbox.queue_member_texts(session, member, texts, key=timer.key, now=now)
