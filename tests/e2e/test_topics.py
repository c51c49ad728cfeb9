"""Groups with topics: answers land where asked; topics carry themes."""

from __future__ import annotations

import datetime as dt

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
    _, fien = await forum_cluster(world)
    assert "/thema energie" in (await fien.says("/thema")).text


async def test_agreements_made_in_a_themed_topic_get_its_theme_and_come_first(
    world: World,
) -> None:
    group, fien = await forum_cluster(world)
    energy = await group.create_topic(fien, "Energie")
    await fien.says("/thema energie", thread=energy)
    an = group.person("An", username="an_herent")
    await an.says("/gemeente Herent")
    await an.says("/afspraak Flyer fietsstraten @an_herent #Herent tegen 15/12")
    made = await an.says(
        "/afspraak Offertes zonnepanelen opvragen #Herent tegen 18/12", thread=energy
    )
    assert made.last.thread_id == energy and "energie" in made.text
    other = await an.says(
        "/afspraak Repair café plannen #Herent #circulair tegen 17/12", thread=energy
    )
    assert "circulair" in other.text

    in_topic = (await an.says("/afspraken", thread=energy)).text
    assert in_topic.index("Offertes") < in_topic.index("Flyer")
    assert in_topic.index("Offertes") < in_topic.index("Repair")
    in_general = (await an.says("/afspraken")).text
    assert in_general.index("Flyer") < in_general.index("Offertes")  # by due date, as usual

    action = await an.says("/actie Groepsaankoop dakisolatie #Herent", thread=energy)
    assert "energie" in action.text.lower()


async def test_nudges_and_poll_results_go_to_the_topic_they_belong_to(world: World) -> None:
    group, fien = await forum_cluster(world)
    meetings = await group.create_topic(fien, "Vergaderingen")
    energy = await group.create_topic(fien, "Energie")
    an = group.person("An", username="an_herent")
    await an.says("/gemeente Herent")
    # Thursday 26/11 10:00: due Tuesday 1/12, reminded two working days before (Friday 27/11).
    await an.says("/afspraak Offertes opvragen @an_herent tegen di 1/12", thread=energy)
    poll = await an.says("/datumprikker ma 7/12 14u; di 8/12 10u", thread=meetings)
    assert poll.last.thread_id == meetings
    await an.presses("✅", on=poll.last, row=1)

    sent = await world.run_until(dt.datetime(2026, 11, 27, 12, 0))
    reminders = [t.message for t in sent if "Offertes" in t.message.text]
    assert reminders and all(m.thread_id == energy for m in reminders)

    closed = await fien.says("/sluit", thread=meetings)
    assert closed.messages and all(m.thread_id == meetings for m in closed.messages)
    assert any(m.filename and m.filename.endswith(".ics") for m in closed.messages)


async def test_a_closed_topic_falls_back_to_general_and_says_where_from(world: World) -> None:
    group, fien = await forum_cluster(world)
    energy = await group.create_topic(fien, "Energie")
    an = group.person("An", username="an_herent")
    await an.says("/gemeente Herent")
    await an.says("/afspraak Offertes opvragen @an_herent tegen di 1/12", thread=energy)
    await group.close_topic(fien, energy)
    sent = await world.run_until(dt.datetime(2026, 11, 27, 12, 0))
    reminder = next(t.message for t in sent if "Offertes" in t.message.text)
    assert reminder.thread_id is None
    assert "Energie" in reminder.text and "gesloten" in reminder.text


async def test_a_topic_closed_unseen_is_detected_on_send(world: World) -> None:
    group, fien = await forum_cluster(world)
    energy = await group.create_topic(fien, "Energie")
    an = group.person("An", username="an_herent")
    await an.says("/gemeente Herent")
    await an.says("/afspraak Offertes opvragen @an_herent tegen di 1/12", thread=energy)
    group.close_topic_silently(energy)
    sent = await world.run_until(dt.datetime(2026, 11, 27, 12, 0))
    reminder = next(t.message for t in sent if "Offertes" in t.message.text)
    assert reminder.thread_id is None and "Energie" in reminder.text
    assert world.fake.take_rejections() == [("sendMessage", "Bad Request: TOPIC_CLOSED")]


async def test_the_digest_goes_to_general_or_the_chosen_topic(world: World) -> None:
    group, fien = await forum_cluster(world)
    board = await group.create_topic(fien, "Opvolging")
    sent = await world.run_until(dt.datetime(2026, 11, 30, 9, 30))
    digests = [t.message for t in sent if t.message.chat_id == group.id]
    assert digests and digests[-1].thread_id is None
    await fien.says("/instellingen overzicht hier", thread=board)
    sent = await world.run_until(dt.datetime(2026, 12, 7, 9, 30))
    digests = [t.message for t in sent if t.message.chat_id == group.id]
    assert digests and all(m.thread_id == board for m in digests)


async def test_a_button_under_a_nudge_answers_in_the_nudges_topic(world: World) -> None:
    group, fien = await forum_cluster(world)
    energy = await group.create_topic(fien, "Energie")
    an = group.person("An", username="an_herent")
    await an.says("/gemeente Herent")
    await an.says("/afspraak Offertes opvragen @an_herent tegen di 1/12", thread=energy)
    sent = await world.run_until(dt.datetime(2026, 11, 27, 12, 0))
    nudge = next(t.message for t in sent if "Offertes" in t.message.text)
    pressed = await an.presses("✅", on=nudge)
    assert pressed.messages and all(m.thread_id == energy for m in pressed.messages)
    assert "Afspraak 1 is klaar" in pressed.text
