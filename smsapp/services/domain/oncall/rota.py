"""The on-call rota of an organisation: weekly shifts in its local time, and overrides
(someone on call from–to) that replace the rota while they run.

The escalation policy's "on call" level asks `on_call_at` at the moment of each round.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from smsapp.models import OnCallOverride, OnCallShift, Organisation, User
from smsapp.services.domain.oncall.week import (
    RotaError,
    Span,
    describe_hours,
    gaps,
    minute_of_week,
    span_of,
)
from smsapp.services.domain.schedule import to_local, to_utc

MAX_OVERRIDE = timedelta(days=62)


@dataclass(frozen=True)
class ShiftInput:
    """Someone on call on these weekdays (0 = Monday) from `starts` to `ends`, local time."""

    user_id: int
    days: tuple[int, ...]
    starts: time
    ends: time


@dataclass(frozen=True)
class ShiftView:
    shift: OnCallShift
    user: User

    @property
    def hours(self) -> str:
        return describe_hours(self.shift.starts, self.shift.ends)


@dataclass(frozen=True)
class OverrideView:
    override: OnCallOverride
    user: User
    starts_local: datetime
    ends_local: datetime


def can_be_texted(user: User) -> bool:
    """An active account with a phone that has not texted STOP."""
    return bool(user.active and user.phone_hash and not user.sms_opted_out)


def set_rota(session: Session, org: Organisation, shifts: list[ShiftInput]) -> None:
    """Replace the organisation's weekly rota; refused (RotaError) naming the problem."""
    for shift in shifts:
        _check_person(session, org, shift.user_id)
        if not shift.days:
            raise RotaError("choose at least one day", "days")
    session.execute(delete(OnCallShift).where(OnCallShift.organisation_id == org.id))
    for shift in shifts:
        add_shift(session, org, shift)
    session.flush()


def add_shift(session: Session, org: Organisation, shift: ShiftInput) -> None:
    """Add a shift to the weekly rota (one row per day)."""
    _check_person(session, org, shift.user_id)
    if not shift.days:
        raise RotaError("choose at least one day", "days")
    for day in sorted(set(shift.days)):
        session.add(
            OnCallShift(
                organisation_id=org.id, user_id=shift.user_id, weekday=day,
                starts=shift.starts, ends=shift.ends,
            )
        )  # fmt: skip
    session.flush()


def remove_shift(session: Session, org: Organisation, shift_id: int) -> None:
    found = session.get(OnCallShift, shift_id)
    if found is None or found.organisation_id != org.id:
        raise RotaError(f"no shift {shift_id} in this organisation", "shift")
    session.delete(found)
    session.flush()


def put_on_call_always(session: Session, org: Organisation, user: User) -> None:
    """Add `user` to the rota around the clock, every day (a one-person organisation)."""
    _check_person(session, org, user.id)
    for day in range(7):
        session.add(
            OnCallShift(
                organisation_id=org.id, user_id=user.id, weekday=day, starts=time(0), ends=time(0)
            )
        )
    session.flush()


def add_override(
    session: Session,
    org: Organisation,
    user_id: int,
    starts_local: datetime,
    ends_local: datetime,
    now: datetime,
) -> OnCallOverride:
    """`user_id` is on call from `starts_local` to `ends_local` (naive, the organisation's
    local time) instead of whoever the rota names."""
    _check_person(session, org, user_id)
    starts, ends = to_utc(starts_local, org.tz), to_utc(ends_local, org.tz)
    if ends <= starts:
        raise RotaError("the end must be after the start", "ends")
    if ends <= now:
        raise RotaError("that time has already passed", "ends")
    if ends - starts > MAX_OVERRIDE:
        raise RotaError("an override can last at most 62 days; change the rota instead", "ends")
    override = OnCallOverride(
        organisation_id=org.id, user_id=user_id, starts_at=starts, ends_at=ends, created_at=now
    )
    session.add(override)
    session.flush()
    return override


