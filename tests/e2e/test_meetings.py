"""Meetings: planned directly, listed, given an agenda, and written up in minutes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from icalendar import Calendar
from sqlmodel import col, func, select

from bot.sandbox.emulator import SentMessage
from models.meetings import AgendaItem, Meeting
from models.nudges import Nudge, NudgeStatus
from tests.e2e.harness import BRUSSELS, Person, World


async def cluster_of_three(world: World, title: str = "Klimaatcluster Leuven") -> dict[str, Any]:
    group = world.group(title)
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Herent, Kortenberg, Bertem")
    an = group.person("An", username="an_herent")
    bram = group.person("Bram", username="bram_kb")
    celine = group.person("Céline", username="celine")
    await an.says("/gemeente Herent")
    await bram.says("/gemeente Kortenberg")
    await celine.says("/gemeente Bertem")
    return {"group": group, "fien": fien, "an": an, "bram": bram, "celine": celine}


async def meetings_in_db(world: World) -> list[Meeting]:
    async with world.runtime.sessions() as session:
        return list((await session.exec(select(Meeting).order_by(col(Meeting.number)))).all())


async def count(world: World, table: Any) -> int:
    async with world.runtime.sessions() as session:
        return int((await session.exec(select(func.count()).select_from(table))).one())


def only_event(document: SentMessage) -> Any:
    calendar = Calendar.from_ical(document.content)
    assert calendar.walk("VTIMEZONE")
    (event,) = calendar.walk("VEVENT")
    return event


async def test_planning_a_meeting_sends_the_invitation(world: World) -> None:
    people = await cluster_of_three(world)
    an: Person = people["an"]
    reply = await an.says("/vergadering do 25/3 14u #Herent Gemeentehuis, zaal 2")
    assert "Vergadering 1" in reply.text
    assert "donderdag 25 maart 2027 14:00" in reply.text
    assert "Gastgemeente: Herent" in reply.text
    assert "Locatie: Gemeentehuis, zaal 2" in reply.text
    assert [d.filename for d in reply.documents] == ["vergadering-1.ics"]
    event = only_event(reply.documents[0])
    start = event.decoded("dtstart")
    assert start == dt.datetime(2027, 3, 25, 14, 0, tzinfo=BRUSSELS)
    assert event.decoded("dtend") - start == dt.timedelta(hours=1)
    assert str(event["location"]) == "Gemeentehuis, zaal 2, Herent"
    assert str(event["summary"]) == "Vergadering Klimaatcluster Leuven"

    (meeting,) = await meetings_in_db(world)
    assert meeting.starts_at == dt.datetime(2027, 3, 25, 13, 0, tzinfo=dt.UTC)
    async with world.runtime.sessions() as session:
        kinds = {
            row.kind
            for row in (await session.exec(select(Nudge))).all()
            if row.status == NudgeStatus.PENDING and row.subject_type == "meeting"
        }
    assert kinds == {"meeting_day_before", "meeting_hour_before", "meeting_after"}

    # Without #gemeente the rotation proposes one: Herent hosts already, Bertem never did.
    second = await an.says("/vergadering vr 26/3 10u")
    assert "Voorgestelde gastgemeente: Bertem" in second.text
    # Two have never hosted: it says so, and why Bertem comes before Kortenberg.
    assert "(ontving nog niet, net als Kortenberg; eerst in het alfabet;" in second.text
    assert "langst geleden" not in second.text
    third = await an.says("/vergadering ma 29/3 10u")
    assert "Voorgestelde gastgemeente: Kortenberg" in third.text
    assert "(de enige gemeente die nog niet ontving;" in third.text
    # Summer time from 28 March: the invitation still says 10:00 local.
    assert only_event(third.documents[0]).decoded("dtstart") == dt.datetime(
        2027, 3, 29, 10, 0, tzinfo=BRUSSELS
    )


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/vergadering", "/vergadering do 25/3 14u"),
        ("/vergadering volgende keer #Herent", "begrijp de datum"),
        ("/vergadering do 25/3 #Herent", "Geef ook het uur"),
        ("/vergadering 12/11/2026 14u", "in het verleden"),
        ("/vergadering di 25/3 14u", "donderdag, niet op een dinsdag"),
        ("/vergadering do 25/3 14u #Herentt", "Herent"),
        ("/vergadering do 25/3 14u #Leuven", "Herent"),
    ],
)
async def test_bad_meeting_requests_are_explained_and_change_nothing(
    world: World, command: str, expected: str
) -> None:
    people = await cluster_of_three(world)
    reply = await people["bram"].says(command)
    assert expected in reply.text
    assert reply.documents == []
    assert await count(world, Meeting) == 0


async def test_upcoming_meetings_with_host_and_agenda(world: World) -> None:
    people = await cluster_of_three(world)
    an: Person = people["an"]
    assert "geen vergadering gepland" in (await an.says("/vergaderingen")).text
    assert "geen komende vergadering" in (await an.says("/agenda Stand groepsaankoop")).text
    assert "geen komende vergadering" in (await an.says("/agenda")).text
    assert await count(world, AgendaItem) == 0

    await an.says("/vergadering do 25/3 14u #Kortenberg")
    await an.says("/vergadering do 10/12 9u30 #Herent Raadzaal")
    added = await people["bram"].says("/agenda Stand groepsaankoop <b>&</b>")
    assert "Agendapunt 1" in added.text and "donderdag 10 december 2026" in added.text
    assert "Stand groepsaankoop <b>&</b>" in added.text
    await people["celine"].says("/agenda Klimaattafels per gemeente")

    shown = (await an.says("/agenda")).text
    assert "Agenda van vergadering 2" in shown
    assert "1. Stand groepsaankoop <b>&</b>" in shown
    assert "2. Klimaattafels per gemeente" in shown

    listed = (await an.says("/vergaderingen")).text.splitlines()
    assert listed[1].startswith("• 2. donderdag 10 december 2026 09:30 — Herent — Raadzaal")
    assert listed[1].endswith("2 agendapunten")
    assert "• 1. donderdag 25 maart 2027 14:00 — Kortenberg — nog geen agendapunten" in listed

    # Once meeting 2 has begun, new points go to the next one.
    world.clock.set(dt.datetime(2026, 12, 10, 9, 45))
    moved = await an.says("/agenda Evaluatie repair café")
    assert "vergadering 1" in moved.text and "Agendapunt 1" in moved.text


async def test_minutes_list_exactly_what_was_agreed_during_the_meeting(world: World) -> None:
    people = await cluster_of_three(world)
    an: Person = people["an"]
    bram: Person = people["bram"]
    assert "nog geen vergadering begonnen" in (await an.says("/verslag")).text

    await an.says("/afspraak Offertes dakisolatie opvragen #Herent tegen 15/12")  # 1: before
    await an.says("/vergadering do 3/12 14u #Kortenberg Gemeentehuis")
    await bram.says("/agenda Stand groepsaankoop")
    assert "nog geen vergadering begonnen" in (await an.says("/verslag")).text

    world.clock.set(dt.datetime(2026, 12, 3, 14, 20))
    await bram.says("/afspraak Campagnetekst voor de nieuwsbrief @celine tegen 14/1")  # 2
    await an.says("/besluit We starten de groepsaankoop in maart")  # 3
    await an.says("/afspraak Dit was een vergissing")  # 4, dropped below
    await an.says("/schrap 4")
    assert "klaar" in (await an.says("/klaar 1")).text.lower()  # done now, agreed before

    world.clock.set(dt.datetime(2026, 12, 3, 15, 30))
    minutes = (await an.says("/verslag")).text
    assert "Verslag van vergadering 1" in minutes
    assert "donderdag 3 december 2026 14:00" in minutes
    assert "Gastgemeente: Kortenberg" in minutes and "Locatie: Gemeentehuis" in minutes
    assert "1. Stand groepsaankoop" in minutes
    assert "2. Campagnetekst voor de nieuwsbrief — Céline" in minutes
    assert "donderdag 14 januari 2027" in minutes
    assert "3. We starten de groepsaankoop in maart" in minutes
    assert "Offertes" not in minutes
    assert "vergissing" not in minutes

    (meeting,) = await meetings_in_db(world)
    assert meeting.minutes is not None and "Campagnetekst" in meeting.minutes
    assert meeting.minutes_at == dt.datetime(2026, 12, 3, 15, 30, tzinfo=BRUSSELS)

    # Asked again the next day: the same minutes, stored anew.
    world.clock.set(dt.datetime(2026, 12, 4, 9, 0))
    again = (await bram.says("/verslag")).text
    assert "Campagnetekst" in again and "We starten de groepsaankoop" in again
    (meeting,) = await meetings_in_db(world)
    assert meeting.minutes_at == dt.datetime(2026, 12, 4, 9, 0, tzinfo=BRUSSELS)


async def test_a_poll_and_its_meeting_keep_their_topic(world: World) -> None:
    group = world.group("Klimaatcluster Pajottenland", type_="supergroup", forum=True)
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Pajottegem, Bever, Pepingen, Lennik")
    topic = await group.create_topic(fien, "Vergaderingen")
    ilse = group.person("Ilse")
    await ilse.says("/gemeente Lennik", thread=topic)

    poll = (await ilse.says("/datumprikker di 20/4 19u30; wo 21/4 14u", thread=topic)).last
    assert poll.thread_id == topic
    await ilse.presses("✅", on=poll, row=1)
    closed = await fien.says("/sluit", thread=topic)
    assert "dinsdag 20 april 2027 19:30" in closed.text
    assert "Voorgestelde gastgemeente: Bever" in closed.text
    # Nobody has hosted yet: no "who hosted longest ago".
    assert "(nog geen gemeente ontving, dus de eerste in het alfabet)" in closed.text
    assert "langst geleden" not in closed.text
    assert {m.thread_id for m in closed.messages} == {topic}
    assert closed.documents and closed.documents[0].thread_id == topic

    planned = await ilse.says("/vergadering do 29/4 10u #Lennik", thread=topic)
    assert {m.thread_id for m in planned.messages} == {topic}
    meetings = await meetings_in_db(world)
    assert [m.thread_id for m in meetings] == [topic, topic]
