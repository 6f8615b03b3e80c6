"""The daily retention run on aged data: old bodies blanked, old scores deleted, recorded."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from smsapp import cli, commands
from smsapp.jobs.retention import run_retention
from smsapp.models import (
    AuditEntry,
    Case,
    ConsentRecord,
    InboundMessage,
    MoodScore,
    Organisation,
    OutboxMessage,
)
from smsapp.services.core import outbox
from smsapp.services.domain import checkins, escalation
from tests.privacy.privacy_helpers import member, user

DAY = timedelta(days=1)


def _old_then_new_texts(phones, clock):
    """Texts 100 days ago, then texts today."""
    phones.text("sam", "old text one")
    phones.text("maria", "old text two")
    clock.advance(100 * DAY)
    phones.text("sam", "new text")


def _bodies(runtime):
    with runtime.session() as s:
        rows = s.scalars(select(InboundMessage).order_by(InboundMessage.id))
        return [(r.body, r.reply is None) for r in rows]


def test_bodies_older_than_the_setting_are_blanked(phones, runtime, clock, world):
    _old_then_new_texts(phones, clock)
    [result, _other] = run_retention(runtime, batch_size=1)
    assert result.counts.inbound_bodies == 2
    assert result.counts.outbox_bodies == 2  # the two inline answers
    assert _bodies(runtime) == [(None, True), (None, True), ("new text", False)]
    with runtime.session() as s:
        outbound = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [o.body is None for o in outbound] == [True, True, False]
        assert all(o.to_phone for o in outbound)  # who was texted stays, for delivery history


def test_a_longer_setting_keeps_more(phones, runtime, clock, world):
    with runtime.session() as s:
        s.get(Organisation, world.org.id).retain_bodies_days = 120
        s.commit()
    _old_then_new_texts(phones, clock)
    run_retention(runtime)
    assert [b for b, _ in _bodies(runtime)] == ["old text one", "old text two", "new text"]


def test_unsent_texts_keep_their_body(runtime, clock, world):
    with runtime.session() as s:
        sam = member(s, world, "sam")
        assert sam.phone is not None
        outbox.queue_message(
            s,
            to=sam.phone,
            body="still waiting",
            kind="scheduled",
            key="k1",
            now=clock.now(),
            due_at=clock.now() + 200 * DAY,
            member_id=sam.id,
            organisation_id=sam.organisation_id,
        )
        s.commit()
    clock.advance(100 * DAY)
    run_retention(runtime)
    with runtime.session() as s:
        assert s.scalars(select(OutboxMessage.body)).all() == ["still waiting"]


def test_old_mood_scores_go_and_recent_ones_stay(runtime, clock, world):
    start = clock.now()
    with runtime.session() as s:
        sam = member(s, world, "sam")
        checkins.record_mood(s, sam, 4, "a year ago", start)
        checkins.record_mood(s, sam, 5, "eleven months ago", start + 35 * DAY)
        s.commit()
    clock.advance(366 * DAY)
    [result, _] = run_retention(runtime)
    assert result.counts.mood_scores == 1
    with runtime.session() as s:
        assert [(m.score, m.note) for m in s.scalars(select(MoodScore))] == [
            (5, "eleven months ago")
        ]


def test_notes_of_cases_closed_long_ago_are_blanked(runtime, clock, world):
    with runtime.session() as s:
        carol = user(s, world, "carol")
        closed = escalation.open_case(
            s,
            member=member(s, world, "sam"),
            urgency="normal",
            source="talk",
            reason="asked to talk",
            now=clock.now(),
        )
        escalation.resolve(s, closed, carol, "old note", clock.now())
        still_open = escalation.open_case(
            s,
            member=member(s, world, "lee"),
            urgency="normal",
            source="talk",
            reason="asked to talk",
            now=clock.now(),
        )
        still_open.note = "open case note"
        s.commit()
        closed_id, open_id = closed.id, still_open.id
    clock.advance(400 * DAY)
    run_retention(runtime)
    with runtime.session() as s:
        assert s.get(Case, closed_id).note is None
        assert s.get(Case, closed_id).reason == "asked to talk"  # the case itself stays
        assert s.get(Case, open_id).note == "open case note"


def test_consent_records_stay_four_years_after_the_last_message(phones, runtime, clock, world):
    phones.text("maria", "a last word")
    clock.advance(3 * 365 * DAY)
    phones.text("sam", "still here")
    clock.advance(365 * DAY + 2 * DAY)  # maria silent 4 years and 2 days, sam 1 year
    [result, _] = run_retention(runtime)
    with runtime.session() as s:
        kept = {r.member_id for r in s.scalars(select(ConsentRecord))}
    assert kept == {world.members["sam"].id}
    assert result.counts.consent_records == 2  # maria's and lee's opt-ins


def test_consent_records_of_the_last_four_years_are_never_touched(phones, runtime, clock, world):
    clock.advance(4 * 365 * DAY)
    run_retention(runtime)
    with runtime.session() as s:
        assert len(s.scalars(select(ConsentRecord)).all()) == 3


def test_each_run_leaves_an_audit_row_with_counts(phones, runtime, clock, world):
    _old_then_new_texts(phones, clock)
    run_retention(runtime)
    with runtime.session() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == "retention")).all()
    mine = [r for r in rows if r.organisation_id == world.org.id]
    [row] = mine
    assert (row.actor, row.actor_user_id, row.subject_type) == ("system", None, "organisation")
    assert "inbound_bodies=2" in row.detail and "mood_scores=0" in row.detail
    assert "old text" not in row.detail
    assert row.at == clock.now()


def test_the_retention_command(phones, runtime, clock, world, monkeypatch, capsys):
    _old_then_new_texts(phones, clock)
    monkeypatch.setattr(commands, "make_runtime", lambda: runtime)
    assert cli.main(["retention", "run", "--batch-size", "5"]) == 0
    assert f"organisation {world.org.id}: inbound_bodies=2" in capsys.readouterr().out
