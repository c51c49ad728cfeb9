"""Replies wait for a connection to Telegram before they reach httpx (bot/connections.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import TimedOut

from bot.connections import GatedRequest
from tests.e2e.harness import wait_for


class Server:
    """A Bot API that holds every request until told to answer, counting what it sees."""

    def __init__(self) -> None:
        self.received = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.release = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "getMe":
            me = {"id": 1, "is_bot": True, "first_name": "Klimaatbot", "username": "klimaatbot"}
            return web.json_response({"ok": True, "result": me})
        self.received += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await self.release.wait()
        finally:
            self.in_flight -= 1
        params = await request.post()
        chat = {"id": int(str(params["chat_id"])), "type": "group", "title": "Cluster"}
        message = {"message_id": self.received, "date": 0, "chat": chat, "text": params["text"]}
        return web.json_response({"ok": True, "result": message})


@pytest.fixture
async def server() -> AsyncIterator[tuple[Server, str]]:
    state = Server()
    app = web.Application()
    app.router.add_post("/bot1:x/{method}", state.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield state, f"http://127.0.0.1:{port}/bot1:x"
    finally:
        state.release.set()
        await runner.cleanup()


def _queued_in_httpx(request: GatedRequest) -> int:
    return len(request._client._transport._pool._requests)  # type: ignore[attr-defined]


@asynccontextmanager
async def _bot(base: str, request: GatedRequest) -> AsyncIterator[Bot]:
    bot = Bot("1:x", base_url=base.removesuffix("1:x"), request=request)
    await bot.initialize()
    try:
        yield bot
    finally:
        await bot.shutdown()


async def test_a_burst_waits_outside_httpx_and_every_reply_goes_out(
    server: tuple[Server, str],
) -> None:
    state, base = server
    request = GatedRequest(connection_pool_size=2, pool_timeout=30.0)
    async with _bot(base, request) as bot:
        sends = [asyncio.create_task(bot.send_message(-1, f"reply {i}")) for i in range(6)]
        await wait_for(lambda: state.in_flight == 2)
        await asyncio.sleep(0.05)  # the other four had every chance to reach httpx
        assert _queued_in_httpx(request) == 2  # only those on a connection: none queued there
        state.release.set()
        sent = await asyncio.gather(*sends)
    assert [message.text for message in sent] == [f"reply {i}" for i in range(6)]
    assert state.received == 6
    assert state.most_in_flight == 2


async def test_a_reply_that_finds_no_connection_in_time_is_not_sent(
    server: tuple[Server, str],
) -> None:
    state, base = server
    request = GatedRequest(connection_pool_size=1, pool_timeout=0.2)
    async with _bot(base, request) as bot:
        first = asyncio.create_task(bot.send_message(-1, "first"))
        await wait_for(lambda: state.in_flight == 1)
        with pytest.raises(TimedOut, match="not sent"):
            await bot.send_message(-1, "second")
        assert state.received == 1
        # A caller's own pool timeout counts instead of the pool's: this one outwaits the first.
        asyncio.get_running_loop().call_later(0.5, state.release.set)
        assert (await bot.send_message(-1, "third", pool_timeout=10)).text == "third"
        assert (await first).text == "first"
    assert state.received == 2  # the first and the third
