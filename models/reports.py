"""What the facilitator reads: the cockpit over all clusters, one cluster's detail, and the
records behind the export and the year report.

Every function here issues a fixed number of statements however many clusters, agreements or
meetings there are: a facilitator with twelve clusters and a year of history must not wait on
hundreds of round trips.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import func, or_
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from models.actions import Action, ActionMunicipality
from models.agreements import Agreement, AgreementKind, AgreementStatus, is_overdue, local_today
from models.audit import AuditEvent
from models.clusters import Cluster, ClusterStatus, Member, Municipality, Role
from models.lessons import Lesson
from models.meetings import AgendaItem, Meeting, MeetingPoll, PollStatus

QUIET_DAYS = 21

T = TypeVar("T")


# --- which clusters ---------------------------------------------------------------------------


async def facilitator_clusters(
    session: AsyncSession, *, user_id: int, active_only: bool = False
) -> list[Cluster]:
    """The clusters this facilitator registered, or writes in as a member.

    Registering sets `facilitator_user_id`; a second facilitator who joins a group becomes a
    member there on their first command, which makes the cluster theirs too.
    """
    member_of = select(Member.cluster_id).where(
        Member.user_id == user_id, col(Member.erased).is_(False)
    )
    query = select(Cluster).where(
        or_(col(Cluster.facilitator_user_id) == user_id, col(Cluster.id).in_(member_of))
    )
    if active_only:
        query = query.where(Cluster.status == ClusterStatus.ACTIVE)
    result = await session.exec(query.order_by(func.lower(Cluster.title), col(Cluster.id)))
    return list(result.all())


# --- the cockpit ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterSummary:
    cluster: Cluster
    municipalities: list[str]
    open_agreements: int
    overdue_agreements: int
    next_meeting_at: dt.datetime | None
    open_polls: int
    days_quiet: int | None  # None: never any activity

    @property
    def quiet(self) -> bool:
        return self.days_quiet is None or self.days_quiet >= QUIET_DAYS


async def cluster_summaries(
    session: AsyncSession, *, clusters: Sequence[Cluster], now: dt.datetime
) -> list[ClusterSummary]:
    """One line per cluster; quiet clusters first (the quietest on top), inactive ones last."""
    ids = [c.id for c in clusters if c.id is not None]
    if not ids:
        return []
    names: dict[int, list[str]] = defaultdict(list)
    rows = await session.exec(
        select(Municipality.cluster_id, Municipality.name)
        .where(col(Municipality.cluster_id).in_(ids), col(Municipality.active).is_(True))
        .order_by(Municipality.key)
    )
    for cluster_id, name in rows.all():
        names[cluster_id].append(name)

    # Counted by the database in one statement per local date (all clusters share one, as a
    # rule): a column per count, each a subquery on the cluster's own rows.
    by_today: dict[dt.date, list[int]] = defaultdict(list)
    for cluster in clusters:
        if cluster.id is not None:
            by_today[local_today(cluster, now)].append(cluster.id)
    counts: dict[int, tuple[int, int, dt.datetime | None, int]] = {}
    for today, group in by_today.items():
        rows = await session.exec(
            core_select(  # type: ignore[call-overload]
                col(Cluster.id),
                _open_tasks().scalar_subquery(),
                _open_tasks().where(col(Agreement.due_date) < today).scalar_subquery(),
                select(func.min(Meeting.starts_at))
                .where(
                    Meeting.cluster_id == Cluster.id,
                    col(Meeting.starts_at) >= now,
                    col(Meeting.cancelled_at).is_(None),
                )
                .scalar_subquery(),
                select(func.count())
                .where(MeetingPoll.cluster_id == Cluster.id, MeetingPoll.status == PollStatus.OPEN)
                .scalar_subquery(),
            ).where(col(Cluster.id).in_(group))
        )
        for cluster_id, open_count, late, next_at, polls in rows.all():
            counts[cluster_id] = (int(open_count or 0), int(late or 0), _aware(next_at), int(polls))

    summaries = []
    for cluster in clusters:
        assert cluster.id is not None
        last = cluster.last_activity_at
        open_tasks, overdue, next_meeting, polls = counts.get(cluster.id, (0, 0, None, 0))
        summaries.append(
            ClusterSummary(
                cluster=cluster,
                municipalities=names[cluster.id],
                open_agreements=open_tasks,
                overdue_agreements=overdue,
                next_meeting_at=next_meeting,
                open_polls=polls,
                days_quiet=None if last is None else max(0, (now - last).days),
            )
        )
    summaries.sort(key=_cockpit_order)
    return summaries


def _open_tasks() -> SelectOfScalar[int]:
    """The open tasks of the cluster of the enclosing query, counted."""
    return select(func.count()).where(
        Agreement.cluster_id == Cluster.id,
        Agreement.status == AgreementStatus.OPEN,
        Agreement.kind == AgreementKind.TASK,
    )


def _cockpit_order(summary: ClusterSummary) -> tuple[bool, bool, float, str]:
    """Active before inactive; quiet first, the longest silence on top; then by name."""
    silence = float("inf") if summary.days_quiet is None else summary.days_quiet
    return (
        not summary.cluster.is_active,
        not summary.quiet,
        -silence if summary.quiet else 0.0,
        summary.cluster.title.lower(),
    )


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """Aggregates may lose the column type on SQLite and hand back a naive UTC value."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


