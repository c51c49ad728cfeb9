"""A due time is kept from the line it was typed in to the nudge, the digest and every
postponement; a joint agreement is one per municipality, each under its own name."""

from __future__ import annotations

import datetime as dt

from tests.e2e.harness import BRUSSELS, World
from tests.e2e.test_agreements import leuven, stored


def local(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BRUSSELS)


async def test_a_due_time_is_echoed_listed_digested_nudged_and_kept_when_postponed(
    world: World,
) -> None:
    c = await leuven(world)
    reply = await c.jan.says("/afspraak Offerte warmtepompen @jan tegen do 3/12 15u45")
    assert "donderdag 3 december 2026 om 15:45" in reply.text
    (agreement,) = await stored(world, c.group)
    assert (agreement.due_date, agreement.due_time) == (dt.date(2026, 12, 3), dt.time(15, 45))

    listed = await c.jan.says("/afspraken")
    assert "donderdag 3 december 2026 om 15:45" in listed.text
    digest = await c.jan.says("/overzicht")
    assert "3/12 15:45" in digest.text
    c.group.skip_seen()

    sent = await world.run_until(local(12, 3, 12))
    due_day = [item for item in sent if "Offerte warmtepompen" in item.text][-1]
    assert due_day.at == local(12, 3, 9)  # the due day's morning, as for any agreement
    assert "om 15:45" in due_day.text

    pressed = await c.jan.presses("⏰", on=due_day.message)
    assert "donderdag 10 december 2026 om 15:45" in pressed.text
    (agreement,) = await stored(world, c.group)
    assert (agreement.due_date, agreement.due_time) == (dt.date(2026, 12, 10), dt.time(15, 45))

    moved = await c.jan.says("/uitstel 1 vrijdag 11/12")
    assert "vrijdag 11 december 2026 om 15:45" in moved.text
    (agreement,) = await stored(world, c.group)
    assert agreement.due_time == dt.time(15, 45)

    moved = await c.jan.says("/uitstel 1 vr 11/12 10u")
    assert "vrijdag 11 december 2026 om 10:00" in moved.text
    history = await c.jan.says("/afspraak 1")
    assert "om 15:45" in history.text and "om 10:00" in history.text


async def test_a_postponement_to_an_hour_gone_by_is_refused(world: World) -> None:
    c = await leuven(world)
    await c.jan.says("/afspraak Offerte @jan tegen vrijdag")
    refused = await c.jan.says("/uitstel 1 vandaag 9u")
    assert "donderdag 26 november 2026 om 09:00" in refused.text
    (agreement,) = await stored(world, c.group)
    assert agreement.due_date == dt.date(2026, 11, 27)


async def test_a_joint_agreement_is_one_per_municipality_each_under_its_own_name(
    world: World,
) -> None:
    c = await leuven(world)
    reply = await c.jan.says("/afspraak Warmteplan afstemmen @jan #Kortenberg #Herent tegen 12/7")
    assert "1, 2" in reply.text and "Kortenberg, Herent" in reply.text
    assert reply.text.count("zondag 12 juli 2026") == 0  # 12/7 is the next one to come
    assert reply.text.count("maandag 12 juli 2027") == 2
    first, second = await stored(world, c.group)
    assert (first.text, second.text) == ("Warmteplan afstemmen", "Warmteplan afstemmen")
    assert first.municipality_id != second.municipality_id
    assert first.due_date == second.due_date == dt.date(2027, 7, 12)

    listed = await c.jan.says("/afspraken")
    herent, kortenberg = listed.text.index("Herent"), listed.text.index("Kortenberg")
    assert listed.text.count("Warmteplan afstemmen") == 2 and herent != kortenberg
    only_herent = await c.jan.says("/afspraken #Herent")
    assert only_herent.text.count("Warmteplan afstemmen") == 1
    digest = await c.jan.says("/overzicht")
    assert digest.text.count("Warmteplan afstemmen") == 2
    assert "Herent" in digest.text and "Kortenberg" in digest.text

    # Each municipality closes its own part.
    done = await c.bram.says("/klaar 1")
    assert "1" in done.text
    refused = await c.bram.says("/klaar 2")
    first, second = await stored(world, c.group)
    assert (first.status, second.status) == ("done", "open")
    assert "2" in refused.text
