"""Per-sender send rate: each text takes the next free slot of its sender, in time order.

The sender's next free time lives in Redis so every worker shares it; a slot is taken
atomically and is `segments / rate` seconds long, so a three-segment text uses three
seconds of a long code (Twilio counts segments, not messages).
"""

from __future__ import annotations

from redis import Redis

# KEYS[1] = the sender's next free time; ARGV = now, length, latest start (or "").
# Returns the slot's start, or nil when the next free time is later than the latest start.
_TAKE_SLOT = """
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(nxt, tonumber(ARGV[1]))
if ARGV[3] ~= '' and slot > tonumber(ARGV[3]) then
  return false
end
redis.call('SET', KEYS[1], tostring(slot + tonumber(ARGV[2])), 'EX', 3600)
return tostring(slot)
"""


def take_slot(
    redis: Redis[bytes],
    sender: str,
    rate: float,
    now_ts: float,
    *,
    segments: int = 1,
    latest: float | None = None,
) -> float | None:
    """The time (epoch seconds) a text of `segments` may go from `sender`: `now_ts` when the
    sender is idle. None (nothing taken) when the first free slot starts after `latest`."""
    if rate <= 0:
        return now_ts
    slot = redis.eval(
        _TAKE_SLOT,
        1,
        f"smsapp:rate:{sender}",
        repr(now_ts),
        repr(max(segments, 1) / rate),
        "" if latest is None else repr(latest),
    )
    return None if slot is None else float(slot)


def next_free(redis: Redis[bytes], sender: str) -> float:
    """When `sender`'s next slot starts (epoch seconds; 0 when it has never sent)."""
    value = redis.get(f"smsapp:rate:{sender}")
    return float(value) if value is not None else 0.0


# KEYS[1] = when the sender's wire is next free; ARGV = now, length, longest wait (or "").
# Returns 0 when the wire was taken now, else how many seconds to wait. A text that would
# wait longer than its longest wait takes the wire at once and still adds its length.
_TAKE_WIRE = """
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
if now < nxt and (ARGV[3] == '' or nxt - now <= tonumber(ARGV[3])) then
  return tostring(nxt - now)
end
redis.call('SET', KEYS[1], tostring(math.max(now, nxt) + tonumber(ARGV[2])), 'EX', 3600)
return '0'
"""


def take_wire(
    redis: Redis[bytes],
    sender: str,
    rate: float,
    now_ts: float,
    *,
    segments: int = 1,
    longest_wait: float | None = None,
) -> float:
    """The last gate before the network, in real time: 0 when this text may be handed to
    the provider now (and the sender is then busy for its length), else the seconds to
    wait. A send that ran late (a slow machine, a slow answer) so never brings the next
    one closer than the rate allows, whichever worker sends it."""
    if rate <= 0:
        return 0.0
    wait = redis.eval(
        _TAKE_WIRE,
        1,
        f"smsapp:wire:{sender}",
        repr(now_ts),
        repr(max(segments, 1) / rate),
        "" if longest_wait is None else repr(longest_wait),
    )
    return float(wait)


def wire_free(redis: Redis[bytes], sender: str) -> float:
    """When `sender`'s wire is free again (epoch seconds; 0 when it has never sent)."""
    value = redis.get(f"smsapp:wire:{sender}")
    return float(value) if value is not None else 0.0
