"""Benchmarks: Klimaatbot beside a bare python-telegram-bot bot, in one run, on this machine.

    python -m bench            # the full table (several minutes)
    python -m bench --quick    # the same rows at a smaller scale (under two minutes; CI runs it)
    BENCH_DATABASE_URL=postgresql://… python -m bench   # PostgreSQL as well as SQLite

Both bots long-poll the same fake Bot API over HTTP, each in its own process, fed the same
update stream; Telegram's pacing is lifted except in the row that is about it. The rows at scale
run in-process against a database filled in bulk. Every figure is printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bench.report import Row, print_table
from bench.scenarios import (
    digest_rows,
    scale_rows,
    startup_rows,
    sweep_rows,
    throughput_rows,
)
from models.db import create_engine, masked


async def _database_rows(name: str, url: str, quick: bool) -> list[Row]:
    sections = [
        ("throughput", throughput_rows(name, url, quick=quick, paced=False)),
        ("scale", scale_rows(name, url, quick=quick)),
        ("sweep", sweep_rows(name, url, quick=quick)),
        ("digests", digest_rows(name, url, quick=quick)),
    ]
    if name == "SQLite":  # the bot's own costs; the database hardly matters to these
        sections.append(("paced", throughput_rows(name, url, quick=quick, paced=True)))
        sections.append(("start-up", startup_rows(url, quick=quick)))
    rows: list[Row] = []
    for section, work in sections:
        started = time.perf_counter()
        rows += await work
        print(f"bench: {name} {section} {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return rows


async def _reachable(url: str) -> str | None:
    """Why the database at `url` cannot be used, found before any row is measured."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    finally:
        await engine.dispose()
    return None


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller scale, under two minutes")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()[0]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        targets = {"SQLite": f"sqlite:///{Path(folder) / 'bench.db'}"}
        if url := os.environ.get("BENCH_DATABASE_URL"):
            if (problem := asyncio.run(_reachable(url))) is not None:
                sys.exit(f"bench: cannot use BENCH_DATABASE_URL {masked(url)}: {problem}")
            targets["PostgreSQL"] = url
        for name, url in targets.items():
            rows += asyncio.run(_database_rows(name, url, args.quick))
    took = (dt.datetime.now(dt.UTC) - started).total_seconds()
    command = "python -m bench" + (" --quick" if args.quick else "")
    print_table(
        rows,
        machine=f"{platform.node()}: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, load average "
        f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end",
        databases=", ".join(targets),
        date=f"{started:%Y-%m-%d %H:%M} UTC",
        command=command,
        took=took,
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
