"""Starting the real Application in the steps of `run_polling`, so it can be stopped and started
again in one process: the sandbox and the end-to-end tests both run the bot this way."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.app import build_application
from bot.config import Settings
from bot.serve import ALLOWED_UPDATES
from handlers.runtime import App
from scheduler.clock import Clock


async def start_polling_app(
    settings: Settings, *, clock: Clock, done: dict[int, asyncio.Event], timeout: int
) -> App:
    """The running Application; each update it has finished handling sets its event in `done`."""
    app = build_application(settings, clock=clock)
    original = app.process_update

    async def tracked(update: object) -> None:
        try:
            await original(update)
        finally:
            if isinstance(update, Update):
                done.setdefault(update.update_id, asyncio.Event()).set()

    app.process_update = tracked  # type: ignore[method-assign]
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(
        poll_interval=0, timeout=timeout, allowed_updates=ALLOWED_UPDATES
    )
    await app.start()
    return app
