"""Databases for the tests: SQLite always, PostgreSQL too when TEST_DATABASE_URL is set.

Each database is migrated once per run with Alembic (the production path); each test then gets
an empty copy (SQLite: a copied file; PostgreSQL: truncated tables).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import models.tables  # noqa: F401
from models.db import create_engine
from models.migrate import upgrade

# A busy CI machine must not turn a slow example into a failure; what fails is printed to replay.
settings.register_profile(
    "klimaatbot", deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("klimaatbot")

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    template = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite:///{template}")
    return template


@pytest.fixture(scope="session")
def migrated_postgresql() -> str:
    """The test database, emptied of whatever an earlier run left, then migrated.

    Run in parallel (pytest-xdist), each worker gets a database of its own beside it.
    """
    url = os.environ["TEST_DATABASE_URL"]
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    # Requested from inside the event loop of the first test: run the reset in its own thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        if worker:
            url = pool.submit(asyncio.run, _worker_database(url, worker)).result()
        pool.submit(asyncio.run, _reset_schema(url)).result()
    upgrade(url)
    return url


async def _worker_database(base: str, worker: str) -> str:
    url = make_url(base)
    name = f"{url.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


async def _reset_schema(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def _truncate(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[str]:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("migrated_sqlite")
        target = tmp_path / "klimaatbot.db"
        shutil.copy(template, target)
        yield f"sqlite:///{target}"
    else:
        url: str = request.getfixturevalue("migrated_postgresql")
        await _truncate(url)
        yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the test's database, for tests of the models without the bot."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()
