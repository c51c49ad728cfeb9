"""The sweep: every nudge whose moment has come is sent once, by whichever process claims it.

The rows are the whole state. A sweep claims due rows (`models.nudges.claim_due`), checks the
cluster can still be reached and that the moment is allowed, hands each row to `deliver` (which
handlers/ provides through bot/, so this room never imports handlers/), and records the outcome.
`deliver` only prepares: what the item's moment changes (a poll closed at its deadline) is
committed together with the prepared messages on the row, and the messages are sent after that
commit, outside any transaction. A failed send is retried from the row, so the change is never
made twice and the group never hears of a change that is not stored.

Weekly digests of different clusters that fall due together (Monday morning) are prepared
together, with the same few statements for the whole batch, when `deliver` can (`DeliverDigests`);
each is still sent, retried and given up on its own.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol, runtime_checkable

from sqlalchemy import bindparam, insert, or_
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.clusters import Cluster, ClusterStatus
from models.db import SessionMaker
from models.nudges import (
    CLAIM_LEASE,
    MESSAGE,
    Claim,
    Nudge,
    NudgeStatus,
    PlannedRow,
    claim_due,
    defer,
    defer_many,
    insert_planned,
    mark_failed,
    mark_sent,
    mark_skipped,
    mark_skipped_many,
    mark_undeliverable,
    sent_marks,
    sync_planned,
)
from scheduler.calendar import is_allowed_moment, next_allowed_moment, to_utc
from scheduler.clock import Clock
from scheduler.planning import next_digest
from scheduler.replan import calendar_rules, nudge_settings

__all__ = [
    "DIGEST",
    "EXEMPT_KINDS",
    "ChatGone",
    "Deliver",
    "DeliverDigests",
    "Outbound",
    "Skipped",
    "SweepReport",
    "plan_digests",
    "replan_digest",
    "replan_digests",
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
# A reply kept in the outbox answers someone now, whatever the hour.
EXEMPT_KINDS = frozenset({"meeting_hour_before", "message"})
# A safety net against a sweep that never ends (rows keep becoming due while it runs).
_MAX_BATCHES = 1000
# Clusters whose digests the safety net plans in one transaction.
_PLANNED_TOGETHER = 500


class ChatGone(Exception):
    """Raised by `deliver` when the cluster's chat cannot be reached any more."""


@dataclass(frozen=True)
class Skipped:
    """Returned by `deliver` for a nudge whose item changed since it was planned."""

    reason: str


@dataclass
class Outbound:
    """What `deliver` prepared; `send` runs after the commit and counts its progress in
    `payload`, which the row keeps when sending fails, for the retry."""

    send: Callable[[], Awaitable[None]]
    payload: dict[str, Any] = field(default_factory=dict)


Deliver = Callable[[AsyncSession, Nudge, dt.datetime], Awaitable[Skipped | Outbound]]


@runtime_checkable
class DeliverDigests(Protocol):
    """A `Deliver` that also prepares many clusters' weekly digests at once, in the order
    given, in the caller's transaction: Monday morning's digests cost a few queries per batch
    instead of a dozen per cluster."""

    async def __call__(
        self, session: AsyncSession, nudge: Nudge, now: dt.datetime
    ) -> Skipped | Outbound: ...

    async def digests(
        self, session: AsyncSession, nudges: Sequence[Nudge], now: dt.datetime
    ) -> list[Skipped | Outbound]: ...


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
    batch_size: int = 50,
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
        for run in _runs(claims, batched=isinstance(deliver, DeliverDigests)):
            if isinstance(deliver, DeliverDigests) and run[0].kind == DIGEST:
                await _handle_digests(sessions, deliver, clock, run, report)
            else:
                for claim in run:
                    await _handle(sessions, deliver, clock, claim, report)
    return report


def _runs(claims: Sequence[Claim], *, batched: bool) -> list[list[Claim]]:
    """The claims in their order, consecutive digests of different clusters taken together.

    A digest that follows another kind waits for it (a poll closed at 9:00 shows in the 9:00
    digest as closed), and a second digest of the same cluster for the first (its news starts
    where the first ended).
    """
    runs: list[list[Claim]] = []
    clusters: set[int | None] = set()
    for claim in claims:
        digest = batched and claim.kind == DIGEST
        if digest and runs and runs[-1][0].kind == DIGEST and claim.cluster_id not in clusters:
            runs[-1].append(claim)
        else:
            runs.append([claim])
            clusters = set()
        if digest:
            clusters.add(claim.cluster_id)
    return runs


