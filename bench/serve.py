"""One bot in its own process, long-polling the parent's fake Bot API.

    TELEGRAM_BOT_TOKEN=… python -m bench.serve klimaatbot|bare BASE_URL DATABASE_URL [--paced]

It prints `ready`, then answers each `expect N` line on stdin with one JSON line once N updates
in all have been handled: the process's CPU seconds, its peak and current RSS, and the time.
`--paced` keeps Telegram's own limits; `--start` stops right after start-up (for timing it).
With BENCH_PROFILE=path the run is profiled with cProfile and the stats written there.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from typing import Any

RELAXED = 1_000_000


def _memory() -> dict[str, float]:
    values: dict[str, float] = {}
    with open("/proc/self/status") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                values[name] = int(rest.split()[0]) / 1024
    return values


def _build(kind: str, base_url: str, database_url: str, paced: bool) -> Any:
    # From the parent, so that neither bot loads the fake (aiohttp and all) just for its token.
    token = os.environ["TELEGRAM_BOT_TOKEN"]
    per_second = 30 if paced else RELAXED
    per_group = 20 if paced else RELAXED
    if kind == "bare":
        from bench.bare import build_bare

        return build_bare(
            token, base_url, messages_per_second=per_second, group_messages_per_minute=per_group
        )
    from bench.stream import FACILITATOR_ID
    from bot.app import build_application
    from bot.config import Settings

    settings = Settings(
        token=token,
        api_base_url=base_url,
        database_url=database_url,
        facilitator_ids=frozenset({FACILITATOR_ID}),
        sweep_interval_seconds=3600,
        group_messages_per_minute=per_group,
        messages_per_second=per_second,
    )
    return build_application(settings)


async def _serve(kind: str, base_url: str, database_url: str, paced: bool) -> None:
    app = _build(kind, base_url, database_url, paced)
    handled = 0
    wanted = 0
    reached = asyncio.Event()
    original = app.process_update

    async def counted(update: object) -> None:
        nonlocal handled
        try:
            await original(update)
        finally:
            handled += 1
            if handled >= wanted:
                reached.set()

    app.process_update = counted
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.updater.start_polling(poll_interval=0, timeout=10)
    await app.start()
    print("ready", flush=True)
    try:
        while True:
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line or line.strip() == "quit":
                break
            wanted = int(line.split()[1])
            reached.clear()
            if handled < wanted:
                await reached.wait()
            times = os.times()
            report = {"cpu": times.user + times.system, "at": time.time(), **_memory()}
            print(json.dumps(report), flush=True)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


def main() -> None:
    kind, base_url, database_url = sys.argv[1:4]
    paced = "--paced" in sys.argv
    profile = os.environ.get("BENCH_PROFILE")
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        try:
            asyncio.run(_serve(kind, base_url, database_url, paced))
        finally:
            profiler.disable()
            profiler.dump_stats(profile)
    else:
        asyncio.run(_serve(kind, base_url, database_url, paced))


if __name__ == "__main__":
    main()
