"""Benchmarks: the real Application against the fake Bot API, on SQLite and PostgreSQL.

    make bench                                   # SQLite
    BENCH_DATABASE_URL=postgresql://… make bench # PostgreSQL as well

Prints per-update latency and SQL statements per update for the common commands, a register
of 500 agreements, button presses on a poll, the sweep of 500 due nudges, and the date parser.
Telegram's own limit (about 20 messages per minute per group) is lifted here, so the figures
are the bot's own cost, not Telegram's pacing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, text
from sqlmodel import SQLModel, select

import models.tables  # noqa: F401
from bot.config import Settings
from bot.sandbox.emulator import TOKEN, FakeTelegram
from handlers.dates import parse_when
from models.agreements import Agreement
from models.db import create_engine
from models.migrate import upgrade_async
from models.nudges import Nudge, NudgeStatus
from tests.e2e.harness import BRUSSELS, FACILITATOR_ID, FakeClock, World

START = dt.datetime(2026, 11, 26, 10, 0, tzinfo=BRUSSELS)


@dataclass
class Figure:
    what: str
    count: int
    median_ms: float
    p95_ms: float
    statements: float

    def line(self) -> str:
        return (
            f"{self.what:<44} {self.count:>5}  {self.median_ms:>8.1f}  {self.p95_ms:>8.1f}"
            f"  {self.statements:>10.1f}"
        )


class StatementCounter:
    def __init__(self, world: World) -> None:
        self.count = 0
        engine = world.app.bot_data["engine"] if world.app else None
        assert engine is not None
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.count += 1


async def measure(
    what: str,
    counter: StatementCounter,
    times: int,
    step: Callable[[int], Awaitable[Any]],
) -> Figure:
    durations: list[float] = []
    before = counter.count
    for index in range(times):
        started = time.perf_counter()
        await step(index)
        durations.append((time.perf_counter() - started) * 1000)
    durations.sort()
    p95 = durations[min(len(durations) - 1, int(len(durations) * 0.95))]
    return Figure(what, times, statistics.median(durations), p95, (counter.count - before) / times)


async def empty_database(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        else:
            await connection.run_sync(SQLModel.metadata.drop_all)
    await engine.dispose()
    await upgrade_async(url)


async def bench(url: str) -> list[Figure]:
    await empty_database(url)
    fake = FakeTelegram()
    base_url = await fake.start()
    settings = Settings(
        token=TOKEN,
        api_base_url=base_url,
        database_url=url,
        facilitator_ids=frozenset({FACILITATOR_ID}),
        sweep_interval_seconds=3600,
        group_messages_per_minute=1_000_000,
    )
    world = World(fake, settings, FakeClock(START))
    await world.start()
    figures: list[Figure] = []
    try:
        counter = StatementCounter(world)
        group = world.group("Klimaatcluster Pajottenland")
        fien = group.facilitator
        await fien.says("/start")
        await fien.says("/gemeenten + Pajottegem, Bever, Pepingen, Lennik")
        people = [group.person(f"Persoon{n}", username=f"persoon_{n}") for n in range(8)]
        places = ["Pajottegem", "Bever", "Pepingen", "Lennik"]
        for n, person in enumerate(people):
            await person.says(f"/gemeente {places[n % 4]}")

        figures.append(
            await measure(
                "/afspraak (record an agreement)",
                counter,
                500,
                lambda i: people[i % 8].says(
                    f"/afspraak Taak {i} @persoon_{i % 8} #{places[i % 4]} tegen 15/{1 + i % 12}"
                ),
            )
        )
        figures.append(
            await measure(
                "/afspraken over 500 open", counter, 20, lambda i: fien.says("/afspraken")
            )
        )
        figures.append(
            await measure(
                "/afspraken alle over 500", counter, 20, lambda i: fien.says("/afspraken alle")
            )
        )
        figures.append(await measure("/cluster", counter, 50, lambda i: fien.says("/cluster")))
        figures.append(
            await measure("/klaar N", counter, 100, lambda i: fien.says(f"/klaar {i + 1}"))
        )
        figures.append(
            await measure("/overzicht (digest)", counter, 20, lambda i: fien.says("/overzicht"))
        )

        poll = await fien.says("/datumprikker ma 7/12 14u; di 8/12 10u; wo 9/12 13u30")
        marks = ["✅", "❔", "❌"]
        figures.append(
            await measure(
                "poll button press",
                counter,
                96,
                lambda i: people[i % 8].presses(marks[i % 3], on=poll.last, row=1 + i % 3),
            )
        )
        figures.append(await sweep_figure(world, counter))
    finally:
        await world.stop()
        await fake.stop()
    return figures


async def sweep_figure(world: World, counter: StatementCounter) -> Figure:
    """One due-day nudge for each of the 500 agreements: 400 open ones are sent with their
    buttons, 100 already done are claimed, checked and settled without a message."""
    async with world.runtime.sessions() as session:
        rows = (await session.exec(select(Agreement.id, Agreement.cluster_id))).all()
        now = world.clock.now()
        await session.exec(
            insert(Nudge),
            params=[
                {
                    "cluster_id": cluster_id,
                    "kind": "agreement_due",
                    "subject_type": "agreement",
                    "subject_id": agreement_id,
                    "dedupe_key": f"bench:{agreement_id}",
                    "due_at": now - dt.timedelta(seconds=1),
                    "status": NudgeStatus.PENDING,
                    "attempts": 0,
                }
                for agreement_id, cluster_id in rows
            ],
        )
        await session.commit()
    before = counter.count
    started = time.perf_counter()
    rounds = 0
    while True:
        rounds += 1
        replies = await world.sweep()
        if not replies.messages or rounds > 100:
            break
    elapsed = (time.perf_counter() - started) * 1000
    return Figure(
        "sweep: 500 due agreement nudges, per nudge", 500, elapsed / 500, elapsed / 500,
        (counter.count - before) / 500,
    )  # fmt: skip


def parser_microseconds(runs: int = 20_000) -> float:
    inputs = [
        "di 16/3 14u",
        "volgende dinsdag",
        "over 2 weken",
        "15 maart 2027",
        "eind maart",
        "2pm",
    ]
    started = time.perf_counter()
    for n in range(runs):
        parse_when(inputs[n % len(inputs)], now=START)
    return (time.perf_counter() - started) * 1_000_000 / runs


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        targets = {"sqlite": f"sqlite:///{Path(folder) / 'bench.db'}"}
        if url := os.environ.get("BENCH_DATABASE_URL"):
            targets["postgresql"] = url
        header = f"{'measure':<44} {'n':>5}  {'median ms':>8}  {'p95 ms':>8}  {'SQL/update':>10}"
        for name, url in targets.items():
            print(f"\n== {name} ==\n{header}")
            for figure in asyncio.run(bench(url)):
                print(figure.line())
    print(f"\ndate parser: {parser_microseconds():.1f} µs per text")


if __name__ == "__main__":
    main()
