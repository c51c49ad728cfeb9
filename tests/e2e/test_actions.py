"""Joint climate actions: recorded with a theme and a lead, linked to agreements, moved along."""

from __future__ import annotations

from sqlmodel import col, select

from models.actions import Action, ActionMunicipality, ActionStatus, Theme
from models.agreements import Agreement
from models.audit import AuditEvent
from models.clusters import Cluster, Municipality
from tests.e2e.harness import Chat, World
from tests.e2e.test_agreements import leuven, member_id, stored

ISOLATIE = "/actie Groepsaankoop dakisolatie #energie #Kortenberg #Herent"


async def actions_of(world: World, group: Chat) -> list[Action]:
    async with world.runtime.sessions() as session:
        cluster = (await session.exec(select(Cluster).where(Cluster.chat_id == group.id))).one()
        rows = await session.exec(
            select(Action).where(Action.cluster_id == cluster.id).order_by(col(Action.number))
        )
        return list(rows.all())


async def names_of(world: World, action: Action) -> set[str]:
    async with world.runtime.sessions() as session:
        rows = await session.exec(
            select(Municipality.name)
            .join(
                ActionMunicipality,
                ActionMunicipality.municipality_id == Municipality.id,  # type: ignore[arg-type]
            )
            .where(ActionMunicipality.action_id == action.id)
        )
        return set(rows.all())


async def test_an_action_is_led_by_the_first_municipality(world: World) -> None:
    c = await leuven(world)
    reply = await c.bram.says(ISOLATIE)
    assert "Actie 1" in reply.text and "Groepsaankoop dakisolatie" in reply.text
    assert "energie" in reply.text
    assert "Trekker: Kortenberg" in reply.text and "Met: Herent" in reply.text
    [action] = await actions_of(world, c.group)
    assert (action.number, action.title, action.theme) == (
        1,
        "Groepsaankoop dakisolatie",
        "energie",
    )
    assert action.status == ActionStatus.IDEA
    assert await names_of(world, action) == {"Kortenberg", "Herent"}
    async with world.runtime.sessions() as session:
        lead = await session.get(Municipality, action.lead_municipality_id)
    assert lead is not None and lead.name == "Kortenberg"

    reply = await c.jan.says("/action Rotating repair café #circular")
    assert "Action 2" not in reply.text and "Actie 2" in reply.text  # the cluster speaks Dutch
    assert "circulaire economie" in reply.text


async def test_agreements_link_to_an_action_and_show_under_it(world: World) -> None:
    c = await leuven(world)
    await c.bram.says(ISOLATIE)
    reply = await c.bram.says("/afspraak Infoavond met het energiehuis @jan tegen 21/4 actie 1")
    assert "Actie 1: Groepsaankoop dakisolatie" in reply.text
    await c.bram.says("/agreement Quotes from three contractors @bram by 1/3 action 1")
    await c.bram.says("/afspraak Perstekst #communicatie @bram tegen 5/3 actie 1")
    await c.bram.says("/besluit Dakisolatie krijgt voorrang actie 1")
    await c.bram.says("/afspraak Los van de actie @jan tegen 5/3")
    await c.bram.says("/klaar 2")
    rows = await stored(world, c.group)
    [action] = await actions_of(world, c.group)
    assert [a.action_id for a in rows] == [action.id] * 4 + [None]
    assert [a.theme for a in rows] == [
        Theme.ENERGY,
        Theme.ENERGY,
        Theme.COMMUNICATION,  # the #thema given wins over the action's
        Theme.ENERGY,
        None,
    ]

    shown = (await c.celine.says("/actie 1")).text
    assert "Groepsaankoop dakisolatie" in shown
    open_part = shown[shown.index("Open afspraken (2)") : shown.index("Afgeronde afspraken")]
    assert "Infoavond met het energiehuis" in open_part and "Perstekst" in open_part
    done_part = shown[shown.index("Afgeronde afspraken (1)") : shown.index("Besluiten")]
    assert "Quotes from three contractors" in done_part
    assert "Dakisolatie krijgt voorrang" in shown[shown.index("Besluiten (1)") :]
    assert "Los van de actie" not in shown

    listing = (await c.celine.says("/acties")).text
    assert "Groepsaankoop dakisolatie" in listing and "open afspraken: 2" in listing


