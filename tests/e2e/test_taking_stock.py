"""Taking stock: evaluation questions once per municipality, and lessons rated as useful."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from models.lessons import Lesson
from tests.e2e.harness import BRUSSELS, FakeClock, World

START = dt.datetime(2027, 3, 1, 10, 0, tzinfo=BRUSSELS)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, 0, tzinfo=BRUSSELS)


async def test_the_evaluation_questions_are_asked_once_per_municipality(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Herent, Kortenberg, Bertem")
    await fien.says("/traject start 1/3 einde 30/6")
    an = group.person("An", username="an_herent")
    await an.says("/gemeente Herent")
    await fien.in_private().says("/start")

    sent = await world.run_until(at(6, 4, 12))
    asked = [s for s in sent if s.message.chat_id == group.id and "📝 Evaluatie voor" in s.text]
    # Four months leave four equal phases: the last starts Monday 31 May, the questions at 10.
    assert [(s.at, s.text.split(":")[0]) for s in asked] == [
        (at(5, 31, 10), "📝 Evaluatie voor Bertem"),
        (at(5, 31, 10), "📝 Evaluatie voor Herent"),
        (at(5, 31, 10), "📝 Evaluatie voor Kortenberg"),
    ]
    herent = asked[1].message
    assert herent.button_texts == [
        ["✅ Wat werkte?"],
        ["🔁 Wat behouden?"],
        ["🛑 Waarmee stoppen?"],
    ]

    pressed = await an.presses("Wat werkte?", on=herent)
    prompt = pressed.last
    assert "Herent" in prompt.text and "Wat werkte?" in prompt.text
    assert prompt.reply_markup is not None and prompt.reply_markup.get("force_reply")
    thanks = await an.says("De gezamenlijke infoavond trok 120 mensen", reply_to=prompt)
    assert "Genoteerd bij de leerpunten: Herent" in thanks.text
    # A reply to any other bot message is left alone, without a word.
    assert (await an.says("Bedankt!", reply_to=asked[0].message)).messages == []
    async with world.session() as session:
        (lesson,) = (await session.exec(select(Lesson))).all()
    assert lesson.question == "worked" and lesson.text.startswith("De gezamenlijke infoavond")
    listed = (await an.says("/leerpunten")).text
    assert "Wat werkte? De gezamenlijke infoavond trok 120 mensen" in listed

    # Moving the end plans the questions anew, but nobody is asked twice; a newcomer is.
    await fien.says("/gemeenten + Oud-Heverlee")
    await fien.says("/traject einde 31/7")
    sent = await world.run_until(at(8, 2, 12))
    again = [s for s in sent if "📝 Evaluatie voor" in s.text]
    assert [s.text.split(":")[0] for s in again] == ["📝 Evaluatie voor Oud-Heverlee"]


async def test_a_useful_lesson_comes_first_across_clusters(world: World) -> None:
    leuven = world.group("Klimaatcluster Leuven")
    await leuven.facilitator.says("/start")
    an = leuven.person("An", username="an_herent")
    await an.says("/leerpunt Een infoavond in de bib trekt meer volk #energie")
    await an.says("/leerpunt Offertes samen opvragen scheelt weken #energie")
    listed = await an.says("/leerpunten")
    assert listed.last.button_texts[0][0].startswith("👍 Offertes samen")  # newest first
    pressed = await an.presses("👍 Een infoavond", on=listed.last)
    assert pressed.answer is not None and "nu 1" in pressed.answer["text"]
    again = await an.presses("👍 Een infoavond", on=listed.last)
    assert again.answer is not None and "al nuttig" in again.answer["text"]
    bart = leuven.person("Bart", username="bart_bertem")
    await bart.presses("👍 Een infoavond", on=listed.last)

    lines = (await an.says("/leerpunten")).text.splitlines()
    mine = [line for line in lines if "infoavond" in line or "Offertes" in line]
    assert "infoavond" in mine[-2] and "👍 2" in mine[-2]  # rated first within its theme
    assert "Offertes" in mine[-1]

    pajot = world.group("Klimaatcluster Pajottenland")
    await pajot.facilitator.says("/start")
    sofie = pajot.person("Sofie", username="sofie_bever")
    await sofie.says("/leerpunt Repair café met de intercommunale #circulair")
    other = (await sofie.says("/leerpunten")).text
    assert "Nuttigst, over alle clusters" in other
    assert "Een infoavond in de bib trekt meer volk — Klimaatcluster Leuven (👍 2)" in other
