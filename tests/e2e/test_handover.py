"""`/overdracht`: the facilitator hands a cluster over, with a checklist from its own state."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from models.audit import AuditEvent
from models.clusters import Member, Role
from tests.e2e.cockpit import add_meeting, cluster_row, cluster_with, local
from tests.e2e.harness import Chat, Person, World


async def role_of(world: World, user_id: int) -> str:
    async with world.runtime.sessions() as session:
        member = (await session.exec(select(Member).where(Member.user_id == user_id))).one()
    return member.role


async def leuven_cluster(world: World) -> tuple[Chat, Person, Person]:
    leuven = await cluster_with(world, "Klimaatcluster Leuven", ["Herent", "Kortenberg", "Bertem"])
    an = leuven.person("An", username="an_herent")
    bram = leuven.person("Bram", username="bram_kortenberg")
    await an.says("/gemeente Herent")
    await bram.says("/gemeente Kortenberg")
    await an.says("/afspraak Offertes zonnepanelen opvragen #Herent tegen 30/11")
    await bram.says("/afspraak Klimaattafel in één wijk #Kortenberg tegen 15/1")
    await bram.says("/besluit Gezamenlijke campagne start in mei")
    world.clock.advance(dt.timedelta(days=5))  # Tuesday 1 December: Herent's is overdue
    return leuven, an, bram


async def test_facilitator_hands_over_with_a_checklist_of_the_clusters_state(
    world: World,
) -> None:
    leuven, an, _ = await leuven_cluster(world)
    fien = leuven.facilitator

    reply = await fien.says("/overdracht @an_herent")
    text = reply.text
    assert "Overdracht van cluster Klimaatcluster Leuven" in text
    assert "An is nu coördinator" in text
    assert '<a href="tg://user?id=' in reply.last.html  # An is notified
    assert "Open afspraken: 2, waarvan 1 te laat (nr. 1)" in text
    assert "Er is geen vergadering gepland" in text and "/datumprikker" in text
    assert "Wekelijks overzicht: elke maandag om 09:00" in text
    assert "Herinneringen: 2 werkdagen voor de deadline; stil van 18:00 tot 08:00" in text
    assert "Nog niemand voor: Bertem" in text
    assert "de coördinatoren An en de beheerders" in text
    assert "dinsdag 1 december 2026" in text

    assert await role_of(world, an.id) == Role.COORDINATOR
    cluster = await cluster_row(world, leuven)
    assert cluster.handed_over_at == world.clock.now()
    async with world.runtime.sessions() as session:
        actions = (
            await session.exec(select(AuditEvent.action).where(AuditEvent.entity == "cluster"))
        ).all()
    assert "handed_over" in actions

    # An can now manage the cluster herself.
    assert "€" in (await an.says("/kosten")).text


async def test_checklist_shows_the_next_meeting_and_digest_off(world: World) -> None:
    leuven, an, _ = await leuven_cluster(world)
    fien = leuven.facilitator
    await add_meeting(world, leuven, starts_at=local(2026, 12, 15, 14, 0), host="Kortenberg")
    await an.says("/klaar 1")
    async with world.runtime.sessions() as session:
        cluster = await cluster_row(world, leuven)
        cluster.digest_weekday = None
        cluster.reminders_enabled = False
        session.add(cluster)
        await session.commit()

    text = (await fien.says("/handover @bram_kortenberg")).text
    assert "Open afspraken: 1." in text and "te laat" not in text
    assert "Volgende vergadering: dinsdag 15 december 2026 14:00, gastgemeente Kortenberg" in text
    assert "overzicht staat uit" in text
    assert "Herinneringen staan uit" in text


async def test_handover_is_refused_to_others_and_without_a_name(world: World) -> None:
    leuven, an, bram = await leuven_cluster(world)
    await leuven.facilitator.says("/coordinator @an_herent")

    refused = (await bram.says("/overdracht @bram_kortenberg")).text
    assert "Alleen de facilitator" in refused
    coordinator_refused = (await an.says("/overdracht @bram_kortenberg")).text
    assert "Alleen de facilitator" in coordinator_refused
    assert await role_of(world, bram.id) == Role.MEMBER
    assert (await cluster_row(world, leuven)).handed_over_at is None

    fien = leuven.facilitator
    assert "Noem wie de cluster overneemt" in (await fien.says("/overdracht")).text
    assert "ken @niemand_hier nog niet" in (await fien.says("/overdracht @niemand_hier")).text
    assert "facilitator" in (await fien.says("/overdracht @fien_facilitator")).text
    assert "alleen in de groep" in (await fien.in_private().says("/overdracht @an_herent")).text
    assert (await cluster_row(world, leuven)).handed_over_at is None
