"""Serving: long polling or a webhook, and stopping loudly when Telegram will not have us.

A revoked token (401) or another process polling with the same token (409 Conflict) that
persists beyond a short retry ends the process with one line and a non-zero exit code, so a
supervisor restarts it or alerts, instead of a process that lives on deaf. The webhook checks
the secret header before it reads a byte of the body, and caps the body's size.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
import time
from typing import Any

import tornado.web
from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from tornado.httpserver import HTTPServer

from bot.config import Settings

log = logging.getLogger(__name__)

# Everything the handlers listen to; Telegram sends nothing else. `chat_member` (someone
# leaving or joining) is sent only when asked for here, and only while the bot is an admin;
# the `left_chat_member` service message covers groups where it is not.
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member", "chat_member"]
# A 401 or Conflict may be a moment's overlap (a deployment switching processes): retried for
# this long before giving up.
FATAL_AFTER_SECONDS = 10.0
# Telegram's updates are a few kilobytes; anything far larger is not from Telegram.
MAX_BODY_BYTES = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class Fatal(Exception):
    """Serving cannot go on; the message is the one line for the operator, `code` the exit
    code (2: cannot start as configured, 3: Telegram turned the running bot away)."""

    def __init__(self, message: str, code: int = 3) -> None:
        super().__init__(message)
        self.code = code


async def serve(app: Any, settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    failure: list[Fatal] = []
    server: HTTPServer | None = None
    poller: asyncio.Task[None] | None = None
    menus: asyncio.Task[None] | None = None
    position: dict[str, int] = {}
    await app.initialize()
    try:
        if settings.webhook_url:
            server = _listen(app, settings)
            await app.bot.set_webhook(
                settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            await app.bot.delete_webhook()
            poller = asyncio.create_task(_poll(app, stop, failure, position))
        await app.start()
        if app.post_init:
            # The command menu (setMyCommands per scope and language) goes out while the bot
            # already serves: no update needs it, and its round trips need not delay the first.
            menus = asyncio.create_task(app.post_init(app))
            menus.add_done_callback(_published)
        log.info("serving %s", "the webhook" if server else "by long polling")
        await stop.wait()
    finally:
        if menus is not None:
            menus.cancel()
            await asyncio.gather(menus, return_exceptions=True)
        if poller is not None:
            poller.cancel()
            await asyncio.gather(poller, return_exceptions=True)
            await _confirm(app, position)
        if server is not None:
            server.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
    if failure:
        raise failure[0]


def _published(menus: asyncio.Task[None]) -> None:
    if not menus.cancelled() and menus.exception() is not None:
        log.error("could not publish the command menu", exc_info=menus.exception())


async def _confirm(app: Any, position: dict[str, int]) -> None:
    """Tell Telegram which updates were taken, so a restart does not get them again."""
    if "offset" not in position:
        return
    try:
        await app.bot.get_updates(offset=position["offset"], timeout=0)
    except Exception as exc:  # shutting down: worth a line, not a traceback
        log.warning("could not confirm the last updates: %s", exc)


async def _poll(
    app: Any, stop: asyncio.Event, failure: list[Fatal], position: dict[str, int]
) -> None:
    """getUpdates in a loop; network trouble is waited out, a refusal that persists is fatal."""
    offset: int | None = None
    refused_since: float | None = None
    pause = 1.0
    while not stop.is_set():
        try:
            updates = await app.bot.get_updates(
                offset=offset, timeout=30, allowed_updates=ALLOWED_UPDATES
            )
        except (InvalidToken, Conflict) as exc:
            now = time.monotonic()
            refused_since = refused_since or now
            if now - refused_since >= FATAL_AFTER_SECONDS:
                failure.append(Fatal(_refusal(exc)))
                stop.set()
                return
            log.warning("Telegram refuses getUpdates (%s); retrying", exc)
            await asyncio.sleep(min(pause, FATAL_AFTER_SECONDS / 4))
            pause *= 2
            continue
        except RetryAfter as exc:
            wait = exc.retry_after
            await asyncio.sleep(wait if isinstance(wait, int | float) else wait.total_seconds())
            continue
        except TimedOut:
            continue
        except NetworkError as exc:
            log.warning("cannot reach Telegram (%s); retrying", exc)
            await asyncio.sleep(min(pause, 30))
            pause = min(pause * 2, 30)
            continue
        refused_since, pause = None, 1.0
        for update in updates:
            await app.update_queue.put(update)
            offset = position["offset"] = update.update_id + 1


def _refusal(exc: Exception) -> str:
    if isinstance(exc, InvalidToken):
        return "Telegram no longer accepts TELEGRAM_BOT_TOKEN (revoked? ask BotFather); stopping"
    return (
        "another process is getting this bot's updates (Conflict: one bot, one poller, "
        "or use a webhook); stopping"
    )


# --- the webhook -------------------------------------------------------------------------------


@tornado.web.stream_request_body
class _Hook(tornado.web.RequestHandler):
    """Telegram's POSTs: the secret is checked on the headers, before the body is read."""

    def initialize(self, app: Any, secret: str) -> None:
        self.app = app
        self.secret = secret
        self.chunks: list[bytes] = []

    def prepare(self) -> None:
        if self.request.method != "POST":
            raise tornado.web.HTTPError(405)
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            raise tornado.web.HTTPError(403)
        length = self.request.headers.get("Content-Length", "0")
        if not length.isascii() or not length.isdigit() or int(length) > MAX_BODY_BYTES:
            raise tornado.web.HTTPError(413)

    def data_received(self, chunk: bytes) -> None:
        self.chunks.append(chunk)

    async def post(self) -> None:
        try:
            data = json.loads(b"".join(self.chunks))
            update = Update.de_json(data, self.app.bot)
        except (ValueError, TypeError, KeyError) as exc:
            raise tornado.web.HTTPError(400) from exc
        if update is not None:
            await self.app.update_queue.put(update)
        self.set_status(200)

    def log_exception(self, *args: Any) -> None:
        """Refusals are the point, not errors worth a traceback."""


def _listen(app: Any, settings: Settings) -> HTTPServer:
    assert settings.webhook_url and settings.webhook_secret
    path = "/" + settings.webhook_url.rstrip("/").rsplit("/", 1)[-1]
    web = tornado.web.Application(
        [(rf"{path}/?", _Hook, {"app": app, "secret": settings.webhook_secret})]
    )
    server = HTTPServer(web, max_body_size=MAX_BODY_BYTES, max_buffer_size=MAX_BODY_BYTES)
    try:
        server.listen(settings.webhook_port, address=settings.webhook_listen)
    except OSError as exc:
        raise Fatal(
            f"cannot listen on {settings.webhook_listen}:{settings.webhook_port}: "
            f"{exc.strerror or exc}",
            code=2,
        ) from exc
    return server
