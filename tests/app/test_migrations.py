"""Models and the Alembic migrations agree (alembic check), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import CheckConstraint, inspect, select, text
from sqlalchemy.exc import IntegrityError

from smsapp import create_app, migrate, runtime_of
from smsapp.db import Base, make_engine
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


def test_the_database_has_the_check_constraints_the_models_declare(engine):
    """alembic check compares no CHECK constraints: this does, by name (ck_<table>_<column>)."""
    declared = {
        (table.name, constraint.name)
        for table in Base.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    inspector = inspect(engine)
    found = {
        (name, check["name"])
        for name in inspector.get_table_names()
        for check in inspector.get_check_constraints(name)
    }
    assert found == declared
    assert ("cases", "ck_cases_status") in found


# Rows written at revision 0012 that refer to the tables the CHECK constraints rebuild on
# SQLite (users, members, cases, outbox, flow_versions): the upgrade keeps every one.
ROWS_0012 = [
    ("groups", {"id": 1, "organisation_id": 1, "code": "ROWS1", "name": "G", "tz": "UTC",
                "checkin_days": "", "sandbox": False, "created_at": START}),
    ("users", {"id": 1, "organisation_id": 1, "email": "f@example.org", "name": "Fay",
               "role": "facilitator", "password_hash": "", "sms_opted_out": False,
               "active": True, "created_at": START}),
    ("members", {"id": 1, "organisation_id": 1, "group_id": 1, "phone_hash": "h1",
                 "phone_last4": "0111", "language": "en", "tz": "UTC", "status": "active",
                 "automation_paused": True, "created_at": START, "updated_at": START}),
    ("cases", {"id": 1, "organisation_id": 1, "group_id": 1, "member_id": 1,
               "urgency": "urgent", "source": "crisis", "reason": "r", "status": "acked",
               "level": 0, "round": 0, "opened_at": START, "acked_by": 1}),
    ("case_events", {"case_id": 1, "at": START, "kind": "opened", "detail": ""}),
    ("outbox", {"id": 1, "idempotency_key": "k1", "member_id": 1, "case_id": 1,
                "kind": "escalation", "priority": "urgent", "status": "sent", "attempts": 1,
                "due_at": START, "created_at": START}),
    ("case_messages", {"case_id": 1, "organisation_id": 1, "member_id": 1, "user_id": 1,
                       "direction": "to_member", "channel": "sms", "outbox_id": 1, "at": START}),
    ("timers", {"key": "t1", "kind": "checkin", "due_at": START, "status": "pending",
                "member_id": 1, "payload": "{}", "reason": "", "created_at": START}),
    ("calls", {"idempotency_key": "c1", "organisation_id": 1, "case_id": 1, "purpose": "alert",
               "user_id": 1, "caller_id": "+15005550006", "status": "no-answer",
               "attempts": 1, "due_at": START, "created_at": START}),
    ("policy_levels", {"group_id": 1, "position": 0, "target": "group_facilitators",
                       "urgent_timeout_minutes": 5, "normal_timeout_minutes": 60, "repeats": 1}),
    ("flow_versions", {"id": 1, "organisation_id": 1, "flow_id": "checkin", "version": 1,
                       "yaml_text": "", "status": "published", "created_at": START}),
    ("group_flows", {"group_id": 1, "flow_id": "checkin", "flow_version_id": 1}),
]  # fmt: skip


def test_the_check_constraints_keep_the_rows_of_an_existing_install(database_url, tmp_path):
    with scratch_database(database_url, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, "0012")
            with engine.begin() as conn:
                conn.execute(text(UPGRADE_ORG), {"name": "Org", "now": START})
                for table, row in ROWS_0012:
                    columns = ", ".join(row)
                    values = ", ".join(f":{column}" for column in row)
                    conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)
            migrate.upgrade(engine)
            migrate.check(engine)
            with engine.connect() as conn:
                for table, _ in ROWS_0012:
                    assert conn.scalar(text(f"SELECT count(*) FROM {table}")) == 1, table
                if engine.dialect.name == "sqlite":
                    assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            with pytest.raises(IntegrityError), engine.begin() as conn:
                conn.execute(text("UPDATE cases SET source = 'member'"))
        finally:
            engine.dispose()
