"""Models and the Alembic migrations agree (alembic check), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from smsapp import create_app, migrate, runtime_of
from smsapp.db import make_engine
from smsapp.models import Group, Member, Organisation
from smsapp.receive import receive_sms
from smsapp.services.core import directory
from tests.scratch_db import scratch_database


def test_models_and_migrations_agree(engine):
    migrate.check(engine)


START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
UPGRADE_ORG = (
    "INSERT INTO organisations (name, program_name, help_contact, quiet_start, quiet_end, "
    "retain_bodies_days, retain_moods_days, retain_cases_days, lexicon_extra, "
    "messages_per_week, created_at) VALUES (:name, :name, 'help@example.org', '21:00:00', "
    "'08:00:00', 90, 365, 365, '', 4, :now)"
)


@pytest.mark.parametrize(
    ("variable", "address", "kind"),
    [
        ("TWILIO_FROM_NUMBER", "+15005550006", "long_code"),
        ("TWILIO_MESSAGING_SERVICE_SID", "MG" + "4" * 32, "messaging_service"),
    ],
)
def test_an_existing_install_keeps_its_configured_number_for_its_first_organisation(
    database_url, tmp_path, settings, monkeypatch, variable, address, kind
):
    """An install from before numbers belonged to organisations (revision 0001) with two
    organisations: after the upgrade, texts to the configured number reach the first."""
    monkeypatch.delenv("TWILIO_FROM_NUMBER", raising=False)
    monkeypatch.delenv("TWILIO_MESSAGING_SERVICE_SID", raising=False)
    with scratch_database(database_url, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, "0001")
            with engine.begin() as conn:
                for name in ("First Org", "Second Org"):
                    conn.execute(text(UPGRADE_ORG), {"name": name, "now": START})
            monkeypatch.setenv(variable, address)
            migrate.upgrade(engine)
            migrate.check(engine)
            runtime = runtime_of(create_app(settings.with_(database_url=url), engine=engine))
            with runtime.session() as s:
                first, second = s.scalars(select(Organisation).order_by(Organisation.id))
                assert [(n.address, n.kind) for n in first.numbers] == [(address, kind)]
                assert second.numbers == []
                group = Group(
                    organisation_id=first.id, code="FIRST1", name="G", tz="UTC", created_at=START
                )
                s.add(group)
                s.flush()
                member = Member(
                    organisation_id=first.id,
                    group_id=group.id,
                    name="Sam",
                    tz="UTC",
                    status="active",
                    created_at=START,
                    updated_at=START,
                )
                directory.set_member_phone(member, "+12025550111")
                s.add(member)
                s.commit()
            reply = receive_sms(runtime, sid="SMup1", phone="+12025550111", body="HELP", to=address)
            assert reply.reply is not None and reply.reply.startswith("First Org")
        finally:
            engine.dispose()
