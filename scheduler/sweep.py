"""The sweep: every nudge whose moment has come is sent once, by whichever process claims it.

The rows are the whole state. A sweep claims due rows (`models.nudges.claim_due`), checks the
cluster can still be reached and that the moment is allowed, hands each row to `deliver` (which
handlers/ provides through bot/, so this room never imports handlers/), and records the outcome.
Delivery and "sent" are committed together, so an item that changes as a nudge goes out (a poll
closed at its deadline) changes exactly when its nudge counts as sent.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.clusters import Cluster, ClusterStatus
from models.db import SessionMaker
from models.nudges import (
    CLAIM_LEASE,
    Claim,
    Nudge,
    NudgeStatus,
    PlannedRow,
    claim_due,
    defer,
    mark_failed,
    mark_sent,
    mark_skipped,
    mark_undeliverable,
    sync_planned,
)
from scheduler.calendar import is_allowed_moment, next_allowed_moment, to_utc
from scheduler.clock import Clock
from scheduler.planning import next_digest
from scheduler.replan import calendar_rules, nudge_settings

__all__ = [
    "EXEMPT_KINDS",
    "ChatGone",
    "Deliver",
    "Skipped",
    "SweepReport",
    "plan_digests",
    "replan_digest",
    "sweep",
]

log = logging.getLogger(__name__)

DIGEST = "digest"
DIGEST_SUBJECT = "cluster"
# How late a digest may still go out after downtime; an older one is skipped for the next.
DIGEST_WINDOW = dt.timedelta(days=21)
# These go out at their exact moment: the hour-before reminder is on the meeting's own day,
# which the quiet-hours rule exempts. A poll's closing is not: it stops taking answers at its
# deadline, but the announcement, the meeting and the invitation wait for an allowed moment.
EXEMPT_KINDS = frozenset({"meeting_hour_before"})
# A safety net against a sweep that never ends (rows keep becoming due while it runs).
_MAX_BATCHES = 1000


class ChatGone(Exception):
    """Raised by `deliver` when the cluster's chat cannot be reached any more."""


@dataclass(frozen=True)
class Skipped:
    """Returned by `deliver` for a nudge whose item changed since it was planned."""

    reason: str


Deliver = Callable[[AsyncSession, Nudge, dt.datetime], Awaitable[Skipped | None]]


@dataclass
class SweepReport:
    sent: int = 0
    skipped: int = 0
    deferred: int = 0
    failed: int = 0
    undeliverable: int = 0
    lost: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.skipped + self.deferred + self.failed + self.undeliverable


async def sweep(
    sessions: SessionMaker,
    deliver: Deliver,
    clock: Clock,
    *,
    batch_size: int = 20,
    lease: dt.timedelta = CLAIM_LEASE,
) -> SweepReport:
    """Deliver every row due now, batch by batch, until none is left to claim.

    Rows are claimed in small batches so a lease never has to cover a long queue (Telegram
    allows 20 messages a minute per group); a row that fails waits for its back-off, so it is
    not claimed again within the same sweep.
    """
    report = SweepReport()
    for _ in range(_MAX_BATCHES):
        async with sessions() as session:
            claims = await claim_due(session, now=clock.now(), limit=batch_size, lease=lease)
            await session.commit()
        if not claims:
            break
        for claim in claims:
            await _handle(sessions, deliver, clock, claim, report)
    return report


async def _handle(
    sessions: SessionMaker, deliver: Deliver, clock: Clock, claim: Claim, report: SweepReport
) -> None:
    now = clock.now()
    async with sessions() as session:
        nudge = await session.get(Nudge, claim.nudge_id)
        if nudge is None or nudge.status != NudgeStatus.PENDING or nudge.attempts != claim.attempt:
            report.lost += 1
            return
        cluster = await session.get(Cluster, nudge.cluster_id)
        if cluster is None or not cluster.is_active:
            await mark_undeliverable(session, claim=claim, error="the cluster is inactive")
            await session.commit()
            report.undeliverable += 1
            return
        if nudge.kind not in EXEMPT_KINDS:
            rules = calendar_rules(cluster)
            if not is_allowed_moment(now, rules):
                await defer(session, claim=claim, until=next_allowed_moment(now, rules))
                await session.commit()
                report.deferred += 1
                return
        if nudge.kind == DIGEST and nudge.due_at < now - DIGEST_WINDOW:
            # Weeks late, that week's overview is history: the next one replaces it.
            await mark_skipped(session, claim=claim, reason="a newer digest replaces it")
            await session.commit()
            report.skipped += 1
            await _plan_next_digest(session, cluster, now)
            return
        key, kind, cluster_id, chat_id = nudge.dedupe_key, nudge.kind, cluster.id, cluster.chat_id
        try:
            outcome = await deliver(session, nudge, now)
        except ChatGone as exc:
            await session.rollback()
            log.warning("nudge %s: chat %s is gone (%s)", key, chat_id, exc)
            await mark_undeliverable(session, claim=claim, error=str(exc) or "chat gone")
            gone = await session.get(Cluster, cluster_id)
            if gone is not None:
                gone.status = ClusterStatus.INACTIVE
                session.add(gone)
            await session.commit()
            report.undeliverable += 1
            return
        except Exception as exc:
            await session.rollback()
            error = f"{type(exc).__name__}: {exc}"
            retry_at = await mark_failed(session, claim=claim, now=now, error=error)
            await session.commit()
            log.warning(
                "nudge %s failed (attempt %s), %s",
                key,
                claim.attempt,
                f"retry at {retry_at:%Y-%m-%d %H:%M} UTC" if retry_at else "given up",
                exc_info=exc,
            )
            report.failed += 1
            return
        if outcome is None:
            done = await mark_sent(session, claim=claim, now=now)
            report.sent += 1
        else:
            done = await mark_skipped(session, claim=claim, reason=outcome.reason)
            report.skipped += 1
        await session.commit()
        if not done:
            # The item was re-planned or another process took over while this one delivered.
            log.info("nudge %s: finished while no longer claimed", key)
        if kind == DIGEST:
            # Apart from "sent": should this fail, the digest planning job fills the gap.
            await _plan_next_digest(session, cluster, now)


