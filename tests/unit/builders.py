"""Rows for model tests, made through the same operations the bot uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from models.clusters import (
    Cluster,
    Member,
    Municipality,
    add_municipalities,
    register_cluster,
    touch_member,
)


async def make_cluster(
    session: AsyncSession, chat_id: int, names: Sequence[str], *, now: dt.datetime
) -> Cluster:
    cluster, _ = await register_cluster(
        session,
        chat_id=chat_id,
        title=f"Cluster {chat_id}",
        language="nl",
        timezone="Europe/Brussels",
        facilitator_user_id=1,
        is_forum=False,
        now=now,
    )
    await add_municipalities(session, cluster=cluster, names=list(names), by=None, now=now)
    return cluster


async def make_member(
    session: AsyncSession,
    cluster: Cluster,
    user_id: int,
    name: str,
    place: Municipality,
    *,
    now: dt.datetime,
    username: str | None = None,
) -> Member:
    member = await touch_member(
        session, cluster=cluster, user_id=user_id, name=name, username=username, now=now
    )
    member.municipality_id = place.id
    session.add(member)
    return member
