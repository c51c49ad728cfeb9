"""The sweep on a real database: claiming, back-off, chats that are gone, and deduplication."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.clusters import Cluster, ClusterStatus
from models.db import SessionMaker, create_engine, session_maker
from models.nudges import (
    CLAIM_LEASE,
    MAX_ATTEMPTS,
    Claim,
    Nudge,
    NudgeStatus,
    PlannedRow,
    claim_due,
    mark_sent,
    retry_delay,
    sent_marks,
    sync_planned,
)
from scheduler.jobs import SWEEPER_KEY, Sweeper, tick
from scheduler.sweep import ChatGone, Outbound, Skipped, plan_digests, replan_digest, sweep

BRUSSELS = ZoneInfo("Europe/Brussels")
# Tuesday 16 March 2027, 10:00 in Brussels (09:00 UTC): a working day, outside quiet hours.
NOW = dt.datetime(2027, 3, 16, 10, 0, tzinfo=BRUSSELS).astimezone(dt.UTC)
MINUTE = dt.timedelta(minutes=1)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.moment = now

    def now(self) -> dt.datetime:
        return self.moment


class Recorder:
    """A deliver callable that notes what it was asked to send and can be told to fail."""

    def __init__(self) -> None:
        self.delivered: list[str] = []
        self.fail_with: Exception | None = None
        self.skip: str | None = None

    async def __call__(
        self, session: AsyncSession, nudge: Nudge, now: dt.datetime
    ) -> Skipped | Outbound:
        if self.skip is not None:
            return Skipped(self.skip)
        key = nudge.dedupe_key

        async def send() -> None:
            # As the real one: sending happens after the sweep committed the preparation.
            if self.fail_with is not None:
                raise self.fail_with
            self.delivered.append(key)

        return Outbound(send=send)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[SessionMaker]:
    engine = create_engine(database_url)
    yield session_maker(engine)
    await engine.dispose()


async def new_cluster(sessions: SessionMaker, chat_id: int = -100) -> int:
    async with sessions() as session:
        cluster = Cluster(chat_id=chat_id, title="Klimaatcluster Leuven", created_at=NOW)
        session.add(cluster)
        await session.commit()
        assert cluster.id is not None
        return cluster.id


async def add(
    sessions: SessionMaker,
    cluster_id: int,
    key: str,
    due_at: dt.datetime,
    kind: str = "agreement_due",
) -> None:
    async with sessions() as session:
        session.add(
            Nudge(
                cluster_id=cluster_id,
                kind=kind,
                subject_type="agreement",
                subject_id=1,
                dedupe_key=key,
                due_at=due_at,
            )
        )
        await session.commit()


async def rows(sessions: SessionMaker) -> dict[str, Nudge]:
    async with sessions() as session:
        found = (await session.exec(select(Nudge).order_by(col(Nudge.id)))).all()
    return {row.dedupe_key: row for row in found}


# --- claiming -------------------------------------------------------------------------------


async def test_only_due_pending_rows_are_claimed_oldest_first(sessions: SessionMaker) -> None:
    cluster_id = await new_cluster(sessions)
    await add(sessions, cluster_id, "later", NOW - MINUTE)
    await add(sessions, cluster_id, "earlier", NOW - 2 * MINUTE)
    await add(sessions, cluster_id, "future", NOW + MINUTE)
    async with sessions() as session:
        claims = await claim_due(session, now=NOW)
        await session.commit()
    by_id = {row.id: key for key, row in (await rows(sessions)).items()}
    assert [by_id[claim.nudge_id] for claim in claims] == ["earlier", "later"]
    assert all(claim.attempt == 1 for claim in claims)


async def test_a_claimed_row_is_not_claimed_again_until_its_lease_runs_out(
    sessions: SessionMaker,
) -> None:
    cluster_id = await new_cluster(sessions)
    await add(sessions, cluster_id, "k", NOW)
    async with sessions() as session:
        (first,) = await claim_due(session, now=NOW, lease=dt.timedelta(minutes=10))
        await session.commit()
    async with sessions() as session:
        assert await claim_due(session, now=NOW + 9 * MINUTE) == []
        # The first process died: after the lease another one may take the row over ...
        (second,) = await claim_due(session, now=NOW + 10 * MINUTE)
        await session.commit()
    assert second == Claim(first.nudge_id, 2)
    async with sessions() as session:
        # ... and the first claim can no longer finish it.
        assert not await mark_sent(session, claim=first, now=NOW)
        assert await mark_sent(session, claim=second, now=NOW)
        await session.commit()
    assert (await rows(sessions))["k"].status == NudgeStatus.SENT


# --- sweeping -------------------------------------------------------------------------------


async def test_a_due_row_is_delivered_once(sessions: SessionMaker) -> None:
    cluster_id = await new_cluster(sessions)
    await add(sessions, cluster_id, "due", NOW)
    await add(sessions, cluster_id, "future", NOW + MINUTE)
    deliver, clock = Recorder(), Clock(NOW)
    report = await sweep(sessions, deliver, clock)
    assert (report.sent, deliver.delivered) == (1, ["due"])
    assert (await sweep(sessions, deliver, clock)).handled == 0
    clock.moment = NOW + MINUTE
    await sweep(sessions, deliver, clock)
    assert deliver.delivered == ["due", "future"]
    found = await rows(sessions)
    assert found["due"].status == NudgeStatus.SENT and found["due"].sent_at == NOW
    assert found["due"].attempts == 1 and found["due"].claimed_until is None


async def test_a_failed_delivery_is_retried_with_back_off_and_then_given_up(
    sessions: SessionMaker,
) -> None:
    cluster_id = await new_cluster(sessions)
    await add(sessions, cluster_id, "k", NOW)
    deliver, clock = Recorder(), Clock(NOW)
    deliver.fail_with = TimeoutError("Telegram did not answer")
    assert (await sweep(sessions, deliver, clock)).failed == 1
    row = (await rows(sessions))["k"]
    assert row.status == NudgeStatus.PENDING and row.attempts == 1
    assert row.last_error == "TimeoutError: Telegram did not answer"
    assert row.claimed_until == NOW + retry_delay(1)
    assert (await sweep(sessions, deliver, clock)).handled == 0  # still backing off

    for _ in range(MAX_ATTEMPTS - 1):
        row = (await rows(sessions))["k"]
        assert row.claimed_until is not None
        clock.moment = row.claimed_until
        assert (await sweep(sessions, deliver, clock)).failed == 1
    row = (await rows(sessions))["k"]
    assert row.status == NudgeStatus.FAILED and row.attempts == MAX_ATTEMPTS
    clock.moment += dt.timedelta(days=1)
    assert (await sweep(sessions, deliver, clock)).handled == 0


async def test_a_retry_that_succeeds_clears_the_error(sessions: SessionMaker) -> None:
    cluster_id = await new_cluster(sessions)
    await add(sessions, cluster_id, "k", NOW)
    deliver, clock = Recorder(), Clock(NOW)
    deliver.fail_with = RuntimeError("500 Internal Server Error")
    await sweep(sessions, deliver, clock)
    deliver.fail_with = None
    clock.moment = NOW + retry_delay(1)
    assert (await sweep(sessions, deliver, clock)).sent == 1
    row = (await rows(sessions))["k"]
    assert (row.status, row.attempts, row.last_error) == (NudgeStatus.SENT, 2, None)


def test_back_off_doubles_up_to_an_hour() -> None:
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE]
    assert retry_delay(20) == dt.timedelta(hours=1)


async def test_a_chat_that_is_gone_makes_its_rows_undeliverable(sessions: SessionMaker) -> None:
    gone = await new_cluster(sessions, chat_id=-1)
    other = await new_cluster(sessions, chat_id=-2)
    await add(sessions, gone, "gone-1", NOW - MINUTE)
    await add(sessions, gone, "gone-2", NOW)
    await add(sessions, other, "other", NOW)
    calls: list[str] = []

    async def deliver(session: AsyncSession, nudge: Nudge, now: dt.datetime) -> Outbound:
        key, cluster_id = nudge.dedupe_key, nudge.cluster_id

        async def send() -> None:
            calls.append(key)
            if cluster_id == gone:
                raise ChatGone("Forbidden: bot was kicked from the group chat")

        return Outbound(send=send)

    report = await sweep(sessions, deliver, Clock(NOW))
    assert (report.undeliverable, report.sent) == (2, 1)
    assert calls == ["gone-1", "other"]  # the cluster went inactive: no second try at it
    found = await rows(sessions)
    assert found["gone-1"].status == NudgeStatus.UNDELIVERABLE
    assert "kicked" in (found["gone-1"].last_error or "")
    assert found["gone-2"].status == NudgeStatus.UNDELIVERABLE
    assert found["other"].status == NudgeStatus.SENT
    async with sessions() as session:
        cluster = await session.get(Cluster, gone)
        assert cluster is not None and cluster.status == ClusterStatus.INACTIVE


async def test_rows_of_an_inactive_cluster_are_not_delivered(sessions: SessionMaker) -> None:
    cluster_id = await new_cluster(sessions)
    async with sessions() as session:
        cluster = await session.get(Cluster, cluster_id)
        assert cluster is not None
        cluster.status = ClusterStatus.INACTIVE
        session.add(cluster)
        await session.commit()
    await add(sessions, cluster_id, "k", NOW)
    deliver = Recorder()
    assert (await sweep(sessions, deliver, Clock(NOW))).undeliverable == 1
    assert deliver.delivered == []
    assert (await rows(sessions))["k"].status == NudgeStatus.UNDELIVERABLE


async def test_a_row_due_in_quiet_hours_waits_for_the_morning(sessions: SessionMaker) -> None:
    cluster_id = await new_cluster(sessions)
    evening = dt.datetime(2027, 3, 16, 19, 0, tzinfo=BRUSSELS)  # the bot was down until now
    await add(sessions, cluster_id, "nudge", evening - dt.timedelta(hours=3))
    await add(sessions, cluster_id, "poll", evening, kind="poll_deadline")
    await add(sessions, cluster_id, "hour", evening, kind="meeting_hour_before")
    deliver, clock = Recorder(), Clock(evening)
    report = await sweep(sessions, deliver, clock)
    # The hour before a meeting is exempt; a nudge and a poll's announcement wait until 08:00.
    assert (report.sent, report.deferred, deliver.delivered) == (1, 2, ["hour"])
    morning = dt.datetime(2027, 3, 17, 8, 0, tzinfo=BRUSSELS)
    for key in ("nudge", "poll"):
        row = (await rows(sessions))[key]
        assert row.claimed_until == morning and row.attempts == 0
    clock.moment = morning
    await sweep(sessions, deliver, clock)
    assert sorted(deliver.delivered) == ["hour", "nudge", "poll"]
    assert (await rows(sessions))["nudge"].attempts == 1


async def test_a_nudge_whose_item_changed_is_skipped(sessions: SessionMaker) -> None:
    cluster_id = await new_cluster(sessions)
    await add(sessions, cluster_id, "k", NOW)
    deliver = Recorder()
    deliver.skip = "agreement done"
    assert (await sweep(sessions, deliver, Clock(NOW))).skipped == 1
    row = (await rows(sessions))["k"]
    assert row.status == NudgeStatus.CANCELLED and row.last_error == "skipped: agreement done"


# --- deduplication --------------------------------------------------------------------------


async def test_planning_the_same_rows_twice_keeps_one_row_per_key(sessions: SessionMaker) -> None:
    cluster_id = await new_cluster(sessions)
    planned = [
        PlannedRow("agreement_before", "agreement:1:before:2027-03-18", NOW + MINUTE),
        PlannedRow("agreement_due", "agreement:1:due:2027-03-18", NOW + 2 * MINUTE),
    ]

    async def sync(rows_: list[PlannedRow], now: dt.datetime) -> None:
        async with sessions() as session:
            await sync_planned(
                session,
                cluster_id=cluster_id,
                subject_type="agreement",
                subject_id=1,
                planned=rows_,
                now=now,
            )
            await session.commit()

    await sync(planned, NOW)
    await sync(planned, NOW)
    assert list(await rows(sessions)) == [p.dedupe_key for p in planned]

    deliver, clock = Recorder(), Clock(NOW + MINUTE)
    await sweep(sessions, deliver, clock)
    await sync(planned, NOW + MINUTE)  # re-planning after an edit: the sent row stays sent
    await sweep(sessions, deliver, clock)
    assert deliver.delivered == ["agreement:1:before:2027-03-18"]

    await sync([], NOW + MINUTE)  # completed: the pending row is cancelled
    await sync(planned, NOW + dt.timedelta(days=1))  # reopened a day later: not revived
    found = await rows(sessions)
    assert found["agreement:1:due:2027-03-18"].status == NudgeStatus.CANCELLED
    clock.moment = NOW + dt.timedelta(days=2)
    await sweep(sessions, deliver, clock)
    assert deliver.delivered == ["agreement:1:before:2027-03-18"]


# --- the digest -----------------------------------------------------------------------------


async def test_sending_a_digest_plans_the_next_one(sessions: SessionMaker) -> None:
    cluster_id = await new_cluster(sessions)
    assert await plan_digests(sessions, now=NOW) == 1
    assert await plan_digests(sessions, now=NOW) == 0  # one pending digest is enough
    monday = dt.datetime(2027, 3, 22, 9, 0, tzinfo=BRUSSELS)
    assert [(r.kind, r.due_at) for r in (await rows(sessions)).values()] == [("digest", monday)]
    deliver = Recorder()
    await sweep(sessions, deliver, Clock(monday))
    assert deliver.delivered == [f"digest:{cluster_id}:2027-W12"]
    found = await rows(sessions)
    # Easter Monday: the next digest is on Tuesday 30 March, 09:00 summer time.
    assert found[f"digest:{cluster_id}:2027-W13"].due_at == dt.datetime(
        2027, 3, 30, 9, 0, tzinfo=BRUSSELS
    )


async def test_a_missed_digest_stays_due_when_the_digest_is_replanned(
    sessions: SessionMaker,
) -> None:
    cluster_id = await new_cluster(sessions)
    await plan_digests(sessions, now=NOW)
    wednesday = dt.datetime(2027, 3, 24, 10, 0, tzinfo=BRUSSELS)  # Monday's was missed
    async with sessions() as session:
        cluster = await session.get(Cluster, cluster_id)
        assert cluster is not None
        await replan_digest(session, cluster=cluster, now=wednesday)
        await session.commit()
    found = await rows(sessions)
    assert [(key, row.status) for key, row in found.items()] == [
        (f"digest:{cluster_id}:2027-W12", NudgeStatus.PENDING),
        (f"digest:{cluster_id}:2027-W13", NudgeStatus.PENDING),
    ]
    deliver = Recorder()
    await sweep(sessions, deliver, Clock(wednesday))
    assert deliver.delivered == [f"digest:{cluster_id}:2027-W12"]  # once, late


# --- digests taken together ------------------------------------------------------------------

MONDAY = dt.datetime(2027, 3, 22, 9, 0, tzinfo=BRUSSELS).astimezone(dt.UTC)


class BatchRecorder(Recorder):
    """A deliver callable that also prepares digests together, as the bot's does."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []
        self.failing: set[int] = set()  # clusters whose digest does not go out
        self.broken: set[int] = set()  # clusters whose digest cannot be put into words

    async def __call__(
        self, session: AsyncSession, nudge: Nudge, now: dt.datetime
    ) -> Skipped | Outbound:
        return (await self.digests(session, [nudge], now))[0]

    async def digests(
        self, session: AsyncSession, nudges: Sequence[Nudge], now: dt.datetime
    ) -> list[Skipped | Outbound]:
        self.batches.append([nudge.dedupe_key for nudge in nudges])
        if any(nudge.cluster_id in self.broken for nudge in nudges):
            raise ValueError("cannot put this digest into words")
        return [self._outbound(nudge) for nudge in nudges]

    def _outbound(self, nudge: Nudge) -> Outbound:
        key, failing = nudge.dedupe_key, nudge.cluster_id in self.failing

        async def send() -> None:
            if failing:
                raise TimeoutError("Telegram did not answer")
            self.delivered.append(key)

        return Outbound(send=send, payload={"messages": [{"text": key}], "sent": 0})


