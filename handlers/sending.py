"""The one way the bot posts: outgoing messages as data first, sent after the commit.

What the bot will say is built inside the transaction that makes the change (`message`,
`document`, `edit` return plain, JSON-ready entries), and sent by `deliver` once that
transaction is committed and closed: the group is only told what is stored, and no transaction
waits for Telegram or the rate limiter. Entries whose sending must survive a failure are kept
on an outbox row (`models.nudges`), so the sweep retries the message, never the change.

The Telegram quirks are handled here once: a group upgraded to a supergroup (`ChatMigrated`),
a bot removed from a group (`Forbidden`), a forum topic that was closed or deleted, and the
4,096-character limit (split before sending, never inside a tag or an entity).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden

from handlers.i18n import t
from handlers.render import split_message
from models.clusters import Cluster, ClusterStatus, migrate_chat
from models.db import SessionMaker
from models.meetings import MeetingPoll
from models.topics import Topic, get_topic, remember_topic

log = logging.getLogger(__name__)

TOPIC_GONE = ("topic_closed", "topic_deleted", "message thread not found", "topic_id_invalid")
_CHAT_GONE = ("chat not found", "group chat was deactivated", "bot was kicked")

Entry = dict[str, Any]


class Undeliverable(Exception):
    """The chat cannot be reached any more (bot removed, chat deleted)."""


# --- building, inside the transaction ----------------------------------------------------------


async def message(
    session: AsyncSession | None,
    *,
    chat_id: int,
    text: str,
    cluster: Cluster | None = None,
    thread_id: int | None = None,
    markup: InlineKeyboardMarkup | None = None,
    optional: bool = False,
    remember_poll: int | None = None,
    topics: Mapping[tuple[int, int], Topic] | None = None,
) -> list[Entry]:
    """The entries that post `text` (split if long; the keyboard goes on the last part).

    `optional` marks a recipient besides the one the update came from (a broadcast's other
    clusters, a private escalation): if it cannot be reached that is noted and the rest still
    goes. `remember_poll` stores the sent message's id on that poll, so presses can refresh it.
    `topics`, the known topics by (cluster id, thread id) loaded for a whole batch, spares the
    lookup of the topic.
    """
    lang = cluster.language if cluster is not None else "nl"
    if thread_id is not None and session is not None and cluster is not None and cluster.id:
        topic = (
            topics.get((cluster.id, thread_id))
            if topics is not None
            else await get_topic(session, cluster_id=cluster.id, thread_id=thread_id)
        )
        if topic is not None and topic.closed:
            text = f"{_moved_note(lang, topic.name or f'#{thread_id}')}\n{text}"
            thread_id = None
    chunks = split_message(text)
    entries: list[Entry] = []
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        entry: Entry = {"chat": chat_id, "text": chunk, "thread": thread_id, "lang": lang}
        if cluster is not None and cluster.id is not None and cluster.chat_id == chat_id:
            entry["cluster"] = cluster.id
        if optional:
            entry["optional"] = True
        if last and markup is not None:
            entry["markup"] = markup.to_dict()
        if last and remember_poll is not None:
            entry["poll"] = remember_poll
        entries.append(entry)
    return entries


def document(
    *,
    chat_id: int,
    data: bytes,
    filename: str,
    caption: str | None = None,
    cluster: Cluster | None = None,
    thread_id: int | None = None,
) -> Entry:
    entry: Entry = {
        "chat": chat_id,
        "document": base64.b64encode(data).decode("ascii"),
        "filename": filename,
        "caption": caption,
        "thread": thread_id,
        "lang": cluster.language if cluster is not None else "nl",
    }
    if cluster is not None and cluster.id is not None:
        entry["cluster"] = cluster.id
    return entry


def edit(
    *, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Entry:
    """Change a message the bot sent (a poll's tally); a message gone is not worth an error."""
    entry: Entry = {"chat": chat_id, "edit": message_id, "text": text}
    if markup is not None:
        entry["markup"] = markup.to_dict()
    return entry


# --- sending, after the commit -----------------------------------------------------------------


async def deliver(
    bot: Bot, sessions: SessionMaker | None, entries: Sequence[Entry], progress: dict[str, Any]
) -> None:
    """Send `entries` from `progress["sent"]` on, counting each one sent into `progress`.

    Raises `Undeliverable` when the chat the update came from is gone (the cluster is marked
    inactive), and any other error for the caller to retry from `progress`.
    """
    start = int(progress.get("sent", 0))
    for index in range(start, len(entries)):
        entry = entries[index]
        if entry.get("unless_reached") and progress.get("reached"):
            progress["sent"] = index + 1  # someone was reached in private: the group is spared
            continue
        try:
            message_id = await _send_entry(bot, sessions, entry, entries)
        except Undeliverable as exc:
            if not entry.get("optional"):
                raise
            progress.setdefault("unreachable", {})[str(entry["chat"])] = str(exc)[:200]
            log.info("chat %s unreachable: %s", entry["chat"], exc)
        else:
            reached = progress.setdefault("reached", []) if entry.get("optional") else None
            if reached is not None and entry["chat"] not in reached:
                reached.append(entry["chat"])
            if message_id is not None and entry.get("poll") is not None:
                await _remember_poll_message(sessions, int(entry["poll"]), message_id)
        progress["sent"] = index + 1


async def _send_entry(
    bot: Bot, sessions: SessionMaker | None, entry: Entry, entries: Sequence[Entry]
) -> int | None:
    for _ in range(3):
        chat_id = int(entry["chat"])
        try:
            return await _call(bot, entry)
        except ChatMigrated as exc:
            new_id = exc.new_chat_id
            log.info("chat %s migrated to %s", chat_id, new_id)
            await _in_session(sessions, _migrate, chat_id, new_id)
            for other in entries:
                if other["chat"] == chat_id:
                    other["chat"] = new_id
        except Forbidden as exc:
            await _in_session(sessions, _mark_gone, entry.get("cluster"))
            raise Undeliverable(str(exc)) from exc
        except BadRequest as exc:
            reason = exc.message.lower()
            if "edit" in entry:
                # A poll message deleted or unchanged: the stored state is what counts.
                log.info("could not edit message %s in %s: %s", entry["edit"], chat_id, reason)
                return None
            thread_id = entry.get("thread")
            if thread_id is not None and any(part in reason for part in TOPIC_GONE):
                name = await _in_session(sessions, _close_topic, entry.get("cluster"), thread_id)
                note = _moved_note(entry.get("lang", "nl"), name or f"#{thread_id}")
                if "document" not in entry:
                    entry["text"] = f"{note}\n{entry['text']}"
                entry["thread"] = None
                continue
            if any(part in reason for part in _CHAT_GONE):
                await _in_session(sessions, _mark_gone, entry.get("cluster"))
                raise Undeliverable(str(exc)) from exc
            raise
    raise Undeliverable(f"chat {entry['chat']} keeps moving")


async def _call(bot: Bot, entry: Entry) -> int | None:
    markup = InlineKeyboardMarkup.de_json(entry["markup"], bot) if entry.get("markup") else None
    if "edit" in entry:
        await bot.edit_message_text(
            entry["text"], chat_id=entry["chat"], message_id=entry["edit"], reply_markup=markup
        )
        return None
    if "document" in entry:
        sent = await bot.send_document(
            entry["chat"],
            document=base64.b64decode(entry["document"]),
            filename=entry["filename"],
            caption=entry.get("caption"),
            message_thread_id=entry.get("thread"),
        )
        return sent.message_id
    sent = await bot.send_message(
        entry["chat"], entry["text"], message_thread_id=entry.get("thread"), reply_markup=markup
    )
    return sent.message_id


async def _in_session(sessions: SessionMaker | None, work: Any, *args: Any) -> Any:
    """A short transaction of its own for what Telegram's answer taught us."""
    if sessions is None:
        return None
    async with sessions() as session:
        result = await work(session, *args)
        await session.commit()
    return result


async def _migrate(session: AsyncSession, old: int, new: int) -> None:
    await migrate_chat(session, old_chat_id=old, new_chat_id=new)


async def _mark_gone(session: AsyncSession, cluster_id: int | None) -> None:
    cluster = await session.get(Cluster, cluster_id) if cluster_id is not None else None
    if cluster is not None:
        cluster.status = ClusterStatus.INACTIVE
        session.add(cluster)


async def _close_topic(session: AsyncSession, cluster_id: int | None, thread_id: int) -> str | None:
    if cluster_id is None:
        return None
    topic = await remember_topic(session, cluster_id=cluster_id, thread_id=thread_id, closed=True)
    return topic.name


async def _remember_poll_message(
    sessions: SessionMaker | None, poll_id: int, message_id: int
) -> None:
    async def work(session: AsyncSession) -> None:
        poll = await session.get(MeetingPoll, poll_id)
        if poll is not None and poll.message_id is None:
            poll.message_id = message_id
            session.add(poll)

    await _in_session(sessions, work)


def _moved_note(lang: str, topic: str) -> str:
    """Posted in General instead: say which topic the message belongs to."""
    return t(lang, "topic.moved_from", topic=topic)
