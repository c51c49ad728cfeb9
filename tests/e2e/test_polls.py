"""Finding a meeting date: the poll, its buttons, the tally, closing, and the invitation."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from icalendar import Calendar
from sqlmodel import col, func, select

import handlers.polls
from bot.sandbox.emulator import SentMessage
from handlers import sending
from handlers.ics import meeting_uid
from handlers.polls import close_poll_at_deadline, refresh_pending
from models.clusters import Cluster
from models.meetings import Meeting, MeetingPoll, PollStatus, PollVote
from models.nudges import Nudge, NudgeStatus
from tests.e2e.harness import BRUSSELS, Chat, Person, Replies, World, wait_for

MARKS = ("✅", "❔", "❌")
POLL = "/datumprikker di 9/3 14u; do 11/3 10u; ma 15/3 13u30 | tegen vr 5/3 12u"
_query_ids = itertools.count(500_000)


# --- helpers ----------------------------------------------------------------------------------


async def edited(world: World, message: SentMessage, *, after: int, timeout: float = 5.0) -> None:
    """Wait until the bot has edited `message` more than `after` times (the fake notifies)."""
    fake = world.fake
    async with fake.message_sent:
        await asyncio.wait_for(fake.message_sent.wait_for(lambda: message.edits > after), timeout)


async def press_data(person: Person, data: str, *, on: SentMessage) -> Replies:
    """A callback press with arbitrary data, as an old or forged button would send."""
    world = person.world
    query_id = str(next(_query_ids))
    update = {
        "callback_query": {
            "id": query_id,
            "from": person.user,
            "chat_instance": str(person.chat.id),
            "message": world.fake._message_dict(on),
            "data": data,
        }
    }
    replies = await world.deliver(update)
    replies.answer = world.fake.callback_answers.get(query_id)
    return replies


@dataclass
class Cluster3:
    group: Chat
    fien: Person
    an: Person
    bram: Person
    celine: Person


async def cluster_of_three(world: World, title: str = "Klimaatcluster Leuven") -> Cluster3:
    group = world.group(title)
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Herent, Kortenberg, Bertem")
    an = group.person("An", username="an_herent")
    bram = group.person("Bram")
    celine = group.person("Céline", username="celine")
    await an.says("/gemeente Herent")
    await bram.says("/gemeente Kortenberg")
    await celine.says("/gemeente Bertem")
    return Cluster3(group, fien, an, bram, celine)


async def scalar(world: World, query: Any) -> Any:
    async with world.runtime.sessions() as session:
        return (await session.exec(query)).one()


async def vote_count(world: World) -> int:
    return int(await scalar(world, select(func.count()).select_from(PollVote)))


async def poll_count(world: World) -> int:
    return int(await scalar(world, select(func.count()).select_from(MeetingPoll)))


async def meeting_count(world: World) -> int:
    return int(await scalar(world, select(func.count()).select_from(Meeting)))


def app_of(world: World) -> Any:
    assert world.app is not None, "the bot is not running"
    return world.app


def bot_of(world: World) -> Any:
    return app_of(world).bot


def ics_event(document: SentMessage) -> Any:
    calendar = Calendar.from_ical(document.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    assert calendar.walk("VTIMEZONE"), "the start must carry its timezone"
    return events[0]


# --- the whole story --------------------------------------------------------------------------


async def test_three_municipalities_vote_and_the_coordinator_closes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A roomier window than production's second, so a slow machine still makes one burst.
    monkeypatch.setattr(handlers.polls, "EDIT_DELAY_SECONDS", 2.0)
    c = await cluster_of_three(world)
    posted = await c.bram.says(POLL)
    assert len(posted) == 1
    poll = posted.last
    for written in (
        "dinsdag 9 maart 2027 14:00",
        "donderdag 11 maart 2027 10:00",
        "maandag 15 maart 2027 13:30",
        "vrijdag 5 maart 2027 12:00",
    ):
        assert written in poll.text
    assert "Nog geen antwoord van: Bertem, Herent, Kortenberg" in poll.text

    rows = poll.button_texts
    assert len(rows) == 4
    for texts in rows[:3]:
        assert len(texts) == 3
        assert [mark for mark in MARKS if mark in texts[0]] == ["✅"]
        assert [mark for mark in MARKS if mark in texts[1]] == ["❔"]
        assert [mark for mark in MARKS if mark in texts[2]] == ["❌"]
    assert not any(mark in text for text in rows[3] for mark in MARKS)
    assert all(len(b["callback_data"].encode()) <= 64 for row in poll.buttons for b in row)

    # A burst of presses: each answered at once, one edit for all of them.
    presses = [
        (c.an, "✅", 1),
        (c.an, "❌", 2),
        (c.bram, "❔", 1),
        (c.bram, "✅", 2),
        (c.celine, "✅", 2),
        (c.celine, "❌", 3),
    ]
    for person, mark, row in presses:
        answer = await person.presses(mark, on=poll, row=row)
        assert answer.answer is not None and mark in answer.answer["text"]
        assert answer.messages == []
    await edited(world, poll, after=0)
    assert poll.edits == 1
    assert not refresh_pending(app_of(world), 1), "no second edit is on its way"
    assert "✅ 1: An (Herent)" in poll.text
    assert "❔ 1: Bram (Kortenberg)" in poll.text
    assert "✅ 2: Bram (Kortenberg), Céline (Bertem)" in poll.text
    assert "❌ 1: An (Herent)" in poll.text
    assert "Alle gemeenten hebben geantwoord" in poll.text
    assert await vote_count(world) == 6

    # Pressing again changes the answer, it does not add one.
    again = await c.an.presses("✅", on=poll, row=2)
    assert "Genoteerd" in again.answer["text"]  # type: ignore[index]
    await edited(world, poll, after=1)
    assert "✅ 3: An (Herent), Bram (Kortenberg), Céline (Bertem)" in poll.text
    assert await vote_count(world) == 6
    same = await c.an.presses("✅", on=poll, row=2)
    assert "al geantwoord" in same.answer["text"]  # type: ignore[index]

    # A member may not close; nothing changes.
    refused = await c.bram.says("/sluit")
    assert "coördinator" in refused.text
    assert await meeting_count(world) == 0

    closed = await c.fien.says("/sluit")
    assert "donderdag 11 maart 2027 10:00" in closed.text
    assert "Bertem" in closed.text  # never hosted, first in the alphabet
    assert [d.filename for d in closed.documents] == ["vergadering-1.ics"]
    event = ics_event(closed.documents[0])
    start = event.decoded("dtstart")
    assert start == dt.datetime(2027, 3, 11, 10, 0, tzinfo=BRUSSELS)
    assert start.utcoffset() == dt.timedelta(hours=1)
    assert event.decoded("dtend") - start == dt.timedelta(hours=1)
    assert "Bertem" in str(event["location"])
    async with world.runtime.sessions() as session:
        cluster = (await session.exec(select(Cluster))).one()
        meeting = (await session.exec(select(Meeting))).one()
    assert str(event["uid"]) == meeting_uid(cluster.id, meeting.id)

    # The poll message is frozen: no buttons, the outcome written in.
    assert poll.buttons == []
    assert "gesloten" in poll.text and "donderdag 11 maart 2027 10:00" in poll.text

    listed = await c.an.says("/vergaderingen")
    assert "donderdag 11 maart 2027 10:00" in listed.text
    assert "Bertem" in listed.text and "nog geen agendapunten" in listed.text


async def test_a_refresh_under_way_never_reopens_a_poll_just_closed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers.polls, "EDIT_DELAY_SECONDS", 0.0)
    c = await cluster_of_three(world)
    poll = (await c.bram.says(POLL)).last
    world.fake.slow_next("editMessageText", 1.0)  # the refresh's edit is on its way, slowly
    await c.an.presses("✅", on=poll, row=1)
    await wait_for(lambda: any(method == "editMessageText" for method, _ in world.fake.calls))
    closed = await c.fien.says("/sluit")  # meanwhile: the close waits for that edit to land
    assert "dinsdag 9 maart 2027 14:00" in closed.text
    await asyncio.sleep(1.2)  # longer than that edit took
    assert poll.buttons == []
    assert "gesloten" in poll.text


async def test_pressing_a_closed_poll_changes_nothing(world: World) -> None:
    c = await cluster_of_three(world)
    poll = (await c.bram.says(POLL)).last
    old_yes = poll.buttons[0][0]["callback_data"]
    await c.an.presses("✅", on=poll, row=1)
    await c.fien.says("/sluit")
    votes = await vote_count(world)
    edits = poll.edits
    late = await press_data(c.celine, old_yes, on=poll)
    assert late.answer is not None and "gesloten" in late.answer["text"]
    assert late.messages == []
    assert await vote_count(world) == votes
    assert poll.edits == edits
    again = await c.fien.says("/sluit 1")
    assert "al gesloten" in again.text
    assert await meeting_count(world) == 1


async def test_nobody_can_come_so_no_meeting(world: World) -> None:
    c = await cluster_of_three(world)
    poll = (await c.bram.says("/datumprikker di 9/3 14u; do 11/3 10u")).last
    await c.an.presses("❌", on=poll, row=1)
    await c.bram.presses("❌", on=poll, row=2)
    closed = await c.fien.says("/sluit")
    assert "geen vergadering" in closed.text
    assert closed.documents == []
    assert await meeting_count(world) == 0
    assert "Geen vergadering" in poll.text and poll.buttons == []


async def test_close_button_is_for_coordinators_and_admins(world: World) -> None:
    c = await cluster_of_three(world)
    poll = (await c.an.says(POLL)).last
    await c.an.presses("✅", on=poll, row=3)
    refused = await c.an.presses("🔒", on=poll)
    assert refused.answer is not None and "coördinator" in refused.answer["text"]
    assert await meeting_count(world) == 0
    admin = c.group.person("Dirk", admin=True)
    done = await admin.presses("🔒", on=poll)
    assert done.answer is not None
    assert "maandag 15 maart 2027 13:30" in done.text
    assert [d.filename for d in done.documents] == ["vergadering-1.ics"]
    assert poll.buttons == []


async def test_two_open_polls_need_a_number_to_close(world: World) -> None:
    c = await cluster_of_three(world)
    first = (await c.an.says("/datumprikker di 9/3 14u; do 11/3 10u")).last
    second = (await c.an.says("/datumprikker ma 22/3 9u; di 23/3 9u")).last
    assert "Datumprikker 1" in first.text and "Datumprikker 2" in second.text
    await c.an.presses("✅", on=second, row=2)

    asked = await c.fien.says("/sluit")
    assert "/sluit 2" in asked.text and "9/03 14:00" in asked.text
    assert await meeting_count(world) == 0
    assert "bestaat niet" in (await c.fien.says("/sluit 7")).text
    assert "/sluit 3" in (await c.fien.says("/sluit drie")).text

    closed = await c.fien.says("/sluit 2")
    assert "dinsdag 23 maart 2027 09:00" in closed.text
    last = await c.fien.says("/sluit")
    assert "Datumprikker 1" in last.text and "geen vergadering" in last.text
    assert "geen open datumprikker" in (await c.fien.says("/sluit")).text


async def test_presses_on_another_chats_poll_or_an_unknown_poll_are_refused(
    world: World,
) -> None:
    c = await cluster_of_three(world)
    poll = (await c.an.says(POLL)).last
    other = world.group("Klimaatcluster Pajottenland")
    await other.facilitator.says("/start")
    stranger = other.person("Sven")
    their_message = (await stranger.says("/vergaderingen")).last

    forged = await press_data(stranger, poll.buttons[0][0]["callback_data"], on=their_message)
    assert forged.answer is not None and "bestaat niet" in forged.answer["text"]
    unknown = await press_data(c.bram, "poll:999:1:y", on=poll)
    assert unknown.answer is not None and "bestaat niet" in unknown.answer["text"]
    garbled = await press_data(c.bram, "poll:1:99:y", on=poll)
    assert garbled.answer is not None and "bestaat niet" in garbled.answer["text"]
    # The right poll id on another bot message in the same chat is not that poll either.
    elsewhere = await press_data(c.bram, "poll:1:1:y", on=c.group.messages[0])
    assert elsewhere.answer is not None and "bestaat niet" in elsewhere.answer["text"]
    assert await vote_count(world) == 0
    assert poll.edits == 0


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/datumprikker", "puntkomma"),
        ("/datumprikker di 9/3 14u; vergadering; do 11/3 10u", "Moment 2 begrijp ik niet"),
        ("/datumprikker di 9/3 14u; do 11/3", "Moment 2 (“do 11/3”) heeft geen uur"),
        ("/datumprikker 12/11/2026 14u; do 11/3 10u", "Moment 1 ligt in het verleden"),
        ("/datumprikker di 9/3 14u; 9/3 14u", "Moment 2 is hetzelfde als moment 1"),
        ("/datumprikker di 9/3 14u; do 11/3 10u | tegen wo 10/3 12u", "vóór het vroegste moment"),
        ("/datumprikker di 9/3 14u | tegen 1/1/2026", "verleden"),
        ("/datumprikker di 9/3 14u | tegen vandaag-ooit", "uiterste datum begrijp ik niet"),
        ("/datumprikker di 10/3 14u", "woensdag, niet op een dinsdag"),
        (
            "/datumprikker " + "; ".join(f"{day}/3 14u" for day in range(1, 12)),
            "Hoogstens 10 momenten",
        ),
    ],
)
async def test_bad_poll_requests_are_explained_and_change_nothing(
    world: World, command: str, expected: str
) -> None:
    group = world.group("Klimaatcluster Leuven")
    await group.facilitator.says("/start")
    reply = await group.person("Bart").says(command)
    assert expected in reply.text
    assert reply.last.buttons == []
    assert await poll_count(world) == 0


async def test_default_deadline_is_three_working_days_before(world: World) -> None:
    c = await cluster_of_three(world)
    poll = (await c.an.says("/datumprikker di 9/3 14u; do 11/3 10u")).last
    # Tuesday 9 March 2027 minus three working days: Thursday 4 March, at noon.
    assert "donderdag 4 maart 2027 12:00" in poll.text
    async with world.runtime.sessions() as session:
        rows = (
            await session.exec(
                select(Nudge).where(Nudge.subject_type == "poll").order_by(col(Nudge.due_at))
            )
        ).all()
    assert [(r.kind, r.status) for r in rows] == [
        ("poll_reminder", NudgeStatus.PENDING),
        ("poll_deadline", NudgeStatus.PENDING),
    ]
    assert rows[1].due_at == dt.datetime(2027, 3, 4, 12, 0, tzinfo=BRUSSELS)
    await c.fien.says("/sluit")
    async with world.runtime.sessions() as session:
        statuses = {r.kind: r.status for r in (await session.exec(select(Nudge))).all()}
    assert statuses["poll_deadline"] == NudgeStatus.CANCELLED


# --- the deadline -----------------------------------------------------------------------------


async def test_the_deadline_closes_the_poll(world: World) -> None:
    c = await cluster_of_three(world)
    poll = (await c.an.says(POLL)).last
    await c.an.presses("✅", on=poll, row=3)
    await c.bram.presses("✅", on=poll, row=3)
    await c.celine.presses("✅", on=poll, row=1)
    await edited(world, poll, after=0)

    world.clock.set(dt.datetime(2027, 3, 5, 11, 59))
    before = len(c.group.messages)
    async with world.runtime.sessions() as session:
        cluster = (await session.exec(select(Cluster))).one()
        early = await close_poll_at_deadline(
            session, cluster=cluster, poll_id=1, now=world.clock.now()
        )
        await session.commit()
    assert early == [], "not due yet: nothing happens"

    world.clock.set(dt.datetime(2027, 3, 5, 12, 0))
    late = await c.celine.presses("✅", on=poll, row=2)
    assert late.answer is not None and "voorbij" in late.answer["text"]
    async with world.runtime.sessions() as session:
        cluster = (await session.exec(select(Cluster))).one()
        first = await close_poll_at_deadline(
            session, cluster=cluster, poll_id=1, now=world.clock.now()
        )
        # A second call (a retried sweep) has nothing more to change or say.
        again = await close_poll_at_deadline(
            session, cluster=cluster, poll_id=1, now=world.clock.now()
        )
        await session.commit()
    assert again == []
    await sending.deliver(bot_of(world), world.runtime.sessions, first, {})
    sent = c.group.messages[before:]
    assert len(sent) == 2
    assert "maandag 15 maart 2027 13:30" in sent[0].text
    assert sent[1].filename == "vergadering-1.ics"
    assert ics_event(sent[1]).decoded("dtstart") == dt.datetime(
        2027, 3, 15, 13, 30, tzinfo=BRUSSELS
    )
    assert poll.buttons == []
    assert await meeting_count(world) == 1


async def test_the_deadline_passes_while_the_bot_is_down(world: World) -> None:
    c = await cluster_of_three(world)
    poll = (await c.an.says(POLL)).last
    await c.an.presses("✅", on=poll, row=2)
    await c.bram.presses("❔", on=poll, row=2)
    await edited(world, poll, after=0)
    # Stopped right after a press: its refresh may never run, but the vote is a row.
    await c.bram.presses("✅", on=poll, row=1)
    await world.stop()
    world.clock.set(dt.datetime(2027, 3, 6, 9, 0))  # Saturday, the day after the deadline
    await world.start()
    # Nothing is announced at the weekend; the closing waits for Monday.
    assert (await world.sweep()).messages == []
    world.clock.set(dt.datetime(2027, 3, 8, 8, 30))  # before the Monday digest

    # The first sweep on Monday finds the `poll_deadline` row that fell due meanwhile (and the
    # weekly digest missed since the clock jumped, which is not what this test is about).
    swept = [m for m in (await world.sweep()).messages if not m.text.startswith("📋")]
    assert [m.chat_id for m in swept] == [c.group.id, c.group.id]
    assert (await world.sweep()).messages == [], "closed once, not again"

    announced = swept
    # Tie on ✅ (1 each); option 2 has more ✅ + ❔.
    assert "donderdag 11 maart 2027 10:00" in announced[0].text
    assert "Bertem" in announced[0].text
    event = ics_event(announced[1])
    assert event.decoded("dtstart") == dt.datetime(2027, 3, 11, 10, 0, tzinfo=BRUSSELS)
    assert poll.buttons == [] and "gesloten" in poll.text
    assert "✅ 1: Bram (Kortenberg)" in poll.text
    async with world.runtime.sessions() as session:
        stored = (await session.exec(select(MeetingPoll))).one()
    assert stored.status == PollStatus.CLOSED
    assert await poll_count(world) == 1, "no update was handled twice after the restart"
    listed = await c.an.says("/vergaderingen")
    assert "donderdag 11 maart 2027 10:00" in listed.text
