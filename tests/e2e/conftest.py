"""The end-to-end world: fake Bot API on 127.0.0.1, the real Application long-polling it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.config import Settings
from bot.sandbox.emulator import TOKEN, FakeTelegram
from tests.e2e.harness import BRUSSELS, FACILITATOR_ID, FakeClock, World

# Thursday 26 November 2026, 10:00 in Brussels: a working day, outside quiet hours.
START = dt.datetime(2026, 11, 26, 10, 0, tzinfo=BRUSSELS)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        token=TOKEN,
        database_url=database_url,
        facilitator_ids=frozenset({FACILITATOR_ID}),
        sweep_interval_seconds=3600,
        group_messages_per_minute=100_000,
    )


@pytest.fixture
async def world(settings: Settings, clock: FakeClock) -> AsyncIterator[World]:
    fake = FakeTelegram()
    base_url = await fake.start()
    world = World(fake, replace(settings, api_base_url=base_url), clock)
    await world.start()
    try:
        yield world
    finally:
        await world.stop()
        await fake.stop()
    assert not fake.unknown_methods, (
        f"the bot called methods the fake lacks: {fake.unknown_methods}"
    )
    assert not fake.rejections, f"Telegram would have rejected: {fake.rejections}"
