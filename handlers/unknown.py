"""A command the bot does not know gets one line back: the closest names it does know.

Without this a typo (`/afsrpaak`, `/acord`) met silence, and people concluded the bot was
down. Only where the bot is at work: a registered cluster group or a private chat; an
unregistered group stays quiet, and a command addressed to another bot (`/x@otherbot`) is not
ours to answer.
"""

from __future__ import annotations

import contextlib
import difflib

from telegram import MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes, MessageHandler, filters

from handlers.i18n import t
from handlers.menu import BY_NAME, spec
from handlers.runtime import App, runtime_of
from handlers.sending import Undeliverable, send
from handlers.turn import chat_language
from models.clusters import get_cluster

# At most this many suggestions, and only names at least this similar (difflib's ratio).
SUGGESTIONS = 3
CUTOFF = 0.6


def typed_command(text: str, entity: MessageEntity) -> tuple[str, str | None]:
    """`/Afspraak@KlimaatBot x` -> (`afspraak`, `klimaatbot`): the name and the bot addressed."""
    name, _, bot = text[entity.offset + 1 : entity.offset + entity.length].partition("@")
    return name.lower(), bot.lower() or None


def closest(name: str, lang: str) -> list[str]:
    """The known names (Dutch, English and French) nearest to `name`, best first; one per
    command, in `lang` when that name is among the near ones (`/hlep`: `/help`, not both)."""
    near = difflib.get_close_matches(name, list(BY_NAME), n=len(BY_NAME), cutoff=CUTOFF)
    chosen: dict[str, str] = {}
    for found in near:
        command = BY_NAME[found]
        if command.name not in chosen:
            shown = command.shown_name(lang)
            chosen[command.name] = shown if shown in near else found
    return list(chosen.values())[:SUGGESTIONS]


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    chat = update.effective_chat
    user = update.effective_user
    if message is None or chat is None or user is None or user.is_bot or not message.text:
        return
    entity = next(
        (e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0),
        None,
    )
    if entity is None:
        return
    name, addressed = typed_command(message.text, entity)
    if name in BY_NAME or (addressed is not None and addressed != context.bot.username.lower()):
        return
    runtime = runtime_of(context.bot_data)
    private = chat.type == ChatType.PRIVATE
    async with runtime.sessions() as session:
        cluster = None if private else await get_cluster(session, chat.id)
        if not private and (cluster is None or not cluster.is_active):
            return
        lang = chat_language(cluster, user, runtime)
        suggestions = closest(name, lang)
        help_name = "/" + spec("hulp").shown_name(lang)
        if suggestions:
            text = t(
                lang,
                "unknown.suggest",
                command="/" + name,
                names=", ".join(f"/{s}" for s in suggestions),
                help=help_name,
            )
        else:
            text = t(lang, "unknown.none", command="/" + name, help=help_name)
        with contextlib.suppress(Undeliverable):  # the bot left the chat: nothing to say
            await send(
                context.bot,
                session,
                chat_id=chat.id,
                text=text,
                cluster=cluster,
                thread_id=message.message_thread_id if message.is_topic_message else None,
            )
        await session.commit()  # keeps a chat that moved or left marked as such


def register(app: App) -> None:
    """Register last: a command any other handler takes never reaches this one."""
    app.add_handler(MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, unknown_command))
