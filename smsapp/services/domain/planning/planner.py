"""Planning everyone: reminder and check-in timers for every eligible member, periodically.

`plan_all` is idempotent (fixed timer keys, see `schedule_plan`), so running it often
only costs reads. The tick calls `plan_if_due`, which runs it at most once every
`PLAN_EVERY` of the *application* clock: the last run time is kept in Redis[bytes] under
`PLAN_KEY` and swapped by a small Lua script, so of several ticks running at once
only one plans. If Redis[bytes] is unreachable planning is skipped (and so is enqueueing);
the next tick that reaches Redis[bytes] plans again, and nothing is lost because every due
time lives in the database.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import select, text
from sqlalchemy.orm import Session, defer

from smsapp.db import is_postgres
from smsapp.models import Group, Member
from smsapp.models.members import MemberStatus
from smsapp.services.domain.planning.member_plan import (
    PLAN_HORIZON,
    apply_plan,
    load_agenda,
    wanted_timers,
)

log = logging.getLogger(__name__)
# Planning needs no phone number or name: not loading them saves two decryptions a member
# (about a fifth of plan_all's time).
_NOT_NEEDED = (defer(Member.phone), defer(Member.name))
PLAN_EVERY = timedelta(minutes=5)
PLAN_KEY = "smsapp:planner:last"

# KEYS[1] = last run (epoch seconds); ARGV = now, interval. 1 when this caller should plan.
# A clock that went backwards (tests, a sandbox) counts as due.
_CLAIM_RUN = """
local last = tonumber(redis.call('GET', KEYS[1]) or '')
local now = tonumber(ARGV[1])
if last and now >= last and now - last < tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', 86400)
return 1
"""


def plan_all(session: Session, now: datetime, horizon: timedelta = PLAN_HORIZON) -> int:
    """Plan every active member of every real (non-sandbox) group; returns timers changed.

    Sandbox groups run on their own clock and plan themselves.
    """
    if is_postgres(session):
        # psycopg prepares a statement after 5 runs, and PostgreSQL may then reuse a generic
        # plan costed when the timers table looked empty: a sequential scan for each
        # `key IN (500 keys)` lookup, quadratic over one big run (100,000 members: minutes).
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    changed = 0
    groups = session.scalars(select(Group).where(Group.sandbox.is_(False)).order_by(Group.id))
    for group in list(groups):
        members = session.scalars(
            select(Member)
            .options(*_NOT_NEEDED)
            .where(
                Member.group_id == group.id,
                Member.status == MemberStatus.ACTIVE,
                Member.automation_paused.is_(False),
            )
        ).all()
        if not members:
            continue
        agenda = load_agenda(session, group, now, horizon)
        wanted = [plan for member in members for plan in wanted_timers(member, agenda, now)]
        changed += apply_plan(session, wanted, now)
    return changed


def claim_run(redis: Redis[bytes], now: datetime, every: timedelta = PLAN_EVERY) -> bool:
    """True when this caller should plan now (at most once per `every` of app time)."""
    result = redis.eval(_CLAIM_RUN, 1, PLAN_KEY, repr(now.timestamp()), repr(every.total_seconds()))
    return bool(int(result))


def plan_if_due(session: Session, redis: Redis[bytes], now: datetime) -> int | None:
    """Run `plan_all` if no tick did within `PLAN_EVERY`; None when skipped."""
    try:
        if not claim_run(redis, now):
            return None
    except RedisError:
        log.warning("planner.redis_unavailable")
        return None
    changed = plan_all(session, now)
    log.info("planner.ran", extra={"count": changed})
    return changed
