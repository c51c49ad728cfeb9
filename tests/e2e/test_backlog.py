"""What the bot has no room for yet stays with Telegram; a busy group's queue never counts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.config import Settings
from bot.updates import Backlog
from tests.e2e.harness import World, wait_for

LIMIT = 4


@pytest.fixture(name="settings")
def limited_settings(settings: Settings) -> Settings:
    # Telegram's real per-group limit, so a busy group's updates queue behind each other.
    return replace(settings, group_messages_per_minute=20)


def _backlog(world: World, limit: int) -> Backlog:
    assert world.app is not None
    backlog = world.app.update_queue
    assert isinstance(backlog, Backlog)
    backlog.limit = limit
    return backlog


def _in_hand_at_each_long_poll(world: World, backlog: Backlog) -> list[int]:
    seen: list[int] = []
    answer = world.fake._api_getUpdates

    async def noted(params: dict[str, Any]) -> list[dict[str, Any]]:
        if int(params.get("timeout") or 0):
            seen.append(backlog.in_hand)
        return await answer(params)

    world.fake._api_getUpdates = noted  # type: ignore[method-assign]
    return seen


async def test_the_bot_asks_telegram_for_updates_only_while_it_has_room(world: World) -> None:
    backlog = _backlog(world, LIMIT)
    groups = [world.group(f"Klimaatcluster {i}") for i in range(3 * LIMIT)]
    seen = _in_hand_at_each_long_poll(world, backlog)
    world.fake.slow_next("sendMessage", 0.3, times=len(groups))
    for group in groups:
        world.fake.push_update({"message": group.message(group.person("An"), "/hulp")})
    for group in groups:
        assert "/hulp" in (await group.next_message()).text
    await wait_for(lambda: backlog.in_hand == 0)
    assert seen and max(seen) < LIMIT, seen


async def test_a_busy_group_s_queue_does_not_stop_the_bot_fetching_for_others(
    world: World,
) -> None:
    backlog = _backlog(world, LIMIT)
    other = world.group("Klimaatcluster Pajottenland")
    await other.facilitator.says("/start")
    other.skip_seen()
    busy = world.group("Een drukke groep")
    spammer = busy.person("Spammer")
    for _ in range(10 * LIMIT):  # most wait minutes for the group's limit, behind each other
        world.fake.push_update({"message": busy.message(spammer, "/hulp")})
    await wait_for(lambda: any(m.chat_id == busy.id for m in world.fake.sent))
    world.fake.push_update({"message": other.message(other.facilitator, "/hulp")})
    assert "/afspraak" in (await other.next_message()).text
    assert backlog.in_hand <= LIMIT
    await world.stop_now()
