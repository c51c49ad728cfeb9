"""What one update costs the database: a handful of statements, whatever came before.

Counted, not timed: every statement the bot sends is noted while one person types a command.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlmodel import select

from models.clusters import Member
from models.nudges import MESSAGE, Nudge
from tests.e2e.harness import Person, World


@contextmanager
def commits(world: World) -> Iterator[list[object]]:
    assert world.app is not None
    engine = world.app.bot_data["engine"].sync_engine
    seen: list[object] = []

    def note(connection: object) -> None:
        seen.append(connection)

    event.listen(engine, "commit", note)
    try:
        yield seen
    finally:
        event.remove(engine, "commit", note)


@contextmanager
def statements(world: World) -> Iterator[list[str]]:
    assert world.app is not None
    engine = world.app.bot_data["engine"].sync_engine
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(" ".join(statement.split()).upper())

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


async def pajottenland(world: World) -> Person:
    group = world.group("Klimaatcluster Pajottenland")
    await group.facilitator.says("/start")
    await group.facilitator.says("/gemeenten + Pajottegem, Bever, Pepingen, Lennik")
    an = group.person("An", username="an_bever")
    await an.says("/gemeente Bever")
    return an


async def test_recording_an_agreement_takes_at_most_eight_statements(world: World) -> None:
    an = await pajottenland(world)
    await an.says("/afspraak Offertes opvragen @an_bever #Bever tegen 15/3")
    with statements(world) as seen:
        reply = await an.says("/afspraak Zaal reserveren @an_bever #Bever tegen vr 19/3")
    assert "Afspraak 2" in reply.text
    # Everything counts, the outbox included: the reply is kept in the change's transaction
    # and deleted once Telegram has it.
    assert len(seen) <= 8, seen
    # The new agreement's nudges and the outbox row with the reply go in with one INSERT.
    [nudges] = [s for s in seen if s.startswith("INSERT INTO NUDGE")]
    assert "PAYLOAD" in nudges.split("VALUES")[0], nudges
    assert nudges.split(" VALUES ")[1].count("), (") + 1 > 1, nudges  # a row for each
    assert sum(s.startswith("DELETE FROM NUDGE") for s in seen) == 1
    async with world.session() as session:
        assert (await session.exec(select(Nudge).where(Nudge.kind == MESSAGE))).all() == []


async def test_a_known_member_s_command_commits_once_and_once_more_for_its_reply(
    world: World,
) -> None:
    an = await pajottenland(world)
    await an.says("/afspraken")
    with commits(world) as seen:
        reply = await an.says("/afspraak Zaal reserveren @an_bever #Bever tegen vr 19/3")
    assert "Afspraak 1" in reply.text
    # The lookup of the cluster and of An wrote nothing: it shares the command's transaction.
    # The second commit deletes the reply kept in the outbox, once Telegram has it.
    assert len(seen) == 2
    world.clock.advance(dt.timedelta(minutes=11))  # now An's "last seen" is written first
    with commits(world) as seen:
        await an.says("/afspraak Affiche drukken @an_bever #Bever tegen vr 19/3")
    assert len(seen) == 3


async def test_a_member_seen_minutes_ago_costs_no_write_before_the_command(
    world: World,
) -> None:
    an = await pajottenland(world)
    with statements(world) as seen:
        reply = await an.says("/afspraken")
    assert reply.messages
    assert not any(s.startswith(("UPDATE", "INSERT")) for s in seen), seen
    assert len(seen) <= 5, seen

    world.clock.advance(dt.timedelta(minutes=11))  # last seen is kept to ten minutes
    with statements(world) as seen:
        await an.says("/afspraken")
    assert any(s.startswith("UPDATE MEMBER") for s in seen)


async def test_a_new_name_is_stored_at_once(world: World) -> None:
    an = await pajottenland(world)
    an.user["first_name"] = "Anneleen"
    await an.says("/afspraken")
    async with world.session() as session:
        names = (await session.exec(select(Member.name))).all()
    assert "Anneleen" in names
