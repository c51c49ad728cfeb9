"""Forum topics of a cluster group and the themes tied to them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession


class Topic(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cluster_id", "thread_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    thread_id: int = Field(sa_type=BigInteger)
    name: str = Field(default="", max_length=128)
    theme: str | None = Field(default=None, max_length=32)
    closed: bool = False


async def get_topic(session: AsyncSession, *, cluster_id: int, thread_id: int) -> Topic | None:
    result = await session.exec(
        select(Topic).where(Topic.cluster_id == cluster_id, Topic.thread_id == thread_id)
    )
    return result.first()


async def topics_in(
    session: AsyncSession, *, threads: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], Topic]:
    """The known topics among (cluster id, thread id) pairs, in one query."""
    wanted = set(threads)
    if not wanted:
        return {}
    result = await session.exec(
        select(Topic).where(
            col(Topic.cluster_id).in_({cluster_id for cluster_id, _ in wanted}),
            col(Topic.thread_id).in_({thread_id for _, thread_id in wanted}),
        )
    )
    return {
        (topic.cluster_id, topic.thread_id): topic
        for topic in result.all()
        if (topic.cluster_id, topic.thread_id) in wanted
    }


async def remember_topic(
    session: AsyncSession,
    *,
    cluster_id: int,
    thread_id: int,
    name: str | None = None,
    closed: bool | None = None,
) -> Topic:
    """Keep what Telegram's service messages tell about a topic: its name, open or closed."""
    topic = await get_topic(session, cluster_id=cluster_id, thread_id=thread_id)
    if topic is None:
        topic = Topic(cluster_id=cluster_id, thread_id=thread_id)
    if name is not None:
        topic.name = name[:128]
    if closed is not None:
        topic.closed = closed
    session.add(topic)
    await session.flush()
    return topic


async def tie_theme(
    session: AsyncSession, *, cluster_id: int, thread_id: int, theme: str | None
) -> Topic:
    topic = await remember_topic(session, cluster_id=cluster_id, thread_id=thread_id)
    topic.theme = theme
    session.add(topic)
    return topic


async def theme_of(session: AsyncSession, *, cluster_id: int, thread_id: int | None) -> str | None:
    """The theme tied to the topic a command was typed in, if any."""
    if thread_id is None:
        return None
    topic = await get_topic(session, cluster_id=cluster_id, thread_id=thread_id)
    return topic.theme if topic else None


async def topics_of(session: AsyncSession, *, cluster_id: int) -> list[Topic]:
    result = await session.exec(
        select(Topic).where(Topic.cluster_id == cluster_id).order_by(col(Topic.thread_id))
    )
    return list(result.all())
