"""A subject with nothing planned any more (an agreement done, a poll closed) has its pending
nudges cancelled by one UPDATE: sent rows, other subjects and other kinds keep theirs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from models.clusters import Cluster
from models.db import session_maker
from models.nudges import Nudge, NudgeStatus, cancel_pending, sync_planned
from tests.statements import recorded

NOW = dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC)


async def seed(engine: AsyncEngine) -> int:
    """Agreement 1: two pending reminders, one sent, a pending escalation; agreement 2: one."""
    async with session_maker(engine)() as session:
        cluster = Cluster(
            chat_id=-4_000_000_002, title="Klimaatcluster Pajottenland", created_at=NOW
        )
        session.add(cluster)
        await session.flush()
        assert cluster.id is not None
        rows = [
            ("reminder", 1, "agreement:1:before", NudgeStatus.PENDING),
            ("reminder", 1, "agreement:1:due", NudgeStatus.PENDING),
            ("reminder", 1, "agreement:1:earlier", NudgeStatus.SENT),
            ("escalation", 1, "agreement:1:late", NudgeStatus.PENDING),
            ("reminder", 2, "agreement:2:before", NudgeStatus.PENDING),
        ]
        for kind, subject, key, status in rows:
            session.add(
                Nudge(
                    cluster_id=cluster.id,
                    kind=kind,
                    subject_type="agreement",
                    subject_id=subject,
                    dedupe_key=key,
                    due_at=NOW + dt.timedelta(days=1),
                    status=status,
                    attempts=0,
                )
            )
        await session.commit()
        return cluster.id


async def statuses(engine: AsyncEngine) -> dict[str, str]:
    async with session_maker(engine)() as session:
        rows = (await session.exec(select(Nudge.dedupe_key, Nudge.status))).all()
        return {key: str(status) for key, status in rows}


async def test_one_update_cancels_the_pending_rows_of_that_subject_only(
    engine: AsyncEngine,
) -> None:
    cluster = await seed(engine)
    with recorded(engine) as seen:
        async with session_maker(engine)() as session:
            await cancel_pending(
                session, cluster_id=cluster, subject_type="agreement", subject_id=1
            )
            await session.commit()
    assert [statement.split()[0] for statement in seen] == ["UPDATE"]
    assert await statuses(engine) == {
        "agreement:1:before": NudgeStatus.CANCELLED,
        "agreement:1:due": NudgeStatus.CANCELLED,
        "agreement:1:earlier": NudgeStatus.SENT,
        "agreement:1:late": NudgeStatus.CANCELLED,
        "agreement:2:before": NudgeStatus.PENDING,
    }


async def test_kinds_limit_what_is_cancelled(engine: AsyncEngine) -> None:
    cluster = await seed(engine)
    async with session_maker(engine)() as session:
        await sync_planned(
            session,
            cluster_id=cluster,
            subject_type="agreement",
            subject_id=1,
            planned=(),
            now=NOW,
            kinds=["escalation"],
        )
        await session.commit()
    found = await statuses(engine)
    assert found["agreement:1:late"] == NudgeStatus.CANCELLED
    assert found["agreement:1:before"] == found["agreement:1:due"] == NudgeStatus.PENDING


async def test_a_row_the_session_holds_sees_it_and_a_later_flush_keeps_it(
    engine: AsyncEngine,
) -> None:
    cluster = await seed(engine)
    async with session_maker(engine)() as session:
        held = (
            await session.exec(select(Nudge).where(Nudge.dedupe_key == "agreement:1:due"))
        ).one()
        await cancel_pending(session, cluster_id=cluster, subject_type="agreement", subject_id=1)
        assert held.status == NudgeStatus.CANCELLED
        held.attempts = 1  # any later change to the row writes its status as the UPDATE left it
        session.add(held)
        await session.commit()
    assert (await statuses(engine))["agreement:1:due"] == NudgeStatus.CANCELLED


async def test_a_new_subject_with_nothing_planned_costs_no_statement(engine: AsyncEngine) -> None:
    cluster = await seed(engine)
    async with session_maker(engine)() as session:
        await session.exec(select(Nudge.id).limit(1))  # the transaction is open before counting
        with recorded(engine) as seen:
            await sync_planned(
                session,
                cluster_id=cluster,
                subject_type="agreement",
                subject_id=3,
                planned=(),
                now=NOW,
                new=True,
            )
    assert seen == []
