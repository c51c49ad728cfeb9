"""What changed in a cluster since a moment: the stuff of a weekly digest that is news.

A digest that repeats the whole register every week says nothing new after a month; this
module splits the register into what changed since the last digest, what falls due soon, and
a count of what was already late before. A fixed handful of statements, whatever the size of
the register and however many clusters' news is read at once (`news_of`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import and_, bindparam, func, or_
from sqlalchemy import select as core_select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.actions import Action
from models.agreements import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    local_today,
)
from models.audit import AuditEvent
from models.clusters import Cluster, Member, Municipality
from models.meetings import Meeting, MeetingPoll

SOON_DAYS = 14
QUIET_WEEKS_BEFORE_PROMPT = 4


class Change:
    NEW = "new"
    NEW_DECISION = "new_decision"
    DONE = "done"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"
    OVERDUE = "overdue"


class AgreementRow(NamedTuple):
    """An agreement as the digest reads it: the values it shows, not the ORM row."""

    cluster_id: int
    id: int
    number: int
    text: str
    kind: str
    status: str
    theme: str | None
    owner_member_id: int | None
    municipality_id: int | None
    action_id: int | None
    due_date: dt.date | None
    due_time: dt.time | None
    created_at: dt.datetime
    closed_at: dt.datetime | None
    postponed_at: dt.datetime | None  # the last time it was postponed, if ever


# What else the digest shows, as plain values too (read once a week for every cluster; an
# ORM row costs several times the query that reads it).


class MemberRow(NamedTuple):
    cluster_id: int
    id: int
    name: str
    username: str | None
    erased: bool
    left_at: dt.datetime | None

    @property
    def has_left(self) -> bool:
        return self.left_at is not None


class PlaceRow(NamedTuple):
    cluster_id: int
    id: int
    name: str


class ActionRow(NamedTuple):
    cluster_id: int
    id: int
    number: int
    title: str
    theme: str
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime | None


class PollRow(NamedTuple):
    cluster_id: int
    id: int
    number: int
    status: str
    deadline_at: dt.datetime
    created_at: dt.datetime


class MeetingRow(NamedTuple):
    cluster_id: int
    id: int
    number: int
    starts_at: dt.datetime
    host_municipality_id: int | None
    location: str | None
    created_at: dt.datetime


@dataclass
class News:
    since: dt.datetime
    today: dt.date
    changed: list[tuple[AgreementRow, str]] = field(default_factory=list)
    due_soon: list[AgreementRow] = field(default_factory=list)
    older_overdue: int = 0
    open_count: int = 0
    left_owned: int = 0  # open agreements whose owner left the group: to pass on
    actions_new: list[ActionRow] = field(default_factory=list)
    actions_changed: list[ActionRow] = field(default_factory=list)
    polls_new: list[PollRow] = field(default_factory=list)
    meetings_new: list[MeetingRow] = field(default_factory=list)
    members: dict[int, MemberRow] = field(default_factory=dict)
    municipalities: dict[int, PlaceRow] = field(default_factory=dict)
    actions: dict[int, ActionRow] = field(default_factory=dict)
    next_meeting: MeetingRow | None = None

    @property
    def quiet(self) -> bool:
        """Nothing happened: no agreement, action, poll or meeting changed since `since`."""
        return not (
            self.changed
            or self.actions_new
            or self.actions_changed
            or self.polls_new
            or self.meetings_new
        )

    def theme_of(self, agreement: AgreementRow) -> str | None:
        if agreement.theme:
            return agreement.theme
        action = self.actions.get(agreement.action_id) if agreement.action_id else None
        return action.theme if action is not None else None


def _precedence(agreement: AgreementRow, *, created: bool, postponed: bool, overdue: bool) -> str:
    """One line per agreement: its latest state wins (done beats new, late beats postponed)."""
    if agreement.status == AgreementStatus.DONE:
        return Change.DONE
    if agreement.status == AgreementStatus.CANCELLED:
        return Change.CANCELLED
    if overdue:
        return Change.OVERDUE
    if postponed:
        return Change.POSTPONED
    if agreement.kind == AgreementKind.DECISION:
        return Change.NEW_DECISION
    return Change.NEW if created else Change.POSTPONED


async def news_since(
    session: AsyncSession, *, cluster: Cluster, since: dt.datetime, now: dt.datetime
) -> News:
    assert cluster.id is not None
    return (await news_of(session, clusters=[(cluster, since)], now=now))[cluster.id]


async def news_of(
    session: AsyncSession,
    *,
    clusters: Sequence[tuple[Cluster, dt.datetime]],
    now: dt.datetime,
) -> dict[int, News]:
    """The news of each cluster since its own moment, keyed by cluster id, in six queries.

    Many clusters (Monday's digests) cost the same statements as one: each query reads every
    cluster at once from the earliest of their moments, and each cluster then keeps what is
    news since its own. The queries are built once, at import.
    """
    ids = [cluster.id for cluster, _ in clusters if cluster.id is not None]
    if not ids:
        return {}
    params = {"ids": ids, "since": min(since for _, since in clusters), "now": now}
    await session.flush()  # read below the ORM, which would not flush
    connection = await session.connection()
    agreements = await _by_cluster(connection, _AGREEMENTS, params, AgreementRow)
    actions = await _by_cluster(connection, _ACTIONS, params, ActionRow)
    polls = await _by_cluster(connection, _POLLS, params, PollRow)
    meetings = await _by_cluster(connection, _MEETINGS, params, MeetingRow)
    members = await _by_cluster(connection, _MEMBERS, params, MemberRow)
    places = await _by_cluster(connection, _PLACES, params, PlaceRow)
    found: dict[int, News] = {}
    for cluster, since in clusters:
        assert cluster.id is not None
        cid = cluster.id
        upcoming = [m for m in meetings.get(cid, []) if m.starts_at > now]
        news = _news(
            cluster,
            since,
            now,
            agreements=agreements.get(cid, []),
            actions=actions.get(cid, []),
            polls=[p for p in polls.get(cid, []) if p.created_at >= since],
            meetings=[m for m in meetings.get(cid, []) if m.created_at >= since],
            members={m.id: m for m in members.get(cid, [])},
            places={m.id: m for m in places.get(cid, [])},
        )
        news.next_meeting = min(upcoming, key=lambda m: (m.starts_at, m.number), default=None)
        found[cid] = news
    return found


_R = TypeVar("_R", AgreementRow, ActionRow, PollRow, MeetingRow, MemberRow, PlaceRow)


async def _by_cluster(
    connection: AsyncConnection, query: Executable, params: dict[str, Any], row: type[_R]
) -> dict[int, list[_R]]:
    grouped: dict[int, list[_R]] = {}
    for values in (await connection.execute(query, params)).all():
        grouped.setdefault(values[0], []).append(row._make(values))
    return grouped


_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_SINCE: BindParameter[Any] = bindparam("since")

# Open tasks and what was made or closed since `since`, as plain values: nothing here is
# changed, and a register of a hundred agreements is read every week, so neither ORM rows nor
# the ORM's reading of them; when each was last postponed comes from its history.
_AGREEMENTS = core_select(
    col(Agreement.cluster_id),
    col(Agreement.id),
    col(Agreement.number),
    col(Agreement.text),
    col(Agreement.kind),
    col(Agreement.status),
    col(Agreement.theme),
    col(Agreement.owner_member_id),
    col(Agreement.municipality_id),
    col(Agreement.action_id),
    col(Agreement.due_date),
    col(Agreement.due_time),
    col(Agreement.created_at),
    col(Agreement.closed_at),
    select(func.max(AuditEvent.at))
    .where(
        col(AuditEvent.cluster_id) == col(Agreement.cluster_id),
        AuditEvent.entity == "agreement",
        col(AuditEvent.entity_id) == col(Agreement.id),
        AuditEvent.action == "postponed",
    )
    .scalar_subquery(),
).where(
    col(Agreement.cluster_id).in_(_IDS),
    or_(
        and_(
            col(Agreement.status) == AgreementStatus.OPEN,
            col(Agreement.kind) == AgreementKind.TASK,
        ),
        col(Agreement.created_at) >= _SINCE,
        col(Agreement.closed_at) >= _SINCE,
    ),
)
_ACTIONS = core_select(
    col(Action.cluster_id),
    col(Action.id),
    col(Action.number),
    col(Action.title),
    col(Action.theme),
    col(Action.status),
    col(Action.created_at),
    col(Action.updated_at),
).where(col(Action.cluster_id).in_(_IDS))
_POLLS = core_select(
    col(MeetingPoll.cluster_id),
    col(MeetingPoll.id),
    col(MeetingPoll.number),
    col(MeetingPoll.status),
    col(MeetingPoll.deadline_at),
    col(MeetingPoll.created_at),
).where(col(MeetingPoll.cluster_id).in_(_IDS), col(MeetingPoll.created_at) >= _SINCE)
_MEETINGS = core_select(
    col(Meeting.cluster_id),
    col(Meeting.id),
    col(Meeting.number),
    col(Meeting.starts_at),
    col(Meeting.host_municipality_id),
    col(Meeting.location),
    col(Meeting.created_at),
).where(
    col(Meeting.cluster_id).in_(_IDS),
    col(Meeting.cancelled_at).is_(None),
    or_(col(Meeting.created_at) >= _SINCE, col(Meeting.starts_at) > bindparam("now")),
)
_MEMBERS = core_select(
    col(Member.cluster_id),
    col(Member.id),
    col(Member.name),
    col(Member.username),
    col(Member.erased),
    col(Member.left_at),
).where(col(Member.cluster_id).in_(_IDS))
_PLACES = core_select(
    col(Municipality.cluster_id), col(Municipality.id), col(Municipality.name)
).where(col(Municipality.cluster_id).in_(_IDS))


def _news(
    cluster: Cluster,
    since: dt.datetime,
    now: dt.datetime,
    *,
    agreements: list[AgreementRow],
    actions: list[ActionRow],
    polls: list[PollRow],
    meetings: list[MeetingRow],
    members: dict[int, MemberRow],
    places: dict[int, PlaceRow],
) -> News:
    today = local_today(cluster, now)
    since_day = local_today(cluster, since)
    soon_until = today + dt.timedelta(days=SOON_DAYS - 1)
    news = News(
        since=since,
        today=today,
        members=members,
        municipalities=places,
        actions={a.id: a for a in actions},
        polls_new=sorted(polls, key=lambda p: p.number),
        meetings_new=sorted(meetings, key=lambda m: (m.starts_at, m.number)),
    )
    for agreement in sorted(agreements, key=lambda a: a.number):
        is_open_task = (
            agreement.status == AgreementStatus.OPEN and agreement.kind == AgreementKind.TASK
        )
        due = agreement.due_date
        created = agreement.created_at >= since
        closed = agreement.closed_at is not None and agreement.closed_at >= since
        if not (is_open_task or created or closed):
            continue  # read for a cluster whose last digest came earlier
        newly_late = is_open_task and due is not None and since_day <= due < today
        postponed = (
            is_open_task and agreement.postponed_at is not None and agreement.postponed_at >= since
        )
        if is_open_task:
            news.open_count += 1
            owner = members.get(agreement.owner_member_id or 0)
            if owner is not None and owner.has_left:
                news.left_owned += 1
        if created or closed or newly_late or postponed:
            if agreement.status == AgreementStatus.CANCELLED and created:
                continue  # made and withdrawn within the week: nothing to tell
            news.changed.append(
                (
                    agreement,
                    _precedence(agreement, created=created, postponed=postponed,
                                overdue=newly_late),
                )
            )  # fmt: skip
        elif is_open_task and due is not None and due < since_day:
            news.older_overdue += 1
        elif is_open_task and due is not None and today <= due <= soon_until:
            news.due_soon.append(agreement)
    news.due_soon.sort(key=lambda a: (a.due_date or dt.date.max, a.number))
    for action in sorted(actions, key=lambda a: a.number):
        if action.created_at >= since:
            news.actions_new.append(action)
        elif action.updated_at is not None and action.updated_at >= since:
            news.actions_changed.append(action)
    return news


async def record_digest(
    session: AsyncSession, *, cluster: Cluster, quiet: bool, now: dt.datetime
) -> int:
    """A scheduled digest went out (or was held back): remember when, and how many were quiet.

    Returns the number of quiet digests in a row, this one included. The caller's commit
    writes it (one UPDATE for a whole batch of digests).
    """
    cluster.quiet_digests = cluster.quiet_digests + 1 if quiet else 0
    cluster.last_digest_at = now
    session.add(cluster)
    return cluster.quiet_digests
