"""Joint climate actions and campaigns of a cluster."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime


class Theme(StrEnum):
    ENERGY = "energie"
    MOBILITY = "mobiliteit"
    CIRCULAR = "circulair"
    COMMUNICATION = "communicatie"
    PARTICIPATION = "participatie"
    OTHER = "overig"


class ActionStatus(StrEnum):
    IDEA = "idee"
    PLANNED = "gepland"
    RUNNING = "lopend"
    DONE = "afgerond"
    STOPPED = "gestopt"


class Action(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cluster_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    number: int
    title: str = Field(max_length=1000)
    theme: str = Field(default=Theme.OTHER, max_length=32)
    status: str = Field(default=ActionStatus.IDEA, max_length=16)
    lead_municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    created_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    thread_id: int | None = Field(default=None, sa_type=BigInteger)


class ActionMunicipality(SQLModel, table=True):
    """The municipalities taking part in an action (the lead included)."""

    action_id: int = Field(foreign_key="action.id", primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", primary_key=True)
