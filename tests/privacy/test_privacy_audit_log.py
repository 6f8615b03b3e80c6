"""The audit log is append-only: rows can be added, never changed or removed."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from smsapp.db import Base
from smsapp.models import AuditEntry
from smsapp.models.audit import AuditImmutableError
from smsapp.services.core import audit

AUDIT_TABLE = Base.metadata.tables["audit_log"]


def _one(runtime, world, **kwargs):
    with runtime.session() as s:
        entry = audit.record(
            s,
            actor_user_id=kwargs.get("actor_user_id", world.users["carol"].id),
            organisation_id=world.org.id,
            action=kwargs.get("action", "view_messages"),
            subject_type="member",
            subject_id=world.members["sam"].id,
            detail=kwargs.get("detail", ""),
            now=runtime.now(),
        )
        s.commit()
        return entry.id


def test_record_says_who_what_and_when(runtime, world):
    entry_id = _one(runtime, world, detail="x" * 500)
    system_id = _one(runtime, world, actor_user_id=None, action="retention")
    with runtime.session() as s:
        entry, system = s.get(AuditEntry, entry_id), s.get(AuditEntry, system_id)
        carol = world.users["carol"].id
        assert (entry.actor, entry.actor_user_id, entry.action) == (
            f"user:{carol}",
            carol,
            "view_messages",
        )
        assert entry.at == runtime.now() and entry.subject_id == world.members["sam"].id
        assert len(entry.detail) == 200
        assert (system.actor, system.actor_user_id) == ("system", None)


def test_a_loaded_row_cannot_be_changed_or_deleted(runtime, world):
    entry_id = _one(runtime, world)
    with runtime.session() as s:
        s.get(AuditEntry, entry_id).action = "nothing_to_see"
        with pytest.raises(AuditImmutableError):
            s.flush()
    with runtime.session() as s:
        s.delete(s.get(AuditEntry, entry_id))
        with pytest.raises(AuditImmutableError):
            s.flush()
    with runtime.session() as s:
        assert s.get(AuditEntry, entry_id).action == "view_messages"


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEntry).values(detail="rewritten"),
        delete(AuditEntry),
        update(AUDIT_TABLE).values(detail="rewritten"),
        delete(AUDIT_TABLE).where(AUDIT_TABLE.c.id > 0),
    ],
    ids=["orm-update", "orm-delete", "table-update", "table-delete"],
)
def test_bulk_statements_are_refused(runtime, world, statement):
    _one(runtime, world)
    with runtime.session() as s, pytest.raises(AuditImmutableError):
        s.execute(statement)
    with runtime.session() as s:
        [entry] = s.scalars(select(AuditEntry)).all()
        assert entry.detail == ""
