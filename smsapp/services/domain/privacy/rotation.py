"""Key rotation: re-encrypt every encrypted column of every table with the newest key.

Encrypted columns are found in the metadata (every column typed EncryptedText or
EncryptedJSON), so a new encrypted column is rotated without anyone editing a list.
Each table is walked by primary key range, one committed transaction per batch, so a
rotation stopped halfway loses nothing: running it again skips values already on the
newest key and carries on. A value no configured key can decrypt stops the rotation
with its table, column and row id; it is never overwritten.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, MetaData, Table, Text, bindparam, select, type_coerce, update
from sqlalchemy.engine import Connection, Engine

from smsapp.crypto import Keyring, UndecryptableError
from smsapp.db_types import EncryptedJSON, EncryptedText

log = logging.getLogger(__name__)
DEFAULT_BATCH_SIZE = 500


class RotationError(Exception):
    """A stored value could not be decrypted with any configured key (nothing was written)."""

    def __init__(self, table: str, column: str, row_id: Any) -> None:
        super().__init__(
            f"{table}.{column} row id {row_id} cannot be decrypted with any key in "
            "SMSAPP_ENCRYPTION_KEYS: add back the key it was written with (keys are "
            "newest first) and run `smsapp keys rotate` again; the value was left as it is"
        )
        self.table = table
        self.column = column
        self.row_id = row_id


@dataclass(frozen=True)
class EncryptedTable:
    """A table with its primary key and the columns that hold Fernet tokens."""

    table: Table
    primary_key: Column[Any]
    columns: tuple[Column[Any], ...]

    @property
    def name(self) -> str:
        return self.table.name


@dataclass(frozen=True)
class BatchDone:
    """What one committed batch did; given to the ``after_batch`` hook."""

    table: str
    last_id: Any
    rows: int
    rotated: int


@dataclass
class RotationReport:
    batches: int = 0
    rows: int = 0
    rotated: int = 0
    by_table: dict[str, int] = field(default_factory=dict)


def encrypted_tables(metadata: MetaData) -> list[EncryptedTable]:
    """Every table with at least one encrypted column, in dependency order."""
    found = []
    for table in metadata.sorted_tables:
        columns = tuple(
            c for c in table.columns if isinstance(c.type, EncryptedText | EncryptedJSON)
        )
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        if len(keys) != 1:
            raise ValueError(f"{table.name}: key rotation needs a single-column primary key")
        found.append(EncryptedTable(table, keys[0], columns))
    return found


def rotate_keys(
    engine: Engine,
    keyring: Keyring,
    metadata: MetaData,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    after_batch: Callable[[BatchDone], None] | None = None,
) -> RotationReport:
    """Re-encrypt every encrypted value with the newest key, one committed batch at a time.

    ``after_batch`` runs after each commit (progress output; tests interrupt here).
    Raises RotationError for a value no key decrypts; batches before it stay committed.
    """
    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    report = RotationReport()
    for target in encrypted_tables(metadata):
        for done in _rotate_table(engine, keyring, target, batch_size):
            report.batches += 1
            report.rows += done.rows
            report.rotated += done.rotated
            report.by_table[done.table] = report.by_table.get(done.table, 0) + done.rotated
            log.info(
                "keys.rotated_batch",
                extra={"table": done.table, "rows": done.rotated, "batch": report.batches},
            )
            if after_batch is not None:
                after_batch(done)
    return report


def stale_values(engine: Engine, keyring: Keyring, metadata: MetaData) -> int:
    """How many stored values are not on the newest key (0 once a rotation is complete)."""
    stale = 0
    with engine.connect() as conn:
        for target in encrypted_tables(metadata):
            for row in conn.execute(_raw_select(target)):
                stale += sum(1 for v in row[1:] if v is not None and not keyring.is_current(v))
    return stale


def _rotate_table(
    engine: Engine, keyring: Keyring, target: EncryptedTable, batch_size: int
) -> Iterable[BatchDone]:
    last_id: Any = None
    while True:
        with engine.begin() as conn:
            rows = _next_rows(conn, target, last_id, batch_size)
            if not rows:
                return
            rotated = sum(_rotate_row(conn, keyring, target, row) for row in rows)
            last_id = rows[-1][0]
        yield BatchDone(target.name, last_id, len(rows), rotated)


def _raw_select(target: EncryptedTable) -> Any:
    # type_coerce to Text reads the stored token itself, not the decrypted value.
    raw = [type_coerce(c, Text()).label(c.name) for c in target.columns]
    return select(target.primary_key, *raw).order_by(target.primary_key)


def _next_rows(
    conn: Connection, target: EncryptedTable, last_id: Any, batch_size: int
) -> list[Any]:
    query = _raw_select(target).limit(batch_size)
    if last_id is not None:
        query = query.where(target.primary_key > last_id)
    return list(conn.execute(query))


def _rotate_row(conn: Connection, keyring: Keyring, target: EncryptedTable, row: Any) -> int:
    row_id, values = row[0], row[1:]
    changes: dict[str, str] = {}
    for column, token in zip(target.columns, values, strict=True):
        if token is None or keyring.is_current(token):
            continue
        try:
            changes[column.name] = keyring.rotate(token)
        except UndecryptableError:
            raise RotationError(target.name, column.name, row_id) from None
    if not changes:
        return 0
    _write(conn, target, row_id, row, changes)
    return len(changes)


def _write(
    conn: Connection, target: EncryptedTable, row_id: Any, row: Any, changes: dict[str, str]
) -> None:
    # Only if the value is still the token we read: a concurrent write (already on the
    # newest key) is never replaced by our older copy.
    statement = update(target.table).where(target.primary_key == row_id)
    for name in changes:
        column = target.table.c[name]
        statement = statement.where(type_coerce(column, Text()) == getattr(row, name))
    values = {
        name: bindparam(f"new_{name}", token, type_=Text()) for name, token in changes.items()
    }
    conn.execute(statement.values(values))
