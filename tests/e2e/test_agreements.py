"""The cluster's memory: agreements and decisions recorded, listed, done, postponed, dropped."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from models.agreements import Agreement, AgreementKind, AgreementStatus
from models.audit import AuditEvent
from models.clusters import Cluster, Member, Municipality
from models.nudges import Nudge, NudgeStatus
from tests.e2e.harness import BRUSSELS, Chat, Person, World

OFFERTES = "/afspraak Offertes zonnepanelen opvragen @jan #Herent tegen vr 19/3"


@dataclass
class Leuven:
    group: Chat
    fien: Person  # facilitator
    jan: Person  # Herent
    bram: Person  # Kortenberg
    celine: Person  # Bertem
    koen: Person  # Oud-Heverlee, a Telegram admin of the group


async def leuven(world: World, title: str = "Klimaatcluster Leuven") -> Leuven:
    group = world.group(title)
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Herent, Kortenberg, Bertem, Bierbeek, Oud-Heverlee")
    people = {
        "jan": ("Jan", "Herent"),
        "bram": ("Bram", "Kortenberg"),
        "celine": ("Céline", "Bertem"),
        "koen": ("Koen", "Oud-Heverlee"),
    }
    persons = {}
    for username, (name, place) in people.items():
        person = group.person(name, username=username, admin=username == "koen")
        assert place in (await person.says(f"/gemeente {place}")).text
        persons[username] = person
    return Leuven(group, fien, **persons)


async def stored(world: World, group: Chat) -> list[Agreement]:
    async with world.runtime.sessions() as session:
        cluster = (await session.exec(select(Cluster).where(Cluster.chat_id == group.id))).one()
        rows = await session.exec(
            select(Agreement)
            .where(Agreement.cluster_id == cluster.id)
            .order_by(col(Agreement.number))
        )
        return list(rows.all())


async def member_id(world: World, person: Person) -> int:
    async with world.runtime.sessions() as session:
        member = (await session.exec(select(Member).where(Member.user_id == person.id))).first()
        assert member is not None and member.id is not None
        return member.id


async def place_id(world: World, group: Chat, name: str) -> int:
    async with world.runtime.sessions() as session:
        cluster = (await session.exec(select(Cluster).where(Cluster.chat_id == group.id))).one()
        found = (
            await session.exec(
                select(Municipality).where(
                    Municipality.cluster_id == cluster.id, Municipality.name == name
                )
            )
        ).one()
        assert found.id is not None
        return found.id


# --- recording --------------------------------------------------------------------------------


async def test_an_agreement_repeats_owner_municipality_and_the_date_in_full(world: World) -> None:
    c = await leuven(world)
    reply = await c.bram.says(OFFERTES)
    assert "Afspraak 1" in reply.text
    assert "Offertes zonnepanelen opvragen" in reply.text
    assert "Jan" in reply.text and "Herent" in reply.text
    assert "vrijdag 19 maart 2027" in reply.text
    assert f'<a href="tg://user?id={c.jan.id}">Jan</a>' in reply.last.html  # a real mention

    [agreement] = await stored(world, c.group)
    assert agreement.number == 1
    assert agreement.kind == AgreementKind.TASK
    assert agreement.text == "Offertes zonnepanelen opvragen"
    assert agreement.owner_member_id == await member_id(world, c.jan)
    assert agreement.created_by_member_id == await member_id(world, c.bram)
    assert agreement.municipality_id == await place_id(world, c.group, "Herent")
    assert agreement.due_date == dt.date(2027, 3, 19)

    async with world.runtime.sessions() as session:
        nudges = (
            await session.exec(
                select(Nudge).where(
                    Nudge.subject_type == "agreement", Nudge.subject_id == agreement.id
                )
            )
        ).all()
    assert nudges and all(n.status == NudgeStatus.PENDING for n in nudges)


async def test_without_a_municipality_the_owners_is_taken_and_english_works(
    world: World,
) -> None:
    c = await leuven(world)
    reply = await c.jan.says("/agreement Flyer for the newsletter @bram by tomorrow")
    assert "Kortenberg" in reply.text
    assert "vrijdag 27 november 2026" in reply.text
    [agreement] = await stored(world, c.group)
    assert agreement.text == "Flyer for the newsletter"
    assert agreement.municipality_id == await place_id(world, c.group, "Kortenberg")


async def test_a_person_without_username_is_mentioned_by_name(world: World) -> None:
    c = await leuven(world)
    lotte = c.group.person("Lotte")
    await lotte.says("/gemeente Bertem")
    reply = await c.jan.says(
        "/afspraak Klimaattafel organiseren Lotte tegen 15/1", mentions={"Lotte": lotte}
    )
    assert f'<a href="tg://user?id={lotte.id}">Lotte</a>' in reply.last.html
    [agreement] = await stored(world, c.group)
    assert agreement.text == "Klimaattafel organiseren"
    assert agreement.owner_member_id == await member_id(world, lotte)
    assert agreement.municipality_id == await place_id(world, c.group, "Bertem")


async def test_a_reply_turns_the_message_into_an_agreement(world: World) -> None:
    c = await leuven(world)
    question = c.group.user_message(c.celine, "Subsidiedossier laadpalen nakijken <voor 1 april>")
    reply = await c.bram.says("/afspraak tegen 2/4 #Bertem", reply_to=question)
    assert "Subsidiedossier laadpalen nakijken <voor 1 april>" in reply.text
    assert "Bertem" in reply.text and "vrijdag 2 april 2027" in reply.text
    [agreement] = await stored(world, c.group)
    assert agreement.text == "Subsidiedossier laadpalen nakijken <voor 1 april>"
    assert agreement.source_message_id == question["message_id"]
    assert agreement.kind == AgreementKind.TASK


async def test_decisions_have_no_owner_and_no_date(world: World) -> None:
    c = await leuven(world)
    reply = await c.jan.says("/besluit Gezamenlijke campagne start in mei")
    assert "Besluit 1" in reply.text and "Gezamenlijke campagne start in mei" in reply.text
    reply = await c.jan.says("/afspraak Campagnebeeld van Bever hergebruiken #Herent")
    assert "Besluit 2" in reply.text
    reply = await c.jan.says("/decision Repair café every first Saturday")
    assert "Besluit 3" in reply.text
    assert [a.kind for a in await stored(world, c.group)] == [AgreementKind.DECISION] * 3
    refused = await c.fien.says("/klaar 1")
    assert "besluit" in refused.text
    assert "besluit" in (await c.jan.says("/afspraken besluiten")).text.lower()


async def test_markup_in_the_text_is_shown_literally(world: World) -> None:
    c = await leuven(world)
    reply = await c.jan.says("/afspraak <b>&</script> @jan tegen morgen")
    assert "<b>&</script>" in reply.text
    assert "<b>&</script>" in (await c.jan.says("/afspraken")).text
    assert (await stored(world, c.group))[0].text == "<b>&</script>"


async def test_commands_with_the_bot_name_work(world: World) -> None:
    c = await leuven(world)
    reply = await c.jan.says("/afspraak@klimaatbot Flyer drukken @jan tegen morgen")
    assert "Afspraak 1" in reply.text and "Flyer drukken" in reply.text
    assert "Flyer drukken" in (await c.jan.says("/afspraken@klimaatbot")).text
    assert "klaar" in (await c.jan.says("/klaar@klimaatbot 1")).text


async def test_an_agreement_in_a_topic_keeps_its_topic(world: World) -> None:
    group = world.group("Klimaatcluster Pajottenland", type_="supergroup", forum=True)
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Pajottegem, Bever, Pepingen, Lennik")
    reply = await fien.says(
        "/afspraak Nieuwsbriefartikel @fien_facilitator #Bever tegen 14/5", thread=7
    )
    assert reply.last.thread_id == 7
    [agreement] = await stored(world, group)
    assert agreement.thread_id == 7


# --- bad input --------------------------------------------------------------------------------


async def test_bad_input_gets_a_clear_reply_and_records_nothing(world: World) -> None:
    c = await leuven(world)
    cases = [
        ("/afspraak", "Wat is de afspraak"),
        ("/afspraak @jan #Herent tegen morgen", "Wat is de afspraak"),
        ("/afspraak Offertes @jan tegen 20/11/2026", "verleden"),
        ("/afspraak Offertes @jan tegen 31/2", "31/2"),
        ("/afspraak Offertes @jan tegen di 17/3", "woensdag"),
        ("/afspraak Offertes @jan tegen 19/3x", "19/3x"),
        ("/afspraak Offertes #Hernt", "Bedoel je Herent"),
        ("/afspraak Offertes #B", "Bertem, Bierbeek"),
        ("/afspraak " + "x" * 1001, "1001"),
        ("/afspraak Offertes @jan @bram", "één eigenaar"),
        ("/afspraak Offertes @jan actie 9", "Actie 9"),
        ("/besluit", "Wat is de afspraak"),
    ]
    for command, hint in cases:
        reply = await c.jan.says(command)
        assert hint in reply.text, (command, reply.text)
        assert "Bijvoorbeeld" in reply.text, (command, reply.text)
    mismatch = (await c.jan.says("/afspraak Offertes @jan tegen di 17/3")).text
    assert "woensdag" in mismatch and "dinsdag" in mismatch
    assert await stored(world, c.group) == []


async def test_unknown_and_foreign_numbers_are_refused(world: World) -> None:
    c = await leuven(world)
    other = await leuven(world, "Klimaatcluster Pajottenland")
    await other.jan.says("/afspraak Offertes @jan tegen 19/3")
    for command in ("/klaar 1", "/uitstel 1 morgen", "/schrap 1", "/afspraak 1", "/klaar 99"):
        reply = await c.jan.says(command)
        assert "bestaat niet" in reply.text, (command, reply.text)
    for command, hint in [
        ("/klaar", "/klaar 12"),
        ("/klaar een", "/klaar 12"),
        ("/uitstel", "/uitstel 12 vrijdag"),
        ("/schrap x", "/schrap 12"),
    ]:
        assert hint in (await c.jan.says(command)).text, command
    [theirs] = await stored(world, other.group)
    assert theirs.status == AgreementStatus.OPEN and theirs.due_date == dt.date(2027, 3, 19)


# --- done, postponed, dropped -----------------------------------------------------------------


async def test_who_may_mark_done(world: World) -> None:
    c = await leuven(world)
    await c.bram.says(OFFERTES)  # 1: owner Jan, Herent
    await c.bram.says("/afspraak Folder Herent #Herent tegen 1/2")  # 2: Herent, no owner
    await c.bram.says("/afspraak Folder Bertem #Bertem tegen 1/2")  # 3
    await c.bram.says("/afspraak Folder Kortenberg #Kortenberg tegen 1/2")  # 4

    refused = await c.celine.says("/klaar 1")
    assert "eigenaar" in refused.text and "coördinator" in refused.text
    assert (await stored(world, c.group))[0].status == AgreementStatus.OPEN

    assert "Afspraak 1 is klaar" in (await c.jan.says("/klaar 1")).text  # owner
    assert "al klaar" in (await c.jan.says("/klaar 1")).text
    assert "Afspraak 2 is klaar" in (await c.jan.says("/done 2")).text  # Herent colleague
    assert "Afspraak 3 is klaar" in (await c.koen.says("/klaar 3")).text  # Telegram admin
    assert "Afspraak 4 is klaar" in (await c.fien.says("/klaar #4")).text  # facilitator
    rows = await stored(world, c.group)
    assert [a.status for a in rows] == [AgreementStatus.DONE] * 4
    async with world.runtime.sessions() as session:
        pending = (
            await session.exec(
                select(Nudge).where(
                    Nudge.subject_type == "agreement", Nudge.status == NudgeStatus.PENDING
                )
            )
        ).all()
    assert pending == []


async def test_postponing_keeps_the_history(world: World) -> None:
    c = await leuven(world)
    await c.bram.says(OFFERTES)
    world.clock.advance(dt.timedelta(days=1))
    reply = await c.jan.says("/uitstel 1 volgende vrijdag")
    assert "vrijdag 19 maart 2027" in reply.text and "vrijdag 4 december 2026" in reply.text
    reply = await c.jan.says("/postpone 1 to March 26")
    assert "vrijdag 26 maart 2027" in reply.text

    for command, hint in [
        ("/uitstel 1 20/11/2026", "verleden"),
        ("/uitstel 1 ergens volgend jaar", "ergens volgend jaar"),
        ("/uitstel 1", "Geef een datum"),
        ("/uitstel 1 26/3", "al op die datum"),
    ]:
        assert hint in (await c.jan.says(command)).text, command
    assert "uitstellen mag" in (await c.celine.says("/uitstel 1 30/3")).text
    [agreement] = await stored(world, c.group)
    assert agreement.due_date == dt.date(2027, 3, 26)

    async with world.runtime.sessions() as session:
        events = (
            await session.exec(
                select(AuditEvent)
                .where(AuditEvent.entity == "agreement", AuditEvent.entity_id == agreement.id)
                .order_by(AuditEvent.id)  # type: ignore[arg-type]
            )
        ).all()
    assert [e.action for e in events] == ["created", "postponed", "postponed"]
    assert [(e.before or {}).get("due_date") for e in events[1:]] == ["2027-03-19", "2026-12-04"]
    assert [(e.after or {}).get("due_date") for e in events[1:]] == ["2026-12-04", "2027-03-26"]
    jan_id = await member_id(world, c.jan)
    assert all(e.actor_member_id == jan_id for e in events[1:])

    history = (await c.celine.says("/afspraak 1")).text
    assert "Geschiedenis" in history
    assert "uitgesteld van vrijdag 19 maart 2027 naar vrijdag 4 december 2026" in history
    assert "Bram: genoteerd" in history and "Jan: uitgesteld" in history

    async with world.runtime.sessions() as session:
        keys = {
            n.dedupe_key
            for n in (await session.exec(select(Nudge))).all()
            if n.status == NudgeStatus.PENDING and n.subject_type == "agreement"
        }
    assert keys and all("2027-03-26" in key for key in keys)


async def test_who_may_drop(world: World) -> None:
    c = await leuven(world)
    await c.bram.says(OFFERTES)  # 1 created by Bram, owner Jan
    await c.bram.says("/afspraak Tweede @jan tegen 1/2")  # 2
    await c.bram.says("/afspraak Derde @jan tegen 1/2")  # 3
    refused = await c.celine.says("/schrap 1")
    assert "schrappen mag" in refused.text
    assert "geschrapt" in (await c.bram.says("/schrap 1")).text  # creator
    assert "geschrapt" in (await c.jan.says("/drop 2")).text  # owner
    assert "geschrapt" in (await c.koen.says("/schrap 3")).text  # coordinator
    assert "geschrapt" in (await c.koen.says("/schrap 3")).text  # already: says so
    assert [a.status for a in await stored(world, c.group)] == [AgreementStatus.CANCELLED] * 3


# --- the register -----------------------------------------------------------------------------


def lines_of(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


async def test_the_register_is_grouped_with_overdue_first_and_filters(world: World) -> None:
    c = await leuven(world)
    await c.bram.says("/afspraak Offertes opvragen @jan tegen 4/12")  # 1 Herent
    await c.bram.says("/afspraak Infoavond plannen @jan tegen 30/11")  # 2 Herent
    await c.bram.says("/afspraak Fietsroute uittekenen #OudHeverlee tegen 10/12")  # 3
    await c.bram.says("/afspraak Trage wegen #Oud_Heverlee tegen 1/12")  # 4
    await c.bram.says("/afspraak Folder @bram tegen 20/12")  # 5 Kortenberg
    await c.bram.says("/afspraak Website @bram tegen 21/12")  # 6 Kortenberg
    await c.bram.says("/besluit Campagne start in mei")  # 7
    await c.bram.says("/klaar 6")
    await c.bram.says("/schrap 5")

    world.clock.set(dt.datetime(2026, 12, 3, 10, 0, tzinfo=BRUSSELS))  # 30/11 and 1/12 passed
    text = (await c.celine.says("/afspraken")).text
    lines = lines_of(text)
    assert lines[0].startswith("Open afspraken (4)")
    herent = lines.index("Herent (2, waarvan 1 te laat)")
    assert lines[herent + 1].startswith("⚠️ 2 Infoavond plannen") and "te laat" in lines[herent + 1]
    assert lines[herent + 2].startswith("• 1 Offertes opvragen")
    heverlee = lines.index("Oud-Heverlee (2, waarvan 1 te laat)")
    assert lines[heverlee + 1].startswith("⚠️ 4 Trage wegen")
    assert lines[heverlee + 2].startswith("• 3 Fietsroute uittekenen")
    assert "Folder" not in text and "Website" not in text and "Campagne" not in text

    overdue = (await c.celine.says("/afspraken te laat")).text
    assert "Infoavond" in overdue and "Trage wegen" in overdue and "Offertes" not in overdue
    assert "Infoavond" in (await c.celine.says("/agreements overdue")).text

    mine = (await c.jan.says("/afspraken mijn")).text
    assert "Offertes" in mine and "Infoavond" in mine and "Trage wegen" not in mine

    everything = (await c.celine.says("/afspraken alle")).text
    for word in ("Folder", "Website", "Campagne", "Offertes", "Fietsroute"):
        assert word in everything
    assert "✅ 6 Website" in everything and "✖️ 5 Folder" in everything

    for tag in ("#OudHeverlee", "#Oud_Heverlee", "#oud-heverlee"):
        only = (await c.celine.says(f"/afspraken {tag}")).text
        assert "Fietsroute" in only and "Offertes" not in only, tag
    assert "Bedoel je Herent" in (await c.celine.says("/afspraken #Hernt")).text
    assert "/afspraken alle" in (await c.celine.says("/afspraken zomaar")).text


async def test_a_register_of_500_is_split_and_costs_constant_statements(world: World) -> None:
    big = await leuven(world, "Klimaatcluster Groot")
    small = await leuven(world, "Klimaatcluster Klein")
    await _seed(world, big, 500)
    await _seed(world, small, 10)
    assert world.app is not None
    engine = world.app.bot_data["engine"]
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        sizes = {}
        for name, cluster in (("small", small), ("big", big)):
            statements.clear()
            reply = await cluster.celine.says("/afspraken alle")
            sizes[name] = (len(statements), reply)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)

    assert sizes["small"][0] == sizes["big"][0]
    reply = sizes["big"][1]
    assert len(reply) > 1  # several messages
    assert all(len(m.text) <= 4096 for m in reply)
    shown = {int(n) for n in re.findall(r"^\S+ (\d+) ", reply.text, re.M)}
    assert shown == set(range(1, 501))  # nothing cut off
    assert "<b>&</script>" in reply.text


async def _seed(world: World, c: Leuven, size: int) -> None:
    """`size` agreements straight into the database: long texts, owners, places, overdue."""
    async with world.runtime.sessions() as session:
        cluster = (await session.exec(select(Cluster).where(Cluster.chat_id == c.group.id))).one()
        members = list(
            (await session.exec(select(Member).where(Member.cluster_id == cluster.id))).all()
        )
        places = list(
            (
                await session.exec(
                    select(Municipality).where(Municipality.cluster_id == cluster.id)
                )
            ).all()
        )
        assert cluster.id is not None
        now = world.clock.now()
        today = world.clock.local().date()
        statuses = [AgreementStatus.OPEN] * 3 + [AgreementStatus.DONE, AgreementStatus.CANCELLED]
        for i in range(size):
            session.add(
                Agreement(
                    cluster_id=cluster.id,
                    number=i + 1,
                    text=f"Afspraak {i + 1} <b>&</script> " + "klimaat " * (i % 10),
                    status=statuses[i % 5],
                    owner_member_id=members[i % len(members)].id,
                    municipality_id=places[i % (len(places) + 1)].id
                    if i % (len(places) + 1) < len(places)
                    else None,
                    due_date=today + dt.timedelta(days=i % 40 - 15),
                    created_by_member_id=members[0].id,
                    created_at=now,
                )
            )
        cluster.agreement_seq = size
        session.add(cluster)
        await session.commit()


@pytest.mark.parametrize("lang, title", [("en", "Open agreements"), ("fr", "Accords ouverts")])
async def test_the_register_speaks_the_clusters_language(
    world: World, lang: str, title: str
) -> None:
    c = await leuven(world)
    await c.fien.says(f"/taal {lang}")
    reply = await c.bram.says(OFFERTES)
    assert "19" in reply.text and ("March" in reply.text or "mars" in reply.text)
    assert title in (await c.bram.says("/afspraken")).text
