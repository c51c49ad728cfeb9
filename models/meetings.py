"""Meetings with their agenda and minutes, and the polls that find their date."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime


class Meeting(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cluster_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    number: int
    starts_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    duration_minutes: int = 60
    host_municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    location: str | None = Field(default=None, max_length=500)
    poll_id: int | None = Field(default=None, foreign_key="meetingpoll.id")
    minutes: str | None = Field(default=None, sa_column=Column(Text))
    minutes_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    cancelled_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    thread_id: int | None = Field(default=None, sa_type=BigInteger)


class AgendaItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    position: int
    text: str = Field(max_length=1000)
    added_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PollStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class MeetingPoll(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cluster_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    number: int
    status: str = Field(default=PollStatus.OPEN, max_length=16)
    deadline_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    closed_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    thread_id: int | None = Field(default=None, sa_type=BigInteger)
    meeting_id: int | None = Field(default=None)


class PollOption(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="meetingpoll.id", index=True)
    position: int
    starts_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PollVote(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("option_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    option_id: int = Field(foreign_key="polloption.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    answer: str = Field(max_length=8)
    updated_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
