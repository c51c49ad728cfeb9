"""The outbox: every message the bot will send later is a row here."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text
from sqlmodel import Field, SQLModel

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