async def test_the_status_moves_and_is_kept_in_the_history(world: World) -> None:
    c = await leuven(world)
    await c.bram.says(ISOLATIE)
    reply = await c.celine.says("/actie 1 lopend")
    assert "lopend" in reply.text
    assert (await actions_of(world, c.group))[0].status == ActionStatus.RUNNING
    assert "al lopend" in (await c.celine.says("/actie 1 running")).text
    reply = await c.jan.says("/action 1 done")
    assert "afgerond" in reply.text
    assert "gepland" in (await c.jan.says("/actie 1 gepland")).text
    async with world.runtime.sessions() as session:
        events = (
            await session.exec(
                select(AuditEvent).where(AuditEvent.entity == "action").order_by(AuditEvent.id)  # type: ignore[arg-type]
            )
        ).all()
    assert [(e.action, (e.after or {}).get("status")) for e in events] == [
        ("created", "idee"),
        ("status", "lopend"),
        ("status", "afgerond"),
        ("status", "gepland"),
    ]
    assert events[1].actor_member_id == await member_id(world, c.celine)


async def test_more_municipalities_join_an_action(world: World) -> None:
    c = await leuven(world)
    await c.bram.says("/actie Repaircafé #circulair")
    assert "nog geen" in (await c.bram.says("/actie 1")).text
    reply = await c.bram.says("/actie 1 #Bertem #OudHeverlee")
    assert "Bertem" in reply.text and "Oud-Heverlee" in reply.text
    [action] = await actions_of(world, c.group)
    assert await names_of(world, action) == {"Bertem", "Oud-Heverlee"}
    shown = (await c.bram.says("/actie 1")).text
    assert "Trekker: Bertem" in shown
    assert "doen al mee" in (await c.bram.says("/actie 1 #Bertem")).text


async def test_actions_are_listed_by_theme(world: World) -> None:
    c = await leuven(world)
    assert "Nog geen acties" in (await c.jan.says("/acties")).text
    await c.bram.says(ISOLATIE)
    await c.bram.says("/actie Repaircafé #circulair #Bertem")
    await c.bram.says("/actie Deelfietsen #mobiliteit #Herent")
    await c.bram.says("/actie Energiescans #energy #Bertem")
    await c.bram.says("/actie 4 lopend")

    text = (await c.jan.says("/acties")).text
    lines = [line for line in text.split("\n") if line.strip()]
    assert lines[0] == "Klimaatacties (4)"
    energy = lines.index("energie")
    assert lines[energy + 1].startswith("• 1 Groepsaankoop dakisolatie — idee — trekker Kortenberg")
    assert lines[energy + 2].startswith("• 4 Energiescans — lopend — trekker Bertem")
    assert lines.index("mobiliteit") < lines.index("circulaire economie")

    only = (await c.jan.says("/acties #energie")).text
    assert "Groepsaankoop" in only and "Energiescans" in only and "Repaircafé" not in only
    assert "Deelfietsen" in (await c.jan.says("/actions #mobility")).text
    assert "/acties #energie" in (await c.jan.says("/acties #Herent")).text


async def test_bad_action_input_gets_a_clear_reply_and_changes_nothing(world: World) -> None:
    c = await leuven(world)
    await c.bram.says(ISOLATIE)
    cases = [
        ("/actie", "/actie Groepsaankoop dakisolatie"),
        ("/actie #energie #Herent", "titel"),
        ("/actie Fietsstraten #mobiliteit #energie", "één thema"),
        ("/actie Fietsstraten #Hernt", "Bedoel je Herent"),
        ("/actie 9", "Actie 9 bestaat niet"),
        ("/actie 9 lopend", "Actie 9 bestaat niet"),
        ("/actie 1 lopnd", "lopnd"),
        ("/actie " + "x" * 1001, "1001"),
        ("/afspraak Offertes @jan tegen 1/3 actie 7", "Actie 7 bestaat niet"),
    ]
    for command, hint in cases:
        reply = await c.jan.says(command)
        assert hint in reply.text, (command, reply.text)
    [action] = await actions_of(world, c.group)
    assert action.status == ActionStatus.IDEA
    assert await stored(world, c.group) == []
    other = await leuven(world, "Klimaatcluster Pajottenland")
    assert "Actie 1 bestaat niet" in (await other.jan.says("/actie 1")).text


async def test_an_action_in_a_topic_keeps_its_topic(world: World) -> None:
    group = world.group("Klimaatcluster Pajottenland", type_="supergroup", forum=True)
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Pajottegem, Bever, Pepingen, Lennik")
    reply = await fien.says("/actie Groepsaankoop zonnepanelen #energie #Pepingen", thread=3)
    assert reply.last.thread_id == 3
    [action] = await actions_of(world, group)
    assert action.thread_id == 3
    agreement_reply = await fien.says("/afspraak Infoavond #Lennik tegen 21/4 actie 1", thread=3)
    assert "Actie 1" in agreement_reply.text
    async with world.runtime.sessions() as session:
        agreement = (await session.exec(select(Agreement))).one()
    assert agreement.thread_id == 3 and agreement.theme == Theme.ENERGY
