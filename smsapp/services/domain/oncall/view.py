"""The rota as people read it: who is on call now, each day's shifts, the gaps, and the
overrides to come; the same board for the console, the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.models import Organisation, User
from smsapp.services.domain.oncall.rota import (
    OverrideView,
    ShiftView,
    on_call_at,
    overrides,
    rota_gaps,
    shifts,
)
from smsapp.services.domain.oncall.week import DAY_NAMES, describe_span


@dataclass
class Board:
    tz: str
    now: list[User]
    shifts: list[ShiftView]
    days: list[tuple[str, list[str]]] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    overrides: list[OverrideView] = field(default_factory=list)


def board(session: Session, org: Organisation, now: datetime) -> Board:
    found = shifts(session, org.id)
    days = [
        (name, [f"{v.user.name}, {v.hours}" for v in found if v.shift.weekday == n])
        for n, name in enumerate(DAY_NAMES)
    ]
    return Board(
        tz=org.tz,
        now=on_call_at(session, org.id, now),
        shifts=found,
        days=days,
        gaps=[describe_span(g) for g in rota_gaps(session, org.id)],
        overrides=overrides(session, org, now),
    )