async def digests_of(sessions: SessionMaker, count: int) -> list[int]:
    ids = [await new_cluster(sessions, chat_id=-100 - n) for n in range(count)]
    assert await plan_digests(sessions, now=NOW) == count
    return ids


async def test_digests_due_together_go_in_one_batch_and_one_that_fails_is_retried_alone(
    sessions: SessionMaker,
) -> None:
    first, failing, third = await digests_of(sessions, 3)
    deliver, clock = BatchRecorder(), Clock(MONDAY)
    deliver.failing = {failing}
    report = await sweep(sessions, deliver, clock)
    keys = [f"digest:{c}:2027-W12" for c in (first, failing, third)]
    assert deliver.batches == [keys]
    assert (report.sent, report.failed) == (2, 1)
    found = await rows(sessions)
    assert [found[k].status for k in keys] == [
        NudgeStatus.SENT,
        NudgeStatus.PENDING,
        NudgeStatus.SENT,
    ]
    assert found[keys[0]].sent_at == MONDAY and found[keys[0]].claimed_until is None
    retried = found[keys[1]]
    assert retried.attempts == 1 and retried.claimed_until == MONDAY + retry_delay(1)
    assert retried.payload == {"messages": [{"text": keys[1]}], "sent": 0}  # kept for the retry
    # The next digest is planned for the clusters whose digest went, not for the other yet.
    assert {f"digest:{first}:2027-W13", f"digest:{third}:2027-W13"} <= set(found)
    assert f"digest:{failing}:2027-W13" not in found

    for _ in range(MAX_ATTEMPTS - 1):
        row = (await rows(sessions))[keys[1]]
        assert row.claimed_until is not None
        clock.moment = row.claimed_until
        assert (await sweep(sessions, deliver, clock)).failed == 1
    found = await rows(sessions)
    assert found[keys[1]].status == NudgeStatus.FAILED
    assert found[keys[1]].attempts == MAX_ATTEMPTS
    assert deliver.delivered == [keys[0], keys[2]]  # the others went once, never again
    assert [found[k].status for k in (keys[0], keys[2])] == [NudgeStatus.SENT] * 2


