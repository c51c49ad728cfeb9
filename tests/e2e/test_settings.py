"""`/instellingen`: a coordinator sees and changes when the bot speaks up, and the pending
nudges follow at once; a bad input is explained and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import col, select

from models.audit import AuditEvent
from models.clusters import Cluster
from models.nudges import Nudge, NudgeStatus
from tests.e2e.harness import BRUSSELS, Chat, Person, World


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


async def cluster(world: World) -> tuple[Chat, Person, Person]:
    """Registered on Thursday 26 November 2026; Bart of Bever owns an agreement due Tuesday
    8 December 2026."""
    group = world.group("Klimaatcluster Pajottenland")
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Pajottegem, Bever, Pepingen, Lennik")
    bart = group.person("Bart", username="bart_bever")
    await bart.says("/gemeente Bever")
    await bart.says("/afspraak Campagnetekst nieuwsbrieven @bart_bever tegen di 8/12")
    await world.sweep()  # plans the first digest
    return group, fien, bart


async def pending(world: World) -> dict[str, dt.datetime]:
    """Pending nudges by kind (the first of each), in Brussels time."""
    async with world.session() as session:
        rows = (
            await session.exec(
                select(Nudge).where(Nudge.status == NudgeStatus.PENDING).order_by(col(Nudge.due_at))
            )
        ).all()
    found: dict[str, dt.datetime] = {}
    for row in rows:
        found.setdefault(row.kind, row.due_at.astimezone(BRUSSELS))
    return found


async def stored(world: World) -> dict[str, Any]:
    async with world.session() as session:
        cluster = (await session.exec(select(Cluster))).one()
        audits = (
            await session.exec(select(AuditEvent).where(AuditEvent.action == "settings"))
        ).all()
    return {
        "digest": (cluster.digest_weekday, cluster.digest_time, cluster.digest_thread_id),
        "lead": cluster.reminder_lead_days,
        "enabled": cluster.reminders_enabled,
        "quiet": (cluster.quiet_start, cluster.quiet_end),
        "days_off": cluster.extra_days_off,
        "audits": len(audits),
    }


async def test_the_settings_are_shown_with_their_defaults(world: World) -> None:
    _, fien, _ = await cluster(world)
    text = (await fien.says("/instellingen")).text
    assert "Weekoverzicht: maandag om 09:00, in de groep" in text
    assert "Herinneringen: aan" in text
    assert "2 werkdagen voor de deadline" in text
    assert "Stille uren: 18:00–08:00" in text
    assert "Extra vrije dagen: geen" in text
    assert "/instellingen overzicht maandag 9u" in text


async def test_only_a_coordinator_may_see_or_change_them(world: World) -> None:
    _, _, bart = await cluster(world)
    before = await stored(world)
    for text in ("/instellingen", "/instellingen herinneringen uit"):
        reply = await bart.says(text)
        assert "coördinator" in reply.text
    assert await stored(world) == before


async def test_the_reminder_lead_moves_the_first_reminder(world: World) -> None:
    _, fien, _ = await cluster(world)
    assert (await pending(world))["agreement_before"] == local(2026, 12, 4)  # Friday
    reply = await fien.says("/instellingen herinnering 4")
    assert "4 werkdagen voor de deadline" in reply.text
    assert (await pending(world))["agreement_before"] == local(2026, 12, 2)  # Wednesday
    assert (await stored(world))["lead"] == 4


async def test_an_extra_day_off_moves_a_nudge_and_can_be_removed(world: World) -> None:
    _, fien, _ = await cluster(world)
    assert (await pending(world))["agreement_due"] == local(2026, 12, 8)
    reply = await fien.says("/instellingen vrij 8/12")
    assert "8/12" in reply.text
    # The due day is now a day off: the nudge comes on the working day before (Monday).
    assert (await pending(world))["agreement_due"] == local(2026, 12, 7)
    assert (await stored(world))["days_off"] == ["12-08"]
    await fien.says("/instellingen vrij - 8/12")
    assert (await pending(world))["agreement_due"] == local(2026, 12, 8)
    assert (await stored(world))["days_off"] == []


async def test_quiet_hours_and_reminders_off_and_on(world: World) -> None:
    _, fien, _ = await cluster(world)
    reply = await fien.says("/instellingen stil 19u-10u")
    assert "19:00–10:00" in reply.text
    due = await pending(world)
    assert due["agreement_due"] == local(2026, 12, 8, 10)  # 09:00 is quiet now
    assert due["digest"] == local(2026, 11, 30, 10)  # so is the digest's hour

    await fien.says("/instellingen herinneringen uit")
    assert "agreement_due" not in await pending(world)
    assert (await stored(world))["enabled"] is False
    await fien.says("/instellingen herinneringen aan")
    assert (await pending(world))["agreement_due"] == local(2026, 12, 8, 10)


async def test_the_digest_day_and_time_change_the_next_digest(world: World) -> None:
    _, fien, _ = await cluster(world)
    assert (await pending(world))["digest"] == local(2026, 11, 30)
    reply = await fien.says("/instellingen overzicht vrijdag 11u30")
    assert "vrijdag om 11:30" in reply.text
    assert (await pending(world))["digest"] == local(2026, 11, 27, 11, 30)
    await fien.says("/instellingen overzicht uit")
    assert "digest" not in await pending(world)
    assert (await stored(world))["digest"][0] is None


async def test_english_forms_work_in_a_dutch_cluster(world: World) -> None:
    _, fien, _ = await cluster(world)
    await fien.says("/settings digest tuesday 10:00")
    await fien.says("/settings reminder 1")
    await fien.says("/settings quiet 19:00-7:00")
    await fien.says("/settings off 11/7")
    await fien.says("/settings reminders off")
    assert await stored(world) == {
        "digest": (1, "10:00", None),
        "lead": 1,
        "enabled": False,
        "quiet": ("19:00", "07:00"),
        "days_off": ["07-11"],
        "audits": 5,
    }


@pytest.mark.parametrize(
    ("text", "explained"),
    [
        ("/instellingen overzicht zaterdag 9u", "werkdag"),
        ("/instellingen overzicht maandag 20u", "stille uren"),
        ("/instellingen overzicht maandag 25u", "25u"),
        ("/instellingen herinnering veel", "/instellingen herinnering 2"),
        ("/instellingen herinnering 40", "0 tot 10"),
        ("/instellingen stil 18u", "/instellingen stil 18u-8u"),
        ("/instellingen vrij 31/2", "31/2 bestaat niet"),
        ("/instellingen vrij - 11/7", "staat niet bij"),
        ("/instellingen kleur blauw", "kleur"),
    ],
)
async def test_a_bad_setting_is_explained_and_changes_nothing(
    world: World, text: str, explained: str
) -> None:
    _, fien, _ = await cluster(world)
    before = (await stored(world), await pending(world))
    reply = await fien.says(text)
    assert explained in reply.text
    assert (await stored(world), await pending(world)) == before


async def test_the_same_setting_again_says_so(world: World) -> None:
    _, fien, _ = await cluster(world)
    reply = await fien.says("/instellingen herinnering 2")
    assert "al zo ingesteld" in reply.text
    assert (await stored(world))["audits"] == 0
