"""Lessons learned and practice examples, shared across clusters.

A good practice of one cluster is worth most in the others, so listing works over several
clusters at once (the facilitator's view) as well as within one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, Text, UniqueConstraint, func
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.actions import Theme
from models.audit import record
from models.clusters import Cluster, Member, Municipality
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


# --- useful: 👍 -------------------------------------------------------------------------------


async def mark_useful(
    session: AsyncSession, *, lesson_id: int, user_id: int, now: dt.datetime
) -> tuple[Lesson, int, bool]:
    """One 👍 per person; returns the lesson, its count and whether this one was new."""
    lesson = await session.get(Lesson, lesson_id)
    if lesson is None:
        raise DomainError("lessons.unknown")
    existing = (
        await session.exec(
            select(LessonVote).where(
                LessonVote.lesson_id == lesson_id, LessonVote.user_id == user_id
            )
        )
    ).first()
    if existing is None:
        session.add(LessonVote(lesson_id=lesson_id, user_id=user_id, created_at=now))
        await session.flush()
    counts = await useful_counts(session, lesson_ids=[lesson_id])
    return lesson, counts.get(lesson_id, 0), existing is None


async def useful_counts(session: AsyncSession, *, lesson_ids: Sequence[int]) -> dict[int, int]:
    if not lesson_ids:
        return {}
    rows = await session.exec(
        select(LessonVote.lesson_id, func.count())
        .where(col(LessonVote.lesson_id).in_(list(lesson_ids)))
        .group_by(col(LessonVote.lesson_id))
    )
    return {lesson_id: int(count) for lesson_id, count in rows.all()}


async def most_useful(session: AsyncSession, *, limit: int = 3) -> list[tuple[Lesson, int]]:
    """The lessons with the most 👍 across every cluster, at least one each."""
    rows = await session.exec(
        select(Lesson, func.count(col(LessonVote.id)).label("votes"))
        .join(LessonVote, col(LessonVote.lesson_id) == col(Lesson.id))
        .group_by(col(Lesson.id))
        .order_by(func.count(col(LessonVote.id)).desc(), col(Lesson.id))
        .limit(limit)
    )
    return [(lesson, int(votes)) for lesson, votes in rows.all()]


# --- the evaluation questions ------------------------------------------------------------------

QUESTIONS = ("worked", "keep", "stop")


async def ask_evaluations(
    session: AsyncSession, *, cluster: Cluster, now: dt.datetime
) -> list[tuple[Evaluation, Municipality]]:
    """A row for each active municipality not asked yet: each is asked once, ever."""
    places = (
        await session.exec(
            select(Municipality).where(
                Municipality.cluster_id == cluster.id, col(Municipality.active).is_(True)
            )
        )
    ).all()
    asked = set(
        (
            await session.exec(
                select(Evaluation.municipality_id).where(Evaluation.cluster_id == cluster.id)
            )
        ).all()
    )
    assert cluster.id is not None
    made: list[tuple[Evaluation, Municipality]] = []
    for place in sorted(places, key=lambda m: m.key):
        if place.id is None or place.id in asked:
            continue
        evaluation = Evaluation(cluster_id=cluster.id, municipality_id=place.id, asked_at=now)
        session.add(evaluation)
        made.append((evaluation, place))
    await session.flush()
    return made


async def get_evaluation(
    session: AsyncSession, *, cluster: Cluster, evaluation_id: int
) -> Evaluation:
    evaluation = await session.get(Evaluation, evaluation_id)
    if evaluation is None or evaluation.cluster_id != cluster.id:
        raise DomainError("evaluation.unknown")
    return evaluation


def remember_prompt(evaluation: Evaluation, *, message_id: int, question: str) -> None:
    if question not in QUESTIONS:
        raise DomainError("evaluation.unknown")
    evaluation.prompts = {**(evaluation.prompts or {}), str(message_id): question}


async def prompt_replied_to(
    session: AsyncSession, *, cluster: Cluster, message_id: int
) -> tuple[Evaluation, str] | None:
    """The evaluation question a reply answers, if the replied message was one."""
    rows = await session.exec(select(Evaluation).where(Evaluation.cluster_id == cluster.id))
    for evaluation in rows.all():
        question = (evaluation.prompts or {}).get(str(message_id))
        if question is not None:
            return evaluation, question
    return None


async def answer_evaluation(
    session: AsyncSession,
    *,
    cluster: Cluster,
    evaluation: Evaluation,
    question: str,
    text: str,
    by: Member | None,
    now: dt.datetime,
) -> Lesson:
    """An answer becomes a lesson of the cluster, keeping its municipality and question."""
    lesson = await record_lesson(
        session, cluster=cluster, kind=LessonKind.LESSON, text=text, theme=None, by=by, now=now
    )
    lesson.municipality_id = evaluation.municipality_id
    lesson.question = question
    session.add(lesson)
    await session.flush()
    return lesson