async def _handle(
    sessions: SessionMaker, deliver: Deliver, clock: Clock, claim: Claim, report: SweepReport
) -> None:
    now = clock.now()
    async with sessions() as session:
        nudge = await session.get(Nudge, claim.nudge_id)
        if nudge is None or nudge.status != NudgeStatus.PENDING or nudge.attempts != claim.attempt:
            report.lost += 1
            return
        cluster = await session.get(Cluster, nudge.cluster_id) if nudge.cluster_id else None
        if nudge.cluster_id is not None and (cluster is None or not cluster.is_active):
            await mark_undeliverable(session, claim=claim, error="the cluster is inactive")
            await session.commit()
            report.undeliverable += 1
            return
        if cluster is not None and nudge.kind not in EXEMPT_KINDS:
            rules = calendar_rules(cluster)
            if not is_allowed_moment(now, rules):
                await defer(session, claim=claim, until=next_allowed_moment(now, rules))
                await session.commit()
                report.deferred += 1
                return
        if nudge.kind == DIGEST and cluster is not None and nudge.due_at < now - DIGEST_WINDOW:
            # Weeks late, that week's overview is history: the next one replaces it.
            await mark_skipped(session, claim=claim, reason="a newer digest replaces it")
            await session.commit()
            report.skipped += 1
            await _plan_next_digest(session, cluster, now)
            return
        key, kind, cluster_id = nudge.dedupe_key, nudge.kind, nudge.cluster_id
        try:
            outcome = await deliver(session, nudge, now)
        except Exception as exc:
            await session.rollback()
            await _failed(session, claim, now, key, exc, None)
            report.failed += 1
            return
        if isinstance(outcome, Skipped):
            done = await mark_skipped(session, claim=claim, reason=outcome.reason)
            await session.commit()
            report.skipped += 1
            if not done:
                log.info("nudge %s: skipped while no longer claimed", key)
            if kind == DIGEST and cluster_id is not None:
                await _plan_digest_of(sessions, cluster_id, now)
            return
        # What the moment changed (and the prepared messages, if it changed anything) are
        # stored before anyone is told.
        await session.commit()
    if not await _send(sessions, clock, claim, key, cluster_id, outcome, report):
        return
    await _record_sent(sessions, claim, now, key, outcome, report, discard=kind == MESSAGE)
    if kind == DIGEST and cluster_id is not None:
        # Apart from "sent": should this fail, the digest planning job fills the gap.
        await _plan_digest_of(sessions, cluster_id, now)


async def _record_sent(
    sessions: SessionMaker,
    claim: Claim,
    now: dt.datetime,
    key: str,
    outcome: Outbound,
    report: SweepReport,
    *,
    discard: bool = False,
) -> None:
    async with sessions() as session:
        done = await mark_sent(
            session, claim=claim, now=now, payload=outcome.payload, discard=discard
        )
        await session.commit()
    report.sent += 1
    if not done:
        # The item was re-planned or another process took over while this one delivered.
        log.info("nudge %s: finished while no longer claimed", key)


async def _send(
    sessions: SessionMaker,
    clock: Clock,
    claim: Claim,
    key: str,
    cluster_id: int | None,
    outcome: Outbound,
    report: SweepReport,
) -> bool:
    """Send what was prepared; False (and the row marked) when it did not go."""
    try:
        await outcome.send()
    except ChatGone as exc:
        async with sessions() as session:
            log.warning("nudge %s: chat of cluster %s is gone (%s)", key, cluster_id, exc)
            await mark_undeliverable(session, claim=claim, error=str(exc) or "chat gone")
            gone = await session.get(Cluster, cluster_id) if cluster_id else None
            if gone is not None:
                gone.status = ClusterStatus.INACTIVE
                session.add(gone)
            await session.commit()
        report.undeliverable += 1
        return False
    except Exception as exc:
        async with sessions() as session:
            await _failed(session, claim, clock.now(), key, exc, outcome.payload)
        report.failed += 1
        return False
    return True


