"""Per-cluster numbers that are never reused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models.clusters import Cluster
from models.db import execute_core

COUNTERS = ("agreement_seq", "action_seq", "poll_seq", "meeting_seq")


async def next_number(session: AsyncSession, cluster_id: int, counter: str) -> int:
    """Increment one counter atomically and return the new value.

    A single UPDATE … RETURNING holds the row lock until commit, so two processes can never
    hand out the same number, and a rolled-back number is simply skipped.
    """
    statement = _NEXT.get(counter)
    if statement is None:
        raise ValueError(f"unknown counter {counter}")
    result = await execute_core(session, statement, {"cluster_id": cluster_id})
    return int(result.scalar_one())


def _next(counter: str) -> Any:
    column = getattr(Cluster, counter)
    return (
        update(Cluster)
        .where(col(Cluster.id) == bindparam("cluster_id"))
        .values({counter: column + 1})
        .returning(column)
    )


# Built once: one of these runs with every agreement, poll and meeting recorded.
_NEXT = {counter: _next(counter) for counter in COUNTERS}
