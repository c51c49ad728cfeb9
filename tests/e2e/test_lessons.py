"""Lessons learned and practice examples travel from one cluster to the others."""

from __future__ import annotations

from sqlmodel import func, select

from models.lessons import Lesson
from models.topics import Topic
from tests.e2e.cockpit import cluster_row, cluster_with
from tests.e2e.harness import World


async def lesson_count(world: World) -> int:
    async with world.runtime.sessions() as session:
        return int((await session.exec(select(func.count()).select_from(Lesson))).one())


async def test_members_record_lessons_and_practices_with_a_theme(world: World) -> None:
    pajot = await cluster_with(world, "Klimaatcluster Pajottenland", ["Pajottegem", "Bever"])
    sofie = pajot.person("Sofie", username="sofie_bever")

    reply = await sofie.says(
        "/leerpunt Een infoavond in de bib trekt meer volk dan in het gemeentehuis #energie"
    )
    assert "Leerpunt bewaard (thema: Energie)" in reply.text
    assert "Een infoavond in de bib trekt meer volk dan in het gemeentehuis" in reply.text
    assert "#energie" not in reply.text

    reply = await sofie.says(
        "/praktijkvoorbeeld Repair café met de intercommunale, elke eerste zaterdag #Circular"
    )
    assert "Praktijkvoorbeeld bewaard (thema: Circulaire economie)" in reply.text

    reply = await sofie.says("/leerpunt Samen aankopen <b>&</b> scheelt 20 % #Bever")
    assert "thema: Zonder thema" in reply.text
    assert "Samen aankopen <b>&</b> scheelt 20 % #Bever" in reply.text  # shown literally

    listing = await sofie.says("/leerpunten")
    text = listing.text
    assert "Leerpunten en praktijkvoorbeelden (3)" in text
    assert text.index("Energie") < text.index("Circulaire economie") < text.index("Zonder thema")
    assert "💡 Een infoavond in de bib" in text
    assert "⭐ Repair café met de intercommunale" in text
    assert "Sofie" in text

    only_energy = (await sofie.says("/leerpunten #energy")).text
    assert "infoavond" in only_energy and "Repair café" not in only_energy

    async with world.runtime.sessions() as session:
        rows = (await session.exec(select(Lesson).order_by(Lesson.id))).all()  # type: ignore[arg-type]
    assert [(r.kind, r.theme) for r in rows] == [
        ("lesson", "energie"),
        ("practice", "circulair"),
        ("lesson", None),
    ]


async def test_bad_lessons_get_a_clear_reply_and_store_nothing(world: World) -> None:
    pajot = await cluster_with(world, "Klimaatcluster Pajottenland", ["Pajottegem", "Bever"])
    sofie = pajot.person("Sofie", username="sofie_bever")

    assert "Wat is het leerpunt?" in (await sofie.says("/leerpunt")).text
    assert "Wat is het praktijkvoorbeeld?" in (await sofie.says("/practice #energie")).text
    typo = (await sofie.says("/leerpunt Dakisolatie loont #enrgie")).text
    assert "Bedoel je #energie?" in typo
    two = (await sofie.says("/leerpunt Fietsstraten en zonnepanelen #mobiliteit #energie")).text
    assert "één thema" in two
    too_long = (await sofie.says("/leerpunt " + "woord " * 400)).text
    assert "te lang" in too_long
    unknown_filter = (await sofie.says("/leerpunten #sport")).text
    assert "#mobiliteit" in unknown_filter
    assert await lesson_count(world) == 0
    assert "Nog geen leerpunten" in (await sofie.says("/leerpunten")).text


async def test_a_lesson_typed_in_a_themed_topic_takes_that_theme(world: World) -> None:
    group = world.group("Klimaatcluster Leuven", type_="supergroup", forum=True)
    fien = group.facilitator
    await fien.says("/start")
    cluster = await cluster_row(world, group)
    assert cluster.id is not None
    async with world.runtime.sessions() as session:
        session.add(Topic(cluster_id=cluster.id, thread_id=77, name="Fiets", theme="mobiliteit"))
        await session.commit()
    an = group.person("An", username="an_herent")
    reply = await an.says("/leerpunt Schoolstraten werken als ouders mee beslissen", thread=77)
    assert "thema: Mobiliteit" in reply.text
    assert reply.last.thread_id == 77


async def test_the_facilitator_reads_every_clusters_lessons_by_theme(world: World) -> None:
    pajot = await cluster_with(world, "Klimaatcluster Pajottenland", ["Pajottegem", "Bever"])
    leuven = await cluster_with(world, "Klimaatcluster Leuven", ["Herent", "Bertem"])
    await pajot.person("Sofie").says(
        "/praktijkvoorbeeld Repair café elke eerste zaterdag #circulair"
    )
    await leuven.person("An").says("/leerpunt Klimaattafels werken best per wijk #participatie")
    await leuven.person("An").says("/leerpunt Groepsaankoop: start met een infoavond #energie")

    fien = pajot.facilitator.in_private()
    text = (await fien.says("/leerpunten")).text
    assert "van al je clusters (3)" in text
    assert text.index("Energie") < text.index("Circulaire economie") < text.index("Participatie")
    assert "Repair café elke eerste zaterdag — Klimaatcluster Pajottenland" in text
    assert "Klimaattafels werken best per wijk — Klimaatcluster Leuven" in text

    circular = (await fien.says("/lessons #circulair")).text
    assert "Repair café" in circular and "Klimaattafels" not in circular

    # In a group, only that cluster's own lessons.
    in_leuven = (await leuven.person("Bram").says("/leerpunten")).text
    assert "Klimaattafels" in in_leuven and "Repair café" not in in_leuven

    # Someone who is not the facilitator cannot read across clusters.
    refused = (await pajot.person("Sofie").in_private().says("/leerpunten")).text
    assert "Repair café" not in refused
    assert "lid van de cluster" in refused