async def _plan_next_digest(session: AsyncSession, cluster: Cluster, now: dt.datetime) -> bool:
    try:
        await replan_digest(session, cluster=cluster, now=now)
        await session.commit()
    except IntegrityError:
        await session.rollback()
        log.info("digest of cluster %s was planned by another process", cluster.id)
        return False
    return True


# --- the weekly digest -----------------------------------------------------------------------


async def replan_digest(session: AsyncSession, *, cluster: Cluster, now: dt.datetime) -> None:
    """Make the cluster's pending digest rows right for its current settings.

    A digest already due but not yet sent (the bot was down) stays, so it still goes out once;
    the next one is the first after `now` whose week has not had its digest yet. Turning the
    digest off, or an inactive cluster, cancels them all.
    """
    assert cluster.id is not None
    settings = nudge_settings(cluster)
    planned: list[PlannedRow] = []
    loaded: list[Nudge] | None = None
    if cluster.is_active and settings.digest_weekday is not None:
        # A digest missed longer ago than the window is not worth sending.
        window = to_utc(now) - DIGEST_WINDOW
        rows = (
            await session.exec(
                select(Nudge).where(
                    Nudge.cluster_id == cluster.id,
                    Nudge.subject_type == DIGEST_SUBJECT,
                    Nudge.subject_id == cluster.id,
                    Nudge.kind == DIGEST,
                    or_(
                        col(Nudge.status) == NudgeStatus.PENDING,
                        col(Nudge.due_at) >= window,
                    ),
                )
            )
        ).all()
        loaded = list(rows)
        planned = [
            PlannedRow(kind=DIGEST, dedupe_key=row.dedupe_key, due_at=row.due_at)
            for row in rows
            if row.status == NudgeStatus.PENDING and window <= row.due_at <= now
        ]
        sent = {
            row.dedupe_key
            for row in rows
            if row.status != NudgeStatus.PENDING and row.due_at >= window
        }
        after = now
        for _ in range(4):
            upcoming = next_digest(cluster_id=cluster.id, settings=settings, after=after)
            if upcoming is None:
                break
            if upcoming.dedupe_key not in sent:
                planned.append(PlannedRow(DIGEST, upcoming.dedupe_key, upcoming.due_at))
                break
            after = upcoming.due_at
    await sync_planned(
        session,
        cluster_id=cluster.id,
        subject_type=DIGEST_SUBJECT,
        subject_id=cluster.id,
        planned=planned,
        now=now,
        thread_id=cluster.digest_thread_id,
        kinds=[DIGEST],
        loaded=loaded,
    )


async def plan_digests(sessions: SessionMaker, *, now: dt.datetime) -> int:
    """Plan the next digest of every active cluster that has none pending; returns how many.

    The safety net behind the planning on registration, settings and sending: it runs at
    start-up and every few hours, never with each sweep. One query finds the clusters without a
    pending digest (an index lookup per cluster, whatever the history); each is planned in its
    own transaction, and a row another process planned at the same moment (unique dedupe key)
    is simply left to that process.
    """
    pending = select(Nudge.id).where(
        col(Nudge.cluster_id) == col(Cluster.id),
        Nudge.subject_type == DIGEST_SUBJECT,
        col(Nudge.subject_id) == col(Cluster.id),
        Nudge.kind == DIGEST,
        Nudge.status == NudgeStatus.PENDING,
    )
    async with sessions() as session:
        ids = (
            await session.exec(
                select(Cluster.id).where(
                    Cluster.status == ClusterStatus.ACTIVE,
                    col(Cluster.digest_weekday).is_not(None),
                    ~pending.exists(),
                )
            )
        ).all()
    planned = 0
    for cluster_id in ids:
        if cluster_id is not None and await _plan_digest_of(sessions, cluster_id, now):
            planned += 1
    return planned


async def _plan_digest_of(sessions: SessionMaker, cluster_id: int, now: dt.datetime) -> bool:
    async with sessions() as session:
        cluster = await session.get(Cluster, cluster_id)
        if cluster is None:
            return False
        return await _plan_next_digest(session, cluster, now)
