"""Joint climate actions and campaigns of a cluster."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import record
from models.clusters import Cluster, Member, Municipality
from models.errors import DomainError, NotFound
from models.sequence import next_number
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
    result: str | None = Field(default=None, sa_column=Column(Text))


class ActionMunicipality(SQLModel, table=True):
    """The municipalities taking part in an action (the lead included)."""

    action_id: int = Field(foreign_key="action.id", primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", primary_key=True)


# --- operations -----------------------------------------------------------------------------

MAX_TITLE = 1000


@dataclass
class ActionView:
    """An action with its municipalities, the lead first."""

    action: Action
    municipality_ids: list[int]


async def create_action(
    session: AsyncSession,
    *,
    cluster: Cluster,
    title: str,
    theme: str | None,
    municipalities: Sequence[Municipality],
    by: Member,
    now: dt.datetime,
    thread_id: int | None = None,
) -> Action:
    """Record a joint action; the first municipality leads, all of them take part."""
    assert cluster.id is not None
    title = " ".join(title.split())
    if not title:
        raise DomainError("action.title_empty")
    if len(title) > MAX_TITLE:
        raise DomainError("action.title_too_long", limit=MAX_TITLE, length=len(title))
    for municipality in municipalities:
        if municipality.cluster_id != cluster.id:
            raise ValueError(f"municipality {municipality.id} belongs to another cluster")
    unique = list({m.id: m for m in municipalities}.values())
    number = await next_number(session, cluster.id, "action_seq")
    action = Action(
        cluster_id=cluster.id,
        number=number,
        title=title,
        theme=Theme(theme) if theme else Theme.OTHER,
        status=ActionStatus.IDEA,
        lead_municipality_id=unique[0].id if unique else None,
        created_by_member_id=by.id,
        created_at=now,
        thread_id=thread_id,
    )
    session.add(action)
    await session.flush()
    assert action.id is not None
    for municipality in unique:
        assert municipality.id is not None
        session.add(ActionMunicipality(action_id=action.id, municipality_id=municipality.id))
    await _audit(
        session,
        action,
        by,
        "created",
        now,
        None,
        {
            "title": title,
            "theme": action.theme,
            "status": action.status,
            "municipality_ids": [m.id for m in unique],
        },
    )
    await session.flush()
    return action


async def get_action(session: AsyncSession, *, cluster: Cluster, number: int) -> Action:
    """Another cluster's action is as unknown as one that never existed."""
    result = await session.exec(
        select(Action).where(Action.cluster_id == cluster.id, Action.number == number)
    )
    action = result.first()
    if action is None:
        raise NotFound("action.not_found", number=number)
    return action


async def set_status(
    session: AsyncSession,
    *,
    cluster: Cluster,
    number: int,
    status: str,
    by: Member,
    now: dt.datetime,
) -> Action:
    """Any member may move an action along; the audit trail says who did."""
    action = await get_action(session, cluster=cluster, number=number)
    new = ActionStatus(status)
    if action.status == new:
        raise DomainError("action.same_status", number=number, status=new.value)
    before = action.status
    action.status = new
    action.updated_at = now
    session.add(action)
    await _audit(session, action, by, "status", now, {"status": before}, {"status": new})
    return action


MAX_RESULT = 2000


async def set_result(
    session: AsyncSession,
    *,
    cluster: Cluster,
    number: int,
    result: str,
    by: Member,
    now: dt.datetime,
) -> Action:
    """What the action achieved, in words; said again, it replaces the old (kept in history)."""
    result = " ".join(result.split())
    if not result:
        raise DomainError("action.result_empty", number=number)
    if len(result) > MAX_RESULT:
        raise DomainError("action.result_too_long", limit=MAX_RESULT, length=len(result))
    action = await get_action(session, cluster=cluster, number=number)
    before = action.result
    action.result = result
    action.updated_at = now
    session.add(action)
    await _audit(session, action, by, "result", now, {"result": before}, {"result": result})
    return action


async def add_municipalities(
    session: AsyncSession,
    *,
    cluster: Cluster,
    number: int,
    municipalities: Sequence[Municipality],
    by: Member,
    now: dt.datetime,
) -> tuple[Action, list[Municipality]]:
    """More municipalities join; an action without a lead gets the first as its lead."""
    action = await get_action(session, cluster=cluster, number=number)
    assert action.id is not None
    present = set(await municipality_ids_of(session, action=action))
    added = [m for m in {m.id: m for m in municipalities}.values() if m.id not in present]
    for municipality in added:
        if municipality.cluster_id != cluster.id or municipality.id is None:
            raise ValueError(f"municipality {municipality.id} belongs to another cluster")
        session.add(ActionMunicipality(action_id=action.id, municipality_id=municipality.id))
    if added:
        if action.lead_municipality_id is None:
            action.lead_municipality_id = added[0].id
        action.updated_at = now
        session.add(action)
        await _audit(
            session,
            action,
            by,
            "municipalities",
            now,
            {"municipality_ids": sorted(present)},
            {"municipality_ids": sorted(present | {m.id for m in added if m.id is not None})},
        )
    return action, added


async def municipality_ids_of(session: AsyncSession, *, action: Action) -> list[int]:
    """The action's municipalities, the lead first."""
    result = await session.exec(
        select(ActionMunicipality.municipality_id).where(ActionMunicipality.action_id == action.id)
    )
    return _lead_first(action, list(result.all()))


async def list_actions(
    session: AsyncSession, *, cluster: Cluster, theme: str | None = None
) -> list[ActionView]:
    """The cluster's actions by theme and number, with their municipalities: two queries."""
    query = select(Action).where(Action.cluster_id == cluster.id)
    if theme is not None:
        query = query.where(Action.theme == theme)
    actions = list(
        (await session.exec(query.order_by(col(Action.theme), col(Action.number)))).all()
    )
    links = await session.exec(
        select(ActionMunicipality)
        .join(Action, col(Action.id) == col(ActionMunicipality.action_id))
        .where(Action.cluster_id == cluster.id)
    )
    by_action: dict[int, list[int]] = {}
    for link in links.all():
        by_action.setdefault(link.action_id, []).append(link.municipality_id)
    return [
        ActionView(action, _lead_first(action, by_action.get(action.id or 0, [])))
        for action in actions
    ]


def _lead_first(action: Action, ids: list[int]) -> list[int]:
    lead = action.lead_municipality_id
    return sorted(ids, key=lambda municipality_id: (municipality_id != lead, municipality_id))


async def _audit(
    session: AsyncSession,
    action: Action,
    by: Member | None,
    what: str,
    now: dt.datetime,
    before: dict[str, object] | None,
    after: dict[str, object] | None,
) -> None:
    assert action.id is not None
    await record(
        session,
        cluster_id=action.cluster_id,
        actor_member_id=by.id if by is not None else None,
        entity="action",
        entity_id=action.id,
        action=what,
        now=now,
        before=before,
        after=after,
    )
