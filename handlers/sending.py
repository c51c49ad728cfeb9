"""The one way the bot posts into a cluster: topics, long texts and chats that moved or left.

Replies, announcements and scheduled nudges all go through `send`, so the Telegram quirks are
handled once: a group upgraded to a supergroup (`ChatMigrated`), a bot removed from a group
(`Forbidden`), a forum topic that was closed or deleted, and the 4,096-character limit.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden

from handlers.i18n import t
from handlers.render import split_message
from models.clusters import Cluster, ClusterStatus, migrate_chat
from models.topics import Topic, get_topic, remember_topic

log = logging.getLogger(__name__)

_TOPIC_GONE = ("topic_closed", "topic_deleted", "message thread not found", "topic_id_invalid")
_CHAT_GONE = ("chat not found", "group chat was deactivated", "bot was kicked")


class Undeliverable(Exception):
    """The chat cannot be reached any more (bot removed, chat deleted)."""


async def send(
    bot: Bot,
    session: AsyncSession | None,
    *,
    chat_id: int,
    text: str,
    cluster: Cluster | None = None,
    thread_id: int | None = None,
    reply_markup: InlineKeyboardMarkup | None = None,
    **kwargs: Any,
) -> Message:
    """Post `text` (split if long); returns the last message, which carries the keyboard."""
    if thread_id is not None and session is not None and cluster is not None:
        topic = await _topic(session, cluster, thread_id)
        if topic is not None and topic.closed:
            text = f"{_moved_note(cluster, topic.name or f'#{thread_id}')}\n{text}"
            thread_id = None
    chunks = split_message(text)
    message: Message | None = None
    for index, chunk in enumerate(chunks):
        markup = reply_markup if index == len(chunks) - 1 else None
        message, chat_id, thread_id = await _send_one(
            bot, session, cluster, chat_id, thread_id, chunk, markup, **kwargs
        )
    assert message is not None
    return message


async def _send_one(
    bot: Bot,
    session: AsyncSession | None,
    cluster: Cluster | None,
    chat_id: int,
    thread_id: int | None,
    text: str,
    markup: InlineKeyboardMarkup | None,
    **kwargs: Any,
) -> tuple[Message, int, int | None]:
    for _ in range(3):
        try:
            message = await bot.send_message(
                chat_id, text, message_thread_id=thread_id, reply_markup=markup, **kwargs
            )
            return message, chat_id, thread_id
        except ChatMigrated as exc:
            new_id = exc.new_chat_id
            log.info("chat %s migrated to %s", chat_id, new_id)
            if session is not None:
                await migrate_chat(session, old_chat_id=chat_id, new_chat_id=new_id)
            if cluster is not None:
                cluster.chat_id = new_id
            chat_id = new_id
        except Forbidden as exc:
            await _mark_gone(session, cluster)
            raise Undeliverable(str(exc)) from exc
        except BadRequest as exc:
            reason = exc.message.lower()
            if thread_id is not None and any(part in reason for part in _TOPIC_GONE):
                name = f"#{thread_id}"
                if session is not None and cluster is not None and cluster.id is not None:
                    topic = await remember_topic(
                        session, cluster_id=cluster.id, thread_id=thread_id, closed=True
                    )
                    name = topic.name or name
                text = f"{_moved_note(cluster, name)}\n{text}"
                thread_id = None
                continue
            if any(part in reason for part in _CHAT_GONE):
                await _mark_gone(session, cluster)
                raise Undeliverable(str(exc)) from exc
            raise
    raise Undeliverable(f"chat {chat_id} keeps moving")


async def _topic(session: AsyncSession, cluster: Cluster, thread_id: int) -> Topic | None:
    if cluster.id is None:
        return None
    return await get_topic(session, cluster_id=cluster.id, thread_id=thread_id)


def _moved_note(cluster: Cluster | None, topic: str) -> str:
    """Posted in General instead: say which topic the message belongs to."""
    return t(cluster.language if cluster else "nl", "topic.moved_from", topic=topic)


async def _mark_gone(session: AsyncSession | None, cluster: Cluster | None) -> None:
    if cluster is not None and session is not None:
        cluster.status = ClusterStatus.INACTIVE
        session.add(cluster)