# --- one cluster ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityCounts:
    municipality: Municipality
    members: int
    open: int
    overdue: int
    done: int


@dataclass(frozen=True)
class ClusterDetail:
    summary: ClusterSummary
    municipalities: list[MunicipalityCounts]
    unassigned_open: int  # open agreements credited to no municipality
    coordinators: list[Member]
    next_meeting: Meeting | None
    next_meeting_host: str | None
    open_polls: list[MeetingPoll]
    overdue: list[Agreement]
    municipality_names: dict[int, str]
    actions_by_status: dict[str, int]
    lessons: int


async def cluster_detail(
    session: AsyncSession, *, cluster: Cluster, now: dt.datetime
) -> ClusterDetail:
    """The state a facilitator (or a new coordinator taking over) needs to see at once."""
    assert cluster.id is not None
    [summary] = await cluster_summaries(session, clusters=[cluster], now=now)
    today = local_today(cluster, now)

    municipalities = list(
        (
            await session.exec(
                select(Municipality)
                .where(Municipality.cluster_id == cluster.id)
                .order_by(Municipality.key)
            )
        ).all()
    )
    # Who is in the group now: not those who left, nor those named but never seen.
    members = list(
        (
            await session.exec(
                select(Member).where(
                    Member.cluster_id == cluster.id,
                    col(Member.erased).is_(False),
                    col(Member.left_at).is_(None),
                    col(Member.user_id).is_not(None),
                )
            )
        ).all()
    )
    agreements = list(
        (
            await session.exec(
                select(Agreement)
                .where(Agreement.cluster_id == cluster.id, Agreement.kind == AgreementKind.TASK)
                .order_by(col(Agreement.due_date), col(Agreement.number))
            )
        ).all()
    )
    next_meeting = (
        await session.exec(
            select(Meeting)
            .where(
                Meeting.cluster_id == cluster.id,
                col(Meeting.starts_at) >= now,
                col(Meeting.cancelled_at).is_(None),
            )
            .order_by(col(Meeting.starts_at))
            .limit(1)
        )
    ).first()
    open_polls = list(
        (
            await session.exec(
                select(MeetingPoll)
                .where(MeetingPoll.cluster_id == cluster.id, MeetingPoll.status == PollStatus.OPEN)
                .order_by(col(MeetingPoll.deadline_at))
            )
        ).all()
    )
    status_rows = await session.exec(
        select(Action.status, func.count())
        .where(Action.cluster_id == cluster.id)
        .group_by(col(Action.status))
    )
    lessons = (
        await session.exec(
            select(func.count()).select_from(Lesson).where(Lesson.cluster_id == cluster.id)
        )
    ).one()

    names = {m.id: m.name for m in municipalities if m.id is not None}
    member_count = Counter(m.municipality_id for m in members)
    open_by: Counter[int | None] = Counter()
    overdue_by: Counter[int | None] = Counter()
    done_by: Counter[int | None] = Counter()
    overdue: list[Agreement] = []
    for agreement in agreements:
        if agreement.status == AgreementStatus.OPEN:
            open_by[agreement.municipality_id] += 1
            if is_overdue(agreement, today):
                overdue_by[agreement.municipality_id] += 1
                overdue.append(agreement)
        elif agreement.status == AgreementStatus.DONE:
            done_by[agreement.municipality_id] += 1
    counts = [
        MunicipalityCounts(
            municipality=m,
            members=member_count[m.id],
            open=open_by[m.id],
            overdue=overdue_by[m.id],
            done=done_by[m.id],
        )
        for m in municipalities
        if m.active or open_by[m.id]
    ]
    host = None
    if next_meeting is not None and next_meeting.host_municipality_id is not None:
        host = names.get(next_meeting.host_municipality_id)
    return ClusterDetail(
        summary=summary,
        municipalities=counts,
        unassigned_open=open_by[None],
        coordinators=sorted(
            (m for m in members if m.role == Role.COORDINATOR), key=lambda m: m.name.lower()
        ),
        next_meeting=next_meeting,
        next_meeting_host=host,
        open_polls=open_polls,
        overdue=overdue,
        municipality_names=names,
        actions_by_status=dict(status_rows.all()),
        lessons=int(lessons),
    )