async def _handle_digests(
    sessions: SessionMaker,
    deliver: DeliverDigests,
    clock: Clock,
    claims: list[Claim],
    report: SweepReport,
) -> None:
    """`_handle` for digests of different clusters, with a fixed number of statements to
    prepare them.

    One transaction loads the rows and clusters, defers what falls in a cluster's quiet hours
    or day off, and prepares every digest left (its words kept on its row); each is then sent
    on its own and marked sent at once (one UPDATE and its commit on a connection held for the
    batch), so one that fails is retried alone, the others stand, and a process killed
    mid-batch repeats one digest at most; their next digests are planned together on that
    connection. Should preparing the batch fail, each row goes the one-by-one way, so a single
    broken digest cannot hold up the others. The rare rows of an inactive cluster or weeks late
    go that way too.
    """
    now = clock.now()
    alone: list[Claim] = []
    ready: list[tuple[Claim, Nudge]] = []
    deferred: list[tuple[Claim, dt.datetime]] = []
    lost = 0
    async with sessions() as session:
        ids = [claim.nudge_id for claim in claims]
        nudges = {
            n.id: n for n in (await session.exec(select(Nudge).where(col(Nudge.id).in_(ids))))
        }
        wanted = {n.cluster_id for n in nudges.values() if n.cluster_id is not None}
        clusters = {
            c.id: c
            for c in (await session.exec(select(Cluster).where(col(Cluster.id).in_(wanted))))
        }
        for claim in claims:
            nudge = nudges.get(claim.nudge_id)
            if (
                nudge is None
                or nudge.status != NudgeStatus.PENDING
                or nudge.attempts != claim.attempt
            ):
                lost += 1
                continue
            cluster = clusters.get(nudge.cluster_id) if nudge.cluster_id else None
            if cluster is None or not cluster.is_active or nudge.due_at < now - DIGEST_WINDOW:
                alone.append(claim)
                continue
            rules = calendar_rules(cluster)
            if not is_allowed_moment(now, rules):
                deferred.append((claim, next_allowed_moment(now, rules)))
                continue
            ready.append((claim, nudge))
        try:
            await defer_many(session, deferred=deferred)
            outcomes = await deliver.digests(session, [nudge for _, nudge in ready], now)
            skipped = [
                (claim, outcome.reason)
                for (claim, _), outcome in zip(ready, outcomes, strict=True)
                if isinstance(outcome, Skipped)
            ]
            await mark_skipped_many(session, skipped=skipped)
            await session.commit()
            prepared = True
        except Exception:
            log.exception("preparing %s digests together failed; one by one instead", len(ready))
            await session.rollback()
            prepared = False
    if not prepared:
        for claim in claims:
            await _handle(sessions, deliver, clock, claim, report)
        return
    report.lost += lost
    report.deferred += len(deferred)
    report.skipped += len(skipped)
    for claim in alone:
        await _handle(sessions, deliver, clock, claim, report)
    replan = [clusters[claim.cluster_id] for claim, _ in skipped if claim.cluster_id in clusters]
    async with sent_marks(sessions.kw["bind"]) as marks:
        for (claim, nudge), outcome in zip(ready, outcomes, strict=True):
            if isinstance(outcome, Skipped):
                continue
            if not await _send(
                sessions, clock, claim, nudge.dedupe_key, nudge.cluster_id, outcome, report
            ):
                continue
            # Marked (and committed) as soon as it went: a process killed now sends at most
            # this one digest again.
            if not await marks.mark(claim, now=now, payload=outcome.payload):
                log.info("nudge %s: finished while no longer claimed", nudge.dedupe_key)
            report.sent += 1
            if nudge.cluster_id in clusters:
                replan.append(clusters[nudge.cluster_id])
        # Apart from "sent": should this fail, the digest planning job fills the gap.
        async with marks.connection() as connection:
            others = await _plan_next_digests(connection, replan, now)
    await _plan_digests_of(sessions, others, now)


