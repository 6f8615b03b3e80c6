"""How many wrong passwords the console takes, counted in Redis with `limits`.

Three counts, each a moving window; a login is refused while any is full:
- one client and one account: 5 failures in 15 minutes (someone mistyping, or guessing);
- one account from anywhere: 20 failures in 15 minutes (guessing spread over addresses);
- one client over all accounts: 20 failures an hour (one password sprayed over accounts).
The client is the address the request came from (the real client's behind a proxy
when SMSAPP_PROXY_HOPS is set). Emails are hashed in the keys. If Redis is down,
nothing is locked: argon2 still makes each guess slow.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from limits import RateLimitItem, parse
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from smsapp.runtime import Runtime

log = logging.getLogger(__name__)
CLIENT_ACCOUNT = parse("5/15 minutes")
ACCOUNT = parse("20/15 minutes")
CLIENT = parse("20/hour")
_KEY = "login_limiter"


def blocked(rt: Runtime, email: str, client: str) -> bool:
    """True while one of the three counts is full for this email and client."""
    try:
        limiter = _limiter(rt)
        return not all(limiter.test(item, *key) for item, key in _counts(email, client))
    except Exception:
        log.warning("console.ratelimit_unavailable")
        return False


def record_failure(rt: Runtime, email: str, client: str) -> None:
    try:
        limiter = _limiter(rt)
        for item, key in _counts(email, client):
            limiter.hit(item, *key)
    except Exception:
        log.warning("console.ratelimit_unavailable")


def forget_client(rt: Runtime, email: str, client: str) -> None:
    """A right password clears this client's count for the account (not the others)."""
    try:
        _limiter(rt).clear(CLIENT_ACCOUNT, *_counts(email, client)[0][1])
    except Exception:
        log.warning("console.ratelimit_unavailable")


def _counts(email: str, client: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    account = hashlib.sha256(email.encode()).hexdigest()[:24]
    return [
        (CLIENT_ACCOUNT, ("login", "client-account", client, account)),
        (ACCOUNT, ("login", "account", account)),
        (CLIENT, ("login", "client", client)),
    ]


def _limiter(rt: Runtime) -> Any:
    """One limiter per runtime, on the runtime's own Redis connection pool."""
    limiter = rt.extras.get(_KEY)
    if limiter is None:
        pool = rt.redis.connection_pool
        storage = RedisStorage("redis://", connection_pool=pool, key_prefix="smsapp:limits")
        limiter = rt.extras[_KEY] = MovingWindowRateLimiter(storage)
    return limiter