# --- the records behind the export and the year report ----------------------------------------


@dataclass
class ClusterRecords:
    """Everything of one cluster that the export writes, loaded in bulk."""

    cluster: Cluster
    municipalities: list[Municipality] = field(default_factory=list)
    members: dict[int, Member] = field(default_factory=dict)
    agreements: list[Agreement] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    action_municipalities: dict[int, list[int]] = field(default_factory=dict)
    meetings: list[Meeting] = field(default_factory=list)
    agenda: dict[int, list[AgendaItem]] = field(default_factory=dict)
    lessons: list[Lesson] = field(default_factory=list)
    history: dict[tuple[str, int], list[AuditEvent]] = field(default_factory=dict)

    @property
    def municipality_names(self) -> dict[int, str]:
        return {m.id: m.name for m in self.municipalities if m.id is not None}

    @property
    def actions_by_id(self) -> dict[int, Action]:
        return {a.id: a for a in self.actions if a.id is not None}

    @property
    def is_empty(self) -> bool:
        return not (self.agreements or self.actions or self.meetings or self.lessons)

    def theme_of(self, agreement: Agreement) -> str | None:
        """An agreement without its own theme takes the theme of the action it serves."""
        if agreement.theme:
            return agreement.theme
        action = self.actions_by_id.get(agreement.action_id) if agreement.action_id else None
        return action.theme if action is not None else None


async def cluster_records(
    session: AsyncSession, *, clusters: Sequence[Cluster]
) -> list[ClusterRecords]:
    """Nine statements for any number of clusters and items."""
    ids = [c.id for c in clusters if c.id is not None]
    records = {c.id: ClusterRecords(cluster=c) for c in clusters}
    if not ids:
        return []

    for m in await _all(session, select(Municipality).where(col(Municipality.cluster_id).in_(ids))):
        records[m.cluster_id].municipalities.append(m)
    for record in records.values():
        record.municipalities.sort(key=lambda m: m.key)
    for member in await _all(session, select(Member).where(col(Member.cluster_id).in_(ids))):
        assert member.id is not None
        records[member.cluster_id].members[member.id] = member
    for agreement in await _all(
        session,
        select(Agreement)
        .where(col(Agreement.cluster_id).in_(ids))
        .order_by(col(Agreement.cluster_id), col(Agreement.number)),
    ):
        records[agreement.cluster_id].agreements.append(agreement)
    action_cluster: dict[int, int] = {}
    for action in await _all(
        session,
        select(Action)
        .where(col(Action.cluster_id).in_(ids))
        .order_by(col(Action.cluster_id), col(Action.number)),
    ):
        assert action.id is not None
        records[action.cluster_id].actions.append(action)
        action_cluster[action.id] = action.cluster_id
    links = await session.exec(
        select(ActionMunicipality.action_id, ActionMunicipality.municipality_id)
        .join(Action, col(Action.id) == col(ActionMunicipality.action_id))
        .where(col(Action.cluster_id).in_(ids))
    )
    for action_id, municipality_id in links.all():
        records[action_cluster[action_id]].action_municipalities.setdefault(action_id, []).append(
            municipality_id
        )
    meeting_cluster: dict[int, int] = {}
    for meeting in await _all(
        session,
        select(Meeting)
        .where(col(Meeting.cluster_id).in_(ids))
        .order_by(col(Meeting.starts_at), col(Meeting.id)),
    ):
        assert meeting.id is not None
        records[meeting.cluster_id].meetings.append(meeting)
        meeting_cluster[meeting.id] = meeting.cluster_id
    for item in await _all(
        session,
        select(AgendaItem)
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .where(col(Meeting.cluster_id).in_(ids))
        .order_by(col(AgendaItem.meeting_id), col(AgendaItem.position)),
    ):
        records[meeting_cluster[item.meeting_id]].agenda.setdefault(item.meeting_id, []).append(
            item
        )
    for lesson in await _all(
        session,
        select(Lesson)
        .where(col(Lesson.cluster_id).in_(ids))
        .order_by(col(Lesson.created_at), col(Lesson.id)),
    ):
        records[lesson.cluster_id].lessons.append(lesson)
    for event in await _all(
        session,
        select(AuditEvent)
        .where(
            col(AuditEvent.cluster_id).in_(ids),
            col(AuditEvent.entity).in_(["agreement", "action"]),
        )
        .order_by(col(AuditEvent.at), col(AuditEvent.id)),
    ):
        records[event.cluster_id].history.setdefault((event.entity, event.entity_id), []).append(
            event
        )
    return [records[c.id] for c in clusters if c.id is not None]


