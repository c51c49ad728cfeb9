"""Telegram's per-group limit in force: a busy group waits for its turn, nobody else does."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest
from sqlmodel import select

from bot.config import Settings
from models.agreements import Agreement
from tests.e2e.harness import Chat, World, no_writer_holds_the_database, wait_for

BURST = 60


@pytest.fixture(name="settings")
def limited_settings(settings: Settings) -> Settings:
    # Telegram's real per-group limit, so replies in a busy group wait for their turn.
    return replace(settings, group_messages_per_minute=20)


def replies_in(world: World, chat: Chat) -> int:
    return sum(1 for m in world.fake.sent if m.chat_id == chat.id)


@pytest.mark.parametrize("registered", [True, False], ids=["cluster", "unregistered-group"])
async def test_a_burst_in_one_group_does_not_delay_another_cluster(
    world: World, registered: bool
) -> None:
    other = world.group("Klimaatcluster Pajottenland")
    await other.facilitator.says("/start")
    busy = world.group("Een drukke groep")
    if registered:
        await busy.facilitator.says("/start")
    spammer = busy.person("Spammer")
    before_busy = replies_in(world, busy)
    for _ in range(BURST):
        world.fake.push_update({"message": busy.message(spammer, "/hulp")})
    await wait_for(lambda: replies_in(world, busy) > before_busy)
    before_other = replies_in(world, other)
    world.fake.push_update({"message": other.message(other.facilitator, "/hulp")})
    await wait_for(lambda: replies_in(world, other) > before_other)
    # The other cluster was answered before the burst's fifth reply went out.
    assert replies_in(world, busy) - before_busy < 5
    await world.stop_now()


async def test_replies_waiting_for_the_group_limit_hold_no_transaction(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    before = replies_in(world, group)
    for number in range(1, 7):
        text = f"/afspraak Offerte {number} opvragen tegen vrijdag"
        world.fake.push_update({"message": group.message(fien, text)})
    await wait_for(lambda: replies_in(world, group) >= before + 4)
    started = time.monotonic()
    # The last confirmations wait for the group's limit, one every three seconds. A turn holds
    # the database only while it changes something, so the database is free nearly all the
    # time they wait; a transaction kept open across the wait would make every probe fail.
    free = []
    while replies_in(world, group) < before + 6:
        free.append(await no_writer_holds_the_database(world))
        await asyncio.sleep(0.1)
    assert time.monotonic() - started > 1  # they really were held back by the group's limit
    assert len(free) > 10 and sum(free) > 0.8 * len(free)
    async with world.session() as session:
        numbers = sorted(a.number for a in (await session.exec(select(Agreement))).all())
    assert numbers == [1, 2, 3, 4, 5, 6]
    confirmed = [m.text for m in group.messages if "genoteerd" in m.text]
    assert [text.split(" genoteerd")[0][-len("Afspraak 1") :] for text in confirmed] == [
        f"Afspraak {number}" for number in range(1, 7)
    ]
