"""Days off: a date on a weekend, a public holiday or the cluster's own day off is accepted with
a warning naming the day, in the cluster's language, and the due-day nudge comes the working
day before."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from models.meetings import Meeting, MeetingPoll, PollStatus, PollVote
from tests.e2e.harness import BRUSSELS, Chat, FakeClock, Person, Timed, World

# Monday 26 April 2027, 10:00. Ascension Day is Thursday 6 May 2027; 1 May is a Saturday and
# Labour Day.
MONDAY = dt.datetime(2027, 4, 26, 10, 0, tzinfo=BRUSSELS)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY)


def local(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute, tzinfo=BRUSSELS)


async def leuven(world: World) -> tuple[Chat, Person]:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Herent, Kortenberg, Bertem")
    an = group.person("An", username="an_herent")
    await an.says("/gemeente Herent")
    return group, an


def in_group(sent: list[Timed], chat: Chat) -> list[Timed]:
    return [item for item in sent if item.message.chat_id == chat.id and "📋" not in item.text]


async def test_an_agreement_due_on_ascension_day_is_nudged_the_day_before(world: World) -> None:
    group, an = await leuven(world)
    reply = await an.says("/afspraak Offertes opvragen @an_herent #Herent tegen do 6/5")
    assert "📅 Tegen: donderdag 6 mei 2027" in reply.text
    assert (
        "⚠️ Let op: donderdag 6 mei 2027 is een feestdag (O. L. H. Hemelvaart). De herinnering"
        " van de deadline komt op woensdag 5 mei 2027, de laatste werkdag ervoor."
    ) in reply.text
    group.skip_seen()

    sent = in_group(await world.run_until(local(5, 10, 12)), group)
    assert [(item.at, item.text.split(":")[0]) for item in sent] == [
        (local(5, 4), "⏰ Herinnering"),  # two working days before: Tuesday
        (local(5, 5), "📌 Deadline"),  # the last working day before Ascension Day
        # Overdue counts from Friday 7 May, the first working day on or after the due date.
        (local(5, 10), "⚠️ Te laat"),
    ]
    assert "donderdag 6 mei 2027" in sent[1].text


async def test_a_working_day_gets_no_warning_and_begin_mei_does(world: World) -> None:
    _, an = await leuven(world)
    plain = await an.says("/afspraak Offertes opvragen @an_herent tegen wo 5/5")
    assert "Let op" not in plain.text
    # "begin mei" is Saturday 1 May: a weekend and Labour Day; the holiday is named.
    reply = await an.says("/afspraak Nieuwsbrieftekst @an_herent tegen begin mei")
    assert "zaterdag 1 mei 2027 is een feestdag (Dag van de Arbeid)" in reply.text
    assert "komt op vrijdag 30 april 2027" in reply.text
    weekend = await an.says("/afspraak Affiches @an_herent tegen zo 9/5")
    assert "zondag 9 mei 2027 valt in het weekend" in weekend.text
    # Postponing onto a day off warns as well.
    moved = await an.says("/uitstel 1 do 6/5")
    assert "uitgesteld" in moved.text and "O. L. H. Hemelvaart" in moved.text


async def test_the_clusters_own_day_off_and_its_language(world: World) -> None:
    group, an = await leuven(world)
    fien = group.facilitator
    await fien.says("/instellingen vrij 11/7")
    reply = await an.says("/afspraak Zomercampagne @an_herent tegen 11/7")
    # In 2027 it is a Sunday too; the cluster's own day off is what is named.
    assert "zondag 11 juli 2027 is een extra vrije dag van de cluster" in reply.text
    assert "komt op vrijdag 9 juli 2027" in reply.text

    await fien.says("/taal fr")
    french = await an.says("/afspraak Offres @an_herent tegen 6/5")
    assert "le jeudi 6 mai 2027 est un jour férié (Ascension)" in french.text
    assert "le mercredi 5 mai 2027" in french.text
    await fien.says("/taal en")
    english = await an.says("/afspraak Quotes @an_herent by 6 May")
    assert "Thursday 6 May 2027 is a public holiday (Ascension Day)" in english.text


async def test_a_meeting_and_poll_options_on_days_off_are_accepted_with_a_warning(
    world: World,
) -> None:
    _, an = await leuven(world)
    meeting = await an.says("/vergadering do 6/5 14u #Herent")
    assert "Vergadering 1" in meeting.text
    assert "⚠️ Let op: donderdag 6 mei 2027 is een feestdag (O. L. H. Hemelvaart)." in meeting.text

    poll = await an.says("/datumprikker di 4/5 14u; za 8/5 10u; do 6/5 10u | tegen vr 30/4")
    assert len(poll.messages) == 2
    assert poll.messages[0].buttons  # the poll itself
    warnings = poll.messages[1].text.splitlines()
    assert warnings == [
        "⚠️ Moment 2: zaterdag 8 mei 2027 valt in het weekend.",
        "⚠️ Moment 3: donderdag 6 mei 2027 is een feestdag (O. L. H. Hemelvaart).",
    ]


async def test_a_saturday_night_poll_deadline_is_announced_on_monday_morning(
    world: World,
) -> None:
    group, an = await leuven(world)
    bram = group.person("Bram", username="bram_kortenberg")
    await bram.says("/gemeente Kortenberg")
    posted = await an.says("/datumprikker di 11/5 14u; wo 12/5 10u | tegen za 1/5 20u")
    poll = posted.messages[0]
    assert posted.messages[1].text == (
        "🔒 Antwoorden kan tot zaterdag 1 mei 2027 20:00. Dan stuur ik niets (weekend, feestdag"
        " of stille uren): de uitslag, de vergadering en de uitnodiging volgen op maandag"
        " 3 mei 2027 08:00."
    )
    await bram.presses("✅", on=poll, row=1)
    group.skip_seen()

    # Saturday 20:00 passes: nothing is said, and the poll takes no more answers.
    quiet = in_group(await world.run_until(local(5, 1, 21)), group)
    assert quiet == []
    late = await an.presses("✅", on=poll, row=2)
    assert late.answer is not None and late.answer.get("show_alert")
    assert "De uitslag volgt op maandag 3 mei 2027 08:00" in late.answer["text"]
    assert late.messages == []
    async with world.session() as session:
        assert (await session.exec(select(Meeting))).all() == []
        votes = (await session.exec(select(PollVote))).all()
    assert len(votes) == 1, "the late answer was not recorded"
    assert in_group(await world.run_until(local(5, 3, 7, 59)), group) == []

    # Monday 08:00: the result, the meeting and its invitation.
    sent = in_group(await world.run_until(local(5, 3, 9)), group)
    assert [item.at for item in sent] == [local(5, 3, 8), local(5, 3, 8)]
    assert "We vergaderen op <b>dinsdag 11 mei 2027 14:00</b>" in sent[0].message.html
    assert sent[1].message.filename is not None and sent[1].message.filename.endswith(".ics")
    assert poll.buttons == [] and "gesloten" in poll.text
    async with world.session() as session:
        (meeting,) = (await session.exec(select(Meeting))).all()
        stored = (await session.exec(select(MeetingPoll))).one()
    assert meeting.created_at == local(5, 3, 8)
    assert stored.status == PollStatus.CLOSED
