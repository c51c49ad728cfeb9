"""The outbox: every message the bot will send later is a row here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.types import UTCDateTime


class NudgeStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    CANCELLED = "cancelled"
    FAILED = "failed"
    UNDELIVERABLE = "undeliverable"


class Nudge(SQLModel, table=True):
    __table_args__ = (Index("ix_nudge_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    kind: str = Field(max_length=32)
    subject_type: str = Field(max_length=16)
    subject_id: int
    dedupe_key: str = Field(max_length=200, unique=True)
    due_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    status: str = Field(default=NudgeStatus.PENDING, max_length=16)
    sent_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    claimed_until: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    thread_id: int | None = Field(default=None, sa_type=BigInteger)
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


@dataclass(frozen=True)
class PlannedRow:
    """What the planner wants to exist: models/ stays free of the planner's own types."""

    kind: str
    dedupe_key: str
    due_at: dt.datetime


async def sync_planned(
    session: AsyncSession,
    *,
    cluster_id: int,
    subject_type: str,
    subject_id: int,
    planned: Sequence[PlannedRow],
    now: dt.datetime,
    thread_id: int | None = None,
    kinds: Sequence[str] | None = None,
) -> None:
    """Make the subject's pending nudges match `planned`, in the caller's transaction.

    Pending rows no longer planned are cancelled; planned rows that do not exist yet are added
    unless already past (a reminder for a moment gone by would be noise); sent rows are never
    touched, so a dedupe key is delivered at most once. `kinds` limits the sync to some kinds.
    """
    query = select(Nudge).where(
        Nudge.cluster_id == cluster_id,
        Nudge.subject_type == subject_type,
        Nudge.subject_id == subject_id,
    )
    if kinds is not None:
        query = query.where(col(Nudge.kind).in_(list(kinds)))
    existing = {row.dedupe_key: row for row in (await session.exec(query)).all()}
    wanted = {row.dedupe_key: row for row in planned}
    for key, row in existing.items():
        if row.status == NudgeStatus.PENDING and key not in wanted:
            row.status = NudgeStatus.CANCELLED
            session.add(row)
    for key, plan in wanted.items():
        row = existing.get(key)
        if row is None:
            if plan.due_at < now:
                continue
            session.add(
                Nudge(
                    cluster_id=cluster_id,
                    kind=plan.kind,
                    subject_type=subject_type,
                    subject_id=subject_id,
                    dedupe_key=key,
                    due_at=plan.due_at,
                    thread_id=thread_id,
                )
            )
        elif row.status in (NudgeStatus.PENDING, NudgeStatus.CANCELLED):
            row.status = NudgeStatus.PENDING
            row.due_at = plan.due_at
            row.thread_id = thread_id
            session.add(row)
    await session.flush()


async def cancel_pending(
    session: AsyncSession, *, cluster_id: int, subject_type: str, subject_id: int
) -> None:
    await sync_planned(
        session,
        cluster_id=cluster_id,
        subject_type=subject_type,
        subject_id=subject_id,
        planned=(),
        now=dt.datetime.max.replace(tzinfo=dt.UTC),
    )
