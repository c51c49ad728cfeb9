"""Lessons learned and practice examples, shared across clusters.

A good practice of one cluster is worth most in the others, so listing works over several
clusters at once (the facilitator's view) as well as within one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.actions import Theme
from models.audit import record
from models.clusters import Cluster, Member
from models.errors import DomainError
from models.types import UTCDateTime

MAX_LESSON_LENGTH = 2000


class LessonKind(StrEnum):
    LESSON = "lesson"
    PRACTICE = "practice"


class Lesson(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    kind: str = Field(default=LessonKind.LESSON, max_length=16)
    text: str = Field(sa_column=Column(Text, nullable=False))
    theme: str | None = Field(default=None, max_length=32)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Answers to the evaluation questions keep their municipality and question (`worked`, ...).
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    question: str | None = Field(default=None, max_length=16)


class LessonVote(SQLModel, table=True):
    """One 👍 per person per lesson: "useful" is counted across clusters."""

    __table_args__ = (UniqueConstraint("lesson_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lesson.id", index=True)
    user_id: int = Field(sa_type=BigInteger)
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Evaluation(SQLModel, table=True):
    """The evaluation questions put to one municipality: asked once, answered by reply."""

    __table_args__ = (UniqueConstraint("cluster_id", "municipality_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id")
    asked_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    # The question messages people answer by reply: message id (as text) -> question.
    prompts: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))


async def record_lesson(
    session: AsyncSession,
    *,
    cluster: Cluster,
    kind: LessonKind,
    text: str,
    theme: str | None,
    by: Member | None,
    now: dt.datetime,
) -> Lesson:
    """Store one lesson or practice example; the theme is one of `models.actions.Theme`."""
    text = text.strip()
    if not text:
        raise DomainError(f"lessons.empty_{kind.value}")
    if len(text) > MAX_LESSON_LENGTH:
        raise DomainError("lessons.too_long", limit=MAX_LESSON_LENGTH, length=len(text))
    if theme is not None and theme not in {t.value for t in Theme}:
        raise DomainError("lessons.theme_unknown", theme=theme)
    assert cluster.id is not None
    lesson = Lesson(
        cluster_id=cluster.id,
        kind=kind,
        text=text,
        theme=theme,
        member_id=by.id if by else None,
        created_at=now,
    )
    session.add(lesson)
    await session.flush()
    assert lesson.id is not None
    await record(
        session,
        cluster_id=cluster.id,
        actor_member_id=by.id if by else None,
        entity="lesson",
        entity_id=lesson.id,
        action="created",
        now=now,
        after={"kind": kind.value, "theme": theme},
    )
    return lesson


async def lessons_of(
    session: AsyncSession, *, cluster_ids: Sequence[int], theme: str | None = None
) -> list[Lesson]:
    """Lessons of these clusters, oldest first, in one statement whatever their number."""
    if not cluster_ids:
        return []
    query = select(Lesson).where(col(Lesson.cluster_id).in_(list(cluster_ids)))
    if theme is not None:
        query = query.where(Lesson.theme == theme)
    result = await session.exec(query.order_by(col(Lesson.created_at), col(Lesson.id)))
    return list(result.all())
