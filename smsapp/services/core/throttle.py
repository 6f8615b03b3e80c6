"""Per-sender send rate: each send takes the next free slot of its sender."""

from __future__ import annotations

from redis import Redis

# KEYS[1] = the sender's next free time; ARGV = now, spacing. Returns the slot taken.
_TAKE_SLOT = """
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
local slot = math.max(nxt, now)
redis.call('SET', KEYS[1], tostring(slot + tonumber(ARGV[2])), 'EX', 3600)
return tostring(slot)
"""


def take_slot(redis: Redis[bytes], sender: str, rate: float, now_ts: float) -> float:
    """The time (epoch seconds) this send may go; `now_ts` when the sender is idle.

    Urgent sends go at once whatever this returns, but still take a slot so later bulk
    sends queue behind them instead of Twilio's own queue holding the crisis text.
    """
    if rate <= 0:
        return now_ts
    slot = redis.eval(_TAKE_SLOT, 1, f"smsapp:rate:{sender}", repr(now_ts), repr(1.0 / rate))
    return float(slot)