async def test_a_process_killed_mid_batch_sends_only_the_digest_in_flight_again(
    sessions: SessionMaker,
) -> None:
    first, killed_at, third = await digests_of(sessions, 3)
    deliver, clock = BatchRecorder(), Clock(MONDAY)

    class Killed(BaseException):
        """The process dies: nothing after this line runs."""

    def outbound(nudge: Nudge) -> Outbound:
        sent = BatchRecorder._outbound(deliver, nudge)
        if nudge.cluster_id != killed_at:
            return sent

        async def dies() -> None:
            raise Killed

        return Outbound(send=dies, payload=sent.payload)

    deliver._outbound = outbound  # type: ignore[method-assign]
    with pytest.raises(Killed):
        await sweep(sessions, deliver, clock)
    keys = [f"digest:{c}:2027-W12" for c in (first, killed_at, third)]
    found = await rows(sessions)
    # What went before is marked; the one in flight and those after wait for their lease.
    assert [found[k].status for k in keys] == [NudgeStatus.SENT] + [NudgeStatus.PENDING] * 2
    clock.moment = MONDAY + CLAIM_LEASE
    deliver._outbound = BatchRecorder._outbound.__get__(deliver)  # type: ignore[method-assign]
    assert (await sweep(sessions, deliver, clock)).sent == 2
    assert deliver.delivered == keys  # the first never twice