async def _failed(
    session: AsyncSession,
    claim: Claim,
    now: dt.datetime,
    key: str,
    exc: Exception,
    payload: dict[str, Any] | None,
) -> None:
    error = f"{type(exc).__name__}: {exc}"
    retry_at = await mark_failed(session, claim=claim, now=now, error=error, payload=payload)
    await session.commit()
    log.warning(
        "nudge %s failed (attempt %s), %s",
        key,
        claim.attempt,
        f"retry at {retry_at:%Y-%m-%d %H:%M} UTC" if retry_at else "given up",
        exc_info=exc,
    )


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
    await replan_digests(session, clusters=[cluster], now=now)


async def replan_digests(
    session: AsyncSession, *, clusters: Sequence[Cluster], now: dt.datetime
) -> None:
    """`replan_digest` of many clusters in two statements at most (the rows, one INSERT)."""
    ids = [cluster.id for cluster in clusters if cluster.id is not None]
    if not ids:
        return
    # A digest missed longer ago than the window is not worth sending; every pending row is
    # among these, so they also serve to cancel.
    window = to_utc(now) - DIGEST_WINDOW
    rows: dict[int, list[Nudge]] = {cluster_id: [] for cluster_id in ids}
    found = await session.exec(
        select(Nudge).where(
            col(Nudge.cluster_id).in_(ids),
            Nudge.subject_type == DIGEST_SUBJECT,
            col(Nudge.subject_id) == col(Nudge.cluster_id),
            Nudge.kind == DIGEST,
            or_(col(Nudge.status) == NudgeStatus.PENDING, col(Nudge.due_at) >= window),
        )
    )
    for row in found.all():
        if row.cluster_id is not None:
            rows[row.cluster_id].append(row)
    fresh: list[dict[str, Any]] = []
    for cluster in clusters:
        assert cluster.id is not None
        await sync_planned(
            session,
            cluster_id=cluster.id,
            subject_type=DIGEST_SUBJECT,
            subject_id=cluster.id,
            planned=_planned_digests(cluster, rows[cluster.id], now, window),
            now=now,
            thread_id=cluster.digest_thread_id,
            kinds=[DIGEST],
            loaded=rows[cluster.id],
            collect=fresh,
        )
    await insert_planned(session, fresh)


