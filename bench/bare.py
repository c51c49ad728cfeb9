"""The anchor: a bare python-telegram-bot bot that answers every command with a fixed text.

Built with the same rate limiter and defaults as Klimaatbot, so what differs is the bot's own
work. Updates are processed concurrently, as python-telegram-bot allows out of the box.
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
        .concurrent_updates(True)
        .build()
    )
    app.add_handler(CommandHandler(COMMANDS, _answer))
    app.add_handler(CallbackQueryHandler(_press))
    return app
