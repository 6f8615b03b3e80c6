"""Planning a member's scheduled sends: check-in and reminder timers with fixed keys.

Keys are fixed per member and occasion, so planning is idempotent and may run as often
as we like (after RESUME, TIME, a move, each check-in, and every few minutes from the
tick through `schedule_planner.plan_all`):

- check-in: ``checkin:{member_id}:{local date of the send in the member's zone}``;
- reminder: ``reminder:{series_id}:{original start iso}:{member_id}:{offset minutes}``.

A key that exists keeps its row, with three exceptions: a *pending* row whose planned
time changed (a moved meeting) gets the new time, and a *cancelled* row the rules want
again (a member who opted back in, a new TIME) is revived. A fired (done or claimed) row
is never touched, so nothing is sent twice. A pending row a fire re-armed keeps its
deferral: the comparison is with the planned time stored in its payload.

Only members with status active and no open crisis (`Member.receives_scheduled`) get
anything; NO to a meeting means no more reminders for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.db import insert_rows
from smsapp.models import Group, Member, Organisation, Rsvp, Timer
from smsapp.models.meetings import RsvpAnswer
from smsapp.models.timers import TimerKind, TimerStatus
from smsapp.services.domain import calendar
from smsapp.services.domain.schedule import (
    DEFAULT_QUIET_HOURS,
    QuietHours,
    next_checkin_at,
    reminder_fire_times,
    to_local,
)

PLAN_HORIZON = timedelta(days=2)
EVERY_DAY = frozenset(range(7))


@dataclass(frozen=True)
class PlannedTimer:
    key: str
    kind: str
    due_at: datetime
    member_id: int
    payload: dict[str, Any]
    reason: str


@dataclass
class GroupAgenda:
    """What planning needs about one group, loaded once for all its members."""

    group: Group
    quiet: QuietHours
    meetings: list[Any] = field(default_factory=list)  # calendar.Upcoming
    declined: set[tuple[int, datetime, int]] = field(default_factory=set)  # series, occ, member


def org_quiet_hours(org: Organisation | None) -> QuietHours:
    """The organisation's quiet hours, never less strict than 21:00-08:00."""
    if org is None:
        return DEFAULT_QUIET_HOURS
    try:
        hours = QuietHours(org.quiet_start, org.quiet_end)
    except ValueError:
        return DEFAULT_QUIET_HOURS
    if hours.stricter(DEFAULT_QUIET_HOURS):
        return hours
    default = DEFAULT_QUIET_HOURS
    if hours.spans_midnight:  # keep the stricter edge on each side
        return QuietHours(min(hours.start, default.start), max(hours.end, default.end))
    return default


def quiet_hours_for(session: Session, member: Member) -> QuietHours:
    return org_quiet_hours(session.get(Organisation, member.organisation_id))


def load_agenda(session: Session, group: Group, now: datetime, horizon: timedelta) -> GroupAgenda:
    """The group's meetings whose reminders may fall within `horizon`, and who said NO."""
    agenda = GroupAgenda(group, org_quiet_hours(session.get(Organisation, group.organisation_id)))
    longest = timedelta(minutes=calendar.MAX_OFFSET_MINUTES)
    agenda.meetings = [
        u
        for u in calendar.upcoming(session, [group], now, now + horizon + longest)
        if u.occurrence.start_utc - max(calendar.offsets_of(u.series), default=timedelta())
        <= now + horizon
    ]
    for item in agenda.meetings:
        occ = item.occurrence.original_start_utc
        for member_id in calendar.said_no(session, item.series.id, occ):
            agenda.declined.add((item.series.id, occ, member_id))
    return agenda


def plan_member(
    session: Session, member: Member, now: datetime, horizon: timedelta = PLAN_HORIZON
) -> int:
    """Create or update the member's next check-in and meeting reminder timers.

    Returns how many timer rows were added or changed. Nothing for members who do not
    receive scheduled texts (paused, opted out, in crisis, not yet consented).
    """
    if not member.receives_scheduled or member.group_id is None:
        return 0
    group = session.get(Group, member.group_id)
    if group is None:
        return 0
    return plan_group_members(session, group, [member], now, horizon)


def plan_group_members(
    session: Session,
    group: Group,
    members: Sequence[Member],
    now: datetime,
    horizon: timedelta = PLAN_HORIZON,
) -> int:
    """`plan_member` for many members of one group: the agenda is loaded once."""
    return apply_plan(session, wanted_for_group(session, group, members, now, horizon), now)


def wanted_for_group(
    session: Session,
    group: Group,
    members: Sequence[Member],
    now: datetime,
    horizon: timedelta = PLAN_HORIZON,
) -> list[PlannedTimer]:
    """The timers the rules want for these members of `group` (its agenda loaded once)."""
    agenda = load_agenda(session, group, now, horizon)
    return [plan for member in members for plan in wanted_timers(member, agenda, now)]


def wanted_timers(member: Member, agenda: GroupAgenda, now: datetime) -> list[PlannedTimer]:
    """The timers the rules want for one member now (pure, given the agenda)."""
    if not member.receives_scheduled:
        return []
    wanted = reminder_timers(member, agenda, now)
    checkin = checkin_timer(member, agenda.group, agenda.quiet, now)
    return wanted + ([checkin] if checkin else [])


