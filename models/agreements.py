"""Agreements (who does what by when, for which municipality) and decisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    func,
    insert,
    or_,
)
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.actions import Action, Theme
from models.audit import AuditEvent, record
from models.audit import history as audit_history
from models.clusters import Cluster, Member, Municipality, Role, municipalities_of
from models.errors import DomainError, NotAllowed, NotFound
from models.sequence import next_number
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
    due_time: dt.time | None = None  # a deadline at an hour (`tegen do 18/3 15u45`)
    created_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    closed_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    source_message_id: int | None = Field(default=None, sa_type=BigInteger)
    thread_id: int | None = Field(default=None, sa_type=BigInteger)


# --- operations -----------------------------------------------------------------------------
# Rules live here so every way in (commands, nudge buttons, exports) obeys the same ones.

MAX_TEXT = 1000


class Scope(StrEnum):
    """Which part of the register a list shows (`/afspraken open|alle|mijn|te laat`)."""

    OPEN = "open"
    ALL = "all"
    MINE = "mine"
    OVERDUE = "overdue"
    DECISIONS = "decisions"


@dataclass
class Register:
    """A list of agreements with the people and places it names, loaded in constant queries."""

    agreements: list[Agreement]
    members: dict[int, Member]
    municipalities: dict[int, Municipality]
    today: dt.date

    def owner(self, agreement: Agreement) -> Member | None:
        if agreement.owner_member_id is None:
            return None
        return self.members.get(agreement.owner_member_id)

    def municipality(self, agreement: Agreement) -> Municipality | None:
        if agreement.municipality_id is None:
            return None
        return self.municipalities.get(agreement.municipality_id)


def local_today(cluster: Cluster, now: dt.datetime) -> dt.date:
    """Due dates are calendar days in the cluster's timezone, not in UTC."""
    return now.astimezone(ZoneInfo(cluster.timezone)).date()


def is_overdue(agreement: Agreement, today: dt.date) -> bool:
    return (
        agreement.status == AgreementStatus.OPEN
        and agreement.due_date is not None
        and agreement.due_date < today
    )


def sort_key(agreement: Agreement, today: dt.date) -> tuple[int, dt.date, int]:
    """Overdue first, then open by due date (undated last), then done, then cancelled."""
    rank = {AgreementStatus.OPEN: 1, AgreementStatus.DONE: 2}.get(
        AgreementStatus(agreement.status), 3
    )
    if is_overdue(agreement, today):
        rank = 0
    return rank, agreement.due_date or dt.date.max, agreement.number


def snapshot(agreement: Agreement) -> dict[str, Any]:
    """The fields the history keeps, JSON-ready."""
    return {
        "text": agreement.text,
        "kind": agreement.kind,
        "status": agreement.status,
        "owner_member_id": agreement.owner_member_id,
        "municipality_id": agreement.municipality_id,
        "due_date": agreement.due_date.isoformat() if agreement.due_date else None,
        "due_time": agreement.due_time.strftime("%H:%M") if agreement.due_time else None,
        "action_id": agreement.action_id,
        "theme": agreement.theme,
    }


_INSERT = insert(Agreement).returning(Agreement)


