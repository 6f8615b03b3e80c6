"""Seeding the demo organisation: two groups in two time zones, people, meetings, a policy.

Every demo phone number is in the fictional 555-01xx range. A database that already
holds any other member holds real people, and seeding refuses to touch it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.accounts import hash_password
from smsapp.config import Settings
from smsapp.models import Group, MeetingSeries, Member, Organisation, SendingNumber, User
from smsapp.models.escalations import LevelTarget
from smsapp.models.members import MemberStatus
from smsapp.sandbox import simulator
from smsapp.services.core import consent, directory
from smsapp.services.domain import oncall
from smsapp.services.domain.escalation.policy import LevelSpec, set_policy
from smsapp.services.domain.schedule.recurrence import rrule_weekly

ORG_NAME = "Riverside Peer Support"
PASSWORD = "riverside-demo-2026"
DEMO_NUMBER = "+15005550006"  # Twilio's test number: what members of the demo text
GROUPS = (  # code, name, time zone, check-in days, check-in time, meeting day, meeting time
    ("HOPE", "Hope Circle", "America/New_York", "0123456", time(19, 0), 3, "18:30"),
    ("CALM", "Calm Waters", "Europe/London", "0123456", time(18, 0), 1, "19:00"),
)
MEMBERS = (  # name, group code, language
    ("Maria Lopez", "HOPE", "es"),
    ("Jordan Lee", "HOPE", "en"),
    ("Ana Silva", "HOPE", "en"),
    ("Priya Shah", "CALM", "en"),
    ("Tom Hughes", "CALM", "en"),
    ("Lee Chen", "CALM", "en"),
)
LOGINS = (  # email, name, role, group codes, on call
    ("casey@riverside.example", "Casey Morgan", "coordinator", (), True),
    ("alice@riverside.example", "Alice Rivera", "facilitator", ("HOPE",), False),
    ("ben@riverside.example", "Ben Okafor", "facilitator", ("CALM",), False),
)


class SeedRefused(PermissionError):
    """Seeding would mix demo data with real data (or run in production)."""


@dataclass(frozen=True)
class Demo:
    organisation_id: int
    logins: tuple[tuple[str, str, str], ...]  # email, password, role
    sandbox: simulator.Sandbox
    created: bool


def check_allowed(session: Session, settings: Settings) -> None:
    """Refuse production, and any database with a member outside the fictional range."""
    if settings.production:
        raise SeedRefused("the demo never seeds a production deployment (SMSAPP_ENV=production)")
    for member in session.scalars(select(Member)):
        if not simulator.is_sandbox_number(member.phone or ""):
            raise SeedRefused(
                "this database already holds real members; the demo seeds only an empty "
                "database (use a fresh SMSAPP_INSTANCE_PATH or DATABASE_URL)"
            )


def seed(session: Session, settings: Settings, now: datetime) -> Demo:
    """Create the demo organisation once; on a second run, return what is there."""
    check_allowed(session, settings)
    existing = session.scalar(select(Organisation).where(Organisation.name == ORG_NAME))
    if existing is not None:
        sandbox = simulator.find_sandbox(session, existing.id)
        if sandbox is not None:
            return Demo(existing.id, _logins(), sandbox, created=False)
    org = Organisation(
        name=ORG_NAME,
        program_name="Riverside Check-ins",
        help_contact="hello@riverside.example",
        created_at=now,
    )
    session.add(org)
    session.flush()
    _own_number(session, org, settings, now)
    groups = {spec[0]: _group(session, org, spec, now) for spec in GROUPS}
    taken: set[str] = set()
    users = [_user(session, org, login, groups, taken, now) for login in LOGINS]
    coordinator = users[0]
    for group in groups.values():
        set_policy(
            session,
            group,
            [
                LevelSpec(
                    "group_facilitators", urgent_timeout_minutes=5, normal_timeout_minutes=60
                ),
                LevelSpec(LevelTarget.USER, coordinator.id, urgent_timeout_minutes=5),
                LevelSpec(
                    LevelTarget.ON_CALL, urgent_timeout_minutes=10, normal_timeout_minutes=120
                ),
            ],
            now,
        )
    for name, code, language in MEMBERS:
        _member(session, groups[code], name, language, taken, now)
    sandbox = simulator.ensure_sandbox(
        session,
        org.id,
        now,
        member_name="Sam Rivers",
        facilitator_name="Alice (sandbox)",
        active=True,
    )
    return Demo(org.id, _logins(), sandbox, created=True)


def _logins() -> tuple[tuple[str, str, str], ...]:
    return tuple((email, PASSWORD, role) for email, _name, role, _groups, _on in LOGINS)


def _group(session: Session, org: Organisation, spec: tuple[Any, ...], now: datetime) -> Group:
    code, name, tz, days, checkin, meeting_day, meeting_time = spec
    group = Group(
        organisation_id=org.id,
        code=code,
        name=name,
        tz=tz,
        checkin_days=days,
        checkin_time=checkin,
        created_at=now,
    )
    session.add(group)
    session.flush()
    session.add(
        MeetingSeries(
            group_id=group.id,
            title=f"{name} weekly meeting",
            rrule=rrule_weekly([meeting_day]),
            start_local=f"{now.date().isoformat()}T{meeting_time}:00",
            duration_minutes=90,
            location="Riverside Library, room 2",
            reminder_offsets_minutes="1440,120",
            created_at=now,
        )
    )
    return group


def _user(
    session: Session,
    org: Organisation,
    login: tuple[Any, ...],
    groups: dict[str, Group],
    taken: set[str],
    now: datetime,
) -> User:
    email, name, role, codes, on_call = login
    user = User(
        organisation_id=org.id,
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(PASSWORD),
        created_at=now,
    )
    directory.set_user_phone(user, _fake_number(session, taken))
    user.groups = [groups[code] for code in codes]
    session.add(user)
    session.flush()
    if on_call:
        oncall.put_on_call_always(session, org, user)
    return user


def _member(
    session: Session, group: Group, name: str, language: str, taken: set[str], now: datetime
) -> Member:
    member = Member(
        organisation_id=group.organisation_id,
        group_id=group.id,
        name=name,
        language=language,
        tz=group.tz,
        status=MemberStatus.PENDING,
        created_at=now,
        updated_at=now,
    )
    directory.set_member_phone(member, _fake_number(session, taken))
    session.add(member)
    session.flush()
    consent.record_opt_in(session, member, now, method="console", disclosure="demo", version="demo")
    from smsapp.services.domain.planning.member_plan import plan_member

    plan_member(session, member, now)
    return member


def _own_number(session: Session, org: Organisation, settings: Settings, now: datetime) -> None:
    """The demo organisation owns the configured number (Twilio's test number by default)."""
    address = settings.twilio_messaging_service_sid or settings.twilio_from_number or DEMO_NUMBER
    if session.scalar(select(SendingNumber.id).where(SendingNumber.address == address)) is None:
        session.add(SendingNumber(organisation_id=org.id, address=address, created_at=now))


def _fake_number(session: Session, taken: set[str]) -> str:
    # Skip the block the sandbox draws from first, so demo people and sandbox phones differ.
    for number in reversed(simulator.fake_numbers()):
        if number in taken or directory.phone_in_use(session, number):
            continue
        taken.add(number)
        return number
    raise SeedRefused("no fictional phone numbers left")
