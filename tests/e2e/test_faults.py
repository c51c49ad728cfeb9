"""Telegram misbehaves: the bot waits out flood limits and never shows a traceback."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.harness import World


async def test_flood_limit_is_waited_out_and_the_reply_arrives(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    await group.facilitator.says("/start")
    world.fake.fail_next(
        "sendMessage", 429, "Too Many Requests: retry after 1", parameters={"retry_after": 1}
    )
    reply = await group.facilitator.says("/gemeenten + Herent")
    assert "Herent" in reply.text
    attempts = [params for method, params in world.fake.calls if method == "sendMessage"]
    assert sum("Toegevoegd: Herent" in str(p.get("text")) for p in attempts) == 2


async def test_a_server_error_is_logged_and_the_next_command_works(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    await group.facilitator.says("/start")
    world.fake.fail_next("sendMessage", 502, "Bad Gateway")
    await group.facilitator.says("/gemeenten + Herent")
    # The change itself was committed before the reply failed; the next command shows it.
    assert "Herent" in (await group.facilitator.says("/gemeenten")).text
    assert not any("Traceback" in m.text for m in group.messages)


async def test_a_bot_removed_from_the_group_stops_talking_there(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    group.state.kicked = True  # removed without the bot hearing about it
    await fien.says("/gemeenten + Herent")
    assert world.fake.take_rejections() == [
        ("sendMessage", "Forbidden: bot was kicked from the group chat")
    ]
    async with world.runtime.sessions() as session:
        from models.clusters import get_cluster

        cluster = await get_cluster(session, group.id)
        assert cluster is not None and not cluster.is_active


async def agreement_due_tomorrow(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Herent")
    an = group.person("An", username="an_herent")
    await an.says("/gemeente Herent")
    # Thursday 26/11 10:00; due Tuesday 1/12: the first reminder is Friday 27/11 09:00.
    await an.says("/afspraak Offertes opvragen @an_herent tegen di 1/12")


async def test_a_nudge_that_meets_a_server_error_is_retried_and_sent_once(world: World) -> None:
    await agreement_due_tomorrow(world)
    world.clock.advance_to(dt.datetime(2026, 11, 27, 9, 0))
    world.fake.fail_next("sendMessage", 502, "Bad Gateway")
    assert not (await world.sweep()).messages
    assert world.fake.take_rejections() == []  # injected faults are not the bot's mistakes
    assert not (await world.sweep()).messages  # backing off: not yet
    world.clock.advance(dt.timedelta(minutes=1))
    retried = await world.sweep()
    assert len(retried) == 1 and "Offertes" in retried.text
    world.clock.advance(dt.timedelta(hours=1))
    assert not (await world.sweep()).messages


async def test_a_dropped_connection_is_retried_and_the_nudge_sent_once(world: World) -> None:
    await agreement_due_tomorrow(world)
    world.clock.advance_to(dt.datetime(2026, 11, 27, 9, 0))
    world.fake.drop_next("sendMessage")
    assert not (await world.sweep()).messages
    world.clock.advance(dt.timedelta(minutes=1))
    sent = await world.sweep()
    assert len(sent) == 1 and "Offertes" in sent.text
    async with world.runtime.sessions() as session:
        from sqlmodel import select

        from models.nudges import Nudge, NudgeStatus

        row = (await session.exec(select(Nudge).where(Nudge.status == NudgeStatus.SENT))).one()
        assert row.attempts == 2


async def test_an_unexpected_error_gets_one_short_line_in_the_clusters_language(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/taal fr")

    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("handlers.onboarding.clusters.municipalities_of", broken)
    reply = await fien.says("/gemeenten")
    assert reply.text == "Un problème est survenu de mon côté. Réessayez plus tard."
