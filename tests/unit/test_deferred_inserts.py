"""Rows kept back (nudges for the outbox row's INSERT, audit events): never lost, never out of
sight of the transaction that made them, one INSERT per table, gone with a rollback."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from models.audit import AuditEvent, history, record
from models.clusters import Cluster
from models.db import session_maker
from models.nudges import MESSAGE, Nudge, NudgeStatus, PlannedRow, add_outbox, sync_planned
from tests.statements import recorded

NOW = dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC)


async def cluster_id(engine: AsyncEngine) -> int:
    async with session_maker(engine)() as session:
        cluster = Cluster(chat_id=-4_000_000_001, title="Klimaatcluster Dijleland", created_at=NOW)
        session.add(cluster)
        await session.commit()
        assert cluster.id is not None
        return cluster.id


def planned(count: int) -> list[PlannedRow]:
    return [
        PlannedRow(kind="reminder", dedupe_key=f"agreement:1:{i}", due_at=NOW + dt.timedelta(i + 1))
        for i in range(count)
    ]


async def plan(session: Any, cluster: int, count: int = 3, *, new: bool = True) -> None:
    await sync_planned(
        session,
        cluster_id=cluster,
        subject_type="agreement",
        subject_id=1,
        planned=planned(count),
        now=NOW,
        new=new,
    )


async def keys(engine: AsyncEngine) -> list[str]:
    async with session_maker(engine)() as session:
        rows = await session.exec(select(Nudge.dedupe_key).order_by(Nudge.dedupe_key))
        return list(rows.all())


async def test_planned_rows_and_the_outbox_row_go_in_with_one_insert(engine: AsyncEngine) -> None:
    cluster = await cluster_id(engine)
    with recorded(engine) as seen:
        async with session_maker(engine)() as session:
            await plan(session, cluster)
            message = {"chat": -4_000_000_001, "text": "Afspraak 1 genoteerd"}
            claim = await add_outbox(
                session, cluster_id=cluster, key="7:1", messages=[message], now=NOW
            )
            await session.commit()
    assert sum(s.startswith("INSERT INTO NUDGE") for s in seen) == 1, seen
    async with session_maker(engine)() as session:
        rows = {row.dedupe_key: row for row in (await session.exec(select(Nudge))).all()}
    outbox = rows.pop(f"{MESSAGE}:7:1")
    assert outbox.id == claim.nudge_id and claim.attempt == 1
    assert outbox.payload == {"messages": [message], "sent": 0}
    assert outbox.claimed_until is not None
    assert sorted(rows) == [f"agreement:1:{i}" for i in range(3)]
    for row in rows.values():
        assert row.status == NudgeStatus.PENDING
        assert row.claimed_until is None and not row.payload and row.attempts == 0


async def test_kept_back_rows_are_seen_by_the_next_query_and_kept_by_a_commit(
    engine: AsyncEngine,
) -> None:
    cluster = await cluster_id(engine)
    async with session_maker(engine)() as session:
        await plan(session, cluster)
        found = await session.exec(select(Nudge.dedupe_key).where(Nudge.cluster_id == cluster))
        assert len(found.all()) == 3
        await plan(session, cluster, count=4, new=False)  # finds the three, adds the fourth
        await session.commit()  # no outbox row: the commit sends them
    assert await keys(engine) == [f"agreement:1:{i}" for i in range(4)]


async def test_a_rollback_drops_what_was_kept_back(engine: AsyncEngine) -> None:
    cluster = await cluster_id(engine)
    async with session_maker(engine)() as session:
        await plan(session, cluster)
        await session.rollback()
        await session.commit()
    async with session_maker(engine)() as session:
        await plan(session, cluster, count=1)
    # Closed without a commit: nothing was ever written.
    assert await keys(engine) == []


async def test_audit_events_go_in_with_one_insert_before_the_next_query(
    engine: AsyncEngine,
) -> None:
    cluster = await cluster_id(engine)

    async def created(session: Any, entity_id: int) -> None:
        await record(
            session,
            cluster_id=cluster,
            actor_member_id=None,
            entity="agreement",
            entity_id=entity_id,
            action="created",
            now=NOW,
            after={"text": f"Taak {entity_id}"},
        )

    with recorded(engine) as seen:
        async with session_maker(engine)() as session:
            await created(session, 1)
            await created(session, 2)
            assert seen == []  # kept back until a statement needs them
            events = await history(session, cluster_id=cluster, entity="agreement", entity_id=2)
            assert [(e.action, e.after) for e in events] == [("created", {"text": "Taak 2"})]
            await session.commit()
    assert sum(s.startswith("INSERT INTO AUDITEVENT") for s in seen) == 1, seen
    async with session_maker(engine)() as session:
        await created(session, 3)
        await session.rollback()
    async with session_maker(engine)() as session:
        rows = (await session.exec(select(AuditEvent.entity_id, AuditEvent.before))).all()
    assert sorted(rows) == [(1, None), (2, None)]
