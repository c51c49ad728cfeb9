"""A group chat becomes a cluster: a facilitator and three civil servants set it up."""

from __future__ import annotations

from tests.e2e.harness import World


async def test_facilitator_registers_group_and_members_join(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    reply = await fien.says("/start")
    assert "Klimaatcluster Leuven" in reply.text
    assert "/gemeenten" in reply.text

    reply = await fien.says("/gemeenten + Herent, Kortenberg, Bertem")
    assert "Herent" in reply.text and "Bertem" in reply.text

    an = group.person("An", username="an_herent")
    bram = group.person("Bram")
    celine = group.person("Céline", username="celine")
    assert "Herent" in (await an.says("/gemeente herent")).text
    assert "Kortenberg" in (await bram.says("/gemeente KORTENBERG")).text
    assert "Bertem" in (await celine.says("/gemeente Bertem")).text

    overview = (await bram.says("/cluster")).text
    assert "Herent: An" in overview
    assert "Kortenberg: Bram" in overview
    assert "Bertem: Céline" in overview
    assert "Fien" in overview
