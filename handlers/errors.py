"""The last line of defence: log the traceback, tell the user one short line."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from handlers.i18n import t
from handlers.runtime import runtime_of
from models.clusters import get_cluster

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Never a traceback in the chat: the operator reads it in the log."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    lang = await _language(context, update.effective_chat.id)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t(lang, "error.internal"), show_alert=True)
        else:
            await context.bot.send_message(update.effective_chat.id, t(lang, "error.internal"))
    except Exception:  # the chat may be the very thing that failed
        log.warning("could not tell the user about the error", exc_info=True)


async def _language(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> str:
    """The cluster's language if the chat is one (the database may be what failed)."""
    runtime = runtime_of(context.bot_data)
    try:
        async with runtime.sessions() as session:
            cluster = await get_cluster(session, chat_id)
    except Exception:
        log.warning("could not look up the chat's language", exc_info=True)
        return runtime.default_language
    return cluster.language if cluster is not None else runtime.default_language
