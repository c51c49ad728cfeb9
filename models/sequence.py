"""Per-cluster numbers that are never reused."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.clusters import Cluster

COUNTERS = ("agreement_seq", "action_seq", "poll_seq", "meeting_seq")


async def next_number(session: AsyncSession, cluster_id: int, counter: str) -> int:
    """Increment one counter atomically and return the new value.

    A single UPDATE … RETURNING holds the row lock until commit, so two processes can never
    hand out the same number, and a rolled-back number is simply skipped.
    """
    if counter not in COUNTERS:
        raise ValueError(f"unknown counter {counter}")
    column = getattr(Cluster, counter)
    result = await session.exec(
        update(Cluster)
        .where(Cluster.id == cluster_id)  # type: ignore[arg-type]
        .values({counter: column + 1})
        .returning(column)
    )
    return int(result.scalar_one())
