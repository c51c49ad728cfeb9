"""Requests to Telegram that wait: replies for a free connection, the polling for room.

httpcore, under httpx, re-examines its whole queue and every pooled connection (a socket check
for each idle one) each time a request comes or goes: with a burst of replies waiting there,
that bookkeeping cost more than the sending itself. Here a request takes a connection's place
from an asyncio semaphore before it reaches httpx, so httpx never holds more requests than it
has connections and waiting costs nothing per waiter.

The long poll for updates waits before it asks Telegram for more until the bot has room for
them (bot/updates.py: Backlog), so what it has not room for stays with Telegram.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any

from telegram.error import TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput  # the base class's own signature


class _WaitingRequest(HTTPXRequest):
    """An `HTTPXRequest` that first waits for what `_waiting` waits for, for as long as it holds."""

    def _waiting(
        self, request_data: RequestData | None, pool_timeout: ODVInput[float]
    ) -> AbstractAsyncContextManager[object]:
        raise NotImplementedError

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        async with self._waiting(request_data, pool_timeout):
            return await super().do_request(
                url,
                method,
                request_data,
                read_timeout,
                write_timeout,
                connect_timeout,
                pool_timeout,
            )


class GatedRequest(_WaitingRequest):
    """Lets in only as many requests as it has connections.

    A request that finds no place within the pool timeout fails as httpx's own pool timeout
    does, with `TimedOut` before anything was sent.
    """

    def __init__(self, *, connection_pool_size: int, pool_timeout: float | None, **kwargs: Any):
        super().__init__(
            connection_pool_size=connection_pool_size, pool_timeout=pool_timeout, **kwargs
        )
        self._places = asyncio.Semaphore(connection_pool_size)
        self._pool_timeout = pool_timeout

    @asynccontextmanager
    async def _waiting(
        self, request_data: RequestData | None, pool_timeout: ODVInput[float]
    ) -> AsyncIterator[None]:
        if pool_timeout is None or isinstance(pool_timeout, int | float):
            wait = pool_timeout
        else:  # not given: the pool's own
            wait = self._pool_timeout
        try:
            async with asyncio.timeout(wait):
                await self._places.acquire()
        except TimeoutError as exc:
            raise TimedOut(
                "Pool timeout: every connection to Telegram is busy; the request was not sent"
            ) from exc
        try:
            yield
        finally:
            self._places.release()


class PollingRequest(_WaitingRequest):
    """The request for `getUpdates`: a long poll first waits for `room`.

    Only the long poll waits: the last `getUpdates` on shutdown (timeout 0), which tells
    Telegram what was fetched, goes at once.
    """

    def __init__(self, *, room: Callable[[], Awaitable[None]], **kwargs: Any):
        super().__init__(**kwargs)
        self._room = room

    @asynccontextmanager
    async def _waiting(
        self, request_data: RequestData | None, pool_timeout: ODVInput[float]
    ) -> AsyncIterator[None]:
        if request_data is not None and request_data.parameters.get("timeout"):
            await self._room()
        yield