class _DigestRow(Protocol):
    @property
    def dedupe_key(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def due_at(self) -> dt.datetime: ...


def _planned_digests(
    cluster: Cluster, rows: Sequence[_DigestRow], now: dt.datetime, window: dt.datetime
) -> list[PlannedRow]:
    assert cluster.id is not None
    settings = nudge_settings(cluster)
    if not cluster.is_active or settings.digest_weekday is None:
        return []
    planned = [
        PlannedRow(kind=DIGEST, dedupe_key=row.dedupe_key, due_at=row.due_at)
        for row in rows
        if row.status == NudgeStatus.PENDING and window <= row.due_at <= now
    ]
    sent = {
        row.dedupe_key for row in rows if row.status != NudgeStatus.PENDING and row.due_at >= window
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
    return planned


class _Planned(NamedTuple):
    cluster_id: int
    dedupe_key: str
    status: str
    due_at: dt.datetime
    thread_id: int | None


_NUDGE = Nudge.metadata.tables["nudge"]
# A cluster's digest rows `replan_digests` looks at, as plain values.
_DIGEST_ROWS = core_select(
    _NUDGE.c.cluster_id, _NUDGE.c.dedupe_key, _NUDGE.c.status, _NUDGE.c.due_at, _NUDGE.c.thread_id
).where(
    _NUDGE.c.cluster_id.in_(bindparam("ids", expanding=True)),
    _NUDGE.c.subject_type == DIGEST_SUBJECT,
    _NUDGE.c.subject_id == _NUDGE.c.cluster_id,
    _NUDGE.c.kind == DIGEST,
    or_(_NUDGE.c.status == NudgeStatus.PENDING, _NUDGE.c.due_at >= bindparam("window")),
)


async def _plan_next_digests(
    connection: AsyncConnection, clusters: Sequence[Cluster], now: dt.datetime
) -> list[int]:
    """`replan_digests` of clusters whose digest just went, in one SELECT and one INSERT.

    After a digest went its cluster usually only needs its next row: that is all this does.
    Returns the clusters it left to `_plan_digests_of`: those with a pending row to cancel or
    move, or a cancelled one to bring back, and the whole batch should another process have
    planned one of the rows at the same moment.
    """
    ids = [cluster.id for cluster in clusters if cluster.id is not None]
    if not ids:
        return []
    window = to_utc(now) - DIGEST_WINDOW
    rows: dict[int, list[_Planned]] = {cluster_id: [] for cluster_id in ids}
    for row in await connection.execute(_DIGEST_ROWS, {"ids": ids, "window": window}):
        rows[row.cluster_id].append(_Planned(*row))
    fresh: list[dict[str, Any]] = []
    others: list[int] = []
    for cluster in clusters:
        assert cluster.id is not None
        existing = {row.dedupe_key: row for row in rows[cluster.id]}
        wanted = {p.dedupe_key: p for p in _planned_digests(cluster, rows[cluster.id], now, window)}
        thread_id = cluster.digest_thread_id
        if any(
            (
                row.status == NudgeStatus.PENDING
                and (
                    row.dedupe_key not in wanted
                    or (wanted[row.dedupe_key].due_at, thread_id) != (row.due_at, row.thread_id)
                )
            )
            or (
                row.status == NudgeStatus.CANCELLED
                and row.dedupe_key in wanted
                and wanted[row.dedupe_key].due_at >= now
            )
            for row in existing.values()
        ):
            others.append(cluster.id)
            continue
        fresh += [
            {
                "cluster_id": cluster.id,
                "kind": DIGEST,
                "subject_type": DIGEST_SUBJECT,
                "subject_id": cluster.id,
                "dedupe_key": plan.dedupe_key,
                "due_at": plan.due_at,
                "status": NudgeStatus.PENDING,
                "attempts": 0,
                "thread_id": thread_id,
            }
            for key, plan in wanted.items()
            if key not in existing and plan.due_at >= now
        ]
    try:
        if fresh:
            await connection.execute(insert(_NUDGE), fresh)
        await connection.commit()
    except IntegrityError:
        await connection.rollback()
        log.info("some digests were planned by another process; one by one instead")
        return ids
    return others


async def plan_digests(sessions: SessionMaker, *, now: dt.datetime) -> int:
    """Plan the next digest of every active cluster that has none pending; returns how many.

    The safety net behind the planning on registration, settings and sending: it runs at
    start-up and every few hours, never with each sweep. One query finds the clusters without a
    pending digest (an index lookup per cluster, whatever the history); they are planned a few
    hundred to a transaction, and a row another process planned at the same moment (unique
    dedupe key) is simply left to that process.
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
    found = [cluster_id for cluster_id in ids if cluster_id is not None]
    for start in range(0, len(found), _PLANNED_TOGETHER):
        planned += await _plan_digests_of(sessions, found[start : start + _PLANNED_TOGETHER], now)
    return planned


async def _plan_digests_of(sessions: SessionMaker, cluster_ids: list[int], now: dt.datetime) -> int:
    """Plan the next digest of these clusters in one transaction; returns how many.

    A row another process planned at the same moment (unique dedupe key) fails the batch, which
    is then planned cluster by cluster, leaving that row to the other process.
    """
    if not cluster_ids:
        return 0
    async with sessions() as session:
        found = await session.exec(select(Cluster).where(col(Cluster.id).in_(cluster_ids)))
        clusters = list(found.all())
        try:
            await replan_digests(session, clusters=clusters, now=now)
            await session.commit()
            return len(clusters)
        except IntegrityError:
            await session.rollback()
            log.info("some digests were planned by another process; one by one instead")
    planned = 0
    for cluster_id in cluster_ids:
        if await _plan_digest_of(sessions, cluster_id, now):
            planned += 1
    return planned


async def _plan_digest_of(sessions: SessionMaker, cluster_id: int, now: dt.datetime) -> bool:
    async with sessions() as session:
        cluster = await session.get(Cluster, cluster_id)
        if cluster is None:
            return False
        return await _plan_next_digest(session, cluster, now)
