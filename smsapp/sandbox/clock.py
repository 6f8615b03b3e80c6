"""A per-sandbox clock: the runtime's clock plus an offset kept in Redis.

Every web process and the worker read the same offset, so a jump made on one page is
seen by the drain in another process. The offset only grows, so sandbox time never
runs backwards and never falls behind the real clock; losing it (a flushed Redis[bytes]) only
brings the sandbox back to the present, where its remaining timers still fire.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from redis import Redis

from smsapp.clock import Clock


def offset_key(group_id: int) -> str:
    return f"smsapp:sandbox:{group_id}:offset"


class SandboxClock:
    """Time in one sandbox group: ``base.now()`` moved forward by the stored offset."""

    def __init__(self, base: Clock, redis: Redis[bytes], group_id: int) -> None:
        self.base = base
        self.redis = redis
        self.group_id = group_id

    def offset(self) -> timedelta:
        raw = self.redis.get(offset_key(self.group_id))
        return timedelta(seconds=float(raw)) if raw is not None else timedelta(0)

    def now(self) -> datetime:
        return self.base.now() + self.offset()

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` (never backwards); returns the new sandbox time."""
        if delta < timedelta(0):
            raise ValueError("the sandbox clock only moves forward")
        self.redis.incrbyfloat(offset_key(self.group_id), delta.total_seconds())
        return self.now()

    def set(self, when: datetime) -> datetime:
        """Move forward to ``when``; a time already passed leaves the clock where it is."""
        delta = when - self.now()
        return self.advance(delta) if delta > timedelta(0) else self.now()