async def create_agreement(
    session: AsyncSession,
    *,
    cluster: Cluster,
    text: str,
    kind: str,
    owner: Member | None,
    municipality: Municipality | None,
    due_date: dt.date | None,
    action: Action | None,
    theme: str | None,
    by: Member,
    now: dt.datetime,
    due_time: dt.time | None = None,
    source_message_id: int | None = None,
    thread_id: int | None = None,
    meeting_id: int | None = None,
) -> Agreement:
    """Record a task or decision under the cluster's next number.

    A task with neither owner nor due date is stored as a decision: nobody is to be nudged about
    it. Without a municipality it belongs to the owner's. The theme is the one given, else the
    action's. A due time needs a due date.
    """
    assert cluster.id is not None
    text = text.strip()
    if not text:
        raise DomainError("agreement.text_empty")
    if len(text) > MAX_TEXT:
        raise DomainError("agreement.text_too_long", limit=MAX_TEXT, length=len(text))
    agreement_kind = AgreementKind(kind)
    if agreement_kind == AgreementKind.DECISION and (owner is not None or due_date is not None):
        raise DomainError("agreement.decision_has_no_owner")
    if owner is None and due_date is None:
        agreement_kind = AgreementKind.DECISION
    if due_date is not None and due_date < local_today(cluster, now):
        raise DomainError("agreement.due_in_past", date=due_date.isoformat())
    if due_time is not None and due_date is None:
        raise ValueError("a due time needs a due date")
    for item in (owner, municipality, action):
        if item is not None and item.cluster_id != cluster.id:
            raise ValueError(f"{type(item).__name__} {item.id} belongs to another cluster")
    if theme is not None and theme not in set(Theme):
        raise ValueError(f"unknown theme {theme!r}")
    municipality_id = municipality.id if municipality is not None else None
    if municipality_id is None and owner is not None:
        municipality_id = owner.municipality_id
    number = await next_number(session, cluster.id, "agreement_seq")
    values = {
        "cluster_id": cluster.id,
        "number": number,
        "text": text,
        "kind": agreement_kind,
        "status": AgreementStatus.OPEN,
        "theme": theme or (action.theme if action is not None else None),
        "owner_member_id": owner.id if owner is not None else None,
        "municipality_id": municipality_id,
        "action_id": action.id if action is not None else None,
        "meeting_id": meeting_id,
        "due_date": due_date,
        "due_time": due_time,
        "created_by_member_id": by.id,
        "created_at": now,
        "closed_at": None,
        "source_message_id": source_message_id,
        "thread_id": thread_id,
    }
    # The row comes back as the session's object, as after a flush, without the flush's work.
    agreement: Agreement = (await session.exec(_INSERT, params=values)).scalar_one()
    await _audit(session, agreement, by, "created", now, None, snapshot(agreement))
    return agreement


_BY_NUMBER = select(Agreement).where(
    col(Agreement.cluster_id) == bindparam("cluster_id"),
    col(Agreement.number) == bindparam("number"),
)


async def get_agreement(session: AsyncSession, *, cluster: Cluster, number: int) -> Agreement:
    """Another cluster's agreement is as unknown as one that never existed."""
    params = {"cluster_id": cluster.id, "number": number}
    agreement = (await session.exec(_BY_NUMBER, params=params)).first()
    if agreement is None:
        raise NotFound("agreement.not_found", number=number)
    return agreement


def may_complete(agreement: Agreement, *, by: Member, role: Role) -> bool:
    """Its owner, anyone of its municipality, or a coordinator (facilitator included)."""
    return (
        role.rank >= Role.COORDINATOR.rank
        or (agreement.owner_member_id is not None and agreement.owner_member_id == by.id)
        or (
            agreement.municipality_id is not None
            and agreement.municipality_id == by.municipality_id
        )
    )


def may_cancel(agreement: Agreement, *, by: Member, role: Role) -> bool:
    """Its creator, its owner, or a coordinator (facilitator included)."""
    return role.rank >= Role.COORDINATOR.rank or by.id in (
        agreement.created_by_member_id,
        agreement.owner_member_id,
    )


async def complete(
    session: AsyncSession,
    *,
    cluster: Cluster,
    number: int,
    by: Member,
    role: Role,
    now: dt.datetime,
) -> Agreement:
    agreement = await get_agreement(session, cluster=cluster, number=number)
    _require_open_task(agreement)
    if not may_complete(agreement, by=by, role=role):
        raise NotAllowed("agreement.may_not_complete", number=number)
    before = snapshot(agreement)
    agreement.status = AgreementStatus.DONE
    agreement.closed_at = now
    session.add(agreement)
    await _audit(session, agreement, by, "done", now, before, snapshot(agreement))
    return agreement


