"""Changes to the on-call rota that keep every group's escalation reaching a person.

The rota itself lives in `domain/oncall`; a change that would leave a group's policy
reaching nobody (its only reachable level is "on call" and the rota would name nobody
who can be texted) is refused here, naming the groups, so the edges (console, API, CLI)
call these instead of the rota's own functions.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Group, OnCallOverride, Organisation
from smsapp.services.domain import oncall
from smsapp.services.domain.escalation.policy import levels_for, reaches_someone


def groups_reaching_nobody(session: Session, organisation_id: int, now: datetime) -> list[Group]:
    """The organisation's real groups whose policy reaches nobody at any level."""
    found = session.scalars(
        select(Group)
        .where(Group.organisation_id == organisation_id, Group.sandbox.is_(False))
        .order_by(Group.code)
    )
    return [
        g
        for g in found
        if not any(
            reaches_someone(session, organisation_id, g.id, lv, now)
            for lv in levels_for(session, g.id)
        )
    ]


def set_rota(
    session: Session, org: Organisation, shifts: list[oncall.ShiftInput], now: datetime
) -> None:
    """Replace the weekly rota (RotaError when a group would then reach nobody)."""
    before = {g.id for g in groups_reaching_nobody(session, org.id, now)}
    oncall.set_rota(session, org, shifts)
    _refuse_new_dead_ends(session, org, before, now)


def add_shift(session: Session, org: Organisation, shift: oncall.ShiftInput) -> None:
    oncall.add_shift(session, org, shift)


def remove_shift(session: Session, org: Organisation, shift_id: int, now: datetime) -> None:
    """Take a shift off the rota (RotaError when a group would then reach nobody)."""
    before = {g.id for g in groups_reaching_nobody(session, org.id, now)}
    oncall.remove_shift(session, org, shift_id)
    _refuse_new_dead_ends(session, org, before, now)


def add_override(
    session: Session,
    org: Organisation,
    user_id: int,
    starts_local: datetime,
    ends_local: datetime,
    now: datetime,
) -> OnCallOverride:
    return oncall.add_override(session, org, user_id, starts_local, ends_local, now)


def remove_override(session: Session, org: Organisation, override_id: int, now: datetime) -> None:
    """Cancel an override (RotaError when a group would then reach nobody)."""
    before = {g.id for g in groups_reaching_nobody(session, org.id, now)}
    oncall.remove_override(session, org, override_id)
    _refuse_new_dead_ends(session, org, before, now)


def _refuse_new_dead_ends(
    session: Session, org: Organisation, before: set[int], now: datetime
) -> None:
    dead = [g for g in groups_reaching_nobody(session, org.id, now) if g.id not in before]
    if dead:
        codes = ", ".join(g.code for g in dead)
        raise oncall.RotaError(
            f"Not saved: the escalation of {codes} would then reach nobody (their only "
            "reachable level is on call). Put someone else on call, or change those "
            "groups' policies first.",
            "shift",
        )