async def test_a_batch_of_digests_takes_as_many_connections_for_five_as_for_two(
    sessions: SessionMaker, backend: str
) -> None:
    """Each digest is marked sent on the batch's one connection, not in a session of its own;
    on SQLite, whose one connection is the whole bot's, it is taken for each mark alone."""
    pool = sessions.kw["bind"].sync_engine.pool

    async def connections_of_a_sweep(moment: dt.datetime, sent: int) -> int:
        taken = 0

        def checkout(*_: object) -> None:
            nonlocal taken
            taken += 1

        event.listen(pool, "checkout", checkout)
        try:
            assert (await sweep(sessions, BatchRecorder(), Clock(moment))).sent == sent
        finally:
            event.remove(pool, "checkout", checkout)
        return taken

    await digests_of(sessions, 2)
    two = await connections_of_a_sweep(MONDAY, 2)
    for n in range(3):
        await new_cluster(sessions, chat_id=-900 - n)
    assert await plan_digests(sessions, now=MONDAY + MINUTE) == 3
    due = {row.due_at for row in (await rows(sessions)).values() if row.status == "pending"}
    assert len(due) == 1  # the next week's five digests fall due together
    five = await connections_of_a_sweep(due.pop(), 5)
    if backend == "postgresql":
        assert two == five
    else:
        assert five - two == 3


