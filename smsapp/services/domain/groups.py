"""Coordinators manage groups: code, name, time zone, facilitators and escalation policy."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsapp.models import Group, Member, Organisation, Timer, User
from smsapp.models.timers import TimerKind
from smsapp.models.users import Role
from smsapp.services.core import crisis_resources as resources
from smsapp.services.core import timers
from smsapp.services.domain.escalation import policy
from smsapp.services.domain.escalation.policy import LevelSpec
from smsapp.services.domain.group_zone import ZoneChange, retime_group
from smsapp.services.domain.planning import member_plan
from smsapp.services.domain.schedule import validate_tz

CODE_PATTERN = re.compile(r"^[A-Z0-9]{6,20}$")
# Generated codes: 8 characters without look-alikes (0/O, 1/I/L): 31**8, about 8.5e11.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_CRISIS_TEXT = 600
NOBODY_TO_ESCALATE_TO = (
    "A group cannot start until a member in crisis can reach a person: choose a facilitator "
    "who has a phone number, or put someone on call (On call page) first."
)


class GroupError(ValueError):
    """A group change refused; `field` names the form field at fault, and `problems`
    lists every (field, message) found, so a form can show them all at once."""

    def __init__(
        self, message: str, field: str = "", problems: list[tuple[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.field = field
        self.problems = problems or [(field, message)]


@dataclass(frozen=True)
class GroupInput:
    code: str
    name: str
    tz: str
    facilitator_ids: tuple[int, ...] = ()
    requires_approval: bool = False
    # The group's own crisis resources; None leaves them as they are, "" clears them.
    crisis_text_en: str | None = None
    crisis_text_es: str | None = None


def create_group(session: Session, organisation_id: int, data: GroupInput, now: datetime) -> Group:
    """A new group with the default escalation policy (its facilitators, then on call).

    Refused while a member of it could not be given real crisis resources: the
    organisation's country has no built-in entry and the organisation wrote none.
    """
    org = session.get(Organisation, organisation_id)
    if org is not None and not resources.can_go_live(org):
        raise GroupError(resources.missing_resources_message(org))
    group = Group(organisation_id=organisation_id, code="", name="", tz="UTC", created_at=now)
    _apply(session, group, organisation_id, data)
    session.add(group)
    session.flush()
    _set_facilitators(session, group, data.facilitator_ids)
    try:
        policy.set_policy(session, group, list(policy.DEFAULT_LEVELS), now)
    except policy.PolicyError:
        raise GroupError(NOBODY_TO_ESCALATE_TO, "facilitator_ids") from None
    return group


def group_of(session: Session, group_id: int) -> Group:
    group = session.get(Group, group_id)
    if group is None:
        raise GroupError(f"no group {group_id}", "group")
    return group


def group_by_code(session: Session, organisation_id: int, code: str) -> Group:
    """The organisation's group with this code (any case), or GroupError."""
    group = session.scalar(
        select(Group).where(
            Group.organisation_id == organisation_id,
            func.upper(Group.code) == code.strip().upper(),
        )
    )
    if group is None:
        raise GroupError(f"no group {code.strip()!r} in this organisation", "group")
    return group


def generate_code(session: Session) -> str:
    """A fresh group code nobody can guess (JOIN attempts are throttled as well)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(Group.id).where(func.upper(Group.code) == code)) is None:
            return code


def edit_group(session: Session, group: Group, data: GroupInput) -> Group:
    """Change code, name, time zone and facilitators."""
    _apply(session, group, group.organisation_id, data)
    _set_facilitators(session, group, data.facilitator_ids)
    return group


def set_escalation(session: Session, group: Group, levels: list[LevelSpec], now: datetime) -> None:
    """Replace the group's policy (PolicyError explains a refusal)."""
    for level in levels:
        if level.user_id is not None:
            user = session.get(User, level.user_id)
            if user is None or user.organisation_id != group.organisation_id:
                raise policy.PolicyError("that person is not in this organisation")
    policy.set_policy(session, group, levels, now)


