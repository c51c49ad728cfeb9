"""People coming and going: an owner named before they ever wrote, a member who leaves with
open agreements, and passing an agreement on with its history."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from models.agreements import Agreement
from models.clusters import Member
from tests.e2e.harness import BRUSSELS, Chat, Person, Timed, World


def local(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BRUSSELS)


def in_group(sent: list[Timed], chat: Chat) -> list[Timed]:
    """What the bot said in the group by itself, the weekly digest left out."""
    return [item for item in sent if item.message.chat_id == chat.id and "📋" not in item.text]


async def leuven(world: World) -> tuple[Chat, Person]:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Herent, Kortenberg, Bertem")
    an = group.person("An", username="an_herent")
    await an.says("/gemeente Herent")
    return group, an


async def test_a_pending_owner_is_bound_when_they_speak_and_then_nudged_by_name(
    world: World,
) -> None:
    group, an = await leuven(world)
    # Thursday 26 November 2026: Ruben has not written in the group yet.
    reply = await an.says("/afspraak Offertes opvragen @ruben_bertem #Bertem tegen ma 30/11")
    assert "📌 Afspraak 1 genoteerd" in reply.text
    assert "👤 Wie: @ruben_bertem (schreef nog niet in de groep" in reply.text
    cluster = await an.says("/cluster")
    assert "Nog niet in de groep gezien: @ruben_bertem" in cluster.text
    assert "Bertem: nog niemand" in cluster.text
    group.skip_seen()

    # Meanwhile the nudges name @ruben_bertem, which Telegram links to him.
    sent = in_group(await world.run_until(local(12, 1, 12)), group)
    assert [item.at for item in sent] == [local(11, 30), local(12, 1)]
    assert all("@ruben_bertem" in item.message.html for item in sent)

    # A week after the agreement, Ruben writes for the first time.
    world.clock.set(local(12, 3, 10))
    ruben = group.person("Ruben", username="ruben_bertem")
    await ruben.says("/gemeente Bertem")
    shown = await an.says("/afspraak 1")
    assert "👤 Wie: Ruben" in shown.text and "schreef nog niet" not in shown.text
    cluster = await an.says("/cluster")
    assert "Bertem: Ruben" in cluster.text and "Nog niet in de groep" not in cluster.text
    mine = await ruben.says("/afspraken mijn")
    assert "Offertes opvragen" in mine.text

    sent = in_group(await world.run_until(local(12, 7, 12)), group)
    assert [item.at for item in sent] == [local(12, 7)]
    assert f'<a href="tg://user?id={ruben.id}">Ruben</a>' in sent[0].message.html
    async with world.session() as session:
        members = (await session.exec(select(Member).where(Member.name == "Ruben"))).all()
    assert [m.user_id for m in members] == [ruben.id], "one member, bound, not two"


async def test_a_member_who_leaves_has_their_open_agreements_listed_and_passed_on(
    world: World,
) -> None:
    group, an = await leuven(world)
    fien = group.facilitator
    bram = group.person("Bram", username="bram_kortenberg")
    await bram.says("/gemeente Kortenberg")
    lotte = group.person("Lotte", username="lotte_kortenberg")
    await lotte.says("/gemeente Kortenberg")
    await fien.says("/coordinator @an_herent")
    await bram.says("/afspraak Fietsroute uittekenen @bram_kortenberg tegen vr 11/12")
    await bram.says("/afspraak Folder drukken @bram_kortenberg")
    await an.says("/afspraak Zaal boeken @an_herent tegen vr 4/12")
    await bram.says("/afspraak Verslag sturen @bram_kortenberg")
    await bram.says("/klaar 4")

    # Thursday 19:00: Bram leaves. Telegram says so twice; the bot speaks once, in the morning.
    world.clock.set(local(11, 26, 19))
    group.skip_seen()
    assert (await group.leaves(bram)).messages == []
    sent = in_group(await world.run_until(local(11, 27, 8, 30)), group)
    assert [item.at for item in sent] == [local(11, 27, 8)]
    text = sent[0].text
    assert text.splitlines() == [
        "👋 Bram heeft de groep verlaten en had nog 2 open afspraken:",
        "• 1 Fietsroute uittekenen — tegen vrijdag 11 december 2026",
        "• 2 Folder drukken",
        "An: geef ze door met /afspraak N @opvolger, bijvoorbeeld /afspraak 1 @naam.",
    ]
    assert f'<a href="tg://user?id={an.id}">An</a>' in sent[0].message.html

    world.clock.set(local(11, 27, 10))
    cluster = await an.says("/cluster")
    assert "Kortenberg: Lotte" in cluster.text
    assert "Vertrokken uit de groep: Bram" in cluster.text
    card = await an.says("/afspraak 1")
    assert "👤 Wie: Bram (heeft de groep verlaten)" in card.text
    digest = await an.says("/overzicht")
    assert "👋 2 open afspraken zijn van mensen die de groep verlieten" in digest.text

    # Passing on: refused for someone who may not, for an unknown number, to the same owner.
    refused = await lotte.says("/afspraak 1 @lotte_kortenberg")
    assert "doorgeven mag wie ze noteerde" in refused.text
    assert "Afspraak 99 bestaat niet" in (await an.says("/afspraak 99 @lotte_kortenberg")).text
    assert "al op naam" in (await an.says("/afspraak 3 @an_herent")).text
    assert "al klaar" in (await an.says("/afspraak 4 @lotte_kortenberg")).text
    async with world.session() as session:
        owners = {
            a.number: a.owner_member_id for a in (await session.exec(select(Agreement))).all()
        }
        bram_id = (await session.exec(select(Member).where(Member.name == "Bram"))).one().id
    assert owners[1] == owners[2] == owners[4] == bram_id

    passed = await an.says("/afspraak 1 @lotte_kortenberg")
    assert "👤 Afspraak 1 gaat van Bram naar Lotte: Fietsroute uittekenen" in passed.text
    history = await an.says("/afspraak 1")
    assert "👤 Wie: Lotte" in history.text
    assert "An: doorgegeven van Bram aan Lotte" in history.text
    digest = await an.says("/overzicht")
    assert "👋 1 open afspraak is van iemand die de groep verliet" in digest.text
    # Passed to someone who has not written yet: pending, and said so.
    pending = await an.says("/afspraak 2 @jonas_bertem")
    assert "gaat van Bram naar @jonas_bertem" in pending.text
    assert "@jonas_bertem schreef nog niet in de groep" in pending.text
    digest = await an.says("/overzicht")
    assert "open afspraak is van iemand die de groep verliet" not in digest.text

    # Bram comes back: no longer shown as left.
    await group.joins(bram)
    cluster = await an.says("/cluster")
    assert "Kortenberg: Bram, Lotte" in cluster.text and "Vertrokken" not in cluster.text


async def test_a_removed_member_and_a_facilitator_who_left_are_not_listed_as_active(
    world: World,
) -> None:
    group, an = await leuven(world)
    fien = group.facilitator
    bram = group.person("Bram", username="bram_kortenberg")
    await bram.says("/gemeente Kortenberg")
    # Only the `chat_member` update (an admin removed Bram); no open agreements: nothing said.
    await group.removes(fien, bram)
    await group.leaves(fien, service_message=True, chat_member=False)
    assert (await world.sweep()).messages == []
    cluster = await an.says("/cluster")
    assert "Kortenberg: nog niemand" in cluster.text
    assert "Facilitator: —" in cluster.text
    assert "Vertrokken uit de groep: Bram, Fien" in cluster.text or (
        "Vertrokken uit de groep: Fien, Bram" in cluster.text
    )
