"""The outbox rows of replies that went: deleted together when they finish together, each only
if still the same claim, and nobody left waiting when one gives up or a DELETE fails."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from models.clusters import Cluster
from models.db import session_maker
from models.nudges import Claim, Nudge, ReplyDiscards, add_outbox

NOW = dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC)


async def replies(engine: AsyncEngine, count: int) -> list[Claim]:
    async with session_maker(engine)() as session:
        cluster = Cluster(chat_id=-4_000_000_001, title="Klimaatcluster Dijleland", created_at=NOW)
        session.add(cluster)
        await session.flush()
        assert cluster.id is not None
        claims = [
            await add_outbox(
                session,
                cluster_id=cluster.id,
                key=f"{i}:1",
                messages=[{"chat": -4_000_000_001, "text": f"Afspraak {i} genoteerd"}],
                now=NOW,
            )
            for i in range(count)
        ]
        await session.commit()
    return claims


async def left(engine: AsyncEngine) -> list[int]:
    async with session_maker(engine)() as session:
        return sorted(id_ for id_ in (await session.exec(select(Nudge.id))).all() if id_)


@contextlib.contextmanager
def deletes(engine: AsyncEngine) -> Any:
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("DELETE"):
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)


async def test_replies_finishing_together_share_a_delete(engine: AsyncEngine) -> None:
    claims = await replies(engine, 6)
    discards = ReplyDiscards(engine, asyncio.Semaphore(10))
    with deletes(engine) as seen:
        await asyncio.gather(*(discards.discard(claim) for claim in claims))
    assert await left(engine) == []
    # The first goes at once; the five that came while it was on its way go in one more.
    assert len(seen) == 2, seen


async def test_a_reply_alone_is_deleted_at_once_and_the_next_finds_the_way_free(
    engine: AsyncEngine,
) -> None:
    claims = await replies(engine, 2)
    discards = ReplyDiscards(engine, asyncio.Semaphore(10))
    await discards.discard(claims[0])
    assert await left(engine) == [claims[1].nudge_id]
    await asyncio.wait_for(discards.discard(claims[1]), 5)
    assert await left(engine) == []


async def test_a_row_claimed_again_meanwhile_is_kept(engine: AsyncEngine) -> None:
    claims = await replies(engine, 2)
    stale = Claim(claims[0].nudge_id, claims[0].attempt + 1)  # the sweep's later claim
    await ReplyDiscards(engine, asyncio.Semaphore(10)).discard(stale)
    await ReplyDiscards(engine, asyncio.Semaphore(10)).discard(claims[1])
    assert await left(engine) == [claims[0].nudge_id]


class Gate:
    """A connection limit that fails while `broken`, as the pool does when the server is gone."""

    broken = True

    async def __aenter__(self) -> None:
        if self.broken:
            raise OSError("database gone")

    async def __aexit__(self, *_: object) -> None:
        return None


async def test_a_failed_delete_reaches_everyone_in_it_and_the_next_goes_on(
    engine: AsyncEngine,
) -> None:
    claims = await replies(engine, 4)
    gate = Gate()
    discards = ReplyDiscards(engine, gate)
    results = await asyncio.gather(
        *(discards.discard(claim) for claim in claims[:3]), return_exceptions=True
    )
    assert [type(result) for result in results] == [OSError] * 3
    gate.broken = False
    await asyncio.wait_for(discards.discard(claims[3]), 5)
    assert await left(engine) == [claim.nudge_id for claim in claims[:3]]


async def test_a_leader_cancelled_leaves_nobody_stuck(engine: AsyncEngine) -> None:
    claims = await replies(engine, 4)
    gate = asyncio.Semaphore(0)  # each release lets one DELETE take a connection
    discards = ReplyDiscards(engine, gate)
    leader = asyncio.create_task(discards.discard(claims[0]))
    await asyncio.sleep(0)
    chosen = asyncio.create_task(discards.discard(claims[1]))
    other = asyncio.create_task(discards.discard(claims[2]))
    await asyncio.sleep(0)
    gate.release()
    await asyncio.wait_for(leader, 5)
    # `chosen` leads the next DELETE and is cancelled before it gets a connection: `other`,
    # whose row was in that DELETE, leads it instead, and is not cancelled with it.
    chosen.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await chosen
    gate.release()
    await asyncio.wait_for(other, 5)
    assert await left(engine) == [claims[3].nudge_id]
    gate.release()
    await asyncio.wait_for(discards.discard(claims[3]), 5)
    assert await left(engine) == []


async def test_the_delete_finds_its_rows_by_id_on_sqlite(engine: AsyncEngine, backend: str) -> None:
    """Not by scanning every pending row: the outbox of a busy bot holds many reminders."""
    if backend != "sqlite":
        pytest.skip("SQLite's planner")
    claims = await replies(engine, 2)
    run: list[tuple[str, Any]] = []

    def note(_conn: object, _cursor: object, statement: str, parameters: Any, *_: object) -> None:
        if statement.lstrip().upper().startswith("DELETE"):
            run.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        await asyncio.gather(
            *(ReplyDiscards(engine, asyncio.Semaphore(1)).discard(c) for c in claims)
        )
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)
    assert run
    async with engine.connect() as connection:
        for statement, parameters in run:
            plan = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            assert any("PRIMARY KEY" in str(step) for step in plan.all()), statement
