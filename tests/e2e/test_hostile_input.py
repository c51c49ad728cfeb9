"""Crafted input gets a clear refusal and changes nothing; odd senders are nobody's member."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sqlmodel import func, select

from handlers.export import neutralise
from models.agreements import Agreement
from models.clusters import Member, Municipality
from models.meetings import Meeting, MeetingPoll
from models.nudges import Nudge, NudgeStatus
from tests.e2e.harness import Chat, World


async def registered(world: World) -> Chat:
    group = world.group("Klimaatcluster Leuven")
    await group.facilitator.says("/start")
    await group.facilitator.says("/gemeenten + Herent, Bertem")
    return group


async def count(world: World, table: Any) -> int:
    async with world.session() as session:
        return int((await session.exec(select(func.count()).select_from(table))).one())


@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("/afspraak Offertes opvragen tegen 1/1/9999", "tussen 2000 en 2100"),
        ("/afspraak Offertes opvragen tegen 31/12/2101", "tussen 2000 en 2100"),
        ("/vergadering 1/1/9999 14u Gemeentehuis", "tussen 2000 en 2100"),
        ("/datumprikker 1/1/9999 14u; 2/1/9999 14u", "tussen 2000 en 2100"),
        ("/afspraak Offertes\x00 opvragen", "stuurteken"),
        ("/klaar ²", "/klaar"),
        ("/klaar 99999999999999999999", "/klaar"),
        ("/sluit ²", "/sluit"),
        ("/sluit 9223372036854775808", "/sluit"),
        ("/uitstel ٣ morgen", "/uitstel"),
        ("/inwoners Herent 99999999999999999999", "te groot"),
        ("/instellingen herinnering ² dagen", ""),
    ],
)
async def test_hostile_input_is_refused_and_changes_nothing(
    world: World, command: str, says: str
) -> None:
    group = await registered(world)
    fien = group.facilitator
    tables = (Agreement, Meeting, MeetingPoll)
    before = [await count(world, table) for table in tables]
    reply = await fien.says(command)
    assert reply.messages, "every input gets an answer"
    assert says in reply.text
    assert "ging iets mis" not in reply.text
    assert [await count(world, table) for table in tables] == before
    async with world.session() as session:
        places = (await session.exec(select(Municipality))).all()
    assert all(place.inhabitants is None for place in places)


# (`@` starts a mention when typed, so it is covered below, with tab and CR.)
FORMULAS = ('=HYPERLINK("http://evil")', "+1+cmd|' /C calc'!A0", "-2+3")


async def test_formulas_in_exported_cells_are_shown_as_typed(world: World) -> None:
    group = await registered(world)
    fien = group.facilitator
    for text in FORMULAS:
        await fien.says(f"/afspraak {text} #Herent")
    export = await fien.in_private().says("/export")
    [agreements] = [d for d in export.documents if d.filename == "afspraken.csv"]
    reader = csv.reader(io.StringIO(agreements.content.decode("utf-8-sig")), delimiter=";")
    cells = [cell for row in reader for cell in row]
    for text in FORMULAS:
        assert "'" + text in cells
        assert text not in cells


def test_every_formula_start_is_neutralised_and_numbers_stay_numbers() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Offertes - Herent") == "Offertes - Herent"
    assert neutralise(-3) == -3


async def test_an_anonymous_admin_is_told_to_act_under_their_own_name(world: World) -> None:
    group = await registered(world)
    anonymous = group.person("Group", username="GroupAnonymousBot")
    anonymous.user.update({"id": 1087968824, "is_bot": True})
    message = group.message(anonymous, "/afspraak Offertes opvragen")
    message["sender_chat"] = group.as_dict()
    reply = await world.deliver({"message": message})
    assert len(reply.messages) == 1
    assert "anonieme beheerder" in reply.text and "eigen naam" in reply.text
    assert await count(world, Agreement) == 0


async def test_telegrams_service_account_and_bots_are_not_members(world: World) -> None:
    group = await registered(world)
    before = await count(world, Member)
    service = group.person("Telegram")
    service.user["id"] = 777000
    forward = group.message(service, "/afspraken")
    forward["sender_chat"] = {"id": -1001234, "type": "channel", "title": "Kanaal"}
    forward["is_automatic_forward"] = True
    assert not (await world.deliver({"message": forward})).messages
    robot = group.person("Robot")
    robot.user["is_bot"] = True
    assert not (await robot.says("/afspraken")).messages
    bart = group.person("Bart")
    reply_to = group.message(service, "Nieuws uit het kanaal")
    await bart.says("/coordinator", reply_to=reply_to)
    async with world.session() as session:
        names = {m.name for m in (await session.exec(select(Member))).all()}
    assert "Telegram" not in names and "Robot" not in names
    assert await count(world, Member) == before + 1  # Bart only


async def test_a_press_on_an_unknown_button_is_answered(world: World) -> None:
    group = await registered(world)
    reply = await group.facilitator.says("/afspraak Offertes opvragen")
    forged = reply.last
    forged.reply_markup = {"inline_keyboard": [[{"text": "X", "callback_data": "bogus:1"}]]}
    pressed = await group.facilitator.presses("X", on=forged)
    assert pressed.answer is not None and "ken ik niet" in pressed.answer["text"]


async def test_a_nudge_missed_while_the_bot_was_out_is_sent_once_when_it_is_back(
    world: World,
) -> None:
    group = await registered(world)
    fien = group.facilitator
    await fien.says("/afspraak Offertes opvragen @fien_facilitator tegen di 1/12")
    await fien.says("/afspraak Subsidie aanvragen @fien_facilitator tegen di 1/12")
    await fien.says("/klaar 2")
    await group.remove_bot(fien)
    while_out = await world.run_until(world.clock.local().replace(day=27, hour=12))
    assert while_out == []
    await group.add_bot(fien)
    back = await world.run_until(world.clock.local().replace(day=27, hour=12, minute=1))
    about = [t.text for t in back if "Offertes" in t.text or "Subsidie" in t.text]
    assert len(about) == 1 and "Offertes" in about[0]  # once, and only what still applies
    assert await world.run_until(world.clock.local().replace(day=27, hour=13)) == []
    async with world.session() as session:
        statuses = [n.status for n in (await session.exec(select(Nudge))).all()]
    assert NudgeStatus.UNDELIVERABLE not in statuses
