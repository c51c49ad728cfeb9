"""Groups with topics: answers land where asked; topics carry themes."""

from __future__ import annotations

from tests.e2e.harness import Chat, Person, World


async def forum_cluster(world: World) -> tuple[Chat, Person]:
    group = world.group("Klimaatcluster Leuven", type_="supergroup", forum=True)
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Herent, Kortenberg, Bertem")
    return group, fien


async def test_replies_go_to_the_topic_where_the_command_was_typed(world: World) -> None:
    group, fien = await forum_cluster(world)
    energy = await group.create_topic(fien, "Energie")
    reply = await fien.says("/gemeenten", thread=energy)
    assert reply.last.thread_id == energy and "Herent" in reply.text
    general = await fien.says("/gemeenten")
    assert general.last.thread_id is None


async def test_theme_tied_to_a_topic_by_a_coordinator(world: World) -> None:
    group, fien = await forum_cluster(world)
    energy = await group.create_topic(fien, "Energie")
    mobility = await group.create_topic(fien, "Fietsen")
    tied = await fien.says("/thema energie", thread=energy)
    assert "Energie" in tied.text and tied.last.thread_id == energy
    await fien.says("/theme #mobility", thread=mobility)
    listing = (await fien.says("/thema")).text
    assert "Energie: energie" in listing and "Fietsen: mobiliteit" in listing

    bart = group.person("Bart")
    refused = await bart.says("/thema circulair", thread=energy)
    assert "Alleen een coördinator" in refused.text
    assert "Energie: energie" in (await bart.says("/thema")).text

    outside = await fien.says("/thema energie")
    assert "in het topic" in outside.text
    unknown = await fien.says("/thema klimaat", thread=energy)
    assert "klimaat" in unknown.text and "mobiliteit" in unknown.text
    assert "Energie: energie" in (await fien.says("/thema")).text

    await fien.says("/thema uit", thread=mobility)
    assert "Fietsen" not in (await fien.says("/thema")).text


async def test_topic_without_ties_says_how(world: World) -> None:
    group, fien = await forum_cluster(world)
    assert "/thema energie" in (await fien.says("/thema")).text