async def test_after_a_batch_a_stale_pending_digest_is_cancelled_as_the_next_is_planned(
    sessions: SessionMaker,
) -> None:
    plain, stale = await digests_of(sessions, 2)
    later = MONDAY + dt.timedelta(weeks=2)
    async with sessions() as session:  # left from settings the cluster no longer has
        session.add(
            Nudge(
                cluster_id=stale,
                kind="digest",
                subject_type="cluster",
                subject_id=stale,
                dedupe_key=f"digest:{stale}:2027-W14",
                due_at=later,
            )
        )
        await session.commit()
    assert (await sweep(sessions, BatchRecorder(), Clock(MONDAY))).sent == 2
    found = {key: row.status for key, row in (await rows(sessions)).items()}
    for cluster_id in (plain, stale):
        assert found[f"digest:{cluster_id}:2027-W12"] == NudgeStatus.SENT
        assert found[f"digest:{cluster_id}:2027-W13"] == NudgeStatus.PENDING
    assert found[f"digest:{stale}:2027-W14"] == NudgeStatus.CANCELLED
    assert f"digest:{plain}:2027-W14" not in found


async def test_a_mark_is_committed_at_once_and_knows_a_lost_claim(sessions: SessionMaker) -> None:
    cluster_id = await new_cluster(sessions)
    await add(sessions, cluster_id, "a", NOW - MINUTE)
    await add(sessions, cluster_id, "b", NOW - MINUTE)
    async with sessions() as session:
        first, second = await claim_due(session, now=NOW)
        await session.commit()
    lost = Claim(nudge_id=second.nudge_id, attempt=second.attempt + 1)
    async with sent_marks(sessions.kw["bind"]) as marks:
        assert await marks.mark(first, now=NOW, payload={"messages": [], "sent": 1, "x": 1})
        seen = (await rows(sessions))["a"]  # from another connection, while the batch goes on
        assert (seen.status, seen.sent_at, seen.claimed_until) == (NudgeStatus.SENT, NOW, None)
        assert seen.payload == {"x": 1}
        assert not await marks.mark(lost, now=NOW, payload={})
        assert not await marks.mark(first, now=NOW, payload={})  # sent already
    assert (await rows(sessions))["b"].status == NudgeStatus.PENDING


