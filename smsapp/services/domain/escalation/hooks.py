"""What else happens when a case is taken or closed, registered by the modules that own it.

Escalation imports none of them (the member's notice and the conversation belong to
domain/reach, which builds on escalation); `smsapp.services.wiring` imports each
registering module once, so a running process has them all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.models import Case, User

Listener = Callable[[Session, Case, User, datetime], None]
_ACKED: list[Listener] = []
_RESOLVED: list[Listener] = []


def on_acknowledged(fn: Listener) -> Listener:
    """Run `fn(session, case, taker, now)` after each successful ACK."""
    if fn not in _ACKED:
        _ACKED.append(fn)
    return fn


def on_resolved(fn: Listener) -> Listener:
    """Run `fn(session, case, resolver, now)` after a case is resolved."""
    if fn not in _RESOLVED:
        _RESOLVED.append(fn)
    return fn


def acknowledged(session: Session, case: Case, user: User, now: datetime) -> None:
    for fn in _ACKED:
        fn(session, case, user, now)


def resolved(session: Session, case: Case, user: User, now: datetime) -> None:
    for fn in _RESOLVED:
        fn(session, case, user, now)
