"""Online, resumable re-encryption of encrypted columns to the key ring's current key.

Each batch is read in a short read transaction and written in its own write transaction, so
the application keeps serving meanwhile, and an interrupted run loses at most one batch: the
next run simply finds fewer rows that are not yet under the current key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Integer, String, and_, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import TableClause, column, table

from crm_graphql.core.crypto import ENVELOPE_VERSION, DecryptionError, KeyRing
from crm_graphql.core.db import WRITE_OPTION

MAX_LISTED_IDS = 50


@dataclass(frozen=True, slots=True)
class EncryptedColumn:
    """A column holding envelopes; `table` and `column` are also the names bound into the AAD."""

    table: str
    column: str
    id_column: str = "id"

    @property
    def label(self) -> str:
        return f"{self.table}.{self.column}"


ENCRYPTED_COLUMNS: tuple[EncryptedColumn, ...] = (EncryptedColumn("customers", "national_id_enc"),)


@dataclass(frozen=True, slots=True)
class ColumnRotation:
    """What one run did to one column."""

    column: EncryptedColumn
    rotated: int
    remaining: int
    failed_ids: tuple[int, ...] = ()
    conflicts: int = 0


@dataclass(frozen=True, slots=True)
class RotationReport:
    """Totals over all columns of one run (per column in `columns`).

    `rotated`: values re-encrypted by this run. `remaining`: values still not under the current
    key when the run ended (failures, rows a concurrent writer changed to an old key, and rows a
    `max_batches` limit left alone); an old key can be removed once this reaches 0.
    """

    rotated: int
    remaining: int
    columns: tuple[ColumnRotation, ...] = field(default=())

    @property
    def failures(self) -> dict[EncryptedColumn, tuple[int, ...]]:
        return {c.column: c.failed_ids for c in self.columns if c.failed_ids}


class RotationError(RuntimeError):
    """Some values could not be decrypted; every other value was still rotated."""

    def __init__(self, report: RotationReport) -> None:
        self.report = report
        super().__init__(_failure_message(report.failures))


def _failure_message(failures: dict[EncryptedColumn, tuple[int, ...]]) -> str:
    """Names tables, columns and row ids only, never values."""
    total = sum(len(ids) for ids in failures.values())
    parts = []
    for col, ids in failures.items():
        listed = ", ".join(str(i) for i in ids[:MAX_LISTED_IDS])
        more = f" and {len(ids) - MAX_LISTED_IDS} more" if len(ids) > MAX_LISTED_IDS else ""
        parts.append(f"{col.label} ids {listed}{more}")
    return (
        f"key rotation could not decrypt {total} value(s) (unknown key, malformed or "
        f"tampered envelope): {'; '.join(parts)}"
    )


@dataclass(slots=True)
class _Budget:
    """How many more batches this run may process (None: unlimited)."""

    left: int | None

    def exhausted(self) -> bool:
        return self.left is not None and self.left <= 0

    def spend(self) -> None:
        if self.left is not None:
            self.left -= 1


@dataclass(frozen=True, slots=True)
class _Rewrite:
    row_id: int
    old: str
    new: str


def _table(col: EncryptedColumn) -> TableClause:
    return table(col.table, column(col.id_column, Integer), column(col.column, String))


def _stale(tbl: TableClause, col: EncryptedColumn, keyring: KeyRing) -> ColumnElement[bool]:
    """Non-null values whose envelope does not start with `v1.<current>.`.

    An exact substr() comparison stands in for NOT LIKE 'v1.<current>.%': `_` in a key id is a
    LIKE wildcard, and SQLite's LIKE ignores case, so `k_1` would hide `kx1` and `K1` hide `k1`.
    """
    value = tbl.c[col.column]
    prefix = f"{ENVELOPE_VERSION}.{keyring.current_id}."
    return and_(value.is_not(None), func.substr(value, 1, len(prefix)) != prefix)


async def _read_batch(
    engine: AsyncEngine,
    col: EncryptedColumn,
    keyring: KeyRing,
    after: int | None,
    batch_size: int,
) -> list[tuple[int, str]]:
    """The next stale (id, envelope) pairs by id, after `after`, in a read transaction."""
    tbl = _table(col)
    row_id = tbl.c[col.id_column]
    query = select(row_id, tbl.c[col.column]).where(_stale(tbl, col, keyring))
    if after is not None:
        # Keyset paging: rows that fail to decrypt stay stale and must not be re-read forever.
        query = query.where(row_id > after)
    query = query.order_by(row_id).limit(batch_size)
    async with engine.connect() as conn:
        result = await conn.execute(query)
        return [(int(r[0]), str(r[1])) for r in result]


def _reencrypt(
    keyring: KeyRing, col: EncryptedColumn, rows: Sequence[tuple[int, str]]
) -> tuple[list[_Rewrite], list[int]]:
    """New envelopes under the current key, and the ids whose envelope would not decrypt."""
    rewrites: list[_Rewrite] = []
    failed: list[int] = []
    for row_id, old in rows:
        try:
            plaintext = keyring.decrypt(old, table=col.table, column=col.column, row_id=row_id)
        except DecryptionError:
            failed.append(row_id)
            continue
        new = keyring.encrypt(plaintext, table=col.table, column=col.column, row_id=row_id)
        rewrites.append(_Rewrite(row_id, old, new))
    return rewrites, failed


async def _write_connection(conn: AsyncConnection) -> AsyncConnection:
    """On SQLite, makes BEGIN take the write lock up front (see crm_graphql.core.db)."""
    return await conn.execution_options(**{WRITE_OPTION: True})


async def _write_batch(engine: AsyncEngine, col: EncryptedColumn, rewrites: list[_Rewrite]) -> int:
    """Applies the rewrites in one committed transaction; returns how many rows changed.

    Each UPDATE requires the old envelope to still be there, so a value a concurrent writer
    changed since the read is left as that writer set it.
    """
    if not rewrites:
        return 0
    tbl = _table(col)
    value = tbl.c[col.column]
    statement = (
        update(tbl)
        .where(tbl.c[col.id_column] == bindparam("rot_id"), value == bindparam("rot_old"))
        .values({col.column: bindparam("rot_new")})
    )
    changed = 0
    async with engine.connect() as conn:
        conn = await _write_connection(conn)
        async with conn.begin():
            # One statement per row: executemany rowcounts are not reliable on every driver.
            for r in rewrites:
                params = {"rot_id": r.row_id, "rot_old": r.old, "rot_new": r.new}
                result = await conn.execute(statement, params)
                changed += result.rowcount
    return changed


async def _count_stale(engine: AsyncEngine, keyring: KeyRing, col: EncryptedColumn) -> int:
    tbl = _table(col)
    query = select(func.count()).select_from(tbl).where(_stale(tbl, col, keyring))
    async with engine.connect() as conn:
        return int((await conn.execute(query)).scalar_one())


async def _rotate_column(
    engine: AsyncEngine,
    keyring: KeyRing,
    col: EncryptedColumn,
    batch_size: int,
    budget: _Budget,
) -> ColumnRotation:
    """One pass over a column, in id order, until no stale row is left or the budget is spent."""
    rotated = conflicts = 0
    failed: list[int] = []
    after: int | None = None
    while not budget.exhausted():
        rows = await _read_batch(engine, col, keyring, after, batch_size)
        if not rows:
            break
        rewrites, batch_failed = _reencrypt(keyring, col, rows)
        changed = await _write_batch(engine, col, rewrites)
        rotated += changed
        conflicts += len(rewrites) - changed
        failed.extend(batch_failed)
        budget.spend()
        after = rows[-1][0]
    left = await _count_stale(engine, keyring, col)
    return ColumnRotation(col, rotated, left, tuple(failed), conflicts)


async def rotate_keys(
    engine: AsyncEngine,
    keyring: KeyRing,
    *,
    columns: Sequence[EncryptedColumn] = ENCRYPTED_COLUMNS,
    batch_size: int = 500,
    max_batches: int | None = None,
) -> RotationReport:
    """Re-encrypts every value not under `keyring.current_id`, one committed batch at a time.

    `max_batches` bounds the batches read in this run (over all columns), for throttled or
    staged runs; a later run carries on. Raises RotationError, after finishing the pass, if
    any value could not be decrypted; its `report` says what was still done.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if max_batches is not None and max_batches < 0:
        raise ValueError("max_batches must be >= 0")
    budget = _Budget(max_batches)
    per_column = [await _rotate_column(engine, keyring, col, batch_size, budget) for col in columns]
    report = RotationReport(
        rotated=sum(c.rotated for c in per_column),
        remaining=sum(c.remaining for c in per_column),
        columns=tuple(per_column),
    )
    if report.failures:
        raise RotationError(report)
    return report


async def remaining(
    engine: AsyncEngine,
    keyring: KeyRing,
    columns: Sequence[EncryptedColumn] = ENCRYPTED_COLUMNS,
) -> int:
    """How many values are not under the current key; 0 means old keys can be retired."""
    return sum([await _count_stale(engine, keyring, col) for col in columns])