def checkin_timer(
    member: Member, group: Group, quiet: QuietHours, now: datetime
) -> PlannedTimer | None:
    """The member's next check-in: their own TIME (in their zone) or the group's schedule."""
    days = frozenset(int(d) for d in group.checkin_days if d.isdigit() and int(d) < 7)
    local_time: time | None = member.checkin_time or group.checkin_time
    if local_time is None or (not days and member.checkin_time is None):
        return None
    zone = member.tz if member.checkin_time else group.tz
    due, local_date = _next_checkin(days or EVERY_DAY, local_time, zone, now, quiet, member.tz)
    return PlannedTimer(
        key=f"checkin:{member.id}:{local_date}",
        kind=TimerKind.CHECKIN,
        due_at=due,
        member_id=member.id,
        payload={"planned": due.isoformat(), "local_date": local_date},
        reason=f"check-in at {local_time:%H:%M} {zone}",
    )


@lru_cache(maxsize=4096)
def _next_checkin(
    days: frozenset[int], local_time: time, zone: str, now: datetime, quiet: QuietHours, tz: str
) -> tuple[datetime, str]:
    """`next_checkin_at` and the local date, remembered: the members of a group mostly share
    a schedule and a zone, and planning (or a fan-out) asks for thousands at the same now."""
    due = next_checkin_at(days, local_time, zone, now, quiet, tz)
    return due, to_local(due, tz).date().isoformat()


def reminder_timers(member: Member, agenda: GroupAgenda, now: datetime) -> list[PlannedTimer]:
    """One timer per reminder offset of each upcoming meeting the member did not decline."""
    planned: list[PlannedTimer] = []
    for item in agenda.meetings:
        occ = item.occurrence
        if (item.series.id, occ.original_start_utc, member.id) in agenda.declined:
            continue
        offsets = calendar.offsets_of(item.series)
        for offset, due in reminder_fire_times(
            occ.start_utc, offsets, member.tz, agenda.quiet, now
        ):
            minutes = int(offset.total_seconds() // 60)
            prefix = calendar.reminder_key_prefix(item.series.id, occ.original_start_utc)
            planned.append(
                PlannedTimer(
                    key=f"{prefix}{member.id}:{minutes}",
                    kind=TimerKind.REMINDER,
                    due_at=due,
                    member_id=member.id,
                    payload={
                        "planned": due.isoformat(),
                        "series_id": item.series.id,
                        "occurrence": occ.original_start_utc.isoformat(),
                        "start": occ.start_utc.isoformat(),
                        "offset_minutes": minutes,
                    },
                    reason=f"reminder {minutes} min before {item.series.title[:60]}",
                )
            )
    return planned


def apply_plan(session: Session, wanted: Sequence[PlannedTimer], now: datetime) -> int:
    """Add missing timers, retime pending ones and revive cancelled ones; returns changes."""
    existing = _existing(session, [w.key for w in wanted])
    new_rows: list[dict[str, Any]] = []
    changed = 0
    for plan in wanted:
        row = existing.get(plan.key)
        if row is None:
            new_rows.append(_new_timer(plan, now))
        elif _replan(row, plan):
            changed += 1
    if new_rows:  # one executemany: planning 100,000 members adds 100,000 rows
        insert_rows(session, Timer, new_rows)
    if changed:
        session.flush()
    return changed + len(new_rows)


def _existing(session: Session, keys: Iterable[str]) -> dict[str, Timer]:
    found: dict[str, Timer] = {}
    keys = list(keys)
    for start in range(0, len(keys), 500):  # stay well under any bind-parameter limit
        chunk = keys[start : start + 500]
        found.update((t.key, t) for t in session.scalars(select(Timer).where(Timer.key.in_(chunk))))
    return found


def _new_timer(plan: PlannedTimer, now: datetime) -> dict[str, Any]:
    return {
        "key": plan.key,
        "kind": plan.kind,
        "due_at": plan.due_at,
        "member_id": plan.member_id,
        "payload": plan.payload,
        "reason": plan.reason[:200],
        "status": TimerStatus.PENDING,
        "created_at": now,
    }


def _replan(row: Timer, plan: PlannedTimer) -> bool:
    revive = row.status == TimerStatus.CANCELLED
    retime = (
        row.status == TimerStatus.PENDING
        and (row.payload or {}).get("planned") != plan.payload["planned"]
    )
    if not (revive or retime):
        return False
    row.status = TimerStatus.PENDING
    row.due_at = plan.due_at
    row.payload = plan.payload
    row.reason = plan.reason[:200]
    row.claimed_at = None
    return True


def declined_rsvp(session: Session, member_id: int, series_id: int, occurrence: datetime) -> bool:
    """True when the member answered NO for this occurrence."""
    answer = session.scalar(
        select(Rsvp.answer).where(
            Rsvp.member_id == member_id,
            Rsvp.series_id == series_id,
            Rsvp.occurrence_start == occurrence,
        )
    )
    return answer == RsvpAnswer.NO
