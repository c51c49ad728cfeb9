"""/privacy, /mijngegevens and /vergeetmij: what is kept about a person, and forgetting it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select as core_select
from sqlmodel import SQLModel, func, select

from models.agreements import Agreement
from models.audit import AuditEvent
from models.clusters import Cluster, Member, Municipality
from models.lessons import Lesson
from models.meetings import MeetingPoll, PollOption, PollVote
from models.nudges import Nudge, NudgeStatus
from tests.e2e.cockpit import add_meeting, add_open_poll, cluster_row, cluster_with, local, person
from tests.e2e.harness import FACILITATOR_ID, Chat, Person, World

BART_ID = 5_550_001_234
NAME, USERNAME = "Bart Peeters-Dupré", "bart_peeters"
TRACES = ("bart peeters", "peeters", "dupré", USERNAME, str(BART_ID))


async def everything_stored(world: World) -> list[tuple[str, str, Any]]:
    """Every value in every column of every table."""
    found = []
    async with world.runtime.sessions() as session:
        connection = await session.connection()
        for table in SQLModel.metadata.sorted_tables:
            for row in (await connection.execute(core_select(table))).mappings():
                found += [(table.name, column, value) for column, value in row.items()]
    return found


def traces_of_bart(values: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
    traces = []
    for table, column, value in values:
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int):
            if value == BART_ID:
                traces.append((table, column, value))
            continue
        text = (
            value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        )
        lowered = text.lower()
        if any(part in lowered for part in TRACES):
            traces.append((table, column, value))
    return traces


async def bart_everywhere(world: World) -> tuple[Chat, Chat, Person]:
    """Bart works for Pajottegem and helps out in Leuven; he leaves traces in every table."""
    pajot = await cluster_with(
        world, "Klimaatcluster Pajottenland", ["Pajottegem", "Bever", "Pepingen", "Lennik"]
    )
    leuven = await cluster_with(world, "Klimaatcluster Leuven", ["Herent", "Bertem"])
    bart = person(pajot, BART_ID, "Bart", "Peeters-Dupré", USERNAME)
    sofie = pajot.person("Sofie", username="sofie_bever")
    await bart.says("/gemeente Pajottegem")
    await bart.says("/afspraak Klimaattafel in één wijk organiseren @bart_peeters tegen 16/12")
    await bart.says("/afspraak Campagnetekst voor elk infoblad #Bever tegen 14/12")
    await sofie.says(f"/afspraak {NAME} belt de aannemer @bart_peeters #Bever tegen 18/12")
    await bart.says("/leerpunt Bel de aannemer zelf, dat gaat sneller #energie")
    await add_meeting(
        world,
        pajot,
        starts_at=local(2026, 11, 24, 14, 0),
        host="Lennik",
        minutes=f'Aanwezig: <a href="tg://user?id={BART_ID}">{NAME}</a>, Sofie\n'
        f"{NAME} stelt de groepsaankoop voor.",
    )
    await add_open_poll(world, pajot, deadline=local(2026, 12, 4, 12, 0))
    cluster = await cluster_row(world, pajot)
    async with world.runtime.sessions() as session:
        member = (await session.exec(select(Member).where(Member.user_id == BART_ID))).one()
        option = (await session.exec(select(PollOption))).one()
        session.add(
            PollVote(
                option_id=option.id, member_id=member.id, answer="yes", updated_at=world.clock.now()
            )
        )
        assert cluster.id is not None and member.id is not None
        session.add(
            Nudge(
                cluster_id=cluster.id,
                kind="overdue_private",
                subject_type="member",
                subject_id=member.id,
                dedupe_key=f"private:{member.id}:test",
                due_at=world.clock.now() + dt.timedelta(days=3),
                payload={"chat_id": BART_ID, "name": NAME, "username": USERNAME},
            )
        )
        await session.commit()

    in_leuven = bart.in_(leuven)
    await in_leuven.says("/gemeente Herent")
    await leuven.facilitator.says("/coordinator @bart_peeters")
    return pajot, leuven, bart


async def test_privacy_explains_what_is_stored_why_how_long_and_who_sees_it(world: World) -> None:
    pajot = await cluster_with(world, "Klimaatcluster Pajottenland", ["Bever"])
    for speaker in (pajot.person("Sofie"), pajot.person("Jan").in_private()):
        text = (await speaker.says("/privacy")).text
        for part in ("Wat ik bewaar", "Waarom", "Hoe lang", "Wie het ziet", "/vergeetmij"):
            assert part in text


async def test_my_data_sends_everything_stored_about_the_sender(world: World) -> None:
    _, _, bart = await bart_everywhere(world)
    reply = await bart.in_private().says("/mijngegevens")
    [document] = reply.documents
    assert document.filename == "mijngegevens.json"
    assert document.chat_id == BART_ID
    data = json.loads(document.content)
    assert data["telegram_id"] == BART_ID
    assert {m["cluster"]: m["municipality"] for m in data["memberships"]} == {
        "Klimaatcluster Pajottenland": "Pajottegem",
        "Klimaatcluster Leuven": "Herent",
    }
    assert {m["username"] for m in data["memberships"]} == {USERNAME}
    assert {m["role"] for m in data["memberships"]} == {"member", "coordinator"}
    texts = {a["text"] for a in data["agreements"]}
    assert "Campagnetekst voor elk infoblad" in texts
    assert any(a["owner"] and not a["recorded_by_you"] for a in data["agreements"])
    assert [lesson["theme"] for lesson in data["lessons"]] == ["energie"]
    assert [answer["answer"] for answer in data["poll_answers"]] == ["yes"]
    assert any(event["action"] == "municipality" for event in data["history"])

    in_group = await bart.says("/mijngegevens")
    assert "alleen in een privégesprek" in in_group.text and not in_group.documents
    stranger = world.group("Elders").person("Nele").in_private()
    nothing = await stranger.says("/mydata")
    assert "Ik bewaar niets over jou" in nothing.text and not nothing.documents


async def test_forget_me_erases_the_person_and_keeps_the_work(world: World) -> None:
    pajot, _, bart = await bart_everywhere(world)
    private = bart.in_private()
    assert traces_of_bart(await everything_stored(world))
    async with world.runtime.sessions() as session:
        agreements_before = (await session.exec(select(func.count()).select_from(Agreement))).one()
        events_before = (await session.exec(select(func.count()).select_from(AuditEvent))).one()

    ask = await private.says("/vergeetmij")
    assert "Klimaatcluster Leuven, Klimaatcluster Pajottenland" in ask.text
    no = await private.presses("Nee", on=ask.last)
    assert no.answer is not None
    assert "Niets gewist" in ask.last.text and not ask.last.buttons  # edited in place
    assert traces_of_bart(await everything_stored(world))  # nothing changed

    ask = await private.says("/forgetme")
    yes = await private.presses("Ja", on=ask.last)
    assert yes.answer is not None
    assert "gewist in 2 clusters" in ask.last.text
    assert not ask.last.buttons

    assert traces_of_bart(await everything_stored(world)) == []
    async with world.runtime.sessions() as session:
        members = (await session.exec(select(Member).where(Member.erased == True))).all()  # noqa: E712
        assert len(members) == 2
        assert all(m.user_id is None and m.name == "" and m.username is None for m in members)
        assert all(m.role == "member" for m in members)
        agreements = (await session.exec(select(Agreement).order_by(Agreement.number))).all()  # type: ignore[arg-type]
        assert len(agreements) == agreements_before
        names = {m.id: m.name for m in (await session.exec(select(Municipality))).all()}
        credited = [
            (a.number, names.get(a.municipality_id or -1), a.owner_member_id) for a in agreements
        ]
        assert credited == [(1, "Pajottegem", None), (2, "Bever", None), (3, "Bever", None)]
        assert "[…] belt de aannemer" in agreements[2].text
        events = (await session.exec(select(AuditEvent))).all()
        assert len(events) >= events_before  # the history stays, without the person
        erased_ids = {m.id for m in members}
        assert not any(e.actor_member_id in erased_ids for e in events)
        assert any(e.action == "municipality" for e in events)
        assert (await session.exec(select(func.count()).select_from(PollVote))).one() == 1
        assert (await session.exec(select(func.count()).select_from(Lesson))).one() == 1
        nudge = (await session.exec(select(Nudge).where(Nudge.kind == "overdue_private"))).one()
        assert nudge.status == NudgeStatus.CANCELLED
        assert (await session.exec(select(func.count()).select_from(MeetingPoll))).one() == 1

    assert "Ik bewaar niets over jou" in (await private.says("/mijngegevens")).text
    # The cluster goes on: its listing still shows the agreements, now under Pajottegem.
    listing = (await pajot.person("Sofie", username="sofie_bever").says("/afspraken")).text
    assert "Klimaattafel in één wijk organiseren" in listing
    assert "Peeters" not in listing


async def test_a_facilitator_can_be_forgotten_too(world: World) -> None:
    pajot = await cluster_with(world, "Klimaatcluster Pajottenland", ["Bever"])
    fien = pajot.facilitator.in_private()
    ask = await fien.says("/vergeetmij")
    assert "Klimaatcluster Pajottenland" in ask.text
    await fien.presses("Ja", on=ask.last)
    cluster = await cluster_row(world, pajot)
    assert cluster.facilitator_user_id is None
    values = await everything_stored(world)
    assert not [v for v in values if v[2] == FACILITATOR_ID or "fien" in str(v[2]).lower()]
    async with world.runtime.sessions() as session:
        assert (await session.exec(select(func.count()).select_from(Cluster))).one() == 1
