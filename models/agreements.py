"""Agreements (who does what by when, for which municipality) and decisions."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime


class AgreementKind(StrEnum):
    TASK = "task"
    DECISION = "decision"


class AgreementStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Agreement(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("cluster_id", "number"),
        Index("ix_agreement_cluster_status", "cluster_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id")
    number: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(default=AgreementKind.TASK, max_length=16)
    status: str = Field(default=AgreementStatus.OPEN, max_length=16)
    theme: str | None = Field(default=None, max_length=32)
    owner_member_id: int | None = Field(default=None, foreign_key="member.id")
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    action_id: int | None = Field(default=None, foreign_key="action.id")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    due_date: dt.date | None = None
    created_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    closed_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    source_message_id: int | None = Field(default=None, sa_type=BigInteger)
    thread_id: int | None = Field(default=None, sa_type=BigInteger)