async def postpone(
    session: AsyncSession,
    *,
    cluster: Cluster,
    number: int,
    due_date: dt.date,
    by: Member,
    role: Role,
    now: dt.datetime,
    due_time: dt.time | None = None,
) -> Agreement:
    """A new due date; the old one stays in the history. The due time stays unless a new one
    is given (`⏰ +1 week` moves the day, not the hour)."""
    agreement = await get_agreement(session, cluster=cluster, number=number)
    _require_open_task(agreement)
    if not may_complete(agreement, by=by, role=role):
        raise NotAllowed("agreement.may_not_postpone", number=number)
    if due_date < local_today(cluster, now):
        raise DomainError("agreement.due_in_past", date=due_date.isoformat())
    new_time = due_time if due_time is not None else agreement.due_time
    if agreement.due_date == due_date and agreement.due_time == new_time:
        raise DomainError("agreement.same_date", number=number, date=due_date.isoformat())
    before = snapshot(agreement)
    agreement.due_date = due_date
    agreement.due_time = new_time
    session.add(agreement)
    await _audit(session, agreement, by, "postponed", now, before, snapshot(agreement))
    return agreement


async def cancel(
    session: AsyncSession,
    *,
    cluster: Cluster,
    number: int,
    by: Member,
    role: Role,
    now: dt.datetime,
) -> Agreement:
    agreement = await get_agreement(session, cluster=cluster, number=number)
    _require_open(agreement)
    if not may_cancel(agreement, by=by, role=role):
        raise NotAllowed("agreement.may_not_cancel", number=number)
    before = snapshot(agreement)
    agreement.status = AgreementStatus.CANCELLED
    agreement.closed_at = now
    session.add(agreement)
    await _audit(session, agreement, by, "cancelled", now, before, snapshot(agreement))
    return agreement


def may_reassign(agreement: Agreement, *, by: Member, role: Role) -> bool:
    """Who may cancel an agreement may also pass it on."""
    return may_cancel(agreement, by=by, role=role)


async def reassign(
    session: AsyncSession,
    *,
    cluster: Cluster,
    number: int,
    owner: Member,
    by: Member,
    role: Role,
    now: dt.datetime,
) -> Agreement:
    """Give open agreement N a new owner (someone left, or it moves on); kept in its history."""
    agreement = await get_agreement(session, cluster=cluster, number=number)
    _require_open_task(agreement)
    if not may_reassign(agreement, by=by, role=role):
        raise NotAllowed("agreement.may_not_reassign", number=number)
    if agreement.owner_member_id == owner.id:
        raise DomainError("agreement.same_owner", number=number)
    before = snapshot(agreement)
    agreement.owner_member_id = owner.id
    session.add(agreement)
    await _audit(session, agreement, by, "reassigned", now, before, snapshot(agreement))
    return agreement


async def open_agreements_of(
    session: AsyncSession, *, cluster: Cluster, member: Member
) -> list[Agreement]:
    """The open tasks a member owns, by number."""
    result = await session.exec(
        select(Agreement)
        .where(
            Agreement.cluster_id == cluster.id,
            Agreement.owner_member_id == member.id,
            Agreement.status == AgreementStatus.OPEN,
            Agreement.kind == AgreementKind.TASK,
        )
        .order_by(col(Agreement.number))
    )
    return list(result.all())


async def history(
    session: AsyncSession, *, cluster: Cluster, number: int
) -> tuple[Agreement, list[AuditEvent]]:
    """The agreement and every change to it, oldest first."""
    assert cluster.id is not None
    agreement = await get_agreement(session, cluster=cluster, number=number)
    assert agreement.id is not None
    events = await audit_history(
        session, cluster_id=cluster.id, entity="agreement", entity_id=agreement.id
    )
    return agreement, events


# `/afspraken` and the weekly digest read these; built once, as building costs more than running.
_OF_CLUSTER = select(Agreement).where(col(Agreement.cluster_id) == bindparam("cluster_id"))
_OPEN_TASKS = _OF_CLUSTER.where(
    col(Agreement.status) == AgreementStatus.OPEN, col(Agreement.kind) == AgreementKind.TASK
)
_MEMBERS = select(Member).where(col(Member.cluster_id) == bindparam("cluster_id"))


