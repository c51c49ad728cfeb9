"""The measurements behind each row of the table."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot, Update

from bench import stream
from bench.data import MONDAY_DIGEST, START, Shape, build, empty_database
from bench.fake import TOKEN, FakeTelegram
from bench.report import Row, ratio
from bench.sink import Sink
from bot.app import build_application
from bot.config import Settings
from handlers.digest import render_digest
from handlers.runtime import App, runtime_of
from models.clusters import Cluster
from scheduler import jobs
from scheduler.calendar import is_allowed_moment
from scheduler.replan import calendar_rules
from tests.e2e.harness import Chat, FakeClock, Person, World

RELAXED = 1_000_000


# --- bots in their own processes -----------------------------------------------------------


class Child:
    """`python -m bench.serve`: one bot process fed by the parent's fake."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.expected = 0

    @classmethod
    async def start(cls, kind: str, base_url: str, url: str, *, paced: bool = False) -> Child:
        args = [sys.executable, "-m", "bench.serve", kind, base_url, url]
        if paced:
            args.append("--paced")
        process = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN},
        )
        child = cls(process)
        assert (await child._line()) == "ready"
        return child

    async def _line(self) -> str:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 900)
        if not line:
            raise RuntimeError("the bot process ended early")
        return line.decode().strip()

    async def handled(self, count: int) -> dict[str, float]:
        """Wait until `count` more updates are handled; the process's CPU and memory then."""
        assert self.process.stdin is not None
        self.expected += count
        self.process.stdin.write(f"expect {self.expected}\n".encode())
        await self.process.stdin.drain()
        report: dict[str, float] = json.loads(await self._line())
        return report

    async def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"quit\n")
        await self.process.stdin.drain()
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.terminate()
            await self.process.wait()


@dataclass
class Run:
    rate: float
    cpu_ms: float
    peak_mb: float

    @staticmethod
    def best(runs: list[Run]) -> Run:
        return Run(
            rate=max(r.rate for r in runs),
            cpu_ms=min(r.cpu_ms for r in runs),
            peak_mb=min(r.peak_mb for r in runs),
        )


THROUGHPUT_RUNS = 2


async def _feed(
    kind: str, url: str, chats_count: int, per_cluster: int, *, paced: bool, presses: bool = True
) -> Run:
    fake = FakeTelegram()
    base_url = await fake.start()
    try:
        chats = stream.clusters(chats_count)
        stream.register_chats(fake, chats)
        child = await Child.start(kind, base_url, url, paced=paced)
        try:
            setup = stream.setup(chats)
            for payload in setup:
                fake.push_update(payload)
            before = await child.handled(len(setup))
            stream.find_polls(fake, chats)
            updates = stream.timed(fake, chats, per_cluster, presses=presses)
            started = time.perf_counter()
            for payload in updates:
                fake.push_update(payload)
            after = await child.handled(len(updates))
            elapsed = time.perf_counter() - started
        finally:
            await child.stop()
        if fake.unknown_methods:
            raise RuntimeError(f"the fake does not know {set(fake.unknown_methods)}")
        return Run(
            rate=len(updates) / elapsed,
            cpu_ms=(after["cpu"] - before["cpu"]) * 1000 / len(updates),
            peak_mb=after["VmHWM"],
        )
    finally:
        await fake.stop()


async def throughput_rows(name: str, url: str, *, quick: bool, paced: bool) -> list[Row]:
    if paced:
        chats, per_cluster = (15, 10) if quick else (100, 25)
    else:
        chats, per_cluster = (20, 25) if quick else (100, 50)
    # Taken in turns, twice each, keeping each bot's best: a shared machine's load then weighs
    # on both alike instead of on whichever happened to run during a busy minute.
    runs: dict[str, list[Run]] = {"klimaatbot": [], "bare": []}
    for _ in range(1 if paced else THROUGHPUT_RUNS):
        for kind, done in runs.items():
            await empty_database(url)
            done.append(await _feed(kind, url, chats, per_cluster, paced=paced))
    ours, bare = (Run.best(done) for done in runs.values())
    total = chats * per_cluster
    if paced:
        return [
            Row(
                f"updates/s, Telegram's limits, {chats} busy clusters, {total:,} updates",
                name,
                f"{ours.rate:.0f}",
                f"{bare.rate:.0f}",
                ratio(ours.rate, bare.rate),
                "the limiter's pace (30/s)",
            )
        ]
    return [
        Row(
            f"updates/s, rate limiter relaxed, {chats} clusters, {total:,} updates "
            f"(best of {THROUGHPUT_RUNS})",
            name,
            f"{ours.rate:.0f}",
            f"{bare.rate:.0f}",
            ratio(ours.rate, bare.rate),
            "ratio ≥ 0.5",
        ),
        Row(
            f"CPU per update (best of {THROUGHPUT_RUNS})",
            name,
            f"{ours.cpu_ms:.1f} ms",
            f"{bare.cpu_ms:.1f} ms",
            ratio(ours.cpu_ms, bare.cpu_ms),
            "≤ 2× the bare bot",
        ),
    ]


