"""SQLite's adapter: statements, commits and rollbacks run in place on the loop's thread, on
the engine's one connection, none to end a transaction that is not open, and everything else as
SQLAlchemy's own adapter does it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import SINGLE_STATEMENT, create_engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as connection:
        await connection.execute(
            text("CREATE TABLE town (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
        )
    yield engine
    await engine.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of each function sent to aiosqlite's thread."""
    seen: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return seen


async def traced(engine: AsyncEngine) -> list[tuple[str, int]]:
    """What SQLite runs on the engine's connection from now on, with the thread that ran it."""
    seen: list[tuple[str, int]] = []
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        driver._conn.set_trace_callback(lambda sql: seen.append((sql, threading.get_ident())))
    return seen


async def test_statements_and_commits_run_in_place_on_the_loops_thread(
    engine: AsyncEngine, trips: list[str]
) -> None:
    seen = await traced(engine)
    async with engine.begin() as connection:
        rows = (await connection.execute(text("SELECT 1 UNION SELECT 2 ORDER BY 1"))).all()
        assert [row[0] for row in rows] == [1, 2]
    assert [sql for sql, _ in seen] == [
        "BEGIN IMMEDIATE",
        "SELECT 1 UNION SELECT 2 ORDER BY 1",
        "COMMIT",
    ]
    assert {thread for _, thread in seen} == {threading.get_ident()}
    assert trips == []  # nothing went to aiosqlite's thread; the pool's reset cost nothing


async def test_the_engine_has_one_connection_and_a_second_session_waits_without_blocking(
    engine: AsyncEngine,
) -> None:
    order: list[str] = []
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def first() -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO town (name) VALUES ('Bever')"))
            order.append("first wrote")
            await asyncio.sleep(0.2)  # holds the connection and its write lock meanwhile
            order.append("first commits")

    async def second() -> None:
        await asyncio.sleep(0.05)
        async with engine.begin() as connection:
            order.append("second began")
            count = await connection.scalar(text("SELECT count(*) FROM town"))
            order.append(f"second saw {count}")

    ticking = asyncio.ensure_future(ticker())
    try:
        await asyncio.gather(first(), second())
    finally:
        ticking.cancel()
    assert order == ["first wrote", "first commits", "second began", "second saw 1"]
    assert ticks >= 10  # the loop went on while the second waited for the connection
    assert engine.sync_engine.pool.size() == 1


async def test_writes_read_back_with_their_ids_and_counts(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        first = await connection.execute(text("INSERT INTO town (name) VALUES ('Bever')"))
        assert first.lastrowid == 1
        await connection.execute(
            text("INSERT INTO town (name) VALUES (:name)"),
            [{"name": "Pepingen"}, {"name": "Lennik"}],
        )
        renamed = await connection.execute(text("UPDATE town SET name = name || '!' WHERE id > 1"))
        assert renamed.rowcount == 2
    async with engine.connect() as connection:
        names = (await connection.execute(text("SELECT name FROM town ORDER BY id"))).scalars()
        assert list(names) == ["Bever", "Pepingen!", "Lennik!"]


async def test_a_failing_statement_raises_and_rolls_back_whole(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("INSERT INTO town (name) VALUES ('Bever')"))
        with pytest.raises(IntegrityError):
            await connection.execute(text("INSERT INTO town (name) VALUES ('Bever')"))
        await connection.rollback()
        with pytest.raises(OperationalError):
            await connection.execute(text("SELECT * FROM no_such_table"))
        await connection.rollback()
        count = (await connection.execute(text("SELECT count(*) FROM town"))).scalar_one()
        assert count == 0


async def test_a_rollback_after_a_write_undoes_it(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("INSERT INTO town (name) VALUES ('Bever')"))
        await connection.rollback()
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM town"))).scalar_one() == 0


async def test_a_single_statement_connection_writes_alone_and_commits(
    engine: AsyncEngine,
) -> None:
    seen = await traced(engine)
    async with engine.connect() as connection:
        single = await connection.execution_options(**{SINGLE_STATEMENT: True})
        await single.execute(text("INSERT INTO town (name) VALUES ('Bever')"))
        await single.commit()
    # No BEGIN IMMEDIATE before it and no COMMIT after it: SQLite commits the statement itself.
    assert [sql for sql, _ in seen] == ["INSERT INTO town (name) VALUES ('Bever')"]
    seen.clear()
    async with engine.connect() as connection:  # the next connection has its transaction again
        await connection.execute(text("INSERT INTO town (name) VALUES ('Pepingen')"))
        await connection.rollback()
    assert [sql for sql, _ in seen] == [
        "BEGIN IMMEDIATE",
        "INSERT INTO town (name) VALUES ('Pepingen')",
        "ROLLBACK",
    ]
    async with engine.connect() as connection:
        names = (await connection.execute(text("SELECT name FROM town"))).scalars().all()
    assert names == ["Bever"]
