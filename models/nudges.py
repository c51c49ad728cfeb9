"""The outbox: every message the bot will send later is a row here."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    BindParameter,
    Column,
    Index,
    Integer,
    Text,
    bindparam,
    delete,
    insert,
    or_,
    text,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.types import TupleType
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import record
from models.clusters import Cluster, Member
from models.db import SINGLE_STATEMENT, defer_insert, execute_core, take_deferred
from models.errors import DomainError
from models.types import UTCDateTime


class NudgeStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    CANCELLED = "cancelled"
    FAILED = "failed"
    UNDELIVERABLE = "undeliverable"


class Nudge(SQLModel, table=True):
    __table_args__ = (
        # Every column the claim filters and orders on: claiming reads the index alone.
        Index("ix_nudge_claim", "status", "due_at", "claimed_until", "id"),
        Index("ix_nudge_subject", "cluster_id", "subject_type", "subject_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # None only for outbox messages to a chat that is no cluster (a private reply).
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id", index=True)
    kind: str = Field(max_length=32)
    subject_type: str = Field(max_length=16)
    subject_id: int
    dedupe_key: str = Field(max_length=200, unique=True)
    due_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    status: str = Field(default=NudgeStatus.PENDING, max_length=16)
    sent_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    claimed_until: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    thread_id: int | None = Field(default=None, sa_type=BigInteger)
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


@dataclass(frozen=True)
class PlannedRow:
    """What the planner wants to exist: models/ stays free of the planner's own types."""

    kind: str
    dedupe_key: str
    due_at: dt.datetime


# Every change to an agreement, poll or meeting reads its nudges: built once.
_OF_SUBJECT = select(Nudge).where(
    col(Nudge.cluster_id) == bindparam("cluster_id"),
    col(Nudge.subject_type) == bindparam("subject_type"),
    col(Nudge.subject_id) == bindparam("subject_id"),
)


async def sync_planned(
    session: AsyncSession,
    *,
    cluster_id: int,
    subject_type: str,
    subject_id: int,
    planned: Sequence[PlannedRow],
    now: dt.datetime,
    thread_id: int | None = None,
    kinds: Sequence[str] | None = None,
    new: bool = False,
    loaded: Sequence[Nudge] | None = None,
    collect: list[dict[str, Any]] | None = None,
) -> None:
    """Make the subject's pending nudges match `planned`, in the caller's transaction.

    Pending rows no longer planned are cancelled; planned rows that do not exist yet, or were
    cancelled, come (back) unless already past (a reminder for a moment gone by would be noise);
    sent rows are never touched, so a dedupe key is delivered at most once. `kinds` limits the
    sync to some kinds. A subject created in this transaction (`new`) has no rows to look up,
    and a caller that has `loaded` them already (every pending one among them) passes them on.
    The new rows go in with one INSERT, whatever their number, and a turn's with its outbox row
    (`add_outbox`); a caller syncing many subjects at once passes `collect` instead, gathers
    them all there and hands them to `insert_planned`.
    """
    if not planned and loaded is None:
        if not new:
            await _cancel_all(session, cluster_id, subject_type, subject_id, kinds)
        return
    existing: dict[str, Nudge] = {}
    if loaded is not None:
        existing = {row.dedupe_key: row for row in loaded if kinds is None or row.kind in kinds}
    elif not new:
        query = _OF_SUBJECT
        if kinds is not None:
            query = query.where(col(Nudge.kind).in_(list(kinds)))
        params = {"cluster_id": cluster_id, "subject_type": subject_type, "subject_id": subject_id}
        existing = {row.dedupe_key: row for row in (await session.exec(query, params=params)).all()}
    wanted = {row.dedupe_key: row for row in planned}
    for key, row in existing.items():
        if row.status == NudgeStatus.PENDING and key not in wanted:
            row.status = NudgeStatus.CANCELLED
            session.add(row)
    fresh: list[dict[str, Any]] = []
    for key, plan in wanted.items():
        found = existing.get(key)
        if found is None:
            if plan.due_at < now:
                continue
            fresh.append(
                {
                    "cluster_id": cluster_id,
                    "kind": plan.kind,
                    "subject_type": subject_type,
                    "subject_id": subject_id,
                    "dedupe_key": key,
                    "due_at": plan.due_at,
                    "status": NudgeStatus.PENDING,
                    "attempts": 0,
                    "thread_id": thread_id,
                }
            )
        elif found.status == NudgeStatus.PENDING or (
            found.status == NudgeStatus.CANCELLED and plan.due_at >= now
        ):
            found.status = NudgeStatus.PENDING
            found.due_at = plan.due_at
            found.thread_id = thread_id
            session.add(found)
    if collect is not None:
        collect += fresh
    else:
        await insert_planned(session, fresh)


