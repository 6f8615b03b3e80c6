"""Column types for privacy and time: encrypted text/JSON and timezone-aware UTC datetimes.

Encrypted columns hold Fernet tokens made with the process keyring
(``smsapp.crypto.get_keyring``). Tokens are randomised, so never filter on an encrypted
column; store a ``lookup_hash`` beside it when lookups are needed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from smsapp.crypto import get_keyring


class EncryptedText(TypeDecorator[str]):
    """A ``str`` in Python, a Fernet token in a Text column; None stays NULL."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError(f"EncryptedText takes str, not {type(value).__name__}")
        return get_keyring().encrypt(value)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        # Raises UndecryptableError rather than returning garbage or None, so a
        # wrong key is reported and the stored value is never silently replaced.
        return get_keyring().decrypt(value)


class EncryptedJSON(TypeDecorator[Any]):
    """Any JSON-serialisable value in Python, stored encrypted; None stays NULL."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return get_keyring().encrypt(text)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> Any | None:
        if value is None:
            return None
        return json.loads(get_keyring().decrypt(value))


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC ``datetime`` in Python on every database.

    Naive datetimes are refused on the way in (their zone is a guess); on the way out
    SQLite's naive values get UTC attached and PostgreSQL's are converted to UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime takes datetime, not {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: pass a timezone-aware datetime (UTC)")
        utc = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite keeps text without an offset; store the UTC wall time so
            # string comparisons between stored values stay correct.
            return utc.replace(tzinfo=None)
        return utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
