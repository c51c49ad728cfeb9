"""Lessons learned and practice examples, shared across clusters."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime


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