async def _cancel_all(
    session: AsyncSession,
    cluster_id: int,
    subject_type: str,
    subject_id: int,
    kinds: Sequence[str] | None,
) -> None:
    """Nothing planned any more (an agreement done, a poll closed): one UPDATE, no rows loaded.

    The rows this session holds already, if any, are updated with it (`synchronize_session`), so
    a later flush does not write their old status back.
    """
    query = (
        update(Nudge)
        .where(
            col(Nudge.cluster_id) == cluster_id,
            col(Nudge.subject_type) == subject_type,
            col(Nudge.subject_id) == subject_id,
            col(Nudge.status) == NudgeStatus.PENDING,
        )
        .values(status=NudgeStatus.CANCELLED)
        .execution_options(synchronize_session="evaluate")
    )
    if kinds is not None:
        query = query.where(col(Nudge.kind).in_(list(kinds)))
    await session.exec(query)


async def insert_planned(session: AsyncSession, fresh: list[dict[str, Any]]) -> None:
    """The rows `sync_planned` found missing, in one INSERT (after the changes to the others)."""
    await session.flush()
    await defer_insert(session, Nudge, fresh)


async def cancel_pending(
    session: AsyncSession, *, cluster_id: int, subject_type: str, subject_id: int
) -> None:
    await sync_planned(
        session,
        cluster_id=cluster_id,
        subject_type=subject_type,
        subject_id=subject_id,
        planned=(),
        now=dt.datetime.max.replace(tzinfo=dt.UTC),
    )


# --- the outbox of replies -------------------------------------------------------------------

MESSAGE = "message"


_NUDGE = SQLModel.metadata.tables["nudge"]
_ADD_OUTBOX = insert(_NUDGE).returning(_NUDGE.c.id, _NUDGE.c.dedupe_key)


async def add_outbox(
    session: AsyncSession,
    *,
    cluster_id: int | None,
    key: str,
    messages: list[dict[str, Any]],
    now: dt.datetime,
    lease: dt.timedelta | None = None,
) -> Claim:
    """Keep what a turn is about to say, in the transaction of the change it confirms.

    The row is born claimed by the caller (who sends right after the commit); should that
    sending fail or the process die, the sweep sends it once the claim runs out.
    """
    dedupe_key = f"{MESSAGE}:{key}"[:200]
    outbox = {
        "cluster_id": cluster_id,
        "kind": MESSAGE,
        "subject_type": "chat",
        "subject_id": 0,
        "dedupe_key": dedupe_key,
        "due_at": now,
        "status": NudgeStatus.PENDING,
        "attempts": 1,
        "thread_id": None,
        "claimed_until": now + (lease or CLAIM_LEASE),
        "payload": {"messages": messages, "sent": 0},
    }
    # The nudge rows the turn planned share the statement: one INSERT of the table for all (the
    # ORM's would split the rows by which of their columns are empty).
    kept = take_deferred(session, Nudge)
    rows = [{**row, "claimed_until": None, "payload": None} for row in kept]
    result = await execute_core(session, _ADD_OUTBOX, [*rows, outbox])
    nudge_id = next(row_id for row_id, row_key in result.all() if row_key == dedupe_key)
    return Claim(nudge_id=nudge_id, attempt=1)


