"""The audit trail: who changed what, when, from what to what."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.db import defer_insert
from models.types import UTCDateTime


class AuditEvent(SQLModel, table=True):
    """One change to one item; an agreement's history is its audit events."""

    __table_args__ = (Index("ix_auditevent_subject", "cluster_id", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    actor_member_id: int | None = Field(default=None, foreign_key="member.id")
    entity: str = Field(max_length=32)
    entity_id: int
    action: str = Field(max_length=32)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


async def record(
    session: AsyncSession,
    *,
    cluster_id: int,
    actor_member_id: int | None,
    entity: str,
    entity_id: int,
    action: str,
    now: dt.datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Kept back and inserted before the session's next statement: nothing in the turn reads
    the new event as an object, and a plain INSERT costs a fraction of an ORM object's flush."""
    event = {
        "cluster_id": cluster_id,
        "at": now,
        "actor_member_id": actor_member_id,
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "before": before,
        "after": after,
    }
    await defer_insert(session, AuditEvent, [event])


async def history(
    session: AsyncSession, *, cluster_id: int, entity: str, entity_id: int
) -> list[AuditEvent]:
    rows = await session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.cluster_id == cluster_id,
            AuditEvent.entity == entity,
            AuditEvent.entity_id == entity_id,
        )
        .order_by(AuditEvent.at, AuditEvent.id)  # type: ignore[arg-type]
    )
    return list(rows.all())
