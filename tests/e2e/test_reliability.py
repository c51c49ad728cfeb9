"""Nobody stalls the bot, and what the group is told is what is stored, whatever Telegram does."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from handlers.runtime import TURNS_AT_ONCE
from models.agreements import Agreement
from models.meetings import Meeting, MeetingPoll, PollStatus
from models.nudges import Nudge, NudgeStatus
from tests.e2e.harness import World, no_writer_holds_the_database, wait_for


async def test_an_agreement_whose_reply_fails_is_confirmed_once_later_and_keeps_its_number(
    world: World,
) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    world.fake.fail_next("sendMessage", 502, "Bad Gateway")
    failed = await fien.says("/afspraak Offertes opvragen")
    assert not failed.messages  # Telegram refused the confirmation ...
    async with world.session() as session:
        stored = (await session.exec(select(Agreement))).all()
        outbox = (await session.exec(select(Nudge).where(Nudge.kind == "message"))).all()
    assert [a.number for a in stored] == [1]  # ... but the agreement is stored,
    assert [row.status for row in outbox] == [NudgeStatus.PENDING]  # and its reply kept.
    second = await fien.says("/afspraak Subsidie aanvragen")
    assert "2 genoteerd" in second.text  # the number is not reused
    sent = await world.run_until(world.clock.local().replace(microsecond=0) + _minutes(2))
    confirmations = [t.message for t in sent if "1 genoteerd" in t.text]
    assert len(confirmations) == 1 and "Offertes opvragen" in confirmations[0].text
    assert len(await world.run_until(world.clock.local() + _minutes(30))) == 0  # once
    async with world.session() as session:
        left = (await session.exec(select(Nudge).where(Nudge.kind == "message"))).all()
    assert left == []


async def test_a_timed_out_meeting_invitation_is_sent_once_with_the_meeting_stored(
    world: World,
) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    world.fake.drop_next("sendDocument")
    reply = await fien.says("/vergadering do 10/12 14u Gemeentehuis")
    assert "Vergadering 1" in reply.text and not reply.documents
    async with world.session() as session:
        meetings = (await session.exec(select(Meeting))).all()
    assert len(meetings) == 1
    sent = await world.run_until(world.clock.local() + _minutes(2))
    documents = [t.message for t in sent if t.message.document is not None]
    assert [d.filename for d in documents] == ["vergadering-1.ics"]
    # The announcement is not repeated: only the invitation was still to go.
    assert not any("Vergadering 1" in t.text and t.message.document is None for t in sent)
    assert len(await world.run_until(world.clock.local() + _minutes(30))) == 0


async def test_a_poll_closed_while_telegram_fails_is_closed_and_announced_once(
    world: World,
) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    poll = (await fien.says("/datumprikker di 15/12 14u; do 17/12 10u")).last
    await fien.presses("✅", on=poll, row=1)
    world.fake.fail_next("sendMessage", 500, "Internal Server Error")
    world.fake.fail_next("sendDocument", 500, "Internal Server Error")
    await fien.says("/sluit")
    async with world.session() as session:
        polls = (await session.exec(select(MeetingPoll))).all()
        meetings = (await session.exec(select(Meeting))).all()
    assert [p.status for p in polls] == [PollStatus.CLOSED] and len(meetings) == 1
    again = await fien.says("/sluit")  # nothing open any more: no second winner
    assert "Vergadering" not in again.text
    sent = await world.run_until(world.clock.local() + _minutes(5))
    winners = [t for t in sent if "dinsdag 15 december 2026" in t.text]
    invitations = [t for t in sent if t.message.document is not None]
    assert len(winners) == 1 and len(invitations) == 1
    async with world.session() as session:
        pending = (
            await session.exec(
                select(Nudge).where(Nudge.kind == "message", col(Nudge.status) == "pending")
            )
        ).all()
    assert pending == []


def _minutes(n: int) -> dt.timedelta:
    return dt.timedelta(minutes=n)


USER_TEXT = (
    st.lists(
        st.sampled_from([*"&<>\"' abcé€😀#@/", "&lt;", "<i>", "</b>", "&amp;", "\n"]),
        min_size=1,
        max_size=900,
    )
    .map("".join)
    .filter(lambda text: text.strip() and not text.lstrip().startswith(("/", "@", "#")))
)


@settings(
    max_examples=12,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    texts=st.lists(USER_TEXT, min_size=1, max_size=4),
    title=USER_TEXT.map(lambda text: text.strip()[:120] or "x"),
    name=USER_TEXT.map(lambda text: text.strip()[:60] or "x"),
)
# An owner makes the agreement nudged, overdue and at last escalated in private.
@example(texts=["<i>&amp;", "Klimaattafel &lt; @abc"], title="Klimaat & <b>", name="Ann")
async def test_any_text_gives_deliverable_replies_listings_and_nudges(
    world: World, texts: list[str], title: str, name: str
) -> None:
    group = world.group(title)
    fien = group.facilitator
    private = fien.in_private()
    await private.says("/start")  # escalations reach the facilitator in private
    await fien.says("/start")
    someone = group.person(name)
    for text in texts:
        await someone.says(f"/afspraak {text} tegen morgen")
        await fien.says(f"/actie {text}")
    await fien.says("/schrap 1")
    for listing in ("/afspraken", "/afspraken alle", "/acties", "/overzicht"):
        await fien.says(listing)
    await private.says("/clusters")  # every cluster's title, in one private list
    # Long enough for every nudge of the example's own agreements, the escalation included.
    await world.run_until(world.clock.local() + dt.timedelta(days=24))
    assert world.fake.take_rejections() == []
    assert not any("ging iets mis" in m.text for m in group.messages + private.chat.messages)


async def test_no_transaction_is_open_while_a_reply_waits_for_telegram(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    world.fake.fail_next("sendMessage", 502, "Bad Gateway", delay=1.5)  # slow, then failing
    pending = asyncio.ensure_future(fien.says("/afspraak Offertes opvragen"))
    await wait_for(lambda: any(m == "sendMessage" for m, _ in world.fake.calls[-1:]), 5)
    await asyncio.sleep(0.3)  # the bot is now waiting for Telegram's answer
    assert await no_writer_holds_the_database(world)
    await pending


async def test_asking_telegram_about_an_admin_holds_no_transaction(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/afspraak Offertes opvragen tegen vrijdag")
    schepen = group.person("Sofie", admin=True)  # a Telegram admin, never made coordinator
    world.fake.slow_next("getChatMember", 1.5)
    before = len(world.fake.calls)
    pending = asyncio.ensure_future(schepen.says("/klaar 1"))
    await wait_for(lambda: any(m == "getChatMember" for m, _ in world.fake.calls[before:]), 5)
    await asyncio.sleep(0.3)  # the bot is now waiting for Telegram's answer
    assert await no_writer_holds_the_database(world)
    assert "Afspraak 1 is klaar" in (await pending).text


async def test_a_burst_across_many_chats_waits_for_a_session_in_turn_not_in_the_pool(
    world: World,
) -> None:
    groups = [world.group(f"Klimaatcluster {number}") for number in range(40)]
    for group in groups:
        await group.facilitator.says("/start")
    runtime = world.runtime
    opened = runtime.sessions
    now_open = peak = 0

    class Counted:
        def __init__(self) -> None:
            self.session = opened()

        async def __aenter__(self) -> Any:
            nonlocal now_open, peak
            now_open += 1
            peak = max(peak, now_open)
            return await self.session.__aenter__()

        async def __aexit__(self, *exc: object) -> None:
            nonlocal now_open
            await self.session.__aexit__(*exc)
            now_open -= 1

    runtime.sessions = Counted  # type: ignore[assignment]
    for group in groups:
        text = "/afspraak Offertes opvragen tegen vrijdag"
        world.fake.push_update({"message": group.message(group.facilitator, text)})
    await wait_for(lambda: all(any("genoteerd" in m.text for m in g.messages) for g in groups))
    runtime.sessions = opened
    # One session per chat at once would be 40, more than the pool's 15: the turns wait for
    # theirs in order, leaving the rest of the pool to the sweep.
    assert peak <= TURNS_AT_ONCE
    assert not any("ging iets mis" in m.text for g in groups for m in g.messages)