async def test_marks_on_postgresql_relax_only_their_own_connection(
    database_url: str, backend: str
) -> None:
    """The batch's commits skip the disk flush; the connection goes back to the pool strict,
    even when the batch was interrupted."""
    if backend != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    engine = create_engine(database_url, pool_size=1, max_overflow=0)  # one connection, reused
    show = text("SHOW synchronous_commit")
    try:
        with pytest.raises(RuntimeError):
            async with sent_marks(engine) as marks:
                async with marks.connection() as connection:
                    assert await connection.scalar(show) == "off"
                raise RuntimeError("the batch stops")
        async with engine.connect() as connection:
            assert await connection.scalar(show) == "on"
    finally:
        await engine.dispose()


async def test_a_digest_on_its_clusters_day_off_waits_while_the_others_go(
    sessions: SessionMaker,
) -> None:
    first, off, third = await digests_of(sessions, 3)
    async with sessions() as session:  # made a day off after the digest was planned
        cluster = await session.get(Cluster, off)
        assert cluster is not None
        cluster.extra_days_off = ["03-22"]
        session.add(cluster)
        await session.commit()
    deliver = BatchRecorder()
    report = await sweep(sessions, deliver, Clock(MONDAY))
    assert (report.sent, report.deferred) == (2, 1)
    assert deliver.batches == [[f"digest:{c}:2027-W12" for c in (first, third)]]
    waiting = (await rows(sessions))[f"digest:{off}:2027-W12"]
    assert waiting.status == NudgeStatus.PENDING and waiting.attempts == 0
    tuesday = dt.datetime(2027, 3, 23, 0, 0, tzinfo=BRUSSELS)  # quiet hours end at 8:00
    assert waiting.claimed_until == tuesday.replace(hour=8)


