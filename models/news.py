"""What changed in a cluster since a moment: the stuff of a weekly digest that is news.

A digest that repeats the whole register every week says nothing new after a month; this
module splits the register into what changed since the last digest, what falls due soon, and
a count of what was already late before. A fixed handful of statements, whatever the size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.actions import Action
from models.agreements import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    local_today,
    people_and_places,
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


@dataclass
class News:
    since: dt.datetime
    today: dt.date
    changed: list[tuple[Agreement, str]] = field(default_factory=list)
    due_soon: list[Agreement] = field(default_factory=list)
    older_overdue: int = 0
    open_count: int = 0
    left_owned: int = 0  # open agreements whose owner left the group: to pass on
    actions_new: list[Action] = field(default_factory=list)
    actions_changed: list[Action] = field(default_factory=list)
    polls_new: list[MeetingPoll] = field(default_factory=list)
    meetings_new: list[Meeting] = field(default_factory=list)
    members: dict[int, Member] = field(default_factory=dict)
    municipalities: dict[int, Municipality] = field(default_factory=dict)
    actions: dict[int, Action] = field(default_factory=dict)

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

    def theme_of(self, agreement: Agreement) -> str | None:
        if agreement.theme:
            return agreement.theme
        action = self.actions.get(agreement.action_id) if agreement.action_id else None
        return action.theme if action is not None else None


def _precedence(agreement: Agreement, *, created: bool, postponed: bool, overdue: bool) -> str:
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
    today = local_today(cluster, now)
    since_day = local_today(cluster, since)
    soon_until = today + dt.timedelta(days=SOON_DAYS - 1)
    agreements = list(
        (
            await session.exec(
                select(Agreement).where(
                    Agreement.cluster_id == cluster.id,
                    or_(
                        and_(
                            col(Agreement.status) == AgreementStatus.OPEN,
                            col(Agreement.kind) == AgreementKind.TASK,
                        ),
                        col(Agreement.created_at) >= since,
                        col(Agreement.closed_at) >= since,
                    ),
                )
            )
        ).all()
    )
    postponed_ids = set(
        (
            await session.exec(
                select(AuditEvent.entity_id).where(
                    AuditEvent.cluster_id == cluster.id,
                    AuditEvent.entity == "agreement",
                    AuditEvent.action == "postponed",
                    col(AuditEvent.at) >= since,
                )
            )
        ).all()
    )
    actions = list(
        (await session.exec(select(Action).where(Action.cluster_id == cluster.id))).all()
    )
    polls = list(
        (
            await session.exec(
                select(MeetingPoll).where(
                    MeetingPoll.cluster_id == cluster.id, col(MeetingPoll.created_at) >= since
                )
            )
        ).all()
    )
    meetings = list(
        (
            await session.exec(
                select(Meeting).where(
                    Meeting.cluster_id == cluster.id,
                    col(Meeting.created_at) >= since,
                    col(Meeting.cancelled_at).is_(None),
                )
            )
        ).all()
    )
    members, places = await people_and_places(session, cluster=cluster)
    news = News(
        since=since,
        today=today,
        members=members,
        municipalities=places,
        actions={a.id: a for a in actions if a.id is not None},
        polls_new=sorted(polls, key=lambda p: p.number),
        meetings_new=sorted(meetings, key=lambda m: m.starts_at),
    )
    for agreement in sorted(agreements, key=lambda a: a.number):
        is_open_task = (
            agreement.status == AgreementStatus.OPEN and agreement.kind == AgreementKind.TASK
        )
        due = agreement.due_date
        created = agreement.created_at >= since
        closed = agreement.closed_at is not None and agreement.closed_at >= since
        newly_late = is_open_task and due is not None and since_day <= due < today
        postponed = is_open_task and agreement.id in postponed_ids
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

    Returns the number of quiet digests in a row, this one included.
    """
    cluster.quiet_digests = cluster.quiet_digests + 1 if quiet else 0
    cluster.last_digest_at = now
    session.add(cluster)
    await session.flush()
    return cluster.quiet_digests
