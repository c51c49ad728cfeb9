"""The guidance as a one-year trajectory: its dates, its four phases, and where a cluster stands.

A cluster is guided for a year and then carries on alone, so every cluster has a start and an
end (by default the day of `/start` and a year later) and four phases in between: recruiting
and the plan of approach, preparing the cooperation, guiding it on the ground, and taking stock.
The last phase is the last two months, when the hand-over countdown runs.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.agreements import Agreement, AgreementStatus
from models.audit import record
from models.clusters import Cluster, Member
from models.errors import DomainError
from models.nudges import Nudge, NudgeStatus

MIN_DAYS = 56  # two months: shorter than that leaves no room for four phases
MAX_DAYS = 3 * 366
COUNTDOWN_WEEKS = (8, 4, 2, 1)  # the hand-over countdown, in weeks before the end


class Phase(StrEnum):
    PLAN = "plan"  # recruiting the neighbours, the plan of approach and its timing
    PREPARE = "prepare"  # preparing the cooperation: roles, first joint actions
    GUIDE = "guide"  # guiding the cooperation on the ground
    STOCK = "stock"  # lessons, practice examples, the hand-over


# Where each phase starts, as months after the start (the last is "two months before the end").
_PHASE_MONTHS = {Phase.PLAN: 0, Phase.PREPARE: 2, Phase.GUIDE: 5}
STOCK_BEFORE_END = dt.timedelta(days=61)


@dataclass(frozen=True)
class PhaseSpan:
    phase: Phase
    number: int  # 1..4
    start: dt.date
    end: dt.date  # inclusive


@dataclass(frozen=True)
class Trajectory:
    start: dt.date
    end: dt.date  # the last day of guidance; the hand-over is due by then

    @property
    def phases(self) -> list[PhaseSpan]:
        """The four phases, each starting the day after the one before ends."""
        return list(_phases(self.start, self.end))

    def phase_on(self, day: dt.date) -> PhaseSpan | None:
        """The phase that `day` falls in; None before the start and after the end."""
        return next((p for p in self.phases if p.start <= day <= p.end), None)

    def weeks_left(self, day: dt.date) -> int:
        """Whole weeks from `day` to the end (0 in the last week and after)."""
        return max(0, (self.end - day).days // 7)

    def countdown_days(self) -> list[tuple[int, dt.date]]:
        """(weeks before the end, day) for each countdown message still inside the trajectory."""
        return [
            (weeks, self.end - dt.timedelta(weeks=weeks))
            for weeks in COUNTDOWN_WEEKS
            if self.end - dt.timedelta(weeks=weeks) >= self.start
        ]


@lru_cache(maxsize=4096)
def _phases(begin: dt.date, end: dt.date) -> tuple[PhaseSpan, ...]:
    """Worked out once per pair of dates: the cockpit asks it of every cluster on every view."""
    starts = [add_months(begin, _PHASE_MONTHS[p]) for p in (Phase.PLAN, Phase.PREPARE,
              Phase.GUIDE)]  # fmt: skip
    starts.append(end - STOCK_BEFORE_END + dt.timedelta(days=1))
    # A short trajectory squeezes the months: keep the starts in order and inside the span.
    total = (end - begin).days + 1
    if not starts[0] < starts[1] < starts[2] < starts[3] <= end:
        starts = [begin + dt.timedelta(days=total * k // 4) for k in range(4)]
    spans = []
    for index, phase in enumerate(Phase):
        last = starts[index + 1] - dt.timedelta(days=1) if index < 3 else end
        spans.append(PhaseSpan(phase, index + 1, starts[index], last))
    return tuple(spans)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later, or that month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_end(start: dt.date) -> dt.date:
    """A year of guidance: from 1 March to the last day of February."""
    return add_months(start, 12) - dt.timedelta(days=1)


def trajectory_of(cluster: Cluster) -> Trajectory:
    start = (
        cluster.trajectory_start or cluster.created_at.astimezone(ZoneInfo(cluster.timezone)).date()
    )
    end = cluster.trajectory_end or default_end(start)
    return Trajectory(start, end)


def check_dates(start: dt.date, end: dt.date) -> None:
    if end <= start:
        raise DomainError("trajectory.end_before_start")
    days = (end - start).days
    if days < MIN_DAYS:
        raise DomainError("trajectory.too_short")
    if days > MAX_DAYS:
        raise DomainError("trajectory.too_long")


async def set_trajectory(
    session: AsyncSession,
    *,
    cluster: Cluster,
    start: dt.date | None,
    end: dt.date | None,
    by: Member | None,
    now: dt.datetime,
) -> Trajectory:
    """New dates (either may be left as they are); an end without a start keeps the start.

    A start without an end moves the end along to a year later, unless an end was set before.
    The caller re-plans the trajectory's messages in the same transaction.
    """
    if start is None and end is None:
        raise DomainError("trajectory.usage")
    before = trajectory_of(cluster)
    new_start = start or before.start
    new_end = end or (cluster.trajectory_end if cluster.trajectory_end else default_end(new_start))
    check_dates(new_start, new_end)
    cluster.trajectory_start = new_start
    cluster.trajectory_end = new_end
    session.add(cluster)
    assert cluster.id is not None
    await record(
        session,
        cluster_id=cluster.id,
        actor_member_id=by.id if by else None,
        entity="cluster",
        entity_id=cluster.id,
        action="trajectory",
        now=now,
        before={"start": before.start.isoformat(), "end": before.end.isoformat()},
        after={"start": new_start.isoformat(), "end": new_end.isoformat()},
    )
    await session.flush()
    return Trajectory(new_start, new_end)


async def escalated_open(session: AsyncSession, *, cluster: Cluster) -> list[Agreement]:
    """Open agreements whose escalation went out for their current due date: left lying."""
    rows = await session.exec(
        select(Agreement, Nudge.dedupe_key)
        .join(Nudge, col(Nudge.subject_id) == col(Agreement.id))
        .where(
            Agreement.cluster_id == cluster.id,
            Agreement.status == AgreementStatus.OPEN,
            Nudge.cluster_id == cluster.id,
            Nudge.subject_type == "agreement",
            Nudge.kind == "agreement_escalation",
            Nudge.status == NudgeStatus.SENT,
        )
        .order_by(col(Agreement.number))
    )
    found: dict[int, Agreement] = {}
    for agreement, key in rows.all():
        if agreement.due_date is not None and key.endswith(agreement.due_date.isoformat()):
            found[agreement.number] = agreement
    return list(found.values())