async def test_a_batch_that_cannot_be_put_into_words_goes_one_by_one(
    sessions: SessionMaker,
) -> None:
    first, broken, third = await digests_of(sessions, 3)
    deliver = BatchRecorder()
    deliver.broken = {broken}
    report = await sweep(sessions, deliver, Clock(MONDAY))
    keys = [f"digest:{c}:2027-W12" for c in (first, broken, third)]
    assert deliver.batches == [keys, [keys[0]], [keys[1]], [keys[2]]]
    assert (report.sent, report.failed) == (2, 1)
    assert deliver.delivered == [keys[0], keys[2]]
    found = await rows(sessions)
    assert "ValueError: cannot put this digest into words" in (found[keys[1]].last_error or "")


# --- cost that does not grow -------------------------------------------------------------------


async def _statements_of_a_tick(sessions: SessionMaker, clusters: int, first: int) -> list[str]:
    """Clusters with a year of sent digests and a pending one; the statements of one tick."""
    for n in range(clusters):
        cluster_id = await new_cluster(sessions, chat_id=first - n)
        async with sessions() as session:
            for week in range(1, 53):
                session.add(
                    Nudge(
                        cluster_id=cluster_id,
                        kind="digest",
                        subject_type="cluster",
                        subject_id=cluster_id,
                        dedupe_key=f"digest:{cluster_id}:old-{week}",
                        due_at=NOW - dt.timedelta(weeks=week),
                        status=NudgeStatus.SENT,
                    )
                )
            await session.commit()
    await plan_digests(sessions, now=NOW)
    engine = sessions.kw["bind"]
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    # What the repeating job runs, with only what it reads from the Application.
    sweeper = Sweeper(sessions=sessions, clock=Clock(NOW + MINUTE), deliver=Recorder())
    app = SimpleNamespace(bot_data={SWEEPER_KEY: sweeper})
    try:
        report = await tick(app)  # type: ignore[arg-type]
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)
    assert report.handled == 0
    return seen


async def test_a_tick_with_nothing_due_is_one_claim_whatever_the_history(
    sessions: SessionMaker,
) -> None:
    few = await _statements_of_a_tick(sessions, 1, first=-1000)
    many = await _statements_of_a_tick(sessions, 6, first=-2000)
    assert len(few) == len(many) == 1
    assert "UPDATE NUDGE" in few[0].upper()  # the claim, nothing else


async def test_the_claim_reads_only_its_index(database_url: str, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("the plan is read from SQLite's EXPLAIN QUERY PLAN")
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            plan = await connection.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT id FROM nudge WHERE status = 'pending' "
                    "AND due_at <= :now AND (claimed_until IS NULL OR claimed_until <= :now) "
                    "ORDER BY due_at, id LIMIT 20"
                ),
                {"now": NOW.isoformat()},
            )
            details = " ".join(str(row[-1]) for row in plan)
    finally:
        await engine.dispose()
    assert "COVERING INDEX ix_nudge_claim" in details
