"""Turns a cluster's settings and an item's state into its pending nudge rows.

Called by handlers in the same session (and so the same transaction) as the change that
caused it: creating, postponing, completing or cancelling an agreement; opening or closing a
poll; planning or moving a meeting; changing the schedule settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.agreements import Agreement, AgreementStatus
from models.clusters import Cluster
from models.meetings import Meeting, MeetingPoll, PollStatus
from models.nudges import Nudge, PlannedRow, insert_planned, sync_planned
from models.trajectory import trajectory_of
from scheduler.calendar import CalendarRules
from scheduler.planning import (
    NudgeSettings,
    PlannedNudge,
    plan_agreement,
    plan_meeting,
    plan_meeting_end,
    plan_poll,
    plan_trajectory,
)

TRAJECTORY = "trajectory"


def parse_clock(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def calendar_rules(cluster: Cluster) -> CalendarRules:
    days_off = frozenset(
        (int(month), int(day))
        for month, day in (item.split("-") for item in cluster.extra_days_off or [])
    )
    return CalendarRules(
        tz=ZoneInfo(cluster.timezone),
        quiet_start=parse_clock(cluster.quiet_start),
        quiet_end=parse_clock(cluster.quiet_end),
        extra_days_off=days_off,
    )


def nudge_settings(cluster: Cluster) -> NudgeSettings:
    return NudgeSettings(
        rules=calendar_rules(cluster),
        reminder_lead_days=cluster.reminder_lead_days,
        reminders_enabled=cluster.reminders_enabled,
        digest_weekday=cluster.digest_weekday,
        digest_time=parse_clock(cluster.digest_time),
    )


def _rows(planned: list[PlannedNudge]) -> list[PlannedRow]:
    return [PlannedRow(kind=p.kind, dedupe_key=p.dedupe_key, due_at=p.due_at) for p in planned]


async def replan_agreement(
    session: AsyncSession,
    *,
    cluster: Cluster,
    agreement: Agreement,
    now: dt.datetime,
    new: bool = False,
) -> None:
    """`new`: the agreement was created in this transaction, so it has no rows yet."""
    assert cluster.id is not None and agreement.id is not None
    planned = plan_agreement(
        agreement_id=agreement.id,
        due_date=agreement.due_date,
        is_open=agreement.status == AgreementStatus.OPEN,
        has_addressee=agreement.owner_member_id is not None
        or agreement.municipality_id is not None,
        settings=nudge_settings(cluster),
        now=now,
    )
    await sync_planned(
        session,
        cluster_id=cluster.id,
        subject_type="agreement",
        subject_id=agreement.id,
        planned=_rows(planned),
        now=now,
        thread_id=agreement.thread_id,
        new=new,
    )


async def replan_poll(
    session: AsyncSession,
    *,
    cluster: Cluster,
    poll: MeetingPoll,
    now: dt.datetime,
    new: bool = False,
) -> None:
    assert cluster.id is not None and poll.id is not None
    planned = (
        plan_poll(
            poll_id=poll.id, deadline=poll.deadline_at, settings=nudge_settings(cluster), now=now
        )
        if poll.status == PollStatus.OPEN
        else []
    )
    await sync_planned(
        session,
        cluster_id=cluster.id,
        subject_type="poll",
        subject_id=poll.id,
        planned=_rows(planned),
        now=now,
        thread_id=poll.thread_id,
        new=new,
    )


async def replan_meeting(
    session: AsyncSession,
    *,
    cluster: Cluster,
    meeting: Meeting,
    now: dt.datetime,
    new: bool = False,
) -> None:
    assert cluster.id is not None and meeting.id is not None
    planned = (
        plan_meeting(
            meeting_id=meeting.id,
            starts_at=meeting.starts_at,
            settings=nudge_settings(cluster),
            now=now,
        )
        + plan_meeting_end(
            meeting_id=meeting.id,
            starts_at=meeting.starts_at,
            duration_minutes=meeting.duration_minutes,
            now=now,
        )
        if meeting.cancelled_at is None
        else []
    )
    await sync_planned(
        session,
        cluster_id=cluster.id,
        subject_type="meeting",
        subject_id=meeting.id,
        planned=_rows(planned),
        now=now,
        thread_id=meeting.thread_id,
        new=new,
    )


async def replan_trajectory(session: AsyncSession, *, cluster: Cluster, now: dt.datetime) -> None:
    """The phase announcements, the hand-over countdown and the evaluation of one cluster."""
    await replan_trajectories(session, clusters=[cluster], now=now)


async def replan_trajectories(
    session: AsyncSession, *, clusters: Sequence[Cluster], now: dt.datetime
) -> None:
    """`replan_trajectory` of many clusters (a batch of digests) in two statements at most."""
    ids = [cluster.id for cluster in clusters if cluster.id is not None]
    if not ids:
        return
    existing: dict[int, list[Nudge]] = {cluster_id: [] for cluster_id in ids}
    rows = await session.exec(
        select(Nudge).where(
            col(Nudge.cluster_id).in_(ids),
            Nudge.subject_type == TRAJECTORY,
            col(Nudge.subject_id) == col(Nudge.cluster_id),
        )
    )
    for row in rows.all():
        if row.cluster_id is not None:
            existing[row.cluster_id].append(row)
    fresh: list[dict[str, Any]] = []
    for cluster in clusters:
        assert cluster.id is not None
        trajectory = trajectory_of(cluster)
        planned = plan_trajectory(
            cluster_id=cluster.id,
            phase_starts=[(span.phase.value, span.start) for span in trajectory.phases[1:]],
            end=trajectory.end,
            countdown=trajectory.countdown_days(),
            settings=nudge_settings(cluster),
        )
        await sync_planned(
            session,
            cluster_id=cluster.id,
            subject_type=TRAJECTORY,
            subject_id=cluster.id,
            planned=_rows(planned),
            now=now,
            loaded=existing[cluster.id],
            collect=fresh,
        )
    await insert_planned(session, fresh)
