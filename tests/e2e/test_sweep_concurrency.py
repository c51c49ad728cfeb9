"""Two bot processes on one PostgreSQL database sweep the same 500 due nudges at the same time:
each nudge is delivered exactly once."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import insert
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.clusters import Cluster
from models.db import SessionMaker, create_engine, session_maker
from models.nudges import Nudge, NudgeStatus, claim_due
from scheduler.sweep import Deliver, Outbound, Skipped, sweep

NUDGES = 500
CLUSTERS = 5
# Tuesday 16 March 2027, 10:00 in Brussels: a working day, outside quiet hours.
NOW = dt.datetime(2027, 3, 16, 9, 0, tzinfo=dt.UTC)


class Clock:
    def now(self) -> dt.datetime:
        return NOW


async def seed(sessions: SessionMaker) -> None:
    async with sessions() as session:
        clusters = [
            Cluster(chat_id=-(1000 + n), title=f"Cluster {n}", created_at=NOW)
            for n in range(CLUSTERS)
        ]
        session.add_all(clusters)
        await session.flush()
        await session.exec(
            insert(Nudge),
            params=[
                {
                    "cluster_id": clusters[n % CLUSTERS].id,
                    "kind": "agreement_due",
                    "subject_type": "agreement",
                    "subject_id": n,
                    "dedupe_key": f"agreement:{n}:due:2027-03-16",
                    "due_at": NOW - dt.timedelta(seconds=n),
                    "status": NudgeStatus.PENDING,
                    "attempts": 0,
                }
                for n in range(NUDGES)
            ],
        )
        await session.commit()


async def test_two_processes_deliver_each_of_500_due_nudges_exactly_once(
    backend: str, database_url: str
) -> None:
    if backend != "postgresql":
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL): two processes share it")
    # Two engines, two connection pools, two session makers: as two bot processes would have.
    engines = [create_engine(database_url), create_engine(database_url)]
    try:
        first, second = (session_maker(engine) for engine in engines)
        await seed(first)
        for engine in engines:  # both connected before either starts, as two running processes
            async with engine.connect():
                pass
        delivered: list[tuple[str, str]] = []

        def deliverer(process: str) -> Deliver:
            async def deliver(
                session: AsyncSession, nudge: Nudge, now: dt.datetime
            ) -> Skipped | Outbound:
                key = nudge.dedupe_key

                async def send() -> None:
                    delivered.append((process, key))
                    await asyncio.sleep(0.002)  # a send is I/O: the other process runs meanwhile

                return Outbound(send=send)

            return deliver

        reports = await asyncio.gather(
            sweep(first, deliverer("one"), Clock(), batch_size=5),
            sweep(second, deliverer("two"), Clock(), batch_size=5),
        )

        per_key = Counter(key for _, key in delivered)
        assert len(per_key) == NUDGES
        assert max(per_key.values()) == 1
        per_process = Counter(process for process, _ in delivered)
        assert per_process["one"] > 0 and per_process["two"] > 0  # both did share the work
        assert sum(report.sent for report in reports) == NUDGES

        async with first() as session:
            counts = dict(
                (
                    await session.exec(select(Nudge.status, func.count()).group_by(Nudge.status))
                ).all()
            )
            attempts = (await session.exec(select(func.max(Nudge.attempts)))).one()
        assert counts == {NudgeStatus.SENT: NUDGES}
        assert attempts == 1

        # A third sweep, by either process, finds nothing left to send.
        again = await sweep(second, deliverer("two"), Clock())
        assert again.handled == 0
    finally:
        for engine in engines:
            await engine.dispose()


async def test_a_claim_takes_no_more_than_its_limit(backend: str, database_url: str) -> None:
    """A process killed after claiming leaves one batch waiting for the lease, not the queue."""
    engines = [create_engine(database_url), create_engine(database_url)]
    try:
        killed, survivor = (session_maker(engine) for engine in engines)
        await seed(killed)
        async with killed() as session:
            claims = await claim_due(session, now=NOW, limit=20)
            await session.commit()
        assert len(claims) == 20  # then the process dies without delivering them
        delivered: list[str] = []

        async def deliver(session: AsyncSession, nudge: Nudge, now: dt.datetime) -> Outbound:
            key = nudge.dedupe_key

            async def send() -> None:
                delivered.append(key)

            return Outbound(send=send)

        report = await sweep(survivor, deliver, Clock(), batch_size=20)
        assert report.sent == len(delivered) == NUDGES - 20
        async with survivor() as session:
            waiting = (
                await session.exec(select(func.count()).where(Nudge.status == NudgeStatus.PENDING))
            ).one()
        assert waiting == 20
    finally:
        for engine in engines:
            await engine.dispose()
