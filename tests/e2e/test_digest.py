"""The weekly digest: Monday 9:00 local time (Tuesday after Easter Monday), and on demand."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.harness import BRUSSELS, Chat, FakeClock, Person, Timed, World

# Friday 19 March 2027, 10:00 (winter time); Easter Monday is 29 March, summer time starts 28.
FRIDAY = dt.datetime(2027, 3, 19, 10, 0, tzinfo=BRUSSELS)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(FRIDAY)


def local(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute, tzinfo=BRUSSELS)


def digests(sent: list[Timed], chat: Chat) -> list[Timed]:
    return [item for item in sent if item.message.chat_id == chat.id and "📋" in item.text]


async def cluster(world: World, title: str = "Klimaatcluster Pajottenland") -> tuple[Chat, Person]:
    group = world.group(title)
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Pajottegem, Bever, Pepingen, Lennik")
    return group, fien


async def test_the_digest_comes_monday_nine_and_after_easter_monday_on_tuesday(
    world: World,
) -> None:
    group, _ = await cluster(world)
    sent = await world.run_until(local(4, 7, 12))
    said = digests(sent, group)
    assert [item.at for item in said] == [local(3, 22), local(3, 30), local(4, 5)]
    # 09:00 on the wall clock, in winter and in summer time alike.
    assert [item.at.utcoffset() for item in said] == [
        dt.timedelta(hours=1),
        dt.timedelta(hours=2),
        dt.timedelta(hours=2),
    ]
    # A quiet week gets one short line, not silence.
    assert "niets te melden" in said[0].text
    assert len(said[0].text.splitlines()) == 1


async def test_the_digest_lists_what_is_open_per_municipality_and_what_is_late(
    world: World,
) -> None:
    group, fien = await cluster(world)
    bart = group.person("Bart", username="bart_bever")
    await bart.says("/gemeente Bever")
    lies = group.person("Lies", username="lies_lennik")
    await lies.says("/gemeente Lennik")
    await bart.says("/afspraak Campagnetekst nieuwsbrieven @bart_bever tegen ma 22/3")
    await lies.says("/afspraak Zaal reserveren voor infoavond @lies_lennik tegen vr 16/4")
    await fien.says("/afspraak Voortgangsrapport klimaatpact #Pepingen tegen 30/11")
    await fien.says("/besluit We werken samen met het energiehuis")
    await fien.says("/actie Groepsaankoop dakisolatie #energie #Pepingen #Lennik")
    await fien.says("/actie 1 gepland")
    await fien.says("/actie Repair café #circulair #Bever")
    await fien.says("/actie 2 lopend")
    await fien.says("/vergadering di 20/4 19u30 #Lennik Gemeentehuis")
    await fien.says("/datumprikker do 15/4 14u; vr 16/4 10u")

    await world.run_until(local(3, 24, 11))  # Wednesday: agreement 1 is two days late
    reply = await lies.says("/overzicht")
    text = reply.text
    lines = text.splitlines()
    assert "Weekoverzicht" in lines[0] and "woensdag 24 maart 2027" in lines[0]
    late = lines.index(next(line for line in lines if "Te laat (1)" in line))
    assert "Campagnetekst" in lines[late + 1] and "Bever" in lines[late + 1]
    open_at = lines.index(next(line for line in lines if "Open afspraken (2)" in line))
    assert lines[open_at + 1 : open_at + 5] == [
        "Lennik",
        "• 2. Zaal reserveren voor infoavond — Lies — tegen 16/04",
        "Pepingen",
        "• 3. Voortgangsrapport klimaatpact — tegen 30/11",
    ]
    assert "energiehuis" not in text  # a decision has nothing left to do
    assert "Volgende vergadering: dinsdag 20 april 2027 19:30 — Lennik, Gemeentehuis" in text
    assert "Datumprikker 1" in text
    assert "Gepland: 1. Groepsaankoop dakisolatie" in text
    assert "Lopend: 2. Repair café" in text

    # The same digest arrives by itself on Monday, in General.
    sent = await world.run_until(local(3, 29, 12))
    assert digests(sent, group) == []  # Easter Monday
    sent = await world.run_until(local(3, 30, 12))
    (digest,) = digests(sent, group)
    assert digest.at == local(3, 30) and digest.message.thread_id is None
    assert "Campagnetekst" in digest.text and "Repair café" in digest.text


async def test_no_digest_when_it_is_turned_off_and_again_when_turned_on(world: World) -> None:
    group, fien = await cluster(world)
    await fien.says("/instellingen overzicht uit")
    assert digests(await world.run_until(local(3, 31, 12)), group) == []
    await fien.says("/instellingen overzicht woensdag 10u")
    sent = await world.run_until(local(4, 8, 12))
    assert [item.at for item in digests(sent, group)] == [local(4, 7, 10)]


async def test_the_digest_goes_to_the_topic_chosen_with_overzicht_hier(world: World) -> None:
    group = world.group("Klimaatcluster Leuven", type_="supergroup", forum=True)
    fien = group.facilitator
    await fien.says("/start")
    reply = await fien.says("/instellingen overzicht hier", thread=77)
    assert "dit topic" in reply.text
    assert reply.last.thread_id == 77
    sent = await world.run_until(local(3, 22, 12))
    (digest,) = digests(sent, group)
    assert digest.message.thread_id == 77

    await fien.says("/instellingen overzicht hier")  # typed in General
    sent = await world.run_until(local(3, 30, 12))
    (digest,) = digests(sent, group)
    assert digest.message.thread_id is None


async def test_each_cluster_gets_its_own_digest_once(world: World) -> None:
    first, _ = await cluster(world, "Klimaatcluster Pajottenland")
    second, _ = await cluster(world, "Klimaatcluster Leuven")
    sent = await world.run_until(local(3, 22, 12))
    assert len(digests(sent, first)) == 1
    assert len(digests(sent, second)) == 1
    await world.restart()
    assert digests(await world.run_until(local(3, 26, 12)), first) == []


async def test_a_digest_missed_while_down_comes_once_when_back(world: World) -> None:
    group, _ = await cluster(world)
    await world.sweep()  # plans Monday's digest
    await world.stop()
    world.clock.advance_to(local(3, 23, 14))  # back on Tuesday afternoon
    await world.start()
    first = [m for m in (await world.sweep()).messages if m.chat_id == group.id]
    assert len(first) == 1 and "📋" in first[0].text
    await world.restart()
    assert (await world.sweep()).messages == []
    sent = await world.run_until(local(3, 30, 12))
    # The regular rhythm goes on: Tuesday 30 March (after Easter Monday).
    assert [item.at for item in digests(sent, group)] == [local(3, 30)]
