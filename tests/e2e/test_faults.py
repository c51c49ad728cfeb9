"""Telegram misbehaves: the bot waits out flood limits and never shows a traceback."""

from __future__ import annotations

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
