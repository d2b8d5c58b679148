"""Key rotation re-encrypts online, in committed batches, resumes, and reports bad rows."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, event, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from crm_graphql.core.crypto import KeyRing
from crm_graphql.core.db import create_engine
from crm_graphql.core.settings import Settings
from crm_graphql.platform import rotation
from crm_graphql.platform.rotation import (
    EncryptedColumn,
    RotationError,
    remaining,
    rotate_keys,
)
from tests.support.databases import fresh_database, sqlite_only

metadata = MetaData()
secrets_table = Table(
    "secrets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("value", String(255), nullable=True),
)
notes_table = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("body_enc", String(255), nullable=True),
)
SECRETS = EncryptedColumn("secrets", "value")
NOTES = EncryptedColumn("notes", "body_enc")
COLUMNS = (SECRETS,)

ENCRYPTED_ROWS = 1234
K1 = base64.b64encode(bytes(range(32))).decode()
K2 = base64.b64encode(bytes(range(50, 82))).decode()
OLD = KeyRing.parse(f"k1:{K1}")
NEW = KeyRing.parse(f"k2:{K2},k1:{K1}")
ONLY_NEW = KeyRing.parse(f"k2:{K2}")


@pytest.fixture
async def engine(backend: str, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with fresh_database(backend, tmp_path) as url:
        engine = create_engine(Settings(database_url=url))
        try:
            async with engine.begin() as conn:
                await conn.run_sync(metadata.create_all)
            yield engine
        finally:
            await engine.dispose()


def _plaintext(row_id: int) -> str:
    return f"NID-{row_id:06d}"


async def _seed(
    engine: AsyncEngine, ring: KeyRing, table: Table, count: int = ENCRYPTED_ROWS
) -> dict[int, str | None]:
    """`count` encrypted rows, with a NULL row after every ninth; returns id -> plaintext."""
    value_column = table.c[list(table.c.keys())[1]]
    rows: list[dict[str, Any]] = []
    expected: dict[int, str | None] = {}
    row_id = 0
    while len(rows) - sum(1 for v in expected.values() if v is None) < count:
        row_id += 1
        if row_id % 10 == 0:
            rows.append({"id": row_id, value_column.name: None})
            expected[row_id] = None
            continue
        envelope = ring.encrypt(
            _plaintext(row_id), table=table.name, column=value_column.name, row_id=row_id
        )
        rows.append({"id": row_id, value_column.name: envelope})
        expected[row_id] = _plaintext(row_id)
    async with engine.begin() as conn:
        await conn.execute(table.insert(), rows)
    return expected


async def _values(engine: AsyncEngine, table: Table) -> dict[int, str | None]:
    value_column = table.c[list(table.c.keys())[1]]
    async with engine.connect() as conn:
        result = await conn.execute(select(table.c.id, value_column))
        return {int(r[0]): r[1] for r in result}


async def _set(engine: AsyncEngine, row_id: int, value: str | None) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            update(secrets_table).where(secrets_table.c.id == row_id).values(value=value)
        )


def _assert_all_under_new_key(
    values: dict[int, str | None], expected: dict[int, str | None]
) -> None:
    assert values.keys() == expected.keys()
    for row_id, envelope in values.items():
        if expected[row_id] is None:
            assert envelope is None
            continue
        assert envelope is not None
        assert envelope.startswith("v1.k2.")
        plain = ONLY_NEW.decrypt(envelope, table="secrets", column="value", row_id=row_id)
        assert plain == expected[row_id]


async def test_rotates_every_value_to_the_current_key(engine: AsyncEngine) -> None:
    expected = await _seed(engine, OLD, secrets_table)
    assert sum(v is None for v in expected.values()) > 100
    assert await remaining(engine, NEW, COLUMNS) == ENCRYPTED_ROWS

    report = await rotate_keys(engine, NEW, columns=COLUMNS, batch_size=100)

    assert (report.rotated, report.remaining) == (ENCRYPTED_ROWS, 0)
    assert report.columns[0].conflicts == 0
    assert report.failures == {}
    _assert_all_under_new_key(await _values(engine, secrets_table), expected)
    assert await remaining(engine, NEW, COLUMNS) == 0

    again = await rotate_keys(engine, NEW, columns=COLUMNS, batch_size=100)
    assert (again.rotated, again.remaining) == (0, 0)


async def test_a_stopped_run_resumes_where_it_stopped(engine: AsyncEngine) -> None:
    expected = await _seed(engine, OLD, secrets_table)

    first = await rotate_keys(engine, NEW, columns=COLUMNS, batch_size=100, max_batches=1)
    assert (first.rotated, first.remaining) == (100, ENCRYPTED_ROWS - 100)
    assert await remaining(engine, NEW, COLUMNS) == ENCRYPTED_ROWS - 100
    values = await _values(engine, secrets_table)
    rotated_ids = sorted(i for i, v in values.items() if v is not None and v.startswith("v1.k2."))
    assert rotated_ids == sorted(i for i, p in expected.items() if p is not None)[:100]

    rest = await rotate_keys(engine, NEW, columns=COLUMNS, batch_size=100)
    assert (rest.rotated, rest.remaining) == (ENCRYPTED_ROWS - 100, 0)
    _assert_all_under_new_key(await _values(engine, secrets_table), expected)


async def test_a_crash_mid_batch_loses_only_that_batch(engine: AsyncEngine) -> None:
    expected = await _seed(engine, OLD, secrets_table)
    updates = 0

    def crash_on_150th_update(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        nonlocal updates
        if statement.lstrip().upper().startswith("UPDATE"):
            updates += 1
            if updates == 150:
                raise RuntimeError("simulated crash")

    event.listen(engine.sync_engine, "before_cursor_execute", crash_on_150th_update)
    try:
        with pytest.raises(RuntimeError, match="simulated crash"):
            await rotate_keys(engine, NEW, columns=COLUMNS, batch_size=100)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", crash_on_150th_update)

    # Batch 1 was committed; the 49 updates of batch 2 were rolled back with it.
    assert await remaining(engine, NEW, COLUMNS) == ENCRYPTED_ROWS - 100
    report = await rotate_keys(engine, NEW, columns=COLUMNS, batch_size=100)
    assert (report.rotated, report.remaining) == (ENCRYPTED_ROWS - 100, 0)
    _assert_all_under_new_key(await _values(engine, secrets_table), expected)


async def test_undecryptable_rows_are_reported_and_the_rest_rotate(engine: AsyncEngine) -> None:
    expected = await _seed(engine, OLD, secrets_table)
    values = await _values(engine, secrets_table)
    tampered = values[501]
    assert tampered is not None
    tampered = tampered[:-2] + ("A" if tampered[-2] != "A" else "B") + tampered[-1]
    await _set(engine, 501, tampered)
    await _set(engine, 502, values[503])  # copied from another row
    unknown = KeyRing.parse(f"k0:{K2}").encrypt("x", table="secrets", column="value", row_id=504)
    await _set(engine, 504, unknown)
    await _set(engine, 505, "not an envelope")
    broken = [501, 502, 504, 505]

    with pytest.raises(RotationError) as caught:
        await rotate_keys(engine, NEW, columns=COLUMNS, batch_size=100)

    message = str(caught.value)
    assert "4 value(s)" in message
    assert "secrets.value ids 501, 502, 504, 505" in message
    assert _plaintext(503) not in message
    assert "not an envelope" not in message
    report = caught.value.report
    assert report.failures == {SECRETS: tuple(broken)}
    assert (report.rotated, report.remaining) == (ENCRYPTED_ROWS - 4, 4)
    after = await _values(engine, secrets_table)
    assert after[501] == tampered
    assert after[505] == "not an envelope"
    for row_id in broken:
        expected.pop(row_id)
        after.pop(row_id)
    _assert_all_under_new_key(after, expected)

    with pytest.raises(RotationError, match="ids 501, 502, 504, 505"):
        await rotate_keys(engine, NEW, columns=COLUMNS, batch_size=100)


async def test_a_concurrent_writer_is_never_overwritten(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _seed(engine, OLD, secrets_table)
    fresh = NEW.encrypt("NEW-5", table="secrets", column="value", row_id=5)
    stale = OLD.encrypt("OLD-6", table="secrets", column="value", row_id=6)
    original = rotation._write_batch
    calls = 0

    async def write_after_a_concurrent_writer(*args: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 1:  # between the read and the write of the first batch
            await _set(engine, 5, fresh)  # an up-to-date instance
            await _set(engine, 6, stale)  # an instance still on the old ring
        return await original(*args)

    monkeypatch.setattr(rotation, "_write_batch", write_after_a_concurrent_writer)
    report = await rotate_keys(engine, NEW, columns=COLUMNS, batch_size=100)

    assert report.columns[0].conflicts == 2
    assert (report.rotated, report.remaining) == (ENCRYPTED_ROWS - 2, 1)
    values = await _values(engine, secrets_table)
    assert values[5] == fresh
    assert values[6] == stale
    monkeypatch.undo()
    follow_up = await rotate_keys(engine, NEW, columns=COLUMNS, batch_size=100)
    assert (follow_up.rotated, follow_up.remaining) == (1, 0)


async def test_several_columns_are_reported_one_by_one(engine: AsyncEngine) -> None:
    await _seed(engine, OLD, secrets_table, count=30)
    await _seed(engine, OLD, notes_table, count=45)
    columns = (SECRETS, NOTES)
    assert await remaining(engine, NEW, columns) == 75

    stopped = await rotate_keys(engine, NEW, columns=columns, batch_size=20, max_batches=3)
    assert [(c.column, c.rotated, c.remaining) for c in stopped.columns] == [
        (SECRETS, 30, 0),
        (NOTES, 20, 25),
    ]
    assert (stopped.rotated, stopped.remaining) == (50, 25)

    report = await rotate_keys(engine, NEW, columns=columns, batch_size=20)
    assert (report.rotated, report.remaining) == (25, 0)
    async with engine.connect() as conn:
        bodies = (await conn.execute(select(notes_table.c.id, notes_table.c.body_enc))).all()
    for row_id, body in bodies:
        if body is not None:
            plain = ONLY_NEW.decrypt(body, table="notes", column="body_enc", row_id=row_id)
            assert plain == _plaintext(row_id)


async def test_key_ids_are_matched_exactly_not_as_like_patterns(engine: AsyncEngine) -> None:
    """`_` is a LIKE wildcard: `v1.k_1.%` would also match values under `kx1`."""
    await _seed(engine, KeyRing.parse(f"kx1:{K1}"), secrets_table, count=10)
    ring = KeyRing.parse(f"k_1:{K2},kx1:{K1}")
    assert await remaining(engine, ring, COLUMNS) == 10
    report = await rotate_keys(engine, ring, columns=COLUMNS)
    assert (report.rotated, report.remaining) == (10, 0)
    values = await _values(engine, secrets_table)
    assert all(v.startswith("v1.k_1.") for v in values.values() if v is not None)


@sqlite_only
async def test_invalid_arguments(engine: AsyncEngine) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        await rotate_keys(engine, NEW, columns=COLUMNS, batch_size=0)
    with pytest.raises(ValueError, match="max_batches"):
        await rotate_keys(engine, NEW, columns=COLUMNS, max_batches=-1)
