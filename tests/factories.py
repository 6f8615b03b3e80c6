"""People as fixtures: one organisation with two groups, its facilitators and coordinator,
members, and an outsider from another organisation who must never see any of it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import time
from typing import Any

import pytest
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from smsapp.accounts import hash_password
from smsapp.jobs.drain import drain
from smsapp.models import Group, Member, Organisation, SendingNumber, User
from smsapp.runtime import Runtime
from smsapp.services.core import consent, directory
from smsapp.services.domain import oncall
from smsapp.services.domain.escalation.policy import LevelSpec, set_policy
from smsapp.transport.local import LocalTransport

PASSWORD = "correct horse battery staple"
PHONES = {
    "alice": "+12025550101",
    "bob": "+447911123402",
    "carol": "+12025550103",
    "dave": "+12025550104",
    "sam": "+12025550111",
    "maria": "+12025550112",
    "lee": "+447911123413",
    "stranger": "+12025550199",
}
ORG_NUMBER = "+15005550006"  # the number world.org owns (members text it)
OTHER_NUMBER = "+15005550007"  # world.other_org's
_sids = itertools.count(1)
PASSWORD_HASH = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per run


@dataclass
class World:
    runtime: Runtime
    org: Organisation
    other_org: Organisation
    hope: Group
    calm: Group
    other_group: Group
    users: dict[str, User] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)


def make_user(
    session: Session,
    org: Organisation,
    name: str,
    role: str,
    groups: list[Group],
    *,
    on_call: bool = False,
) -> User:
    user = User(
        organisation_id=org.id,
        email=f"{name}@example.org",
        name=name.title(),
        role=role,
        password_hash=PASSWORD_HASH,
        created_at=org.created_at,
    )
    directory.set_user_phone(user, PHONES[name])
    user.groups = groups
    session.add(user)
    if on_call:
        session.flush()
        oncall.put_on_call_always(session, org, user)
    return user


def make_member(
    session: Session, group: Group, name: str, *, language: str = "en", status: str = "active"
) -> Member:
    now = group.created_at
    member = Member(
        organisation_id=group.organisation_id,
        group_id=group.id,
        name=name.title(),
        language=language,
        tz=group.tz,
        status="pending",
        created_at=now,
        updated_at=now,
    )
    directory.set_member_phone(member, PHONES[name])
    session.add(member)
    session.flush()
    if status == "active":
        consent.record_opt_in(
            session, member, now, method="console", disclosure="test", version="t"
        )
    else:
        member.status = status
    return member


@pytest.fixture
def world(runtime: Runtime) -> World:
    now = runtime.now()
    with runtime.session() as s:
        org = Organisation(
            name="Harbor Peer Support",
            program_name="Harbor Check-ins",
            help_contact="help@harbor.example",
            created_at=now,
        )
        other = Organisation(
            name="Other Org", program_name="Other", help_contact="x", created_at=now
        )
        s.add_all([org, other])
        s.flush()
        s.add_all(
            [
                SendingNumber(organisation_id=org.id, address=ORG_NUMBER, created_at=now),
                SendingNumber(organisation_id=other.id, address=OTHER_NUMBER, created_at=now),
            ]
        )
        hope = Group(
            organisation_id=org.id,
            code="HOPE",
            name="Hope Circle",
            tz="America/New_York",
            checkin_days="0123456",
            checkin_time=time(19, 0),
            created_at=now,
        )
        calm = Group(
            organisation_id=org.id,
            code="CALM",
            name="Calm Waters",
            tz="Europe/London",
            created_at=now,
        )
        other_group = Group(
            organisation_id=other.id,
            code="OTHER",
            name="Other Group",
            tz="America/Chicago",
            created_at=now,
        )
        s.add_all([hope, calm, other_group])
        s.flush()
        world = World(runtime, org, other, hope, calm, other_group)
        world.users["alice"] = make_user(s, org, "alice", "facilitator", [hope])
        world.users["bob"] = make_user(s, org, "bob", "facilitator", [calm])
        world.users["carol"] = make_user(s, org, "carol", "coordinator", [], on_call=True)
        world.users["dave"] = make_user(s, other, "dave", "facilitator", [other_group])
        s.flush()
        for group in (hope, calm):
            set_policy(s, group, [LevelSpec("group_facilitators"), LevelSpec("on_call")], now)
        world.members["sam"] = make_member(s, hope, "sam")
        world.members["maria"] = make_member(s, hope, "maria", language="es")
        world.members["lee"] = make_member(s, calm, "lee")
        s.commit()
    return world


class Phones:
    """Texting the service as Twilio would, and reading what each phone received."""

    def __init__(self, client: Any, runtime: Runtime, transport: LocalTransport) -> None:
        self.client = client
        self.runtime = runtime
        self.transport = transport
        self.validator = RequestValidator(runtime.settings.twilio_auth_token)

    def text(
        self, who: str, body: str, *, sid: str | None = None, to: str = ORG_NUMBER
    ) -> str | None:
        """Send `body` from `who` to the number `to` through POST /twilio/sms; returns the
        inline reply."""
        form = {
            "MessageSid": sid or f"SM{next(_sids):032d}",
            "From": PHONES.get(who, who),
            "To": to,
            "Body": body,
        }
        url = self.runtime.settings.public_base_url + "/twilio/sms"
        response = self.client.post(
            "/twilio/sms",
            data=form,
            headers={"X-Twilio-Signature": self.validator.compute_signature(url, form)},
        )
        assert response.status_code == 200, response.data
        from xml.etree import ElementTree

        messages = [m.text or "" for m in ElementTree.fromstring(response.data).iter("Message")]
        return "\n".join(messages) if messages else None

    def received(self, who: str) -> list[str]:
        """Texts sent to `who` by the worker (not inline replies)."""
        return self.transport.to(PHONES.get(who, who))

    def drain(self) -> int:
        return drain(self.runtime)


@pytest.fixture
def phones(client: Any, runtime: Runtime, transport: LocalTransport) -> Phones:
    return Phones(client, runtime, transport)
