"""Updates run concurrently across chats and in order within one chat.

A reply that waits for Telegram's per-group limit (20 a minute) must hold up only its own
chat: a busy or hostile group never delays another cluster. Within one chat the order of
updates is kept, so "/afspraak" and the "/klaar" typed after it are handled in that order.

Only so many chats' updates run at once: in a burst (a thousand clusters speaking at once, or
Telegram handing over a backlog after a restart) each running update holds its context, its
turn and its rows until its reply is sent, and thousands of them at once cost tens of megabytes
while they could not go faster than the database and the connections to Telegram allow anyway.
An update waiting for its own chat holds no such place, so a busy or hostile group never takes
more than one.

Nor are more updates fetched than are soon to run: Telegram keeps what the bot has not fetched
(for a day), so a burst, or the backlog that piles up while the bot is down, waits there rather
than in memory as thousands of parsed updates and their tasks. Updates waiting behind an earlier
one of their own chat do not count, so a busy group never stops the others being fetched.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates waiting for their chat hold a slot too: room for many chats at once.
MAX_CONCURRENT_UPDATES = 4096
# Chats whose update runs at once. Most of them wait for Telegram's per-group limit, which holds
# no connection: the few connections (bot/app.py: CONNECTIONS) are taken only while sending.
MAX_RUNNING_CHATS = 256
# Updates in hand (fetched, not yet done, not waiting for their chat) before the polling waits:
# the running chats and as many again, ready when a place frees.
MAX_IN_HAND = 2 * MAX_RUNNING_CHATS


def chat_key(update: object) -> object:
    """The chat an update belongs to; updates without one (rare) share a key of their own."""
    if isinstance(update, Update):
        chat = update.effective_chat
        if chat is not None:
            return chat.id
        user = update.effective_user
        if user is not None:
            return ("user", user.id)
    return None


class Backlog(asyncio.Queue[object]):
    """The update queue between the polling and the processor, counting the updates in hand.

    Every update put here is taken out and marked done by the Application (`task_done`); the
    processor says when one starts and stops waiting behind its chat (`park`, `unpark`). The
    polling asks Telegram for more only once `room` returns (bot/connections.py).
    """

    def __init__(self, limit: int = MAX_IN_HAND) -> None:
        super().__init__()
        self.limit = limit
        self.in_hand = 0
        self._room = asyncio.Event()
        self._room.set()

    def put_nowait(self, item: object) -> None:
        super().put_nowait(item)
        self._count(1)

    def task_done(self) -> None:
        super().task_done()
        self._count(-1)

    def park(self) -> None:
        self._count(-1)

    def unpark(self) -> None:
        self._count(1)

    async def room(self) -> None:
        await self._room.wait()

    def _count(self, change: int) -> None:
        self.in_hand += change
        if self.in_hand < self.limit:
            self._room.set()
        else:
            self._room.clear()


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """One lock per chat, taken in arrival order (asyncio locks are fair); freed when idle."""

    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        max_running_chats: int = MAX_RUNNING_CHATS,
        backlog: Backlog | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._backlog = backlog
        self._locks: dict[object, asyncio.Lock] = {}
        self._users: dict[object, int] = {}
        self._running = asyncio.Semaphore(max_running_chats)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # The chat's turn first, then a place among the running: the coroutine has not started
        # yet, so an update still waiting costs little more than the update itself.
        async with self.in_order(chat_key(update), backlog=self._backlog), self._running:
            await coroutine

    @asynccontextmanager
    async def in_order(self, key: object, *, backlog: Backlog | None = None) -> AsyncIterator[None]:
        """Take the chat's turn: work outside updates (a poll's refresh) that must not
        interleave with the chat's own updates waits here as an update would. An update
        passes its `backlog`, which does not count it while it waits."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        parked = backlog if self._users.get(key, 0) else None  # someone has the turn already
        self._users[key] = self._users.get(key, 0) + 1
        try:
            if parked is not None:
                parked.park()
            try:
                await lock.acquire()
            finally:
                if parked is not None:
                    parked.unpark()
            try:
                yield
            finally:
                lock.release()
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to allocate: locks come and go with the chats."""

    async def shutdown(self) -> None:
        """Nothing to free."""