async def _all(session: AsyncSession, query: SelectOfScalar[T]) -> list[T]:
    result = await session.exec(query)
    return list(result.all())


# --- the year report's numbers ----------------------------------------------------------------


@dataclass
class Tally:
    made: int = 0
    done: int = 0
    open: int = 0
    overdue: int = 0
    cancelled: int = 0

    def add(self, agreement: Agreement, today: dt.date) -> None:
        self.made += 1
        if agreement.status == AgreementStatus.DONE:
            self.done += 1
        elif agreement.status == AgreementStatus.CANCELLED:
            self.cancelled += 1
        else:
            self.open += 1
            if is_overdue(agreement, today):
                self.overdue += 1


@dataclass(frozen=True)
class YearNumbers:
    total: Tally
    by_municipality: dict[str, Tally]  # "" for agreements credited to no municipality
    by_theme: dict[str, Tally]  # "" for agreements without a theme
    decisions: int
    actions_by_status: dict[str, int]
    meetings_held: list[Meeting]
    meetings_planned: list[Meeting]


def year_numbers(records: ClusterRecords, *, now: dt.datetime) -> YearNumbers:
    """Agreements (tasks) made / done / overdue per municipality and per theme, and the rest."""
    today = local_today(records.cluster, now)
    names = records.municipality_names
    total = Tally()
    by_municipality: dict[str, Tally] = {
        m.name: Tally() for m in records.municipalities if m.active
    }
    by_theme: dict[str, Tally] = {}
    decisions = 0
    for agreement in records.agreements:
        if agreement.kind == AgreementKind.DECISION:
            decisions += 1
            continue
        total.add(agreement, today)
        municipality = names.get(agreement.municipality_id or -1, "")
        by_municipality.setdefault(municipality, Tally()).add(agreement, today)
        by_theme.setdefault(records.theme_of(agreement) or "", Tally()).add(agreement, today)
    live = [m for m in records.meetings if m.cancelled_at is None]
    return YearNumbers(
        total=total,
        by_municipality=by_municipality,
        by_theme=by_theme,
        decisions=decisions,
        actions_by_status=dict(Counter(a.status for a in records.actions)),
        meetings_held=[m for m in live if m.starts_at <= now],
        meetings_planned=[m for m in live if m.starts_at > now],
    )


def owner_name(records: ClusterRecords, member_id: int | None) -> str:
    """A member's name as stored; an erased member has none."""
    member = records.members.get(member_id) if member_id is not None else None
    if member is None or member.erased:
        return ""
    return member.name or (f"@{member.username}" if member.username else "")


def names_of(records: ClusterRecords, municipality_ids: Iterable[int]) -> list[str]:
    names = records.municipality_names
    return sorted(names[i] for i in municipality_ids if i in names)