# --- in-process rows at scale ----------------------------------------------------------------


class Statements:
    def __init__(self) -> None:
        self.count = 0

    def attach(self, world: World) -> None:
        assert world.app is not None
        self.listen(world.app.bot_data["engine"])

    def listen(self, engine: AsyncEngine) -> None:
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.count += 1


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    statements: float
    cpu_ms: float  # the process's CPU per step (the fake's share included), steadier than wall

    def text(self, quantile: str = "p95") -> str:
        wall = self.p95_ms if quantile == "p95" else self.median_ms
        return f"{wall:.1f} ms (CPU {self.cpu_ms:.1f} ms), {self.statements:.1f} SQL statements"


async def _time(times: int, counter: Statements, step: Callable[[int], Awaitable[Any]]) -> Timing:
    durations = []
    before = counter.count
    cpu = time.process_time()
    for index in range(times):
        started = time.perf_counter()
        await step(index)
        durations.append((time.perf_counter() - started) * 1000)
    durations.sort()
    p95 = durations[min(len(durations) - 1, int(len(durations) * 0.95))]
    return Timing(
        statistics.median(durations),
        p95,
        (counter.count - before) / times,
        (time.process_time() - cpu) * 1000 / times,
    )


def _settings(url: str, base_url: str) -> Settings:
    return Settings(
        token=TOKEN,
        api_base_url=base_url,
        database_url=url,
        facilitator_ids=frozenset({stream.FACILITATOR_ID}),
        sweep_interval_seconds=3600,
        group_messages_per_minute=RELAXED,
        messages_per_second=RELAXED,
    )


async def _world(url: str, chats: list[stream.ClusterChat], at: dt.datetime) -> World:
    fake = FakeTelegram()
    base_url = await fake.start()
    stream.register_chats(fake, chats)
    world = World(fake, _settings(url, base_url), FakeClock(at))
    await world.start()
    return world


async def _close(world: World) -> None:
    await world.stop()
    await world.fake.stop()


def _people(world: World, chat: stream.ClusterChat) -> tuple[Chat, list[Person]]:
    group = Chat(world, chat.chat_id, "group", chat.title)
    return group, [Person(world, group, user) for user in chat.users]


class Direct:
    """Updates handed straight to the running Application, its replies sent into a sink.

    The in-process rows weigh the bot's own work on an update, from the parsed update to the
    replies handed to python-telegram-bot, without the fake's HTTP server and the long poll in
    the same process (the throughput rows measure those, beside the bare bot).
    """

    def __init__(self, world: World) -> None:
        assert world.app is not None
        self.app = world.app
        self.sink = Sink()
        self._kept = self.app.bot._request
        self._update_ids = itertools.count(1_000_000_000)

    def __enter__(self) -> Direct:
        self.app.bot._request = (self._kept[0], self.sink)  # getUpdates keeps its own
        return self

    def __exit__(self, *_: object) -> None:
        self.app.bot._request = self._kept

    async def says(self, person: Person, text: str) -> None:
        message = person.chat.message(person, text)
        payload = {"update_id": next(self._update_ids), "message": message}
        await self.app.process_update(Update.de_json(payload, self.app.bot))
        if not self.sink.sent():
            raise RuntimeError(f"no reply to {text!r}")
        self.sink.calls.clear()


async def _tick(world: World, counter: Statements, times: int) -> Timing:
    return await _time(times, counter, lambda _: world.sweep())