def settled(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a sent row keeps of its payload: who was reached, not the texts themselves."""
    if not payload:
        return None
    kept = {k: v for k, v in payload.items() if k not in ("messages", "sent")}
    return kept or None


# --- delivery --------------------------------------------------------------------------------

# A claim is a lease: a process that dies while delivering leaves its rows claimed, and they
# are taken up again once the lease runs out (the one case in which a message may go twice).
CLAIM_LEASE = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 8
_FIRST_RETRY = dt.timedelta(minutes=1)
_LONGEST_RETRY = dt.timedelta(hours=1)
_MAX_ERROR = 1000


@dataclass(frozen=True)
class Claim:
    """A row this process may deliver; `attempt` is the token that proves the claim is ours.

    `kind` and `cluster_id` come with the claim, so a sweep can group rows before loading them.
    """

    nudge_id: int
    attempt: int
    kind: str = field(default="", compare=False)
    cluster_id: int | None = field(default=None, compare=False)


def retry_delay(attempt: int) -> dt.timedelta:
    """1, 2, 4, … minutes after the n-th failed attempt, at most an hour."""
    delay: dt.timedelta = _FIRST_RETRY * 2 ** max(attempt - 1, 0)
    return min(delay, _LONGEST_RETRY)


def _claimable(now: BindParameter[dt.datetime]) -> Any:
    return (
        col(Nudge.status) == NudgeStatus.PENDING,
        col(Nudge.due_at) <= now,
        or_(col(Nudge.claimed_until).is_(None), col(Nudge.claimed_until) <= now),
    )


@lru_cache(maxsize=8)
def _claim_statement(dialect: str, limit: int) -> Any:
    """Built once per database and batch size: every sweep tick runs it, most claim nothing,
    and building it anew cost more than the database's work."""
    now: BindParameter[dt.datetime] = bindparam("now")
    candidates = (
        select(Nudge.id)
        .where(*_claimable(now))
        .order_by(col(Nudge.due_at), col(Nudge.id))
        .limit(limit)
    )
    picked: Any = candidates.scalar_subquery()
    if dialect == "postgresql":
        # A plain `IN (subquery … LIMIT)` may be run once per row by the planner, each run
        # skipping what the last one locked, until every due row is taken: a materialized
        # CTE is run once, so the limit holds.
        cte = candidates.with_for_update(skip_locked=True).cte("picked")
        cte = cte.prefix_with("MATERIALIZED")
        picked = select(cte.c.id)
    return (
        update(Nudge)
        .where(col(Nudge.id).in_(picked), *_claimable(now))
        .values(claimed_until=bindparam("until"), attempts=col(Nudge.attempts) + 1)
        .returning(
            col(Nudge.id),
            col(Nudge.attempts),
            col(Nudge.due_at),
            col(Nudge.kind),
            col(Nudge.cluster_id),
        )
        .execution_options(synchronize_session=False)
    )


async def claim_due(
    session: AsyncSession,
    *,
    now: dt.datetime,
    limit: int = 20,
    lease: dt.timedelta = CLAIM_LEASE,
) -> list[Claim]:
    """Claim up to `limit` due rows for this process, oldest first; the caller commits.

    One UPDATE whose subquery locks its rows with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so
    concurrent sweepers each get other rows; the outer WHERE repeats the conditions, so a row
    another process claimed in the meantime is left alone. On SQLite the UPDATE takes the
    database's single write lock before it reads, which gives the same guarantee. Claiming
    counts an attempt, and that count is the claim's token for `mark_sent` and friends.
    """
    statement = _claim_statement(session.get_bind().dialect.name, limit)
    result = await session.exec(statement, params={"now": now, "until": now + lease})
    rows = sorted(result.all(), key=lambda row: (row[2], row[0]))
    return [Claim(nudge_id=i, attempt=n, kind=kind, cluster_id=c) for i, n, _, kind, c in rows]


async def _finish(session: AsyncSession, claim: Claim, **values: Any) -> bool:
    result = await session.exec(
        update(Nudge)
        .where(
            col(Nudge.id) == claim.nudge_id,
            col(Nudge.attempts) == claim.attempt,
            col(Nudge.status) == NudgeStatus.PENDING,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def _finish_many(
    session: AsyncSession,
    rows: Sequence[tuple[Claim, dict[str, Any]]],
    **fixed: Any,
) -> int:
    """`_finish` for many rows in one statement (an executemany): `fixed` values for all, and
    each row's own values (the same keys for every row) beside its claim. Returns how many rows
    were still claimed."""
    if not rows:
        return 0
    table = SQLModel.metadata.tables["nudge"]
    own = list(rows[0][1])
    statement = (
        update(table)
        .where(
            table.c.id == bindparam("claimed_id"),
            table.c.attempts == bindparam("claimed_attempt"),
            table.c.status == NudgeStatus.PENDING,
        )
        .values(**fixed, **{name: bindparam(f"own_{name}") for name in own})
    )
    params = [
        {
            "claimed_id": claim.nudge_id,
            "claimed_attempt": claim.attempt,
            **{f"own_{name}": values[name] for name in own},
        }
        for claim, values in rows
    ]
    result = await session.exec(statement, params=params)
    return int(getattr(result, "rowcount", 0) or 0)


async def mark_sent(
    session: AsyncSession,
    *,
    claim: Claim,
    now: dt.datetime,
    payload: dict[str, Any] | None = None,
    discard: bool = False,
) -> bool:
    """False when the claim was lost (its lease ran out and another process took the row).

    `payload`, when given, is what delivery learnt (who was reached); the texts are dropped.
    `discard` deletes the row instead: a reply once sent is nothing to keep (nor its chat).
    """
    if discard:
        result = await session.exec(
            _DISCARD, params={"claimed_id": claim.nudge_id, "claimed_attempt": claim.attempt}
        )
        return bool(getattr(result, "rowcount", 0))
    values: dict[str, Any] = {}
    if payload is not None:
        values["payload"] = settled(payload)
    return await _finish(
        session,
        claim,
        status=NudgeStatus.SENT,
        sent_at=now,
        claimed_until=None,
        last_error=None,
        **values,
    )


class ReplyDiscards:
    """`mark_sent(discard=True)` of the turns' replies once they went, grouped into one DELETE.

    The first reply to finish deletes its row at once; the replies that finish while that
    DELETE is on its way wait for it and go together in the next one, led by the first of
    them. A reply alone waits for nothing, and under load one round trip serves many replies
    instead of one each. Each DELETE runs on a connection of its own, with no session around
    it, outside a transaction: a single statement is atomic by itself. Only the DELETE takes a
    place of `gate` (the turns' limit on connections), never a reply waiting for one.
    """

    def __init__(self, engine: AsyncEngine, gate: AbstractAsyncContextManager[Any]) -> None:
        self._engine = engine
        self._gate = gate
        # Each waiting claim with its future: True when it is to lead the next DELETE, False
        # when another's DELETE took its row.
        self._waiting: list[tuple[Claim, asyncio.Future[bool]]] = []
        self._busy = False

    async def discard(self, claim: Claim) -> None:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((claim, future))
        if self._busy:
            try:
                if not await future:
                    return
            except asyncio.CancelledError:
                if future.done() and not future.cancelled() and future.result():
                    self._release()  # chosen to lead, then cancelled: the next one leads
                raise
        else:
            future.set_result(True)
        self._busy = True
        while True:
            batch, self._waiting = self._waiting, []
            try:
                async with self._gate:
                    await _delete_replies(self._engine, [waiting[0] for waiting in batch])
            except Exception as exc:
                for _, waiting in batch:
                    if not waiting.done():
                        waiting.set_exception(exc)
                self._release()
                raise
            except BaseException:  # the leader was cancelled: its batch goes with the next
                self._waiting[:0] = batch
                self._release()
                raise
            for _, waiting in batch:
                if not waiting.done():
                    waiting.set_result(False)
            if not self._waiting:
                self._busy = False
                return
            if self._hand_on():
                return
            # Everyone still waiting gave up (cancelled): their rows go in this leader's next.

    def _release(self) -> None:
        if not self._hand_on():
            self._busy = False  # whatever is left goes with the next reply's DELETE

    def _hand_on(self) -> bool:
        """The first live waiter leads the next DELETE; False when there is none."""
        for _, waiting in self._waiting:
            if not waiting.done():
                waiting.set_result(True)
                return True
        return False


async def _delete_replies(engine: AsyncEngine, claims: list[Claim]) -> None:
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        else:
            connection = await connection.execution_options(**{SINGLE_STATEMENT: True})
        pairs = [(claim.nudge_id, claim.attempt) for claim in claims]
        await connection.execute(_DISCARD_ALL, {"ids": [id_ for id_, _ in pairs], "claims": pairs})
        await connection.commit()


def _discard_statement() -> Any:
    table = SQLModel.metadata.tables["nudge"]
    return delete(table).where(
        table.c.id == bindparam("claimed_id"),
        table.c.attempts == bindparam("claimed_attempt"),
        table.c.status == NudgeStatus.PENDING,
    )


def _discard_all_statement() -> Any:
    table = SQLModel.metadata.tables["nudge"]
    claims = bindparam("claims", expanding=True, type_=TupleType(Integer(), Integer()))
    # The ids by themselves as well: SQLite looks rows up by a row value's first column only
    # when that column has a condition of its own, and would otherwise scan the pending rows.
    return delete(table).where(
        table.c.id.in_(bindparam("ids", expanding=True)),
        tuple_(table.c.id, table.c.attempts).in_(claims),
        table.c.status == NudgeStatus.PENDING,
    )


_DISCARD = _discard_statement()
_DISCARD_ALL = _discard_all_statement()


class SentMarks:
    """Marks rows sent one at a time, each in its own commit, as a batch of digests goes.

    A batch of digests is sent one by one and each is marked as soon as it went, so a process
    killed mid-batch sends one again at most; a session per row would cost several times the
    UPDATE itself. On PostgreSQL the marks share a connection held for the batch; between two
    rows it holds no transaction, so it locks nothing while a message goes. SQLite has one
    connection for the whole bot (`models.db`), so each mark takes it only for its UPDATE.
    """

    def __init__(self, engine: AsyncEngine, held: AsyncConnection | None = None) -> None:
        self._engine = engine
        self._held = held

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        if self._held is not None:
            yield self._held
        else:
            async with self._engine.connect() as connection:
                yield connection

    async def mark(self, claim: Claim, *, now: dt.datetime, payload: dict[str, Any]) -> bool:
        """`mark_sent` of one row with its payload, committed before this returns."""
        async with self.connection() as connection:
            result = await connection.execute(
                _MARK_SENT,
                {
                    "claimed_id": claim.nudge_id,
                    "claimed_attempt": claim.attempt,
                    "sent_at": now,
                    "kept": settled(payload),
                },
            )
            await connection.commit()
        return bool(result.rowcount)


@asynccontextmanager
async def sent_marks(engine: AsyncEngine) -> AsyncIterator[SentMarks]:
    """`SentMarks` for a batch; on PostgreSQL on a connection taken from the pool for it.

    There its commits do not wait for the disk (`synchronous_commit` off, on this connection
    only, set back before it returns to the pool): a crash of the bot never loses a mark, a
    crash of the database server can lose the last fraction of a second of them, and those few
    digests go again. It is the trade `models.db` makes for SQLite (WAL with
    synchronous=NORMAL), and spares a disk flush per digest.
    """
    if engine.dialect.name != "postgresql":
        yield SentMarks(engine)
        return
    async with engine.connect() as connection:
        await connection.execute(_RELAXED)
        await connection.commit()
        try:
            yield SentMarks(engine, connection)
        finally:
            if not connection.invalidated:
                try:
                    await connection.rollback()
                    await connection.execute(_STRICT)
                    await connection.commit()
                except BaseException:
                    await connection.invalidate()  # never back to the pool relaxed
                    raise


_RELAXED = text("SET synchronous_commit = off")
_STRICT = text("RESET synchronous_commit")


def _mark_sent_statement() -> Any:
    table = SQLModel.metadata.tables["nudge"]
    return (
        update(table)
        .where(
            table.c.id == bindparam("claimed_id"),
            table.c.attempts == bindparam("claimed_attempt"),
            table.c.status == NudgeStatus.PENDING,
        )
        .values(
            status=NudgeStatus.SENT,
            sent_at=bindparam("sent_at"),
            claimed_until=None,
            last_error=None,
            payload=bindparam("kept", type_=table.c.payload.type),
        )
    )


_MARK_SENT = _mark_sent_statement()


async def mark_skipped_many(session: AsyncSession, *, skipped: Sequence[tuple[Claim, str]]) -> int:
    """`mark_skipped` of many rows, each with its reason, in one statement."""
    return await _finish_many(
        session,
        [(claim, {"last_error": f"skipped: {reason}"[:_MAX_ERROR]}) for claim, reason in skipped],
        status=NudgeStatus.CANCELLED,
        claimed_until=None,
    )


async def defer_many(
    session: AsyncSession, *, deferred: Sequence[tuple[Claim, dt.datetime]]
) -> int:
    """`defer` of many rows, each until its own moment, in one statement."""
    return await _finish_many(
        session,
        [(claim, {"claimed_until": until}) for claim, until in deferred],
        attempts=SQLModel.metadata.tables["nudge"].c.attempts - 1,
    )


async def mark_skipped(session: AsyncSession, *, claim: Claim, reason: str) -> bool:
    """The item changed since planning (done, cancelled, moved): nothing to say any more."""
    return await _finish(
        session,
        claim,
        status=NudgeStatus.CANCELLED,
        claimed_until=None,
        last_error=f"skipped: {reason}"[:_MAX_ERROR],
    )


async def mark_failed(
    session: AsyncSession,
    *,
    claim: Claim,
    now: dt.datetime,
    error: str,
    payload: dict[str, Any] | None = None,
) -> dt.datetime | None:
    """Record the error and retry later; after `MAX_ATTEMPTS` the row is given up (FAILED).

    `payload`, when given, keeps what is still to be sent (and how much already went), so the
    retry sends the rest of the message instead of redoing the change. Returns when it will be
    retried, or None when it was given up.
    """
    values: dict[str, Any] = {} if payload is None else {"payload": payload}
    if claim.attempt >= MAX_ATTEMPTS:
        await _finish(
            session,
            claim,
            status=NudgeStatus.FAILED,
            claimed_until=None,
            last_error=error[:_MAX_ERROR],
            **values,
        )
        return None
    retry_at = now + retry_delay(claim.attempt)
    await _finish(session, claim, claimed_until=retry_at, last_error=error[:_MAX_ERROR], **values)
    return retry_at


async def mark_undeliverable(session: AsyncSession, *, claim: Claim, error: str) -> bool:
    """The chat is gone: stop trying instead of retrying forever."""
    return await _finish(
        session,
        claim,
        status=NudgeStatus.UNDELIVERABLE,
        claimed_until=None,
        last_error=error[:_MAX_ERROR],
    )


async def defer(session: AsyncSession, *, claim: Claim, until: dt.datetime) -> bool:
    """Hand the row back until `until` (quiet hours, a day off) without counting an attempt."""
    return await _finish(session, claim, claimed_until=until, attempts=col(Nudge.attempts) - 1)


async def revive_missed(session: AsyncSession, *, cluster_id: int) -> int:
    """The bot is back in the cluster's chat: what could not be delivered goes once more.

    Of each subject's rows given up while the chat was unreachable only the latest comes back
    (one overdue reminder, not every one missed); delivery then checks it still applies (an
    agreement done meanwhile, a meeting past). Returns how many rows come back.
    """
    rows = (
        await session.exec(
            select(Nudge)
            .where(
                Nudge.cluster_id == cluster_id,
                Nudge.status == NudgeStatus.UNDELIVERABLE,
                Nudge.kind != MESSAGE,
            )
            .order_by(col(Nudge.due_at).desc(), col(Nudge.id).desc())
        )
    ).all()
    seen: set[tuple[str, int, bool]] = set()
    revived = 0
    for row in rows:
        subject = (row.subject_type, row.subject_id, "escalation" in row.kind)
        if subject in seen:
            row.status = NudgeStatus.CANCELLED
            row.last_error = "superseded by a later reminder after the bot came back"
        else:
            seen.add(subject)
            row.status = NudgeStatus.PENDING
            row.attempts = 0
            row.claimed_until = None
            revived += 1
        session.add(row)
    await session.flush()
    return revived


async def pending_of(
    session: AsyncSession, *, cluster_id: int, subject_type: str, kinds: Sequence[str]
) -> list[Nudge]:
    result = await session.exec(
        select(Nudge).where(
            Nudge.cluster_id == cluster_id,
            Nudge.subject_type == subject_type,
            col(Nudge.kind).in_(list(kinds)),
            Nudge.status == NudgeStatus.PENDING,
        )
    )
    return list(result.all())


# --- schedule settings -----------------------------------------------------------------------

MAX_LEAD_DAYS = 10
WORKING_WEEKDAYS = range(5)


@dataclass(frozen=True)
class Schedule:
    """A cluster's schedule settings (see /instellingen), as plain values."""

    digest_weekday: int | None
    digest_time: dt.time
    digest_thread_id: int | None
    reminder_lead_days: int
    reminders_enabled: bool
    quiet_start: dt.time
    quiet_end: dt.time
    extra_days_off: tuple[tuple[int, int], ...]

    @property
    def has_quiet_hours(self) -> bool:
        return self.quiet_start != self.quiet_end

    def is_quiet(self, moment: dt.time) -> bool:
        start, end = self.quiet_start, self.quiet_end
        if start == end:
            return False
        if start < end:
            return start <= moment < end
        return moment >= start or moment < end


def _read_clock(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def _clock_text(moment: dt.time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def schedule_of(cluster: Cluster) -> Schedule:
    days = sorted(
        (int(month), int(day))
        for month, day in (item.split("-") for item in cluster.extra_days_off or [])
    )
    return Schedule(
        digest_weekday=cluster.digest_weekday,
        digest_time=_read_clock(cluster.digest_time),
        digest_thread_id=cluster.digest_thread_id,
        reminder_lead_days=cluster.reminder_lead_days,
        reminders_enabled=cluster.reminders_enabled,
        quiet_start=_read_clock(cluster.quiet_start),
        quiet_end=_read_clock(cluster.quiet_end),
        extra_days_off=tuple(days),
    )


def _as_record(schedule: Schedule) -> dict[str, Any]:
    return {
        "digest_weekday": schedule.digest_weekday,
        "digest_time": _clock_text(schedule.digest_time),
        "digest_thread_id": schedule.digest_thread_id,
        "reminder_lead_days": schedule.reminder_lead_days,
        "reminders_enabled": schedule.reminders_enabled,
        "quiet_start": _clock_text(schedule.quiet_start),
        "quiet_end": _clock_text(schedule.quiet_end),
        "extra_days_off": [f"{m:02d}-{d:02d}" for m, d in schedule.extra_days_off],
    }


def _check(schedule: Schedule, before: Schedule) -> None:
    if schedule.digest_weekday is not None and schedule.digest_weekday not in WORKING_WEEKDAYS:
        raise DomainError("settings.digest_weekend")
    if not 0 <= schedule.reminder_lead_days <= MAX_LEAD_DAYS:
        raise DomainError(
            "settings.lead_range", count=schedule.reminder_lead_days, limit=MAX_LEAD_DAYS
        )
    digest_moved = (schedule.digest_weekday, schedule.digest_time) != (
        before.digest_weekday,
        before.digest_time,
    )
    if (
        digest_moved
        and schedule.digest_weekday is not None
        and schedule.is_quiet(schedule.digest_time)
    ):
        raise DomainError(
            "settings.digest_in_quiet",
            time=_clock_text(schedule.digest_time),
            start=_clock_text(schedule.quiet_start),
            end=_clock_text(schedule.quiet_end),
        )
    for month, day in schedule.extra_days_off:
        try:
            dt.date(2000, month, day)  # a leap year, so 29/2 is a day that exists
        except ValueError:
            raise DomainError("settings.day_invalid", day=day, month=month) from None


async def change_schedule(
    session: AsyncSession,
    *,
    cluster: Cluster,
    schedule: Schedule,
    by: Member | None,
    now: dt.datetime,
) -> Schedule:
    """Store new schedule settings after checking them; returns the old ones.

    A digest explicitly set in the quiet hours is refused (it would never come at that hour);
    quiet hours that come to cover the digest's hour are accepted, and the planning then moves
    the digest to where they end. The caller re-plans the cluster's nudges in the same
    transaction.
    """
    assert cluster.id is not None
    before = schedule_of(cluster)
    _check(schedule, before)
    record_after = _as_record(schedule)
    cluster.digest_weekday = schedule.digest_weekday
    cluster.digest_time = record_after["digest_time"]
    cluster.digest_thread_id = schedule.digest_thread_id
    cluster.reminder_lead_days = schedule.reminder_lead_days
    cluster.reminders_enabled = schedule.reminders_enabled
    cluster.quiet_start = record_after["quiet_start"]
    cluster.quiet_end = record_after["quiet_end"]
    cluster.extra_days_off = list(record_after["extra_days_off"])
    session.add(cluster)
    changed_before = {k: v for k, v in _as_record(before).items() if record_after[k] != v}
    await record(
        session,
        cluster_id=cluster.id,
        actor_member_id=by.id if by is not None else None,
        entity="cluster",
        entity_id=cluster.id,
        action="settings",
        now=now,
        before=changed_before,
        after={k: record_after[k] for k in changed_before},
    )
    await session.flush()
    return before
