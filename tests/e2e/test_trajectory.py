"""The year as a trajectory: phases announced on time, the countdown and its readiness check."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.harness import BRUSSELS, FakeClock, Timed, World

# Monday 1 March 2027, 10:00: the cluster starts its year.
START = dt.datetime(2027, 3, 1, 10, 0, tzinfo=BRUSSELS)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


def at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=BRUSSELS)


def containing(sent: list[Timed], chat_id: int, mark: str) -> list[Timed]:
    return [item for item in sent if item.message.chat_id == chat_id and mark in item.text]


async def test_a_year_shows_its_phases_and_counts_down_to_the_hand_over(world: World) -> None:
    group = world.group("Klimaatcluster Pajottenland")
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Pajottegem, Bever, Pepingen, Lennik")
    an = group.person("An", username="an_pepingen")
    await an.says("/gemeente Pepingen")
    await fien.says("/coordinator @an_pepingen")
    # Both start a private chat with the bot, so the countdown can reach them.
    await an.in_private().says("/start")
    await fien.in_private().says("/start")

    shown = (await an.says("/traject")).text
    assert "maandag 1 maart 2027" in shown and "dinsdag 29 februari 2028" in shown
    assert "fase 1, Werving en plan van aanpak" in shown
    assert "Nog 52 weken tot de overdracht" in shown
    assert "plan van aanpak (/plan)" in shown

    # Only the facilitator moves the dates; a bad date changes nothing and says what was wrong.
    refused = (await an.says("/traject einde 28/2/2028")).text
    assert "Alleen de facilitator" in refused
    assert "niet" in (await fien.says("/traject einde 31/13/2028")).text
    assert "na de start" in (await fien.says("/traject einde 1/2/2027")).text
    changed = (await fien.says("/traject start 1/3 einde 28/2/2028")).text
    assert "maandag 1 maart 2027 – maandag 28 februari 2028" in changed

    sent = await world.run_until(at(2028, 3, 2, 12))
    phases = containing(sent, group.id, "🧭")
    # 1 May and 1 August 2027 fall on a weekend: the phase is announced the Monday after.
    assert [(item.at, item.text.split("\n")[0]) for item in phases] == [
        (at(2027, 5, 3), "🧭 Fase 2 van het traject begint: Samenwerking voorbereiden "
         "(tot zaterdag 31 juli 2027)."),
        (at(2027, 8, 2), "🧭 Fase 3 van het traject begint: Samenwerking begeleiden "
         "(tot woensdag 29 december 2027)."),
        (at(2027, 12, 30), "🧭 Fase 4 van het traject begint: Leerpunten en overdracht "
         "(tot maandag 28 februari 2028)."),
    ]  # fmt: skip

    # The countdown goes privately to the coordinator and the facilitator: 8, 4, 2, 1 weeks.
    for person in (an, fien):
        countdown = containing(sent, person.id, "⏳")
        assert [item.at for item in countdown] == [
            at(2028, 1, 3), at(2028, 1, 31), at(2028, 2, 14), at(2028, 2, 21),
        ]  # fmt: skip
        assert "nog 8 weken tot de overdracht" in countdown[0].text
        assert "nog 1 week tot de overdracht" in countdown[-1].text
    check = containing(sent, an.id, "⏳")[0].text
    assert "✅ Elke gemeente heeft een coördinator." not in check  # only Pepingen has one
    assert "nog geen voor Bever, Lennik, Pajottegem" in check
    assert "❌ Niemand behalve de facilitator beheert de Telegram-groep" in check
    assert "❌ Geen vergadering gepland" in check
    assert "❌ Nog geen leerpunten" in check
    assert not containing(sent, group.id, "⏳")  # not in the group: both were reached

    shown = (await an.says("/traject")).text
    assert "afgelopen" not in shown and "liep tot maandag 28 februari 2028" in shown


async def test_the_readiness_check_sees_a_second_admin_and_a_rhythm(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Herent, Bertem")
    await fien.says("/traject start 1/3 einde 30/6")
    an = group.person("An", username="an_herent", admin=True)
    await an.says("/gemeente Herent")
    await fien.says("/coordinator @an_herent")
    await an.in_private().says("/start")
    await fien.in_private().says("/start")
    await an.says("/vergadering di 11/5 14u #Herent elke 6 weken")
    await an.says("/leerpunt Samen aankopen scheelt tijd #energie")
    sent = await world.run_until(at(2027, 5, 5, 12))
    countdown = containing(sent, an.id, "⏳")
    assert [item.at for item in countdown] == [at(2027, 5, 5)]
    text = countdown[0].text
    assert "✅ Groepsbeheerder naast de facilitator: An." in text
    assert "✅ Vergaderritme: elke 6 weken" in text
    assert "✅ 1 leerpunt of praktijkvoorbeeld genoteerd." in text
