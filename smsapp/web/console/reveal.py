"""Show a secret once, on the page a POST redirects to (post/redirect/get).

The secret waits in Redis for a few minutes under a random key kept in the login's
session; the page that shows it takes it (GETDEL), so a reload shows it no more and
never repeats the POST that made it.
"""

from __future__ import annotations

import secrets

from flask import session

from smsapp.web.runtime import runtime

WAIT_SECONDS = 300
_SESSION_KEY = "reveal"


def stash(kind: str, value: str) -> None:
    """Keep `value` for the next page that asks for `kind`."""
    key = f"smsapp:reveal:{secrets.token_urlsafe(16)}"
    runtime().redis.set(key, value.encode(), ex=WAIT_SECONDS)
    session[_SESSION_KEY] = {"kind": kind, "key": key}


def take(kind: str) -> str | None:
    """The value stashed for `kind`, once; None after that (or for another kind)."""
    waiting = session.get(_SESSION_KEY)
    if not isinstance(waiting, dict) or waiting.get("kind") != kind:
        return None
    session.pop(_SESSION_KEY, None)
    raw = runtime().redis.getdel(str(waiting.get("key", "")))
    return raw.decode() if raw is not None else None
