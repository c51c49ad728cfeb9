"""SQLite's adapter: one trip to aiosqlite's thread per statement, none to end a transaction
that is not open, and everything else as SQLAlchemy's own adapter does it."""

from __future__ import annotations

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


async def test_a_read_costs_one_trip_per_statement(engine: AsyncEngine, trips: list[str]) -> None:
    async with engine.connect() as warm:  # the pool's first connection is made outside the count
        await warm.execute(text("SELECT 1"))
    trips.clear()
    async with engine.begin() as connection:
        rows = (await connection.execute(text("SELECT 1 UNION SELECT 2 ORDER BY 1"))).all()
        assert [row[0] for row in rows] == [1, 2]
    # BEGIN IMMEDIATE, the SELECT with its rows, the COMMIT; the pool's reset makes none.
    assert trips == ["_run", "_run", "commit"]


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


async def test_a_single_statement_connection_writes_in_one_trip_and_commits(
    engine: AsyncEngine, trips: list[str]
) -> None:
    async with engine.connect() as warm:
        await warm.execute(text("SELECT 1"))
    trips.clear()
    async with engine.connect() as connection:
        single = await connection.execution_options(**{SINGLE_STATEMENT: True})
        await single.execute(text("INSERT INTO town (name) VALUES ('Bever')"))
        await single.commit()
    # No BEGIN IMMEDIATE before it and no COMMIT after it: SQLite commits the statement itself.
    assert trips == ["_run"]
    trips.clear()
    async with engine.connect() as connection:  # the next connection has its transaction again
        await connection.execute(text("INSERT INTO town (name) VALUES ('Pepingen')"))
        await connection.rollback()
    assert trips == ["_run", "_run", "rollback"]
    async with engine.connect() as connection:
        names = (await connection.execute(text("SELECT name FROM town"))).scalars().all()
    assert names == ["Bever"]
