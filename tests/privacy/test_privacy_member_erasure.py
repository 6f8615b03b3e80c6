"""DELETE by text: confirmation, then erasure checked row by row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from smsapp.models import (
    AuditEntry,
    Case,
    CaseEvent,
    ConsentRecord,
    FlowSession,
    InboundMessage,
    Member,
    MoodScore,
    OutboxMessage,
    Rsvp,
    Timer,
)
from smsapp.services.core import directory
from smsapp.services.domain.privacy import erasure
from tests.factories import PHONES
from tests.privacy.privacy_helpers import member, plant_member_data


@pytest.fixture
def sam_has_history(phones, runtime, world):
    phones.text("sam", "a private thought")
    with runtime.session() as s:
        case = plant_member_data(s, world, "sam", runtime.now())
        plant_member_data(s, world, "maria", runtime.now())
        s.commit()
        return case.id


def _rows(s, model, **where):
    return s.scalars(select(model).filter_by(**where).order_by(model.id)).all()


def _erase_by_text(phones):
    assert "DELETE YES within 24 hours" in phones.text("sam", "DELETE")
    assert "erased" in phones.text("sam", "delete yes")


def test_delete_asks_for_confirmation_first(phones, runtime, world, sam_has_history):
    assert "DELETE YES" in phones.text("sam", "DELETE")
    with runtime.session() as s:
        assert member(s, world, "sam").status == "active"
        assert len(_rows(s, MoodScore, member_id=world.members["sam"].id)) == 1


def test_delete_yes_without_delete_only_asks(phones, runtime, world, sam_has_history):
    assert "DELETE YES within 24 hours" in phones.text("sam", "DELETE YES")
    with runtime.session() as s:
        assert member(s, world, "sam").status == "active"


def test_a_confirmation_after_24_hours_does_not_erase(phones, runtime, clock, world):
    phones.text("sam", "DELETE")
    clock.advance(timedelta(hours=24, minutes=1))
    assert "DELETE YES within 24 hours" in phones.text("sam", "DELETE YES")
    with runtime.session() as s:
        assert member(s, world, "sam").status == "active"


def test_erasure_removes_everything_but_consent(phones, runtime, world, sam_has_history):
    sam_id = world.members["sam"].id
    original_hash = directory.phone_hash(PHONES["sam"])
    _erase_by_text(phones)
    with runtime.session() as s:
        sam = s.get(Member, sam_id)
        assert (sam.name, sam.phone, sam.phone_last4, sam.status) == (None, None, "", "erased")
        assert sam.phone_hash != original_hash and sam.group_id is None
        for model in (MoodScore, Rsvp, FlowSession, Timer):
            assert _rows(s, model, member_id=sam_id) == [], model.__name__
        # Only the DELETE YES exchange itself remains, with no text and no number.
        [inbound] = _rows(s, InboundMessage, member_id=sam_id)
        assert (inbound.body, inbound.reply) == (None, None)
        [answer] = _rows(s, OutboxMessage, member_id=sam_id)
        assert (answer.body, answer.to_phone, answer.status) == (None, None, "inline")
        assert s.scalar(select(InboundMessage).where(InboundMessage.phone_hash == original_hash))
        consent = _rows(s, ConsentRecord, member_id=sam_id)
        assert [(c.kind, c.method) for c in consent] == [
            ("opt_in", "console"),
            ("opt_out", "erasure"),
        ]
        assert {c.phone_hash for c in consent} == {original_hash}


def test_cases_stay_unlinked_and_without_notes(phones, runtime, world, sam_has_history):
    _erase_by_text(phones)
    with runtime.session() as s:
        case = s.get(Case, sam_has_history)
        assert (case.member_id, case.note, case.reason) == (None, None, "asked to talk")
        kinds = [e.kind for e in _rows(s, CaseEvent, case_id=case.id)]
        assert kinds[-1] == "member_erased"


def test_other_members_keep_their_data(phones, runtime, world, sam_has_history):
    maria_id = world.members["maria"].id
    _erase_by_text(phones)
    with runtime.session() as s:
        maria = s.get(Member, maria_id)
        assert maria.status == "active" and maria.phone == PHONES["maria"]
        assert len(_rows(s, MoodScore, member_id=maria_id)) == 1
        assert len(_rows(s, Rsvp, member_id=maria_id)) == 1
        assert len(_rows(s, OutboxMessage, member_id=maria_id)) == 1


def test_nothing_more_is_sent_after_erasure(phones, runtime, clock, world, sam_has_history):
    _erase_by_text(phones)
    clock.advance(timedelta(days=3))
    phones.drain()
    assert phones.received("sam") == []
    assert phones.received("maria")  # maria's planted text still goes out


def test_the_number_is_unknown_after_erasure(phones, runtime, world, sam_has_history):
    sam_id = world.members["sam"].id
    _erase_by_text(phones)
    assert "JOIN" in phones.text("sam", "hello?")  # the stranger's fallback
    phones.text("sam", "JOIN HOPE")
    with runtime.session() as s:
        found = directory.member_by_phone(s, world.org.id, PHONES["sam"])
        assert found is not None and found.id != sam_id and found.status == "pending"
        assert found.name is None


def test_the_erasure_is_audited_with_counts_only(phones, runtime, world, sam_has_history):
    _erase_by_text(phones)
    with runtime.session() as s:
        rows = _rows(s, AuditEntry, subject_id=world.members["sam"].id, subject_type="member")
    assert [(r.action, r.actor) for r in rows] == [
        ("erasure_requested", "member"),
        ("erase_member", "member"),
    ]
    assert rows[1].detail.startswith("in=") and "private" not in rows[1].detail


def test_a_coordinator_can_erase_from_the_console(runtime, world, sam_has_history):
    carol_id = world.users["carol"].id
    with runtime.session() as s:
        report = erasure.erase_member(
            s,
            member(s, world, "sam"),
            runtime.now(),
            actor=f"user:{carol_id}",
            actor_user_id=carol_id,
        )
        s.commit()
    assert (report.messages_in, report.mood_scores, report.rsvps) == (1, 1, 1)
    assert report.messages_out == 2  # the inline answer and the queued text
    with runtime.session() as s:
        [row] = _rows(s, AuditEntry, action="erase_member")
        assert (row.actor, row.actor_user_id) == (f"user:{carol_id}", carol_id)
        assert _rows(s, OutboxMessage, member_id=world.members["sam"].id) == []
