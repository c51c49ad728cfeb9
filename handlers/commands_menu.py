"""Telegram's command menu, per chat scope and language, derived from `handlers.menu`."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.error import TelegramError

from handlers.i18n import LANGUAGES, t
from handlers.menu import visible
from models.clusters import Role

log = logging.getLogger(__name__)


def menu(lang: str, *, private: bool) -> list[BotCommand]:
    role = Role.ANYONE if private else Role.COORDINATOR
    return [
        BotCommand(spec.shown_name(lang), t(lang, f"cmd.{spec.name}"))
        for spec in visible(private=private, role=role)
    ]


async def publish(bot: Bot) -> None:
    """One `setMyCommands` per scope and language; the default (no language) is Dutch."""
    for private, scope in (
        (False, BotCommandScopeAllGroupChats()),
        (True, BotCommandScopeAllPrivateChats()),
    ):
        for lang in (None, *LANGUAGES):
            try:
                await bot.set_my_commands(
                    menu(lang or "nl", private=private), scope=scope, language_code=lang
                )
            except TelegramError:
                log.warning("could not publish the command menu", exc_info=True)
