"""Telegram's command menu, per chat scope and language, derived from `handlers.menu`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

from handlers.i18n import LANGUAGES, t
from handlers.menu import visible
from models.clusters import Role

log = logging.getLogger(__name__)


def menu(lang: str, *, private: bool, role: Role | None = None) -> list[BotCommand]:
    role = role or (Role.ANYONE if private else Role.COORDINATOR)
    return [
        BotCommand(spec.shown_name(lang), t(lang, f"cmd.{spec.name}"))
        for spec in visible(private=private, role=role)
    ]


async def publish(bot: Bot, facilitator_ids: Iterable[int] = ()) -> None:
    """One `setMyCommands` per scope and language; the default (no language) is Dutch.

    Facilitators get their private tools in their own chat's menu; Telegram refuses that for
    someone who never started a chat with the bot, which is fine: /hulp lists them anyway.
    """
    scopes: list[tuple[BotCommandScope, bool, Role | None]] = [
        (BotCommandScopeAllGroupChats(), False, None),
        (BotCommandScopeAllPrivateChats(), True, None),
    ]
    scopes += [
        (BotCommandScopeChat(user_id), True, Role.FACILITATOR) for user_id in facilitator_ids
    ]
    await asyncio.gather(*(_publish_scope(bot, *scope) for scope in scopes))


async def _publish_scope(
    bot: Bot, scope: BotCommandScope, private: bool, role: Role | None
) -> None:
    """The scopes go out side by side, so start-up waits for one round of them, not all."""
    for lang in (None, *LANGUAGES):
        try:
            await bot.set_my_commands(
                menu(lang or "nl", private=private, role=role), scope=scope, language_code=lang
            )
        except TelegramError as exc:
            log.info("could not publish the command menu for %s: %s", scope.type, exc)
            break
