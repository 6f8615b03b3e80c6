"""`smsapp keys rotate`: everything re-encrypted with the newest key, in resumable batches."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import text

from smsapp import cli, commands
from smsapp.crypto import Keyring, set_keyring
from smsapp.db import Base
from smsapp.models import Case, FlowSession, InboundMessage, Member, MoodScore
from smsapp.services.domain.privacy import rotation
from tests.factories import PHONES
from tests.privacy.privacy_helpers import CASE_NOTE, MOOD_NOTE, NAME, plant_member_data

NEW_KEY = Keyring.generate_key()


class Interrupted(Exception):
    pass


@pytest.fixture
def planted(phones, runtime, world):
    phones.text("sam", "a text from before the rotation")
    phones.text("stranger", "JOIN HOPE")
    with runtime.session() as s:
        plant_member_data(s, world, "sam", runtime.now())
        s.commit()
    return world


@pytest.fixture
def new_keyring(runtime):
    """The newest key first, the old one still configured (the rotation procedure)."""
    keyring = Keyring.from_env_value(f"{NEW_KEY},{runtime.settings.encryption_keys}")
    set_keyring(keyring)
    yield keyring
    set_keyring(runtime.keyring)


def _all_tokens(runtime):
    tokens = []
    with runtime.engine.connect() as conn:
        for target in rotation.encrypted_tables(Base.metadata):
            for column in target.columns:
                key = target.primary_key.name
                sql = f"SELECT {key}, {column.name} FROM {target.name} ORDER BY {key}"
                for row_id, value in conn.execute(text(sql)):
                    if value is not None:
                        tokens.append((target.name, column.name, row_id, value))
    return tokens


def test_an_interrupted_rotation_resumes_and_ends_on_the_newest_key(runtime, planted, new_keyring):
    before = _all_tokens(runtime)
    assert len(before) > 10 and not any(new_keyring.is_current(t[3]) for t in before)
    batches = []

    def stop_after_first(done):
        batches.append(done)
        raise Interrupted

    with pytest.raises(Interrupted):
        rotation.rotate_keys(
            runtime.engine, new_keyring, Base.metadata, batch_size=2, after_batch=stop_after_first
        )
    [first] = batches
    assert first.rotated > 0
    # The first batch is committed; the rest still waits on the old key.
    stale = rotation.stale_values(runtime.engine, new_keyring, Base.metadata)
    assert 0 < stale == len(before) - first.rotated

    report = rotation.rotate_keys(runtime.engine, new_keyring, Base.metadata, batch_size=2)
    assert report.rotated == stale and report.batches > 1
    assert rotation.stale_values(runtime.engine, new_keyring, Base.metadata) == 0
    after = _all_tokens(runtime)
    assert [t[:3] for t in after] == [t[:3] for t in before]
    assert all(new_keyring.is_current(t[3]) for t in after)
    _readable_with_only_the_new_key(runtime, planted)


def _readable_with_only_the_new_key(runtime, world):
    only_new = Keyring([NEW_KEY])
    set_keyring(only_new)  # the old key is gone: everything must still read
    with runtime.session() as s:
        sam = s.get(Member, world.members["sam"].id)
        assert (sam.name, sam.phone) == (NAME, PHONES["sam"])
        assert s.query(MoodScore).filter_by(member_id=sam.id).one().note == MOOD_NOTE
        assert s.query(Case).filter_by(member_id=sam.id).one().note == CASE_NOTE
        bodies = {m.body for m in s.query(InboundMessage)}
        assert "a text from before the rotation" in bodies
        assert all(isinstance(fs.state, dict) for fs in s.query(FlowSession))


def test_a_second_rotation_has_nothing_to_do(runtime, planted, new_keyring):
    rotation.rotate_keys(runtime.engine, new_keyring, Base.metadata)
    again = rotation.rotate_keys(runtime.engine, new_keyring, Base.metadata)
    assert again.rotated == 0


def test_a_value_no_key_decrypts_is_reported_and_left_alone(runtime, planted, new_keyring):
    foreign = Keyring([Keyring.generate_key()]).encrypt("written with a lost key")
    with runtime.engine.begin() as conn:
        row_id = conn.execute(text("SELECT min(id) FROM inbound_messages")).scalar_one()
        conn.execute(
            text("UPDATE inbound_messages SET body = :t WHERE id = :id"),
            {"t": foreign, "id": row_id},
        )
    with pytest.raises(rotation.RotationError) as caught:
        rotation.rotate_keys(runtime.engine, new_keyring, Base.metadata)
    message = str(caught.value)
    assert f"inbound_messages.body row id {row_id}" in message
    assert "SMSAPP_ENCRYPTION_KEYS" in message and foreign not in message
    with runtime.engine.connect() as conn:
        kept = conn.execute(
            text("SELECT body FROM inbound_messages WHERE id = :id"), {"id": row_id}
        ).scalar_one()
    assert kept == foreign


def test_the_rotate_command(runtime, planted, new_keyring, monkeypatch, capsys):
    rotated_runtime = dataclasses.replace(runtime, keyring=new_keyring)
    monkeypatch.setattr(commands, "make_runtime", lambda: rotated_runtime)
    assert cli.main(["keys", "rotate", "--batch-size", "3"]) == 0
    out = capsys.readouterr().out
    assert "re-encrypted" in out and "members: up to id" in out
    assert rotation.stale_values(runtime.engine, new_keyring, Base.metadata) == 0


def test_the_rotate_command_reports_an_undecryptable_value(
    runtime, planted, new_keyring, monkeypatch, capsys
):
    foreign = Keyring([Keyring.generate_key()]).encrypt("lost")
    with runtime.engine.begin() as conn:
        conn.execute(text("UPDATE members SET name = :t"), {"t": foreign})
    monkeypatch.setattr(
        commands, "make_runtime", lambda: dataclasses.replace(runtime, keyring=new_keyring)
    )
    assert cli.main(["keys", "rotate"]) == 1
    assert "members.name row id" in capsys.readouterr().out


def test_generate_prints_a_usable_key(capsys):
    assert cli.main(["keys", "generate"]) == 0
    key = capsys.readouterr().out.splitlines()[0]
    assert Keyring([key]).decrypt(Keyring([key]).encrypt("ok")) == "ok"
