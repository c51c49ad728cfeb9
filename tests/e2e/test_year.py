"""A cluster's year and beyond: meetings with a rhythm, minutes, and a hand-over that hands over."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from models.meetings import Meeting
from tests.e2e.harness import BRUSSELS, Chat, FakeClock, Person, Timed, World

START = dt.datetime(2027, 3, 1, 10, 0, tzinfo=BRUSSELS)  # Monday 1 March 2027


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2027) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def in_chat(sent: list[Timed], chat: Chat | Person, mark: str = "") -> list[Timed]:
    chat_id = chat.id
    return [s for s in sent if s.message.chat_id == chat_id and mark in s.text]


async def leuven(world: World) -> tuple[Chat, Person, Person]:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Herent, Kortenberg, Bertem")
    an = group.person("An", username="an_herent")
    await an.says("/gemeente Herent")
    await an.in_private().says("/start")
    await fien.in_private().says("/start")
    return group, fien, an


async def meeting_count(world: World) -> int:
    async with world.session() as session:
        return len((await session.exec(select(Meeting))).all())


async def test_a_meeting_series_goes_on_after_the_hand_over_with_no_command(world: World) -> None:
    group, fien, an = await leuven(world)
    refused = (await an.says("/vergadering di 16/3 14u #Herent elke 40 weken")).text
    assert "om de 1 tot 26 weken" in refused
    assert await meeting_count(world) == 0
    planned = (await an.says("/vergadering di 16/3 14u #Herent Gemeentehuis elke 6 weken")).text
    assert "Vergadering 1" in planned and "🔁 Reeks: elke 6 weken" in planned
    assert "elke 6 weken" not in planned.split("\n")[0]  # not read as part of the location

    handed = (await fien.says("/overdracht @an_herent")).text
    assert "An" in handed
    world.fake.sent.clear()
    sent = await world.run_until(at(11, 30))

    announced = [s for s in in_chat(sent, group, "📅") if "de volgende in de reeks" in s.text]
    starts = [s.text.split("gepland op ")[1].split(",")[0] for s in announced]
    assert starts == [
        "dinsdag 27 april 2027 14:00",
        "dinsdag 8 juni 2027 14:00",
        "dinsdag 20 juli 2027 14:00",
        "dinsdag 31 augustus 2027 14:00",
        "dinsdag 12 oktober 2027 14:00",
        "dinsdag 23 november 2027 14:00",
        "dinsdag 4 januari 2028 14:00",
    ]
    # Each is announced right after the one before ends, with its host and an invitation.
    assert announced[0].at == at(3, 16, 15)
    assert "Bertem" in announced[0].text and "Kortenberg" in announced[1].text
    assert len([m for m in world.fake.sent if m.filename and m.filename.endswith(".ics")]) == 7
    # Reminders of the new meetings came too, and nobody typed a command.
    reminders = in_chat(sent, group, "📅 Vergadering 7: dinsdag 23 november")
    assert [s.at for s in reminders] == [at(11, 22)]
    # After the hand-over the former facilitator hears nothing from this cluster.
    assert in_chat(sent, fien.in_private().chat) == []
    assert "Oud-facilitator: Fien" in (await an.says("/cluster")).text


async def test_the_former_facilitator_gets_no_escalation_but_can_still_read(world: World) -> None:
    group, fien, an = await leuven(world)
    await fien.says("/traject start 1/3 einde 31/5")
    await an.says("/afspraak Offertes opvragen @an_herent tegen vr 5/3")
    await fien.says("/overdracht @an_herent")
    sent = await world.run_until(at(6, 1, 12))
    escalated = in_chat(sent, an.in_private().chat, "Offertes")
    assert escalated and "drie herinneringen" in escalated[-1].text
    countdown = in_chat(sent, an.in_private().chat, "⏳")
    # 8, 4, 2 and 1 weeks before 31 May; Whit Monday (17 May) moves to the Tuesday.
    assert [s.at for s in countdown] == [at(4, 5), at(5, 3), at(5, 18), at(5, 24)]
    # The former facilitator: no escalation, no countdown, nothing at all from this cluster.
    assert in_chat(sent, fien.in_private().chat) == []
    # Still able to read: the cluster's agreements, its trajectory, its export.
    assert "Offertes" in (await fien.says("/afspraken")).text
    overview = (await fien.in_private().says("/clusters")).text
    assert "oud-facilitator" in overview
    assert "Traject Klimaatcluster Leuven" in (await fien.in_private().says("/traject")).text
    # The coordinator reads the trajectory in private too; someone who coordinates nothing not.
    assert "Traject Klimaatcluster Leuven" in (await an.in_private().says("/traject")).text
    bart = group.person("Bart", username="bart_bertem")
    await bart.says("/gemeente Bertem")
    assert "Traject" not in (await bart.in_private().says("/traject")).text


async def test_a_one_off_meeting_gets_a_proposal_for_the_next(world: World) -> None:
    group, fien, an = await leuven(world)
    await fien.says("/coordinator @an_herent")
    await an.says("/vergadering do 18/3 10u #Kortenberg")
    sent = await world.run_until(at(3, 19, 12))
    proposal = in_chat(sent, group, "🗓")
    assert len(proposal) == 1 and proposal[0].at == at(3, 18, 11)
    # Six weeks on, two days later (1 May: Monday 3rd) and a week later (6 May is Ascension Day).
    assert "/datumprikker 29/4/2027 10:00; 3/5/2027 10:00; 7/5/2027 10:00" in proposal[0].text
    assert "An" in proposal[0].text
    # The draft is a poll as it stands.
    poll = await an.says(proposal[0].text.split("\n")[-1])
    assert "✅" in str(poll.last.button_texts)


async def test_during_a_meeting_it_shows_as_under_way_and_takes_notes(world: World) -> None:
    _group, _fien, an = await leuven(world)
    await an.says("/vergadering di 16/3 14u #Herent")
    await an.says("/vergadering di 27/4 14u #Bertem")
    world.clock.advance_to(at(3, 16, 14, 30))
    listed = (await an.says("/vergaderingen")).text.split("\n")
    assert "nu bezig" in listed[1] and "16 maart" in listed[1]
    assert "nu bezig" not in listed[2]

    assert "Herrent" in (await an.says("/verslag aanwezig Herrent, Bertem")).text
    assert "Gebruik" in (await an.says("/verslag iets anders")).text
    assert "na het plusteken" in (await an.says("/verslag +")).text
    await an.says("/verslag aanwezig Herent, Bertem")
    minutes = (await an.says("/verslag + We kiezen voor één infoavond <in Herent>")).text
    assert "Aanwezig: Bertem, Herent" in minutes
    assert "Afwezig: Kortenberg" in minutes
    assert "• We kiezen voor één infoavond <in Herent>" in minutes
    async with world.session() as session:
        meeting = (await session.exec(select(Meeting).where(Meeting.number == 1))).one()
    assert meeting.notes == "We kiezen voor één infoavond <in Herent>"
    assert meeting.minutes is not None and "Aanwezig" in meeting.minutes


async def test_the_facilitators_own_commands_do_not_keep_a_cluster_off_the_quiet_list(
    world: World,
) -> None:
    _group, fien, an = await leuven(world)
    world.clock.advance(dt.timedelta(days=25))
    await fien.says("/afspraken")
    await fien.says("/besluit We vergaderen voortaan in Bertem")
    overview = (await fien.in_private().says("/clusters")).text
    assert "💤 25 dagen geen activiteit" in overview
    assert "Fase 1 (Werving en plan van aanpak), nog 48 weken" in overview
    await an.says("/afspraken")
    assert "💤" not in (await fien.in_private().says("/clusters")).text