def set_checkins(session: Session, group: Group, days: str, at: time | None, now: datetime) -> None:
    """The group's check-in days ("024" = Mon, Wed, Fri) and local time (None: no
    check-ins); members' next check-ins are planned again at once."""
    chosen = "".join(sorted({d for d in days if d in "0123456"}))
    if at is not None and not chosen:
        raise GroupError("choose at least one day, or clear the time to stop check-ins", "days")
    group.checkin_days = chosen if at is not None else ""
    group.checkin_time = at
    session.flush()
    members = session.scalars(select(Member).where(Member.group_id == group.id))
    timers.cancel(
        session,
        Timer.kind == TimerKind.CHECKIN,
        Timer.member_id.in_(select(Member.id).where(Member.group_id == group.id)),
    )
    session.flush()
    for member in members:
        member_plan.plan_member(session, member, now)


def facilitators_of(session: Session, group: Group) -> list[User]:
    """The group's facilitators, by name."""
    users = [u for u in _org_users(session, group.organisation_id) if group in u.groups]
    return sorted(users, key=lambda u: u.name)


def change_group(
    session: Session, group: Group, data: GroupInput, now: datetime
) -> ZoneChange | None:
    """Edit the group; when its time zone changed, re-plan everything planned in it and
    return what moved (None when the zone stayed)."""
    old_tz = group.tz
    edit_group(session, group, data)
    if group.tz == old_tz:
        return None
    session.flush()
    return retime_group(session, group, old_tz, now)


def problems_of(session: Session, group: Group, data: GroupInput) -> list[tuple[str, str]]:
    """Every (field, message) wrong with `data` for `group`, all at once."""
    problems = []
    code = data.code.strip().upper()
    taken = session.scalar(select(Group.id).where(func.upper(Group.code) == code))
    if taken is not None and taken != group.id:
        problems.append(("code", "that code is already used by another group"))
    # Codes made before the 6-character minimum keep working while unchanged.
    elif code != group.code and not CODE_PATTERN.match(code):
        problems.append(
            ("code", "the code must be 6–20 letters or digits (members text JOIN CODE)")
        )
    if not data.name.strip():
        problems.append(("name", "the name is missing"))
    try:
        validate_tz(data.tz.strip())
    except ValueError as exc:
        problems.append(("tz", str(exc)))
    return problems


def _apply(session: Session, group: Group, organisation_id: int, data: GroupInput) -> None:
    problems = problems_of(session, group, data)
    if problems:
        field, message = problems[0]
        raise GroupError(message, field, problems)
    group.tz = data.tz.strip()
    group.code = data.code.strip().upper()
    group.name = data.name.strip()[:120]
    group.requires_approval = data.requires_approval
    _apply_crisis_texts(group, data)


def _apply_crisis_texts(group: Group, data: GroupInput) -> None:
    for field in ("crisis_text_en", "crisis_text_es"):
        value = getattr(data, field)
        if value is None:
            continue
        if len(value) > MAX_CRISIS_TEXT:
            raise GroupError(f"at most {MAX_CRISIS_TEXT} characters", field)
        setattr(group, field, value.strip() or None)


def _set_facilitators(session: Session, group: Group, user_ids: tuple[int, ...]) -> None:
    wanted = set(user_ids)
    for user in _org_users(session, group.organisation_id):
        if user.id in wanted and group not in user.groups:
            if user.role != Role.FACILITATOR:
                raise GroupError(f"{user.name} is not a facilitator", "facilitator_ids")
            user.groups.append(group)
        elif user.id not in wanted and group in user.groups:
            user.groups.remove(group)
        wanted.discard(user.id)
    if wanted:
        raise GroupError("unknown facilitator", "facilitator_ids")


def _org_users(session: Session, organisation_id: int) -> list[User]:
    return list(session.scalars(select(User).where(User.organisation_id == organisation_id)))


def group_coded(session: Session, organisation: Organisation, code: str) -> Group:
    """The organisation's (real, not sandbox) group with this code, any case; a GroupError
    (field "group") names what was asked for when there is none."""
    group = session.scalar(
        select(Group).where(
            Group.organisation_id == organisation.id,
            func.upper(Group.code) == code.strip().upper(),
            ~Group.sandbox,
        )
    )
    if group is None:
        raise GroupError(f"no group {code.strip()!r} in {organisation.name}", "group")
    return group
