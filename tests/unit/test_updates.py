"""Per-chat order, the cap on chats running at once and the updates in hand (bot/updates.py)."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.updates import Backlog, PerChatUpdateProcessor


def _update(update_id: int, chat_id: int) -> Update:
    data = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "group", "title": "Cluster"},
            "from": {"id": 7, "is_bot": False, "first_name": "An"},
            "text": "/afspraken",
        },
    }
    update = Update.de_json(data, None)
    assert update is not None
    return update


class _Work:
    """Updates that hold on until released, recording what runs at once and in which order."""

    def __init__(self) -> None:
        self.running: set[int] = set()
        self.most = 0
        self.done: list[int] = []
        self.release = asyncio.Event()

    async def run(self, update_id: int) -> None:
        self.running.add(update_id)
        self.most = max(self.most, len(self.running))
        await self.release.wait()
        self.running.discard(update_id)
        self.done.append(update_id)


async def test_only_so_many_chats_run_at_once_and_the_rest_follow() -> None:
    processor = PerChatUpdateProcessor(max_running_chats=3)
    work = _Work()
    tasks = [
        asyncio.create_task(processor.process_update(_update(i, -100 - i), work.run(i)))
        for i in range(10)
    ]
    await asyncio.sleep(0.01)
    assert len(work.running) == 3
    work.release.set()
    await asyncio.gather(*tasks)
    assert work.most == 3
    assert sorted(work.done) == list(range(10))


async def test_a_chat_with_a_backlog_holds_one_place_and_keeps_its_order() -> None:
    processor = PerChatUpdateProcessor(max_running_chats=2)
    work = _Work()
    busy = [
        asyncio.create_task(processor.process_update(_update(i, -1), work.run(i)))
        for i in range(20)
    ]
    other = asyncio.create_task(processor.process_update(_update(99, -2), work.run(99)))
    await asyncio.sleep(0.01)
    # The busy chat's first update and the other chat's run; the busy chat's backlog waits.
    assert work.running == {0, 99}
    work.release.set()
    await asyncio.gather(*busy, other)
    assert [i for i in work.done if i != 99] == list(range(20))


async def _handle(backlog: Backlog, processor: PerChatUpdateProcessor, work: _Work) -> None:
    """What the Application does with each update it takes from its queue."""
    update = await backlog.get()
    assert isinstance(update, Update)
    try:
        await processor.process_update(update, work.run(update.update_id))
    finally:
        backlog.task_done()


async def _has_room(backlog: Backlog) -> bool:
    try:
        await asyncio.wait_for(backlog.room(), 0.05)
    except TimeoutError:
        return False
    return True


async def test_the_room_closes_at_the_limit_and_opens_as_updates_finish() -> None:
    backlog = Backlog(limit=3)
    processor = PerChatUpdateProcessor(backlog=backlog)
    work = _Work()
    assert await _has_room(backlog)
    for i in range(5):
        backlog.put_nowait(_update(i, -100 - i))
    tasks = [asyncio.create_task(_handle(backlog, processor, work)) for _ in range(5)]
    await asyncio.sleep(0.01)
    assert backlog.in_hand == 5
    assert not await _has_room(backlog)  # the polling waits
    work.release.set()
    await asyncio.gather(*tasks)
    assert backlog.in_hand == 0
    assert await _has_room(backlog)


async def test_updates_waiting_behind_their_chat_leave_room_for_other_chats() -> None:
    backlog = Backlog(limit=3)
    processor = PerChatUpdateProcessor(backlog=backlog)
    work = _Work()
    for i in range(10):
        backlog.put_nowait(_update(i, -1))
    tasks = [asyncio.create_task(_handle(backlog, processor, work)) for _ in range(10)]
    await asyncio.sleep(0.01)
    assert work.running == {0}
    assert backlog.in_hand == 1  # the nine behind it are not counted
    assert await _has_room(backlog)
    work.release.set()
    await asyncio.gather(*tasks)
    assert work.done == list(range(10))
    assert backlog.in_hand == 0


async def test_work_outside_updates_holding_a_chat_counts_for_nothing() -> None:
    backlog = Backlog(limit=2)
    processor = PerChatUpdateProcessor(backlog=backlog)
    work = _Work()
    async with processor.in_order(-1):  # a poll's refresh has the chat's turn
        for i in range(4):
            backlog.put_nowait(_update(i, -1))
        tasks = [asyncio.create_task(_handle(backlog, processor, work)) for _ in range(4)]
        await asyncio.sleep(0.01)
        assert work.running == set()
        assert backlog.in_hand == 0
    work.release.set()
    await asyncio.gather(*tasks)
    assert work.done == list(range(4))
    assert backlog.in_hand == 0
