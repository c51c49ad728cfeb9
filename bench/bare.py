"""The anchor: a bare python-telegram-bot bot that answers every command with a fixed text.

Built with the same rate limiter, defaults and update processing as Klimaatbot (concurrently
across chats, in order within one chat), so what differs is the bot's own work. With
python-telegram-bot's `concurrent_updates(True)` instead, up to 256 updates run at once, its
connection pool grows towards 256 while the fake answers, and httpcore then checks every pooled
connection's socket on every request: the anchor's cost per update grew with the machine's
load (from 2 to 15 ms) and no longer measured python-telegram-bot's own cost.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
)

from bot.updates import PerChatUpdateProcessor

COMMANDS = [
    "start", "gemeenten", "gemeente", "afspraak", "afspraken", "klaar", "datumprikker",
    "overzicht", "cluster", "clusters",
]  # fmt: skip


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every command: one fixed reply."""
    if update.effective_message is not None:
        await update.effective_message.reply_text("<b>OK</b>", do_quote=False)


async def _press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every button: one fixed answer."""
    if update.callback_query is not None:
        await update.callback_query.answer("OK")


def build_bare(
    token: str, base_url: str, *, messages_per_second: int, group_messages_per_minute: int
) -> Any:
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=messages_per_second,
                overall_time_period=1,
                group_max_rate=group_messages_per_minute,
                group_time_period=60,
                max_retries=3,
            )
        )
        .concurrent_updates(PerChatUpdateProcessor())
        .build()
    )
    app.add_handler(CommandHandler(COMMANDS, _answer))
    app.add_handler(CallbackQueryHandler(_press))
    return app
