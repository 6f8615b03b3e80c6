"""Encrypted columns hold ciphertext on disk; datetimes come back aware and in UTC."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, Integer, create_engine, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from smsapp import crypto
from smsapp.crypto import Keyring, UndecryptableError, set_keyring
from smsapp.db_types import EncryptedJSON, EncryptedText, UTCDateTime

BODY = "my secret body 8842"


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str | None] = mapped_column(EncryptedText())
    answers: Mapped[Any] = mapped_column(EncryptedJSON(), nullable=True)
    at: Mapped[datetime | None] = mapped_column(UTCDateTime())


@pytest.fixture
def keyring() -> Iterator[Keyring]:
    previous = crypto._current
    ring = Keyring([Keyring.generate_key()])
    set_keyring(ring)
    yield ring
    set_keyring(previous)


@pytest.fixture
def engine(keyring: Keyring) -> Iterator[Engine]:
    eng = create_engine("sqlite://")
    Base.metadata.create_all(eng)
    yield eng
    eng.dispose()


def _raw_row(engine: Engine) -> Any:
    with engine.connect() as conn:
        return conn.execute(text("SELECT body, answers, at FROM note")).one()


def test_raw_column_holds_ciphertext(engine: Engine, keyring: Keyring) -> None:
    with Session(engine) as session:
        session.add(Note(body=BODY, answers={"mood": 2, "note": BODY}))
        session.commit()
    raw_body, raw_answers, _ = _raw_row(engine)
    assert BODY not in raw_body and "8842" not in raw_body
    assert "mood" not in raw_answers and "8842" not in raw_answers
    assert keyring.decrypt(raw_body) == BODY
    with Session(engine) as session:
        note = session.scalars(select(Note)).one()
        assert note.body == BODY
        assert note.answers == {"mood": 2, "note": BODY}


def test_none_stays_null(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Note(body=None, answers=None, at=None))
        session.commit()
    assert tuple(_raw_row(engine)) == (None, None, None)
    with Session(engine) as session:
        note = session.scalars(select(Note)).one()
        assert (note.body, note.answers, note.at) == (None, None, None)


@pytest.mark.parametrize("value", [[1, "two", None], "plain string", 7, {"ü": "ñ"}])
def test_encrypted_json_round_trip(engine: Engine, value: Any) -> None:
    with Session(engine) as session:
        session.add(Note(answers=value))
        session.commit()
    with Session(engine) as session:
        assert session.scalars(select(Note.answers)).one() == value


def test_wrong_key_is_reported_not_overwritten(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Note(body=BODY))
        session.commit()
    before = _raw_row(engine).body
    set_keyring(Keyring([Keyring.generate_key()]))
    with Session(engine) as session, pytest.raises(UndecryptableError):
        session.scalars(select(Note)).one()
    assert _raw_row(engine).body == before


def test_encrypted_text_refuses_non_strings(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Note(body=123))
        with pytest.raises(StatementError, match="EncryptedText takes str"):
            session.commit()


def test_utc_round_trip_from_another_zone(engine: Engine) -> None:
    madrid_summer = timezone(timedelta(hours=2))
    local = datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=madrid_summer)
    with Session(engine) as session:
        session.add(Note(at=local))
        session.commit()
    with Session(engine) as session:
        stored = session.scalars(select(Note.at)).one()
    assert stored == local
    assert stored is not None and stored.tzinfo is UTC
    assert stored.hour == 7


def test_utc_comparisons_in_queries(engine: Engine) -> None:
    due = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    with Session(engine) as session:
        session.add(Note(at=due))
        session.commit()
        later = datetime(2026, 3, 29, 3, 30, tzinfo=timezone(timedelta(hours=2)))
        assert session.scalars(select(Note).where(Note.at <= later)).all()
        earlier = datetime(2026, 3, 29, 2, 30, tzinfo=timezone(timedelta(hours=2)))
        assert not session.scalars(select(Note).where(Note.at <= earlier)).all()


def test_naive_datetime_is_refused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Note(at=datetime(2026, 1, 1, 12, 0)))
        with pytest.raises(StatementError, match="naive datetime refused") as caught:
            session.commit()
    assert isinstance(caught.value.orig, ValueError)


def test_naive_values_from_the_database_get_utc(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO note (at) VALUES ('2026-01-01 12:00:00.000000')"))
    with Session(engine) as session:
        assert session.scalars(select(Note.at)).one() == datetime(2026, 1, 1, 12, tzinfo=UTC)


def test_without_keyring_the_error_is_clear(engine: Engine) -> None:
    set_keyring(None)
    with Session(engine) as session:
        session.add(Note(body=BODY))
        with pytest.raises(StatementError, match="no encryption keyring"):
            session.commit()