async def list_agreements(
    session: AsyncSession,
    *,
    cluster: Cluster,
    now: dt.datetime,
    scope: Scope = Scope.OPEN,
    member: Member | None = None,
    municipality: Municipality | None = None,
    action: Action | None = None,
) -> Register:
    """A part of the register, sorted overdue first; three queries whatever its size.

    `mine` is what `member` owns plus what their municipality has without an owner. `open`,
    `mine` and `overdue` hold tasks only: a decision has nothing left to do.
    """
    today = local_today(cluster, now)
    query = _OF_CLUSTER
    if scope in (Scope.OPEN, Scope.MINE, Scope.OVERDUE):
        query = _OPEN_TASKS
    if scope == Scope.OVERDUE:
        query = query.where(col(Agreement.due_date).is_not(None), col(Agreement.due_date) < today)
    if scope == Scope.DECISIONS:
        query = query.where(
            Agreement.kind == AgreementKind.DECISION,
            Agreement.status != AgreementStatus.CANCELLED,
        )
    if scope == Scope.MINE:
        if member is None:
            raise ValueError("scope mine needs the member")
        mine = col(Agreement.owner_member_id) == member.id
        if member.municipality_id is not None:
            mine = or_(
                mine,
                and_(
                    col(Agreement.owner_member_id).is_(None),
                    col(Agreement.municipality_id) == member.municipality_id,
                ),
            )
        query = query.where(mine)
    if municipality is not None:
        query = query.where(Agreement.municipality_id == municipality.id)
    if action is not None:
        query = query.where(Agreement.action_id == action.id)
    agreements = list((await session.exec(query, params={"cluster_id": cluster.id})).all())
    agreements.sort(key=lambda agreement: sort_key(agreement, today))
    members, municipalities = await people_and_places(session, cluster=cluster)
    return Register(
        agreements=agreements, members=members, municipalities=municipalities, today=today
    )


async def people_and_places(
    session: AsyncSession, *, cluster: Cluster
) -> tuple[dict[int, Member], dict[int, Municipality]]:
    """Every member and municipality of the cluster, erased and removed ones included (old
    agreements still name them): two queries instead of one per row."""
    members = await session.exec(_MEMBERS, params={"cluster_id": cluster.id})
    places = await municipalities_of(session, cluster=cluster, include_removed=True)
    return (
        {m.id: m for m in members.all() if m.id is not None},
        {m.id: m for m in places if m.id is not None},
    )


async def open_counts_by_action(session: AsyncSession, *, cluster: Cluster) -> dict[int, int]:
    """Open tasks per action id, in one query (`/acties`)."""
    result = await session.exec(
        select(Agreement.action_id, func.count())
        .where(
            Agreement.cluster_id == cluster.id,
            col(Agreement.action_id).is_not(None),
            Agreement.status == AgreementStatus.OPEN,
            Agreement.kind == AgreementKind.TASK,
        )
        .group_by(col(Agreement.action_id))
    )
    return {action_id: count for action_id, count in result.all() if action_id is not None}


def _require_open(agreement: Agreement) -> None:
    if agreement.status == AgreementStatus.DONE:
        raise DomainError("agreement.already_done", number=agreement.number)
    if agreement.status == AgreementStatus.CANCELLED:
        raise DomainError("agreement.already_cancelled", number=agreement.number)


def _require_open_task(agreement: Agreement) -> None:
    _require_open(agreement)
    if agreement.kind == AgreementKind.DECISION:
        raise DomainError("agreement.is_decision", number=agreement.number)


async def _audit(
    session: AsyncSession,
    agreement: Agreement,
    by: Member | None,
    action: str,
    now: dt.datetime,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    assert agreement.id is not None
    await record(
        session,
        cluster_id=agreement.cluster_id,
        actor_member_id=by.id if by is not None else None,
        entity="agreement",
        entity_id=agreement.id,
        action=action,
        now=now,
        before=before,
        after=after,
    )


async def open_agreements_with_due_date(
    session: AsyncSession, *, cluster: Cluster
) -> list[Agreement]:
    """What a change of schedule settings must re-plan."""
    result = await session.exec(
        select(Agreement).where(
            Agreement.cluster_id == cluster.id,
            Agreement.status == AgreementStatus.OPEN,
            col(Agreement.due_date).is_not(None),
        )
    )
    return list(result.all())
