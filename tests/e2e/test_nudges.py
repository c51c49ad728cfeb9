"""Follow-up that happens by itself: an agreement is nudged at the right local moments, the
buttons under a nudge work for the same people as /klaar and /uitstel, and a restart neither
loses nor repeats a nudge."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlmodel import col, select

from models.agreements import Agreement, AgreementStatus
from models.meetings import Meeting
from models.nudges import Nudge, NudgeStatus
from tests.e2e.harness import BRUSSELS, Chat, FakeClock, Person, Timed, World

# Thursday 25 March 2027, 08:30: before the nudges' 09:00, in the week before Easter. Easter
# Monday (29 March) is a public holiday, and summer time starts on Sunday 28 March.
THURSDAY = dt.datetime(2027, 3, 25, 8, 30, tzinfo=BRUSSELS)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(THURSDAY)


def local(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute, tzinfo=BRUSSELS)


def nudges(sent: list[Timed], chat: Chat) -> list[Timed]:
    """What the bot said in the group by itself, the weekly digest (and its prompt) left out."""
    return [
        item
        for item in sent
        if item.message.chat_id == chat.id and not item.text.startswith(("📋", "💤"))
    ]


async def pajottenland(world: World) -> tuple[Chat, Person, Person]:
    """A registered cluster with Bart of Bever, who will own the agreement."""
    group = world.group("Klimaatcluster Pajottenland")
    fien = group.facilitator
    await fien.in_private().says("/start")  # so the bot can write to her privately
    await fien.says("/start")
    await fien.says("/gemeenten + Pajottegem, Bever, Pepingen, Lennik")
    bart = group.person("Bart", username="bart_bever")
    await bart.says("/gemeente Bever")
    lies = group.person("Lies")  # no username: the mention must still notify her
    await lies.says("/gemeente Lennik")
    return group, bart, lies


async def test_an_agreement_due_in_two_working_days_is_nudged_across_easter(
    world: World,
) -> None:
    group, bart, _ = await pajottenland(world)
    reply = await bart.says(
        "/afspraak Campagnetekst voor alle nieuwsbrieven @bart_bever #Bever tegen di 30/3"
    )
    assert "dinsdag 30 maart 2027" in reply.text
    group.skip_seen()

    sent = await world.run_until(local(4, 20, 12))
    said = nudges(sent, group)
    assert [item.at for item in said] == [
        local(3, 25),  # 2 working days before: Thursday, over the weekend and Easter Monday
        local(3, 30),  # the due day, 09:00 summer time
        local(3, 31),  # 1 working day late
        local(4, 6),  # 5 working days late
        local(4, 13),  # a working week later: the third and last overdue nudge
    ]
    assert [item.at.utcoffset() for item in said[:2]] == [
        dt.timedelta(hours=1),
        dt.timedelta(hours=2),
    ]
    first, due, *overdue = said
    assert "Herinnering" in first.text and "Campagnetekst" in first.text
    assert "dinsdag 30 maart 2027" in first.text
    assert "Deadline" in due.text
    assert all("Te laat" in item.text for item in overdue)
    for item in said:
        assert item.message.button_texts == [["✅ Klaar", "⏰ +1 week"]]
        assert f'<a href="tg://user?id={bart.id}">Bart</a>' in item.message.html
        assert all(len(b["callback_data"].encode()) <= 64 for b in item.message.buttons[0])

    # After the last one the facilitator is told privately (the coordinator-less cluster has
    # no one else), at the same moment.
    private = [item for item in sent if item.message.chat_id == world.facilitator_user["id"]]
    assert [item.at for item in private] == [local(4, 13)]
    assert "na drie herinneringen" in private[0].text and "Campagnetekst" in private[0].text


async def test_klaar_under_a_nudge_completes_it_and_the_nudges_stop(world: World) -> None:
    group, bart, lies = await pajottenland(world)
    await bart.says("/afspraak Campagnetekst voor de nieuwsbrieven @bart_bever tegen di 30/3")
    sent = await world.run_until(local(3, 25, 12))
    (reminder,) = nudges(sent, group)

    refused = await lies.presses("✅", on=reminder.message)  # Lies is of Lennik, not Bever
    assert refused.answer is not None and refused.answer.get("show_alert")
    assert "eigenaar" in refused.answer["text"] and "coördinator" in refused.answer["text"]
    assert refused.messages == []
    refused = await lies.presses("⏰", on=reminder.message)
    assert refused.answer is not None and "uitstellen mag" in refused.answer["text"]
    assert await agreement_status(world, 1) == AgreementStatus.OPEN

    pressed = await bart.presses("✅", on=reminder.message)
    assert pressed.answer is not None and "klaar" in pressed.answer["text"]
    assert "Afspraak 1 is klaar" in pressed.text
    assert reminder.message.buttons == []  # the buttons are gone from the nudge
    assert await agreement_status(world, 1) == AgreementStatus.DONE

    later = await world.run_until(local(4, 30, 12))
    assert nudges(later, group) == []
    assert not [item for item in later if item.message.chat_id == world.facilitator_user["id"]]


async def test_plus_one_week_postpones_and_the_nudges_follow_the_new_date(world: World) -> None:
    group, bart, _ = await pajottenland(world)
    await bart.says("/afspraak Offertes opvragen @bart_bever tegen di 30/3")
    sent = await world.run_until(local(3, 30, 12))
    due = nudges(sent, group)[-1]
    assert "Deadline" in due.text

    pressed = await bart.presses("⏰", on=due.message)
    assert "dinsdag 6 april 2027" in pressed.text
    again = await bart.presses("⏰", on=due.message) if due.message.buttons else None
    assert again is None  # the buttons were removed, so it cannot be pressed twice

    later = nudges(await world.run_until(local(4, 7, 12)), group)
    # Due Tuesday 6 April now: reminded on Friday 2 April, on the day, then 1 day late.
    assert [item.at for item in later] == [local(4, 2), local(4, 6), local(4, 7)]
    assert all("6 april 2027" in item.text for item in later)


async def test_a_stale_button_is_refused_clearly(world: World) -> None:
    group, bart, _ = await pajottenland(world)
    await bart.says("/afspraak Offertes opvragen @bart_bever tegen di 30/3")
    (reminder,) = nudges(await world.run_until(local(3, 25, 12)), group)
    await bart.says("/uitstel 1 vr 2/4")
    pressed = await bart.presses("⏰", on=reminder.message)
    assert pressed.answer is not None and "2 april 2027" in pressed.answer["text"]
    assert pressed.messages == []
    async with world.session() as session:
        agreement = (await session.exec(select(Agreement))).one()
    assert agreement.due_date == dt.date(2027, 4, 2)


async def test_missed_nudges_are_sent_once_after_downtime_and_never_twice(world: World) -> None:
    group, bart, _ = await pajottenland(world)
    await bart.says("/afspraak Offertes opvragen @bart_bever tegen di 30/3")
    await world.stop()

    # Down over Easter: the reminder, the due-day nudge and the first overdue nudge are missed.
    world.clock.advance_to(local(3, 31, 10, 30))
    await world.start()
    group.skip_seen()
    first = await world.sweep()
    said = [m for m in first.messages if m.chat_id == group.id and not m.text.startswith("📋")]
    assert len(said) == 3
    assert "Herinnering" in said[0].text and "Deadline" in said[1].text
    assert "Te laat" in said[2].text

    await world.restart()
    assert (await world.sweep()).messages == []
    await world.restart()
    world.clock.advance(dt.timedelta(hours=2))
    assert (await world.sweep()).messages == []

    async with world.session() as session:
        rows = (
            await session.exec(
                select(Nudge).where(Nudge.kind != "digest").order_by(col(Nudge.due_at))
            )
        ).all()
    sent = [row for row in rows if row.status == NudgeStatus.SENT]
    assert [row.kind for row in sent] == ["agreement_before", "agreement_due", "agreement_overdue"]
    assert all(row.attempts == 1 for row in sent)


async def test_a_nudge_in_a_group_the_bot_was_removed_from_is_not_retried(world: World) -> None:
    group, bart, _ = await pajottenland(world)
    await bart.says("/afspraak Offertes opvragen @bart_bever tegen di 30/3")
    group.state.kicked = True  # removed without the bot hearing of it (it was down, say)
    assert (await world.run_until(local(3, 25, 12))) == []
    assert world.fake.rejections == [
        ("sendMessage", "Forbidden: bot was kicked from the group chat")
    ]
    world.fake.rejections.clear()
    assert await world.run_until(local(4, 30, 12)) == []
    assert world.fake.rejections == []  # nothing was tried again
    async with world.session() as session:
        rows = (await session.exec(select(Nudge).where(Nudge.kind != "digest"))).all()
    first = min(rows, key=lambda row: row.due_at)
    assert first.status == NudgeStatus.UNDELIVERABLE
    assert "kicked" in (first.last_error or "")


async def test_escalation_reaches_who_can_be_reached_and_records_who_not(world: World) -> None:
    group, bart, lies = await pajottenland(world)
    fien = group.facilitator
    await fien.says(f"/coordinator @{bart.user['username']}")
    await bart.in_private().says("/start")  # Bart has a private chat with the bot; Lies not
    await fien.says("/coordinator", reply_to=group.user_message(lies, "hallo"))
    await lies.says("/afspraak Klimaattafel organiseren #Lennik tegen di 30/3")
    sent = await world.run_until(local(4, 13, 12))
    private_to = {item.message.chat_id for item in sent if item.message.chat_id > 0}
    assert private_to == {bart.id, world.facilitator_user["id"]}
    lies_nudge = nudges(sent, group)[0]
    # No owner: the municipality is named instead.
    assert "gemeente Lennik" in lies_nudge.text
    async with world.session() as session:
        escalation = (
            await session.exec(select(Nudge).where(Nudge.kind == "agreement_escalation"))
        ).one()
    assert escalation.status == NudgeStatus.SENT
    assert escalation.payload is not None
    assert str(lies.id) in escalation.payload["unreachable"]
    assert sorted(escalation.payload["reached"]) == sorted([bart.id, world.facilitator_user["id"]])
    world.fake.rejections.clear()  # the send to Lies, who never wrote to the bot


async def agreement_status(world: World, number: int) -> str:
    async with world.session() as session:
        agreement = (await session.exec(select(Agreement).where(Agreement.number == number))).one()
        return agreement.status


async def test_a_poll_is_reminded_a_day_before_it_closes_naming_who_did_not_answer(
    world: World,
) -> None:
    group, bart, _ = await pajottenland(world)
    poll = await bart.says("/datumprikker di 6/4 14u; wo 7/4 10u")
    await bart.presses("✅", on=poll.last, row=1)
    group.skip_seen()
    # The deadline defaults to Thursday 1 April 12:00 (3 working days before 6 April).
    sent = await world.run_until(local(4, 1, 13))
    said = nudges(sent, group)
    reminder = next(item for item in said if "sluit" in item.text)
    assert reminder.at == local(3, 31, 12)
    assert "donderdag 1 april 2027 12:00" in reminder.text
    assert "Lennik, Pajottegem, Pepingen" in reminder.text
    assert "Bever" not in reminder.text
    # At the deadline the poll closes by itself, exactly at noon.
    closing = [item for item in said if item.at == local(4, 1, 12)]
    assert closing, "the poll did not close at its deadline"


async def test_a_meeting_is_reminded_the_working_day_before_and_an_hour_before(
    world: World,
) -> None:
    group, bart, lies = await pajottenland(world)
    await lies.says("/vergadering di 20/4 19u30 #Lennik Gemeentehuis")
    await bart.says("/agenda Stand van zaken groepsaankoop")
    await lies.says("/agenda Campagne repair café")
    group.skip_seen()
    sent = nudges(await world.run_until(local(4, 20, 21)), group)
    meeting = [item for item in sent if "ergadering 1" in item.text]
    # Monday 09:00 with the agenda; and 18:30 on the day itself, quiet hours notwithstanding.
    assert [item.at for item in meeting] == [local(4, 19), local(4, 20, 18, 30)]
    day_before = meeting[0].text
    assert "dinsdag 20 april 2027 19:30" in day_before
    assert "1. Stand van zaken groepsaankoop" in day_before
    assert "2. Campagne repair café" in day_before
    assert "Lennik" in day_before and "Gemeentehuis" in day_before
    assert "19:30" in meeting[1].text


async def test_an_item_closed_behind_the_planners_back_is_not_nudged(world: World) -> None:
    """The sweep looks at the item again when a nudge falls due, whatever the rows say."""
    group, bart, lies = await pajottenland(world)
    await lies.says("/vergadering di 20/4 19u30 #Lennik")
    await bart.says("/afspraak Offertes opvragen @bart_bever tegen di 30/3")
    async with world.session() as session:
        meeting = (await session.exec(select(Meeting))).one()
        meeting.cancelled_at = world.clock.now()
        agreement = (await session.exec(select(Agreement))).one()
        agreement.status = AgreementStatus.DONE
        session.add_all([meeting, agreement])
        await session.commit()
    assert nudges(await world.run_until(local(4, 21, 12)), group) == []
    async with world.session() as session:
        skipped = (
            await session.exec(select(Nudge).where(Nudge.status == NudgeStatus.CANCELLED))
        ).all()
    assert {row.last_error for row in skipped} >= {
        "skipped: meeting cancelled",
        "skipped: agreement done",
    }


async def test_the_job_queue_runs_the_sweep_by_itself(world: World) -> None:
    group, bart, _ = await pajottenland(world)
    await bart.says("/afspraak Offertes opvragen @bart_bever tegen di 30/3")
    group.skip_seen()
    await world.stop()
    world.settings = replace(world.settings, sweep_interval_seconds=0.2)
    world.clock.advance_to(local(3, 25, 9, 5))
    await world.start()
    message = await group.next_message(timeout=10)
    assert "Herinnering" in message.text and "Offertes opvragen" in message.text


async def test_an_owner_without_username_is_mentioned_so_she_is_notified(world: World) -> None:
    group, bart, lies = await pajottenland(world)
    await bart.says("/afspraak Zaal reserveren Lies tegen di 30/3", mentions={"Lies": lies})
    (reminder,) = nudges(await world.run_until(local(3, 25, 12)), group)
    assert f'Voor: <a href="tg://user?id={lies.id}">Lies</a> (Lennik)' in reminder.message.html
    pressed = await lies.presses("✅", on=reminder.message)
    assert "Afspraak 1 is klaar" in pressed.text


async def test_a_group_admin_may_use_the_buttons_as_a_coordinator(world: World) -> None:
    group, bart, _ = await pajottenland(world)
    await bart.says("/afspraak Offertes opvragen @bart_bever tegen di 30/3")
    (reminder,) = nudges(await world.run_until(local(3, 25, 12)), group)
    schepen = group.person("Sofie", admin=True)  # a Telegram admin, never made coordinator
    pressed = await schepen.presses("⏰", on=reminder.message)
    assert "uitgesteld tot dinsdag 6 april 2027" in pressed.text
