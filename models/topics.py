"""Forum topics of a cluster group and the themes tied to them."""

from __future__ import annotations

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel


class Topic(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cluster_id", "thread_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    thread_id: int = Field(sa_type=BigInteger)
    name: str = Field(default="", max_length=128)
    theme: str | None = Field(default=None, max_length=32)
    closed: bool = False
