"""The one factory of the Application, used by production, the tests and any sandbox."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys

import httpx
from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, ApplicationBuilder, Defaults

from bot.config import Settings
from bot.connections import GatedRequest, PollingRequest
from bot.updates import Backlog, PerChatUpdateProcessor
from handlers import (
    actions,
    agreements,
    commands_menu,
    costs,
    digest,
    evaluation,
    export,
    facilitator,
    handover,
    lessons,
    meetings,
    nudges,
    onboarding,
    plan,
    polls,
    privacy,
    topics,
    trajectory,
    unknown,
)
from handlers import settings as schedule_settings
from handlers.errors import on_error
from handlers.runtime import RUNTIME_KEY, App, Runtime
from handlers.turn import fallback_button
from models.db import create_engine, session_maker
from scheduler import jobs
from scheduler.clock import Clock, SystemClock

log = logging.getLogger(__name__)

ENGINE_KEY = "engine"

# A group may have this many messages sent at once; the rest of its per-minute allowance is
# spread evenly. Telegram itself allows the whole minute's worth at once, but then one busy or
# hostile group fills the bot's overall budget with its burst and every other chat waits.
GROUP_BURST = 4
# Connections to Telegram for replies. httpcore checks every pooled connection's socket on
# every request, so a pool grown to a hundred in a burst cost more than a millisecond per send
# (a sixth of the bot's CPU in the throughput bench); sixteen carry Telegram's 30 messages a
# second many times over. A send waits for a free one (bot/connections.py) up to POOL_TIMEOUT.
CONNECTIONS = 16
POOL_TIMEOUT = 30.0
GET_UPDATES_READ_TIMEOUT = 40


def _fewer_malloc_arenas() -> None:
    """Two malloc arenas instead of one per thread (glibc's default, up to 8 per core).

    SQLite's connections each run in a thread of their own (aiosqlite); with an arena each,
    the memory a burst's queries used stays reserved per thread: some 6 MB at a burst's peak.
    Set before the engine starts any thread; an operator's own MALLOC_ARENA_MAX wins.
    """
    if os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # not glibc: no arenas to cap
        ctypes.CDLL(None).mallopt(-8, 2)  # M_ARENA_MAX


def _requests(backlog: Backlog) -> tuple[GatedRequest, PollingRequest]:
    """The two connection pools to Telegram, sharing one TLS context: each would otherwise
    read the certificate bundle itself (40 ms of the start and a megabyte)."""
    tls = httpx.create_ssl_context()  # what httpx makes by default, environment included
    replies = GatedRequest(
        connection_pool_size=CONNECTIONS, pool_timeout=POOL_TIMEOUT, httpx_kwargs={"verify": tls}
    )
    updates = PollingRequest(
        room=backlog.room,
        connection_pool_size=1,
        read_timeout=GET_UPDATES_READ_TIMEOUT,
        httpx_kwargs={"verify": tls},
    )
    return replies, updates


def build_application(settings: Settings, *, clock: Clock | None = None) -> App:
    """Wire settings, database, handlers and jobs into a ready-to-run Application."""
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is required")
    _fewer_malloc_arenas()
    backlog = Backlog()
    processor = PerChatUpdateProcessor(backlog=backlog)
    replies, updates = _requests(backlog)
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.tz,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=settings.messages_per_second,
                overall_time_period=1,
                group_max_rate=min(GROUP_BURST, settings.group_messages_per_minute),
                group_time_period=60
                * min(GROUP_BURST, settings.group_messages_per_minute)
                / settings.group_messages_per_minute,
                max_retries=3,
            )
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .request(replies)
        .get_updates_request(updates)
        .concurrent_updates(processor)
        .update_queue(backlog)
    )
    if settings.api_base_url:
        # PTB semantics: the token is appended to the base URL (`https://host/bot` + token).
        builder = builder.base_url(settings.api_base_url)
        if settings.api_base_url.endswith("/bot"):
            builder = builder.base_file_url(settings.api_base_url[: -len("bot")] + "file/bot")
    app = builder.build()
    engine = create_engine(settings.database_url)
    app.bot_data[ENGINE_KEY] = engine
    runtime = Runtime(
        engine=engine,
        sessions=session_maker(engine),
        clock=clock or SystemClock(),
        facilitator_ids=settings.facilitator_ids,
        timezone=settings.timezone,
        default_language=settings.default_language,
        project_price_eur=settings.project_price_eur,
        chat_order=processor,
    )
    app.bot_data[RUNTIME_KEY] = runtime
    # Order matters only within a group; each capability registers its own handlers.
    onboarding.register(app)
    topics.register(app)
    polls.register(app)
    meetings.register(app)
    agreements.register(app)
    actions.register(app)
    facilitator.register(app)
    lessons.register(app)
    export.register(app)
    costs.register(app)
    handover.register(app)
    trajectory.register(app)
    plan.register(app)
    evaluation.register(app)
    privacy.register(app)
    nudges.register(app)
    digest.register(app)
    schedule_settings.register(app)
    unknown.register(app)  # last: only what no other handler took
    # Last in the group too: only presses that no capability above took reach it.
    app.add_handler(fallback_button())
    app.add_error_handler(on_error)
    # The sweep gets its deliver callable from handlers/ here: scheduler/ never imports it.
    jobs.register(
        app,
        deliver=nudges.make_deliver(app),
        interval=settings.sweep_interval_seconds,
        sessions=runtime.sessions,
        clock=runtime.clock,
    )
    return app


async def _post_init(app: App) -> None:
    await commands_menu.publish(app.bot, app.bot_data[RUNTIME_KEY].facilitator_ids)
    _freeze_start_up()


def _freeze_start_up() -> None:
    """Take what start-up made (modules, classes, mappers: most of the heap) out of the
    cyclic collector's sight, once per process.

    Every full collection walks all tracked objects: on a busy bot those walks took a
    fortieth of its CPU, nearly all of it spent on objects that live as long as the process.
    """
    if not gc.get_freeze_count():
        gc.collect()  # what is garbage now is not kept for ever
        gc.freeze()


async def _post_shutdown(app: App) -> None:
    engine = app.bot_data.get(ENGINE_KEY)
    if engine is not None:
        await engine.dispose()
