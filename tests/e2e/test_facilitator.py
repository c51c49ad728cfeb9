"""The facilitator's cockpit: every cluster at a glance, one in detail, one message to all."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from models.clusters import Cluster, ClusterStatus
from tests.e2e.cockpit import add_meeting, add_open_poll, cluster_row, cluster_with, local
from tests.e2e.harness import Chat, World


async def two_clusters(world: World) -> tuple[Chat, Chat]:
    """Pajottenland goes quiet after its start; Leuven is busy a month later."""
    pajot = await cluster_with(
        world, "Klimaatcluster Pajottenland", ["Pajottegem", "Bever", "Pepingen", "Lennik"]
    )
    bever = pajot.person("Sofie", username="sofie_bever")
    await bever.says("/gemeente Bever")
    await bever.says("/afspraak Campagnetekst voor elk gemeentelijk infoblad #Bever tegen 15/1")

    world.clock.advance(dt.timedelta(days=30))  # Saturday 26 December 2026
    leuven = await cluster_with(world, "Klimaatcluster Leuven", ["Herent", "Kortenberg", "Bertem"])
    an = leuven.person("An", username="an_herent")
    await an.says("/gemeente Herent")
    await an.says("/afspraak Offertes zonnepanelen opvragen #Herent tegen 28/12")
    await an.says("/afspraak Klimaattafel in één wijk #Kortenberg tegen 15/1")
    await add_meeting(world, leuven, starts_at=local(2027, 1, 12, 14, 0), host="Herent")
    await add_open_poll(world, leuven, deadline=local(2027, 1, 8, 12, 0))
    world.clock.advance(dt.timedelta(days=3))  # Tuesday 29 December: Herent's is overdue
    return pajot, leuven


async def test_clusters_shows_every_cluster_with_the_quiet_one_first(world: World) -> None:
    pajot, _ = await two_clusters(world)
    fien = pajot.facilitator.in_private()

    reply = await fien.says("/clusters")
    text = reply.text
    assert text.index("Klimaatcluster Pajottenland") < text.index("Klimaatcluster Leuven")
    pajot_part, leuven_part = text.split("Klimaatcluster Leuven", 1)
    assert "💤 33 dagen geen activiteit" in pajot_part
    assert "Bever, Lennik, Pajottegem, Pepingen" in pajot_part
    assert "Open afspraken: 1 (te laat: 0)" in pajot_part
    assert "Geen vergadering gepland" in pajot_part
    assert "laatste activiteit 3 dagen geleden" in leuven_part
    assert "Bertem, Herent, Kortenberg" in leuven_part
    assert "Open afspraken: 2 (te laat: 1) · open datumprikkers: 1" in leuven_part
    assert "dinsdag 12 januari 2027 14:00" in leuven_part
    assert reply.last.button_texts == [
        ["1. Klimaatcluster Pajottenland"],
        ["2. Klimaatcluster Leuven"],
    ]

    detail = await fien.presses("Leuven", on=reply.last)
    assert detail.answer is not None
    assert "Cluster Klimaatcluster Leuven" in detail.text
    assert "Herent: 1 lid · 1 open (te laat: 1) · 0 klaar" in detail.text
    assert "Kortenberg: 0 leden · 1 open (te laat: 0)" in detail.text
    assert "Offertes zonnepanelen opvragen — Herent — tegen maandag 28 december 2026" in detail.text
    assert "gastgemeente Herent" in detail.text
    assert "Open datumprikker 1" in detail.text

    by_number = await fien.says("/clusters 1")
    assert "Cluster Klimaatcluster Pajottenland" in by_number.text
    assert "Campagnetekst" not in by_number.text  # not overdue, so not listed
    by_name = await fien.says("/clusters leuven")
    assert "Cluster Klimaatcluster Leuven" in by_name.text


async def test_clusters_refuses_unknown_choices_and_other_people(world: World) -> None:
    pajot, _ = await two_clusters(world)
    fien = pajot.facilitator.in_private()
    assert "geen cluster 7" in (await fien.says("/clusters 7")).text.lower()
    assert "Klimaatcluster" in (await fien.says("/clusters klimaat")).text  # ambiguous: both named
    assert "geen cluster met gent" in (await fien.says("/clusters gent")).text.lower()

    in_group = await pajot.facilitator.says("/clusters")
    assert "alleen in een privégesprek" in in_group.text
    assert "Je clusters" not in in_group.text

    member = pajot.person("Sofie", username="sofie2").in_private()
    refused = await member.says("/clusters")
    assert "Alleen de facilitator" in refused.text
    assert "Pajottenland" not in refused.text


async def test_clusters_without_any_cluster_says_how_to_start(world: World) -> None:
    fien = world.group("Nog niets").facilitator.in_private()
    reply = await fien.says("/clusters")
    assert "/start" in reply.text


async def test_broadcast_reaches_every_cluster_and_reports_the_unreachable(world: World) -> None:
    pajot, leuven = await two_clusters(world)
    zenne = await cluster_with(world, "Klimaatcluster Zennevallei", ["Halle", "Beersel"])
    fien = pajot.facilitator.in_private()
    # The bot was removed from Zennevallei without Telegram telling it: sending is refused.
    zenne.state.kicked = True
    # Leuven comes first alphabetically; Telegram refuses that one send.
    world.fake.fail_next("sendMessage", 400, "Bad Request: not enough rights to send text")

    reply = await fien.says(
        "/rondzenden Vergeet de enquête <Lokaal Klimaatpact> niet & vul ze in vóór vrijdag."
    )

    [pajot_message] = pajot.messages[-1:]
    assert "Bericht van de facilitator" in pajot_message.text
    assert (
        "Vergeet de enquête <Lokaal Klimaatpact> niet & vul ze in vóór vrijdag."
        in pajot_message.text
    )
    assert not any("Bericht van de facilitator" in m.text for m in leuven.messages)
    assert "Verstuurd naar 1 cluster: Klimaatcluster Pajottenland" in reply.text
    assert "Niet bereikt (2)" in reply.text
    assert "Klimaatcluster Zennevallei: ik kan deze groep niet meer bereiken" in reply.text
    assert "Klimaatcluster Leuven: Telegram weigerde het bericht" in reply.text
    assert (await cluster_row(world, zenne)).status == ClusterStatus.INACTIVE
    assert world.fake.rejections == [
        ("sendMessage", "Forbidden: bot was kicked from the group chat")
    ]
    world.fake.rejections.clear()
    assert (await cluster_row(world, leuven)).status == ClusterStatus.ACTIVE

    # The next broadcast skips the cluster the bot left and reaches the others.
    again = await fien.says("/rondzenden Fijne feestdagen!")
    assert "Verstuurd naar 2 clusters: Klimaatcluster Leuven, Klimaatcluster Pajottenland" in (
        again.text
    )
    assert "Niet bereikt" not in again.text


async def test_broadcast_is_only_for_the_facilitator_and_needs_a_text(world: World) -> None:
    pajot, leuven = await two_clusters(world)
    sent_before = len(world.fake.sent)
    member = pajot.person("Sofie", username="sofie_bever").in_private()
    refused = await member.says("/rondzenden Iedereen naar huis")
    assert "Alleen de facilitator" in refused.text
    in_group = await pajot.person("Sofie", username="sofie_bever").says("/rondzenden Hallo")
    assert "alleen in een privégesprek" in in_group.text
    assert len(world.fake.sent) == sent_before + 2  # only the two refusals

    usage = await pajot.facilitator.in_private().says("/rondzenden")
    assert "/rondzenden" in usage.text
    assert not any("Bericht van de facilitator" in m.text for m in pajot.messages + leuven.messages)


async def test_only_this_facilitators_clusters_count(world: World) -> None:
    """Another facilitator registered a cluster Fien never wrote in: it is not hers."""
    pajot, _ = await two_clusters(world)
    async with world.runtime.sessions() as session:
        other = Cluster(
            chat_id=-999_111,
            title="Klimaatcluster Limburg",
            facilitator_user_id=123_456,
            created_at=world.clock.now(),
        )
        session.add(other)
        await session.commit()
        count = len((await session.exec(select(Cluster))).all())
    assert count == 3
    text = (await pajot.facilitator.in_private().says("/clusters")).text
    assert "Limburg" not in text
    assert "Je clusters (2)" in text