async def scale_rows(name: str, url: str, *, quick: bool) -> list[Row]:
    shape = Shape(100 if quick else 1000)
    agreements = shape.clusters * shape.agreements
    started = time.perf_counter()
    await build(url, shape)
    built = time.perf_counter() - started
    chats = stream.clusters(shape.clusters)
    world = await _world(url, chats, START)
    counter = Statements()
    counter.attach(world)
    rows = [
        Row(
            f"build {shape.label}, {shape.meetings} meetings, {shape.polls} polls each",
            name,
            f"{built:.1f} s",
            target="< 1 minute",
        )
    ]
    try:
        cast = [_people(world, chat) for chat in chats[:50]]
        runs = 100 if quick else 200
        direct = Direct(world)
        with direct:
            record = await _time(
                runs,
                counter,
                lambda i: direct.says(
                    cast[i % 50][1][i % 5],
                    f"/afspraak Offertes {i} @{chats[i % 50].users[(i + 1) % 5]['username']} "
                    f"#Bever tegen {stream.DATES[i % len(stream.DATES)]}",
                ),
            )
        rows.append(
            Row(
                f"`/afspraak` p95 at {agreements:,} agreements (in-process)",
                name,
                record.text(),
                target="< 25 ms, ≤ 8 statements",
            )
        )
        with direct:
            digest = await _time(
                40, counter, lambda i: direct.says(cast[i % 50][1][0], "/overzicht")
            )
        rows.append(
            Row(
                "`/overzicht` p95",
                name,
                digest.text(),
                target="< 25 ms",
            )
        )
        private = world.private_chat(Person(world, cast[0][0], world.facilitator_user))
        fien = Person(world, private, world.facilitator_user)
        with direct:
            overview = await _time(30, counter, lambda _: direct.says(fien, "/clusters"))
        rows.append(
            Row(
                "`/clusters` for a facilitator of 50 clusters, p95",
                name,
                overview.text(),
                target="< 25 ms",
            )
        )
        await world.restart()
        counter = Statements()
        counter.attach(world)
        first = await _tick(world, counter, 1)
        rows.append(
            Row(
                f"first sweep tick after start, {shape.clusters:,} clusters",
                name,
                first.text("median"),
                target="< 1 s",
            )
        )
    finally:
        await _close(world)
    rows.append(await _rss_row(name, url, chats, 1000 if quick else 2000))
    return rows


