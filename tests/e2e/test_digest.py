"""The weekly digest: Monday 9:00 local time (Tuesday after Easter Monday), and on demand."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import event

from tests.e2e.harness import BRUSSELS, Chat, FakeClock, Person, Timed, World

# Friday 19 March 2027, 10:00 (winter time); Easter Monday is 29 March, summer time starts 28.
FRIDAY = dt.datetime(2027, 3, 19, 10, 0, tzinfo=BRUSSELS)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(FRIDAY)


def local(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute, tzinfo=BRUSSELS)


def digests(sent: list[Timed], chat: Chat) -> list[Timed]:
    return [item for item in sent if item.message.chat_id == chat.id and "📋" in item.text]


async def cluster(world: World, title: str = "Klimaatcluster Pajottenland") -> tuple[Chat, Person]:
    group = world.group(title)
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Pajottegem, Bever, Pepingen, Lennik")
    return group, fien


async def test_the_digest_comes_monday_nine_and_after_easter_monday_on_tuesday(
    world: World,
) -> None:
    group, _ = await cluster(world)
    sent = await world.run_until(local(4, 7, 12))
    said = digests(sent, group)
    assert [item.at for item in said] == [local(3, 22), local(3, 30), local(4, 5)]
    # 09:00 on the wall clock, in winter and in summer time alike.
    assert [item.at.utcoffset() for item in said] == [
        dt.timedelta(hours=1),
        dt.timedelta(hours=2),
        dt.timedelta(hours=2),
    ]
    # A quiet week gets a two-line digest, not silence and not the same list again.
    assert said[0].text.splitlines() == [
        "📋 Weekoverzicht Klimaatcluster Pajottenland — maandag 22 maart 2027",
        "Niets nieuw sinds 19/03. Open afspraken: 0 · binnen twee weken: 0 · "
        "al langer te laat: 0 — /afspraken",
    ]
    assert said[1].text.splitlines()[1].startswith("Niets nieuw sinds 22/03.")


async def test_four_quiet_weeks_give_one_prompt_to_the_coordinators_instead(world: World) -> None:
    group, fien = await cluster(world)
    an = group.person("An", username="an_pepingen")
    await an.says("/gemeente Pepingen")
    await fien.says("/coordinator @an_pepingen")
    await an.in_private().says("/start")
    sent = await world.run_until(local(4, 20, 12))
    assert [item.at for item in digests(sent, group)] == [local(3, 22), local(3, 30), local(4, 5)]
    prompts = [item for item in sent if "💤" in item.text]
    assert [(item.at, item.message.chat_id) for item in prompts] == [(local(4, 12), an.id)]
    assert "al 4 weken niets nieuw" in prompts[0].text
    # Something happens: the digest is back, with the news since the last one sent.
    world.clock.advance_to(local(4, 21, 10))
    await an.says("/afspraak Folder drukken #Pepingen tegen 30/4")
    sent = await world.run_until(local(4, 26, 12))
    (digest,) = digests(sent, group)
    assert "Wat er veranderde sinds 12/04" in digest.text
    assert "Folder drukken — nieuw, tegen 30/04" in digest.text


async def test_the_digest_tells_what_changed_then_what_is_due_then_counts_the_old(
    world: World,
) -> None:
    group, fien = await cluster(world)
    bart = group.person("Bart", username="bart_bever")
    await bart.says("/gemeente Bever")
    lies = group.person("Lies", username="lies_lennik")
    await lies.says("/gemeente Lennik")
    await fien.says("/actie Groepsaankoop dakisolatie #energie #Lennik")
    await bart.says("/afspraak Campagnetekst nieuwsbrieven @bart_bever tegen ma 22/3")
    await lies.says("/afspraak Zaal reserveren voor infoavond @lies_lennik tegen vr 16/4")
    await fien.says("/afspraak Voortgangsrapport klimaatpact #Pepingen tegen 15/1/2028")
    await fien.says("/besluit We werken samen met het energiehuis")

    sent = await world.run_until(local(3, 22, 12))
    (first,) = digests(sent, group)
    lines = first.text.splitlines()
    assert lines[1] == "Wat er veranderde sinds 19/03."
    changed = lines[lines.index("🆕 Nieuw en veranderd") + 1 :]
    assert changed[:7] == [
        "Bever",
        "• 1. Campagnetekst nieuwsbrieven — nieuw, tegen 22/03 — Bart",
        "Lennik",
        "• 2. Zaal reserveren voor infoavond — nieuw, tegen 16/04 — Lies",
        "Pepingen",
        "• 3. Voortgangsrapport klimaatpact — nieuw, tegen 15/01/2028",  # another year: shown
        "Zonder gemeente",
    ]
    assert "• 4. We werken samen met het energiehuis — nieuw besluit" in lines
    assert "• Nieuwe actie 1. Groepsaankoop dakisolatie (Energie)" in lines
    soon = lines.index("⏰ De komende twee weken")
    assert lines[soon + 1] == "Niets dat de komende twee weken vervalt."

    # The next week: 1 is now late, 2 is postponed, 5 is new under its action's theme.
    world.clock.advance_to(local(3, 23, 10))
    await lies.says("/uitstel 2 vr 9/4")
    await lies.says("/afspraak Offertes opvragen @lies_lennik actie 1 tegen 2/4")
    sent = await world.run_until(local(3, 30, 12))
    (second,) = digests(sent, group)
    lines = second.text.splitlines()
    assert lines[1] == "Wat er veranderde sinds 22/03."
    changed = lines[
        lines.index("🆕 Nieuw en veranderd") + 1 : lines.index("⏰ De komende twee weken")
    ]
    assert changed == [
        "Bever",
        "• 1. Campagnetekst nieuwsbrieven — ⚠️ nu te laat (was tegen 22/03) — Bart",
        "Lennik",
        "  Energie",
        "• 5. Offertes opvragen — nieuw, tegen 2/04 — Lies",
        "• 2. Zaal reserveren voor infoavond — uitgesteld tot 9/04 — Lies",
        "",
    ]

    # A week later: 1 was late already (one line counts it), 2 is due soon, 5 is done.
    world.clock.advance_to(local(3, 31, 10))
    await lies.says("/klaar 5")
    sent = await world.run_until(local(4, 5, 12))
    (third,) = digests(sent, group)
    lines = third.text.splitlines()
    assert "• 5. Offertes opvragen — ✅ klaar — Lies" in lines
    soon = lines.index("⏰ De komende twee weken")
    assert lines[soon + 1 : soon + 3] == [
        "Lennik",
        "• 2. Zaal reserveren voor infoavond — tegen 9/04 — Lies",
    ]
    assert lines[-1] == "⚠️ Nog 1 afspraak die al langer te laat is: /afspraken te laat"
    assert "Campagnetekst" not in third.text


async def test_the_digest_on_demand_shows_the_news_since_the_last_one(world: World) -> None:
    _group, fien = await cluster(world)
    await fien.says("/vergadering di 20/4 19u30 #Lennik Gemeentehuis")
    await fien.says("/datumprikker do 15/4 14u; vr 16/4 10u")
    reply = await fien.says("/overzicht")
    text = reply.text
    assert "Vergadering 1 gepland: dinsdag 20 april 2027 19:30" in text
    assert "Datumprikker 1 staat open tot" in text
    assert "Volgende vergadering: dinsdag 20 april 2027 19:30 — Lennik, Gemeentehuis" in text


async def test_no_digest_when_it_is_turned_off_and_again_when_turned_on(world: World) -> None:
    group, fien = await cluster(world)
    await fien.says("/instellingen overzicht uit")
    assert digests(await world.run_until(local(3, 31, 12)), group) == []
    await fien.says("/instellingen overzicht woensdag 10u")
    sent = await world.run_until(local(4, 8, 12))
    assert [item.at for item in digests(sent, group)] == [local(4, 7, 10)]


async def test_the_digest_goes_to_the_topic_chosen_with_overzicht_hier(world: World) -> None:
    group = world.group("Klimaatcluster Leuven", type_="supergroup", forum=True)
    fien = group.facilitator
    await fien.says("/start")
    reply = await fien.says("/instellingen overzicht hier", thread=77)
    assert "dit topic" in reply.text
    assert reply.last.thread_id == 77
    sent = await world.run_until(local(3, 22, 12))
    (digest,) = digests(sent, group)
    assert digest.message.thread_id == 77

    await fien.says("/instellingen overzicht hier")  # typed in General
    sent = await world.run_until(local(3, 30, 12))
    (digest,) = digests(sent, group)
    assert digest.message.thread_id is None


async def test_each_cluster_gets_its_own_digest_once(world: World) -> None:
    first, _ = await cluster(world, "Klimaatcluster Pajottenland")
    second, _ = await cluster(world, "Klimaatcluster Leuven")
    sent = await world.run_until(local(3, 22, 12))
    assert len(digests(sent, first)) == 1
    assert len(digests(sent, second)) == 1
    await world.restart()
    assert digests(await world.run_until(local(3, 26, 12)), first) == []


async def test_a_digest_missed_while_down_comes_once_when_back(world: World) -> None:
    group, _ = await cluster(world)
    await world.sweep()  # plans Monday's digest
    await world.stop()
    world.clock.advance_to(local(3, 23, 14))  # back on Tuesday afternoon
    await world.start()
    first = [m for m in (await world.sweep()).messages if m.chat_id == group.id]
    assert len(first) == 1 and "📋" in first[0].text
    await world.restart()
    assert (await world.sweep()).messages == []
    sent = await world.run_until(local(3, 30, 12))
    # The regular rhythm goes on: Tuesday 30 March (after Easter Monday).
    assert [item.at for item in digests(sent, group)] == [local(3, 30)]


async def test_a_year_and_more_of_digests_never_repeats_itself(world: World) -> None:
    """66 weeks: a quiet cluster, and one with something new every third week."""
    quiet, _ = await cluster(world, "Klimaatcluster Zennevallei")
    busy, fien = await cluster(world, "Klimaatcluster Pajottenland")
    await fien.in_private().says("/start")  # escalations and the countdown reach her
    bart = busy.person("Bart", username="bart_bever")
    await bart.says("/gemeente Bever")
    said: dict[int, list[Timed]] = {quiet.id: [], busy.id: []}
    end = FRIDAY + dt.timedelta(weeks=66)
    week = 0
    while world.clock.now() < end:
        week += 1
        target = min(end, world.clock.local() + dt.timedelta(weeks=1))
        if week % 3 == 0:
            await bart.says(
                f"/afspraak Stand van zaken week {week} @bart_bever tegen over 10 dagen"
            )
        sent = await world.run_until(target)
        for chat in (quiet, busy):
            said[chat.id] += [s for s in sent if s.message.chat_id == chat.id and "📋" in s.text]
    for chat_id, items in said.items():
        bodies = [item.text.split("\n", 1)[1] for item in items]
        repeats = sum(1 for a, b in itertools.pairwise(bodies) if a == b)
        assert repeats == 0, (chat_id, repeats, len(items))
    assert len(said[quiet.id]) == 3  # then one prompt, then silence until there is news
    # Nothing escalated in spring leads the digest a year later: old items are one counted line.
    last = said[busy.id][-1].text
    assert "Stand van zaken week 3 " not in last


async def test_digests_swept_together_say_what_each_cluster_would_say_alone(world: World) -> None:
    """Clusters whose digests fall due together are put into words in one batch; each text is
    the one its cluster's own /overzicht gives at that moment, though their news starts at
    different moments (a digest last Monday at nine or at ten, a cluster registered since)."""
    busy, fien = await cluster(world, "Klimaatcluster Pajottenland")
    bart = busy.person("Bart", username="bart_bever")
    await bart.says("/gemeente Bever")
    await fien.says("/actie Groepsaankoop dakisolatie #energie #Lennik")
    await bart.says("/afspraak Campagnetekst nieuwsbrieven @bart_bever tegen ma 22/3")
    await bart.says("/afspraak Zaal reserveren @bart_bever tegen vr 2/4")
    await bart.says("/afspraak Offertes opvragen @bart_bever actie 1 tegen 9/4")
    await fien.says("/vergadering di 20/4 19u30 #Lennik Gemeentehuis")
    quiet, _ = await cluster(world, "Klimaatcluster Zennevallei")
    later, an = await cluster(world, "Klimaatcluster Leuven")
    await an.says("/instellingen overzicht maandag 10u")
    await world.run_until(local(3, 22, 9, 30))
    # Told in Leuven's digest at ten; news for the others' digest of 9:00 on the next Monday,
    # were it not for their own moments.
    await an.says("/besluit We kopen samen LED-verlichting")
    await an.says("/afspraak Offerte LED #Bever tegen vr 26/3")
    await an.says("/klaar 2")
    await an.says("/vergadering di 27/4 19u30 #Bever")
    await an.says("/datumprikker do 22/4 14u; vr 23/4 10u")
    await world.run_until(local(3, 22, 12))

    world.clock.advance_to(local(3, 24, 10))
    late, lies = await cluster(world, "Klimaatcluster Dijleland")  # news since Wednesday
    await lies.says("/afspraak Klimaatplan nalezen #Lennik tegen 1/4")
    await lies.says("/besluit We vragen subsidie aan")
    await lies.says("/vergadering di 20/4 19u30 #Lennik Gemeentehuis")
    await lies.says("/datumprikker do 15/4 14u; vr 16/4 10u")
    await bart.says("/uitstel 2 vr 16/4")
    await bart.says("/klaar 3")
    await fien.says("/besluit We werken samen met het energiehuis")
    await an.says("/afspraak Buurtactie #Lennik tegen 2/4")

    world.clock.advance_to(local(3, 30, 10))  # after Easter Monday: all four due at once
    alone = {chat.id: (await person.says("/overzicht")).text for chat, person in
             ((busy, fien), (quiet, quiet.facilitator), (later, an), (late, lies))}  # fmt: skip
    swept = [m for m in await world.sweep() if "📋" in m.text]
    assert sorted(m.chat_id for m in swept) == sorted(alone)
    for message in swept:
        assert message.text == alone[message.chat_id]
    assert "Niets nieuw sinds 22/03." in alone[quiet.id]
    assert "Wat er veranderde sinds 24/03." in alone[late.id]
    assert "uitgesteld tot 16/04" in alone[busy.id] and "✅ klaar" in alone[busy.id]
    assert "Buurtactie" in alone[later.id] and "LED" not in alone[later.id]
    assert "Vergadering 1 gepland" not in alone[later.id]
    assert "Volgende vergadering: dinsdag 27 april 2027 19:30 — Bever" in alone[later.id]
    assert "Datumprikker 1 staat open" not in alone[later.id]


async def test_a_batch_of_digests_is_prepared_in_the_same_statements_for_two_clusters_as_five(
    world: World,
) -> None:
    async def sweep_at(moment: dt.datetime) -> tuple[int, int]:
        """The statements of the sweep at `moment`, and the digests it sent."""
        seen = 0

        def count(*_: object) -> None:
            nonlocal seen
            seen += 1

        world.clock.advance_to(moment)
        assert world.app is not None
        engine = world.app.bot_data["engine"].sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            sent = await world.sweep()
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return seen, len([m for m in sent if "📋" in m.text])

    people = []
    for index in range(2):
        _, fien = await cluster(world, f"Klimaatcluster {index}")
        await fien.says(f"/afspraak Offertes {index} #Bever tegen vr 14/5")
        people.append(fien)
    two = await sweep_at(local(3, 22))
    world.clock.advance_to(local(3, 23, 10))
    for fien in people:  # news for the second digest too
        await fien.says("/afspraak Zaal reserveren #Lennik tegen vr 21/5")
    for index in range(2, 5):
        _, fien = await cluster(world, f"Klimaatcluster {index}")
        await fien.says(f"/afspraak Offertes {index} #Bever tegen vr 14/5")
    five = await sweep_at(local(3, 30))  # after Easter Monday
    assert (two[1], five[1]) == (2, 5)
    # The same statements prepare the batch; each digest sent is then marked with one of its own.
    assert five[0] - two[0] == 5 - 2
