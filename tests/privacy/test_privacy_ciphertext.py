"""Personal data is ciphertext in the database itself, read with plain SQL."""

from __future__ import annotations

from sqlalchemy import text

from smsapp.db import Base
from smsapp.services.domain.privacy.rotation import encrypted_tables
from tests.factories import PHONES
from tests.privacy.privacy_helpers import (
    CASE_NOTE,
    MOOD_NOTE,
    NAME,
    OUTBOUND,
    plant_member_data,
)

INBOUND = "planted inbound: my sister's flat on Elm Road"
# The list: bodies, phone numbers, names, notes, flow state and context.
MUST_BE_ENCRYPTED = [
    ("inbound_messages", "body"),
    ("inbound_messages", "reply"),
    ("outbox", "body"),
    ("outbox", "to_phone"),
    ("members", "phone"),
    ("members", "name"),
    ("users", "phone"),
    ("mood_scores", "note"),
    ("cases", "note"),
    ("flow_sessions", "state"),
    ("flow_sessions", "context"),
]


def _plant(phones, runtime, world):
    assert phones.text("sam", INBOUND)
    phones.text("stranger", "JOIN HOPE")  # a flow session with state and context
    with runtime.session() as s:
        plant_member_data(s, world, "sam", runtime.now())
        s.commit()


def _raw(runtime, table, column):
    with runtime.engine.connect() as conn:
        rows = conn.execute(text(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"))
        return [row[0] for row in rows]


def _plaintexts():
    digits = [p.lstrip("+") for p in PHONES.values()]
    return [INBOUND, NAME, MOOD_NOTE, CASE_NOTE, OUTBOUND, "Quartermain", "wombat", *digits]


def test_the_listed_columns_hold_only_ciphertext(phones, runtime, world):
    _plant(phones, runtime, world)
    planted = _plaintexts()
    for table, column in MUST_BE_ENCRYPTED:
        values = _raw(runtime, table, column)
        assert values, f"nothing planted in {table}.{column}"
        for value in values:
            assert isinstance(value, str) and value.startswith("gAAAAA"), (table, column)
            assert not any(p in value for p in planted), (table, column)
            assert runtime.keyring.decrypt(value)  # ours, and readable


def test_every_encrypted_column_in_the_metadata_is_covered(phones, runtime, world):
    _plant(phones, runtime, world)
    discovered = {(t.name, c.name) for t in encrypted_tables(Base.metadata) for c in t.columns}
    assert set(MUST_BE_ENCRYPTED) <= discovered
    for table, column in discovered:
        for value in _raw(runtime, table, column):
            assert runtime.keyring.decrypt(value) is not None


def test_the_application_reads_plaintext_back(phones, runtime, world):
    _plant(phones, runtime, world)
    from smsapp.models import InboundMessage, Member

    with runtime.session() as s:
        sam = s.get(Member, world.members["sam"].id)
        assert sam.name == NAME and sam.phone == PHONES["sam"]
        bodies = [m.body for m in s.query(InboundMessage).filter_by(member_id=sam.id)]
        assert INBOUND in bodies


def test_phone_lookups_are_an_equality_on_a_keyed_hash(runtime, world):
    from smsapp.services.core import directory

    [stored] = _raw_where(runtime, world.members["sam"].id)
    assert stored["phone_hash"] == directory.phone_hash(PHONES["sam"])
    assert PHONES["sam"].lstrip("+") not in stored["phone_hash"]
    assert stored["phone_last4"] == PHONES["sam"][-4:]


def _raw_where(runtime, member_id):
    with runtime.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT phone_hash, phone_last4 FROM members WHERE id = :id"), {"id": member_id}
        )
        return [dict(row._mapping) for row in rows]
