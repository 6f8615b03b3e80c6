"""Seed an organisation whose members each have a check-in waiting for their reply."""

from __future__ import annotations

import os
from datetime import UTC, datetime, time
from pathlib import Path

from sqlalchemy import text

from smsapp import create_app, runtime_of
from smsapp.config import Settings
from smsapp.crypto import Keyring
from smsapp.migrate import upgrade
from smsapp.models import Group, Member, Organisation, SendingNumber
from smsapp.runtime import Runtime
from smsapp.services.conversation import conversations
from smsapp.services.core import consent, directory

AUTH_TOKEN = "bench-auth-token"
PUBLIC = "http://127.0.0.1:8000"

BENCH_NUMBER = "+15005550006"  # the number the bench organisation owns (members text it)


def bench_settings(instance: str) -> Settings:
    return Settings(
        env="development",
        database_url=os.environ.get("DATABASE_URL", f"sqlite:///{instance}/bench.sqlite3"),
        redis_url=os.environ.get("REDIS_URL", ""),
        secret_key="bench",
        encryption_keys=os.environ.get("SMSAPP_ENCRYPTION_KEYS") or Keyring.generate_key(),
        lookup_secret="bench-lookup",
        twilio_auth_token=AUTH_TOKEN,
        public_base_url=PUBLIC,
        send_rate=0,
        instance_path=Path(instance),
    )


def phone_of(i: int) -> str:
    return f"+1202555{i:04d}"


def seed_waiting_checkins(
    instance: str, members: int, settings: Settings | None = None
) -> tuple[Runtime, list[str]]:
    settings = settings or bench_settings(instance)
    runtime = runtime_of(create_app(settings, web=False))
    if runtime.engine.dialect.name == "postgresql":  # a bench always starts from nothing
        with runtime.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(runtime.engine)
    now = datetime.now(UTC)
    phones = [phone_of(i) for i in range(members)]
    with runtime.session() as s:
        org = Organisation(name="Bench Org", program_name="Bench", help_contact="x", created_at=now)
        s.add(org)
        s.flush()
        s.add(SendingNumber(organisation_id=org.id, address=BENCH_NUMBER, created_at=now))
        group = Group(
            organisation_id=org.id,
            code="BENCH",
            name="Bench",
            tz="America/New_York",
            checkin_time=time(19),
            checkin_days="0123456",
            created_at=now,
        )
        s.add(group)
        s.flush()
        for phone in phones:
            member = Member(
                organisation_id=org.id,
                group_id=group.id,
                tz=group.tz,
                name="Bench Member",
                status="pending",
                created_at=now,
                updated_at=now,
            )
            directory.set_member_phone(member, phone)
            s.add(member)
            s.flush()
            consent.record_opt_in(s, member, now, method="console", disclosure="bench", version="b")
            conversations.start_flow(s, member, "checkin", now)
        s.commit()
    return runtime, phones