async def _rss_row(name: str, url: str, chats: list[stream.ClusterChat], burst: int) -> Row:
    """Peak memory of each bot's process through a burst of updates."""
    per_cluster = max(1, burst // len(chats))
    peaks = []
    for kind in ("klimaatbot", "bare"):
        fake = FakeTelegram()
        base_url = await fake.start()
        try:
            stream.register_chats(fake, chats)
            child = await Child.start(kind, base_url, url)
            try:
                updates = stream.timed(fake, chats, per_cluster, presses=False)
                for payload in updates:
                    fake.push_update(payload)
                report = await child.handled(len(updates))
            finally:
                await child.stop()
            peaks.append(report["VmHWM"])
        finally:
            await fake.stop()
    return Row(
        f"peak RSS, {len(chats):,} clusters, burst of {per_cluster * len(chats):,} updates",
        name,
        f"{peaks[0]:.0f} MB",
        f"{peaks[1]:.0f} MB",
        ratio(peaks[0], peaks[1]),
        "< 100 MB",
    )


async def sweep_rows(name: str, url: str, *, quick: bool) -> list[Row]:
    """A sweep tick with nothing due, on a small and a large database with a year's history."""
    small, large = 10, 1000 if quick else 10_000
    ticks = []
    for count in (small, large):
        await build(url, Shape(count, agreements=10, meetings=2, polls=1))
        world = await _world(url, stream.clusters(count), START)
        try:
            counter = Statements()
            counter.attach(world)
            await world.sweep()  # the first tick is its own row
            ticks.append(await _tick(world, counter, 100))
        finally:
            await _close(world)
    return [
        Row(
            f"sweep tick with nothing due, {small} → {large:,} clusters",
            name,
            f"{ticks[0].median_ms:.1f} → {ticks[1].median_ms:.1f} ms (CPU {ticks[0].cpu_ms:.1f} → "
            f"{ticks[1].cpu_ms:.1f} ms; {ticks[0].statements:.0f} → {ticks[1].statements:.0f} "
            "SQL statements)",
            ratio=f"×{ticks[1].median_ms / ticks[0].median_ms:.2f}",
            target="flat within 20 %",
        )
    ]


async def _warm(app: App, now: dt.datetime) -> None:
    """What a bot that has been running loaded long before Monday (the catalogues, Babel's
    locale data, the holiday table): loaded first, so a small run measures the digests, not
    one-off imports (the start-up row counts those)."""
    async with runtime_of(app.bot_data).sessions() as session:
        cluster = await session.get(Cluster, 1)
        assert cluster is not None
        await render_digest(session, cluster=cluster, now=now, lang=cluster.language)
        is_allowed_moment(now, calendar_rules(cluster))


async def digest_rows(name: str, url: str, *, quick: bool, count: int | None = None) -> list[Row]:
    """Monday's digests of every cluster, swept into a sink; the anchor sends the same texts.

    Both send into the same in-process sink (`bench.sink`), so the row weighs the bot's work
    against python-telegram-bot's own cost of a `send_message`, not against HTTP.
    """
    count = count or (200 if quick else 10_000)
    await build(url, Shape(count, agreements=10, meetings=2, polls=1))
    clock = FakeClock(MONDAY_DIGEST + dt.timedelta(seconds=1))
    app = build_application(_settings(url, "http://sink.invalid/bot"), clock=clock)
    sink = Sink()
    app.bot._request = (sink, sink)  # the Application's own bot, minus HTTP
    await app.initialize()
    try:
        await _warm(app, clock.now())
        counter = Statements()
        counter.listen(app.bot_data["engine"])
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            before = len(sink.calls)
            await jobs.tick(app)
            if len(sink.calls) == before:
                break
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        statements = counter.count
    finally:
        await app.shutdown()
        await app.bot_data["engine"].dispose()
    sent = sink.sent()
    anchor = Sink()
    async with Bot(TOKEN, request=anchor) as bot:
        begun = time.perf_counter()
        for message in sent:
            await bot.send_message(
                message["chat_id"],
                message["text"],
                parse_mode="HTML",
                message_thread_id=message.get("message_thread_id"),
            )
        bare = time.perf_counter() - begun
    budget = count / 30 * 0.1
    each = max(len(sent), 1)
    return [
        Row(
            f"Monday digests of {count:,} clusters (swept into a sink)",
            name,
            f"{elapsed:.1f} s ({elapsed * 1000 / each:.1f} ms, CPU {cpu * 1000 / each:.1f} ms, "
            f"{statements / each:.1f} SQL each; {len(sent):,} sent)",
            f"{bare:.1f} s (`send_message` of the same texts into the sink)",
            ratio(elapsed, bare),
            f"< {budget:.1f} s (10 % of Telegram's {count / 30:.0f} s)",
        )
    ]


# --- start-up ----------------------------------------------------------------------------------


async def _first_get_updates(args: list[str], env: dict[str, str]) -> float:
    fake = FakeTelegram()
    base_url = await fake.start()
    try:
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            *[a.replace("{base_url}", base_url) for a in args],
            env={**os.environ, **env, "TELEGRAM_API_BASE_URL": base_url},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            while not any(method == "getUpdates" for method, _ in fake.calls):
                if process.returncode is not None:
                    raise RuntimeError(f"{args} ended with {process.returncode}")
                await asyncio.sleep(0.005)
            return time.perf_counter() - started
        finally:
            process.terminate()
            await process.wait()
    finally:
        await fake.stop()


async def startup_rows(url: str, *, quick: bool) -> list[Row]:
    """Both bots started as installed: their bytecode compiled first, as `pip install` does.

    This machine sets PYTHONDONTWRITEBYTECODE, so an editable checkout would otherwise compile
    every module of the bot (not of its libraries, which pip compiled) at every start. One
    unmeasured start per bot writes the bytecode into a folder of the run's own, which the
    measured starts then read; the source tree is left as it was.
    """
    runs = 2 if quick else 3
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as cache:
        env = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "DATABASE_URL": url,
            "FACILITATOR_IDS": "",
            "PYTHONPYCACHEPREFIX": cache,
        }
        ours_args = [sys.executable, "-m", "bot.cli", "run"]
        bare_args = [sys.executable, "-m", "bench.serve", "bare", "{base_url}", url]
        for args in (ours_args, bare_args):
            await _first_get_updates(args, {**env, "PYTHONDONTWRITEBYTECODE": ""})
        ours = [await _first_get_updates(ours_args, env) for _ in range(runs)]
        bare = [await _first_get_updates(bare_args, env) for _ in range(runs)]
    return [
        Row(
            f"start to first getUpdates (best of {runs})",
            "SQLite",
            f"{min(ours):.2f} s",
            f"{min(bare):.2f} s",
            ratio(min(ours), min(bare)),
            "< 1 s",
        )
    ]
