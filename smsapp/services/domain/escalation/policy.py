"""Escalation policies: ordered levels, each with timeouts, repeats and whom it notifies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from smsapp.models import Group, PolicyLevel, User
from smsapp.models.escalations import LevelTarget, Urgency
from smsapp.models.users import Role
from smsapp.services.domain import oncall

MIN_LEVELS = 2


class PolicyError(ValueError):
    """A policy that cannot be saved; the message says why, for the coordinator."""


@dataclass(frozen=True)
class LevelSpec:
    target: str  # group_facilitators | user | on_call
    user_id: int | None = None
    urgent_timeout_minutes: int = 5
    normal_timeout_minutes: int = 60
    repeats: int = 1  # how many times this level is texted before the next one

    def timeout_minutes(self, urgency: str) -> int:
        return (
            self.urgent_timeout_minutes
            if urgency == Urgency.URGENT
            else self.normal_timeout_minutes
        )


DEFAULT_LEVELS = (LevelSpec(LevelTarget.GROUP_FACILITATORS), LevelSpec(LevelTarget.ON_CALL))


def set_policy(session: Session, group: Group, levels: list[LevelSpec], now: datetime) -> None:
    """Replace the group's policy; refused with a clear reason when it cannot keep people
    safe: fewer than two levels, or no level that reaches a person (a facilitator or chosen
    person who can be texted, or someone on the on-call rota)."""
    if len(levels) < MIN_LEVELS:
        raise PolicyError(
            f"An escalation policy needs at least {MIN_LEVELS} levels, "
            "so someone backs up the first responders."
        )
    for index, level in enumerate(levels, start=1):
        _check_level(session, group, index, level)
    reason = unreachable_reason(session, group, levels, now)
    if reason:
        raise PolicyError(reason)
    session.execute(delete(PolicyLevel).where(PolicyLevel.group_id == group.id))
    session.flush()
    for position, level in enumerate(levels):
        session.add(
            PolicyLevel(
                group_id=group.id,
                position=position,
                target=level.target,
                user_id=level.user_id,
                urgent_timeout_minutes=level.urgent_timeout_minutes,
                normal_timeout_minutes=level.normal_timeout_minutes,
                repeats=level.repeats,
            )
        )


def _check_level(session: Session, group: Group, index: int, level: LevelSpec) -> None:
    if level.target not in list(LevelTarget):
        raise PolicyError(f"Level {index}: unknown target {level.target!r}.")
    if not 1 <= level.urgent_timeout_minutes <= 60:
        raise PolicyError(f"Level {index}: the urgent timeout must be 1–60 minutes.")
    if not 1 <= level.normal_timeout_minutes <= 24 * 60:
        raise PolicyError(f"Level {index}: the normal timeout must be 1–1440 minutes.")
    if not 1 <= level.repeats <= 10:
        raise PolicyError(f"Level {index}: repeats must be 1–10.")
    if level.target == LevelTarget.USER:
        user = session.get(User, level.user_id) if level.user_id else None
        if user is None or user.organisation_id != group.organisation_id:
            raise PolicyError(f"Level {index}: choose a person from this organisation.")


def levels_for(session: Session, group_id: int | None) -> list[LevelSpec]:
    """The group's levels in order; the default policy when none was saved.

    A case with no group (an unknown sender) goes to the on-call coordinator only.
    """
    if group_id is None:
        return [LevelSpec(LevelTarget.ON_CALL)]
    rows = session.scalars(
        select(PolicyLevel).where(PolicyLevel.group_id == group_id).order_by(PolicyLevel.position)
    ).all()
    if not rows:
        return list(DEFAULT_LEVELS)
    return [
        LevelSpec(
            r.target, r.user_id, r.urgent_timeout_minutes, r.normal_timeout_minutes, r.repeats
        )
        for r in rows
    ]


def recipients(
    session: Session, organisation_id: int, group_id: int | None, level: LevelSpec, now: datetime
) -> list[User]:
    """Everyone texted at a level at `now`: people of the case's organisation who can be
    texted; "on call" is whoever the rota (or an override) names at that moment."""
    if level.target == LevelTarget.USER:
        users = [u for u in [session.get(User, level.user_id)] if u is not None]
    elif level.target == LevelTarget.ON_CALL:
        users = oncall.on_call_at(session, organisation_id, now)
    else:
        group = session.get(Group, group_id) if group_id else None
        users = (
            list(session.scalars(select(User).where(User.groups.contains(group)))) if group else []
        )
    # The organisation check is repeated here on purpose: a case never reaches an outsider.
    return [u for u in users if u.organisation_id == organisation_id and oncall.can_be_texted(u)]


def coordinators(session: Session, organisation_id: int) -> list[User]:
    """The organisation's coordinators who can be texted (the alarms go to them)."""
    users = session.scalars(
        select(User).where(User.organisation_id == organisation_id, User.role == Role.COORDINATOR)
    )
    return [u for u in users if oncall.can_be_texted(u)]


def level_name(session: Session, level: LevelSpec) -> str:
    """How a level reads in a sentence: "the group's facilitators", "on call", "Ann Lee"."""
    if level.target == LevelTarget.USER:
        user = session.get(User, level.user_id) if level.user_id else None
        return user.name if user else "one person"
    return "on call" if level.target == LevelTarget.ON_CALL else "the group's facilitators"


def why_nobody(
    session: Session, organisation_id: int, group_id: int | None, level: LevelSpec, now: datetime
) -> str:
    """Why a level reaches nobody, in plain words ("" when it reaches someone)."""
    if level.target == LevelTarget.ON_CALL:
        if oncall.on_call_at(session, organisation_id, now):
            return "nobody on call right now can be texted (no phone, deactivated or STOP)"
        if oncall.anyone_on_rota(session, organisation_id, now):
            return "nobody is on call at this time (a gap in the rota)"
        return "nobody is on the on-call rota"
    if level.target == LevelTarget.USER:
        user = session.get(User, level.user_id) if level.user_id else None
        if user is None:
            return "the person chosen no longer exists"
        if not user.active:
            return f"{user.name}'s account is deactivated"
        if not user.phone_hash:
            return f"{user.name} has no phone number"
        return f"{user.name} has texted STOP to escalation texts"
    return "the group has no active facilitator with a phone number"


def reaches_someone(
    session: Session, organisation_id: int, group_id: int | None, level: LevelSpec, now: datetime
) -> bool:
    """The level can reach a person: now, or for "on call" at some time of the rota."""
    if level.target == LevelTarget.ON_CALL:
        return oncall.anyone_on_rota(session, organisation_id, now)
    return bool(recipients(session, organisation_id, group_id, level, now))


def unreachable_reason(
    session: Session, group: Group, levels: list[LevelSpec], now: datetime
) -> str:
    """Why `levels` would reach nobody for `group`, for the coordinator ("" if they reach
    someone)."""
    if any(reaches_someone(session, group.organisation_id, group.id, lv, now) for lv in levels):
        return ""
    reasons = "; ".join(
        f"level {i} ({level_name(session, lv)}): "
        + why_nobody(session, group.organisation_id, group.id, lv, now)
        for i, lv in enumerate(levels, start=1)
    )
    return (
        f"This policy would reach nobody, so a member in crisis would wait for a person who is "
        f"never told. {reasons[0].upper()}{reasons[1:]}. Give the group a facilitator with a "
        "phone number, or put someone on call (On call page), then save again."
    )
