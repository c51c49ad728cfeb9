"""PostgreSQL connections: pinged when they sat idle, so one the server dropped is replaced
before a statement fails on it; not pinged while the bot is busy, when each ping would cost
three round trips."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import models.db
from models.db import create_engine

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
)


@pytest.fixture
async def engine(request: pytest.FixtureRequest) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(request.getfixturevalue("migrated_postgresql"), pool_size=1)
    yield engine
    await engine.dispose()


@pytest.fixture
def pings(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    seen: list[object] = []
    original = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        seen.append(dbapi_connection)
        return original(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return seen


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_connection_in_use_is_not_pinged(engine: AsyncEngine, pings: list[object]) -> None:
    first = await backend_pid(engine)
    for _ in range(5):
        assert await backend_pid(engine) == first
    assert pings == []


async def test_a_connection_dropped_while_idle_is_replaced_before_it_is_used(
    engine: AsyncEngine, pings: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    dropped = await backend_pid(engine)
    admin = create_engine(str(engine.url.render_as_string(hide_password=False)))
    try:
        async with admin.connect() as other:  # the server drops the connection the pool keeps
            await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped})
    finally:
        await admin.dispose()
    monkeypatch.setattr(models.db, "PING_WHEN_IDLE_FOR", 0.0)  # as if it sat idle long enough
    replaced = await backend_pid(engine)
    assert replaced != dropped
    assert len(pings) >= 1