def remove_override(session: Session, org: Organisation, override_id: int) -> None:
    found = session.get(OnCallOverride, override_id)
    if found is None or found.organisation_id != org.id:
        raise RotaError(f"no override {override_id} in this organisation", "override")
    session.delete(found)
    session.flush()


def on_call_at(session: Session, organisation_id: int, at: datetime) -> list[User]:
    """Everyone on call at `at`: the running overrides' people, else the rota's."""
    overriding = session.scalars(
        select(User)
        .join(OnCallOverride, OnCallOverride.user_id == User.id)
        .where(
            OnCallOverride.organisation_id == organisation_id,
            OnCallOverride.starts_at <= at,
            OnCallOverride.ends_at > at,
        )
    ).all()
    if overriding:
        return _unique(overriding)
    org = session.get(Organisation, organisation_id)
    if org is None:
        return []
    minute = minute_of_week(to_local(at, org.tz).replace(tzinfo=None))
    rows = session.execute(
        select(OnCallShift, User)
        .join(User, User.id == OnCallShift.user_id)
        .where(OnCallShift.organisation_id == organisation_id)
    ).all()
    return _unique([u for s, u in rows if span_of(s.weekday, s.starts, s.ends).covers(minute)])


def anyone_on_rota(session: Session, organisation_id: int, now: datetime) -> bool:
    """Someone who can be texted is on the rota or on a coming override."""
    users = list(
        session.scalars(
            select(User)
            .join(OnCallShift, OnCallShift.user_id == User.id)
            .where(OnCallShift.organisation_id == organisation_id)
        )
    )
    users += session.scalars(
        select(User)
        .join(OnCallOverride, OnCallOverride.user_id == User.id)
        .where(OnCallOverride.organisation_id == organisation_id, OnCallOverride.ends_at > now)
    ).all()
    return any(can_be_texted(u) for u in users)


def is_on_rota(session: Session, user: User) -> bool:
    """`user` has a shift on the rota (the on-call people may act on any case)."""
    found = session.scalar(select(OnCallShift.id).where(OnCallShift.user_id == user.id).limit(1))
    return found is not None


def shifts(session: Session, organisation_id: int) -> list[ShiftView]:
    rows = session.execute(
        select(OnCallShift, User)
        .join(User, User.id == OnCallShift.user_id)
        .where(OnCallShift.organisation_id == organisation_id)
        .order_by(OnCallShift.weekday, OnCallShift.starts, User.name)
    ).all()
    return [ShiftView(s, u) for s, u in rows]


def overrides(session: Session, org: Organisation, now: datetime) -> list[OverrideView]:
    """Overrides running now or still to come, soonest first."""
    rows = session.execute(
        select(OnCallOverride, User)
        .join(User, User.id == OnCallOverride.user_id)
        .where(OnCallOverride.organisation_id == org.id, OnCallOverride.ends_at > now)
        .order_by(OnCallOverride.starts_at)
    ).all()
    return [
        OverrideView(
            o, u, to_local(o.starts_at, org.tz).replace(tzinfo=None),
            to_local(o.ends_at, org.tz).replace(tzinfo=None),
        )
        for o, u in rows
    ]  # fmt: skip


def rota_gaps(session: Session, organisation_id: int) -> list[Span]:
    """The parts of the week when the rota names nobody who can be texted."""
    return gaps(
        [
            span_of(v.shift.weekday, v.shift.starts, v.shift.ends)
            for v in shifts(session, organisation_id)
            if can_be_texted(v.user)
        ]
    )


def _check_person(session: Session, org: Organisation, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.organisation_id != org.id:
        raise RotaError("choose a person from this organisation", "user")
    if not user.active:
        raise RotaError(f"{user.name}'s account is deactivated", "user")
    if not user.phone_hash:
        raise RotaError(
            f"{user.name} has no phone number, so {user.name} could not be texted while on call",
            "user",
        )
    if user.sms_opted_out:
        raise RotaError(f"{user.name} has texted STOP to escalation texts", "user")
    return user


def _unique(users: Iterable[User]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        seen.setdefault(user.id, user)
    return sorted(seen.values(), key=lambda u: u.name)
