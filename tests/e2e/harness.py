"""Scenario language for end-to-end tests: people say things, press buttons, time moves on.

    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    bart = group.person("Bart", username="bart")
    reply = await fien.says("/start")
    assert "Klimaatcluster Leuven" in reply.text
    poll = await bart.says("/datumprikker di 9/3 14u; do 11/3 10u")
    answer = await bart.presses("✅", on=poll.last, row=1)

The real Application (from `build_application`) long-polls the fake Bot API over HTTP; each
`says`/`presses` returns once the bot has finished handling that update.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select
from telegram.ext import Application

from bot.config import Settings
from bot.sandbox.emulator import FakeTelegram, SentMessage
from bot.sandbox.runner import start_polling_app
from models.nudges import Nudge, NudgeStatus
from scheduler import jobs

BRUSSELS = ZoneInfo("Europe/Brussels")
FACILITATOR_ID = 900_000_001  # listed in FACILITATOR_IDS by the e2e settings
_ids = itertools.count(1001)
_chat_ids = itertools.count(1)


class FakeClock:
    """The bot's only clock; tests set and advance it instead of sleeping."""

    def __init__(self, start: dt.datetime) -> None:
        self._now = start.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def set(self, moment: dt.datetime) -> None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BRUSSELS)
        self._now = moment.astimezone(dt.UTC)

    def advance(self, delta: dt.timedelta) -> None:
        self._now += delta

    def advance_to(self, moment: dt.datetime) -> None:
        """Move forward to `moment` (naive means Brussels time); time never runs back here."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BRUSSELS)
        assert moment >= self._now, f"{moment} is before the clock's {self.local()}"
        self._now = moment.astimezone(dt.UTC)

    def local(self) -> dt.datetime:
        return self._now.astimezone(BRUSSELS)


@dataclass(frozen=True)
class Timed:
    """A message the bot sent by itself, with the local time it went out."""

    at: dt.datetime
    message: SentMessage

    @property
    def text(self) -> str:
        return self.message.text


@dataclass
class Replies:
    """What the bot sent while handling one update (in every chat)."""

    messages: list[SentMessage]
    answer: dict[str, Any] | None = None  # answerCallbackQuery, for button presses

    @property
    def text(self) -> str:
        return "\n".join(m.text for m in self.messages)

    @property
    def last(self) -> SentMessage:
        assert self.messages, "the bot sent nothing"
        return self.messages[-1]

    @property
    def documents(self) -> list[SentMessage]:
        return [m for m in self.messages if m.document is not None]

    def __iter__(self) -> Iterator[SentMessage]:
        return iter(self.messages)

    def __len__(self) -> int:
        return len(self.messages)


@dataclass
class Person:
    """A Telegram user speaking in one chat."""

    world: World
    chat: Chat
    user: dict[str, Any]

    @property
    def id(self) -> int:
        return int(self.user["id"])

    @property
    def name(self) -> str:
        return str(self.user["first_name"])

    def in_(self, chat: Chat) -> Person:
        """The same user in another chat (e.g. a private chat with the bot)."""
        return Person(self.world, chat, self.user)

    def in_private(self) -> Person:
        return self.in_(self.world.private_chat(self))

    async def says(
        self,
        text: str,
        *,
        reply_to: SentMessage | dict[str, Any] | None = None,
        thread: int | None = None,
        mentions: dict[str, Person] | None = None,
    ) -> Replies:
        """Type a message; `mentions` turns a name in the text into a text mention."""
        message = self.chat.message(self, text, reply_to=reply_to, thread=thread, mentions=mentions)
        return await self.world.deliver({"message": message})

    async def presses(self, mark: str, *, on: SentMessage, row: int | None = None) -> Replies:
        """Press the button containing `mark` (in the 1-based `row`, if given)."""
        rows = on.buttons
        candidates = [
            button
            for index, buttons in enumerate(rows, start=1)
            if row is None or index == row
            for button in buttons
            if mark in button["text"]
        ]
        assert candidates, f"no button with {mark!r} in row {row}: {on.button_texts}"
        button = candidates[0]
        query_id = str(next(_ids))
        message_dict = self.world.fake._message_dict(on)
        update = {
            "callback_query": {
                "id": query_id,
                "from": self.user,
                "chat_instance": str(on.chat_id),
                "message": message_dict,
                "data": button["callback_data"],
            }
        }
        replies = await self.world.deliver(update)
        replies.answer = self.world.fake.callback_answers.get(query_id)
        return replies


@dataclass
class Chat:
    world: World
    id: int
    type: str
    title: str | None
    is_forum: bool = False
    _cursor: int = 0
    _message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(10_000))

    @property
    def state(self) -> Any:
        return self.world.fake.chats[self.id]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.state.as_dict())

    def person(
        self, first_name: str, *, username: str | None = None, last_name: str | None = None,
        language_code: str = "nl", admin: bool = False,
    ) -> Person:  # fmt: skip
        user: dict[str, Any] = {
            "id": next(_ids),
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        if username:
            user["username"] = username
        if last_name:
            user["last_name"] = last_name
        if admin:
            self.state.admins.add(user["id"])
        self.world.fake.users[user["id"]] = user
        return Person(self.world, self, user)

    @property
    def facilitator(self) -> Person:
        return Person(self.world, self, self.world.facilitator_user)

    @property
    def messages(self) -> list[SentMessage]:
        """Every message the bot has sent here, in order."""
        return [m for m in self.world.fake.sent if m.chat_id == self.id]

    async def next_message(self, timeout: float = 5.0) -> SentMessage:
        """The next bot message here that this test has not looked at yet."""
        fake = self.world.fake

        def unseen() -> list[SentMessage]:
            return self.messages[self._cursor :]

        async with fake.message_sent:
            await asyncio.wait_for(fake.message_sent.wait_for(lambda: bool(unseen())), timeout)
        message = unseen()[0]
        self._cursor += 1
        return message

    def skip_seen(self) -> None:
        self._cursor = len(self.messages)

    def message(
        self,
        person: Person,
        text: str,
        *,
        reply_to: SentMessage | dict[str, Any] | None = None,
        thread: int | None = None,
        mentions: dict[str, Person] | None = None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(self.world.clock.now().timestamp()),
            "chat": self.as_dict(),
            "from": person.user,
            "text": text,
        }
        entities = _entities(text, mentions or {})
        if entities:
            message["entities"] = entities
        if thread is not None:
            message["message_thread_id"] = thread
            message["is_topic_message"] = True
        if reply_to is not None:
            if isinstance(reply_to, SentMessage):
                reply_to = self.world.fake._message_dict(reply_to)
            message["reply_to_message"] = reply_to
        return message

    def user_message(self, person: Person, text: str) -> dict[str, Any]:
        """A plain message someone wrote earlier (to reply to); the bot did not see it."""
        return self.message(person, text)

    # --- service events ----------------------------------------------------------------------

    async def create_topic(self, by: Person, name: str) -> int:
        """A forum topic; its id is the id of the service message that created it."""
        assert self.is_forum, "topics exist only in forum supergroups"
        message = self.message(by, "")
        del message["text"]
        message["message_thread_id"] = message["message_id"]
        message["is_topic_message"] = True
        message["forum_topic_created"] = {"name": name, "icon_color": 7322096}
        await self.world.deliver({"message": message})
        return int(message["message_id"])

    async def close_topic(self, by: Person, thread_id: int) -> None:
        self.state.closed_topics.add(thread_id)
        message = self.message(by, "", thread=thread_id)
        del message["text"]
        message["forum_topic_closed"] = {}
        await self.world.deliver({"message": message})

    def close_topic_silently(self, thread_id: int) -> None:
        """Closed without the bot seeing it (e.g. a service message it missed)."""
        self.state.closed_topics.add(thread_id)

    async def remove_bot(self, by: Person) -> Replies:
        self.state.kicked = True
        return await self.world.deliver(
            {"my_chat_member": self._membership(by, "member", "kicked")}
        )

    async def add_bot(self, by: Person) -> Replies:
        self.state.kicked = False
        return await self.world.deliver({"my_chat_member": self._membership(by, "left", "member")})

    async def upgrade_to_supergroup(self, by: Person) -> Chat:
        """Telegram's migration: a service message in each chat, and the old id stops working."""
        new = self.world.group(self.title or "", type_="supergroup")
        self.state.migrated_to = new.id
        old_message = self.message(by, "")
        del old_message["text"]
        old_message["migrate_to_chat_id"] = new.id
        new_message = new.message(by, "")
        del new_message["text"]
        new_message["migrate_from_chat_id"] = self.id
        await self.world.deliver({"message": old_message})
        await self.world.deliver({"message": new_message})
        return new

    async def leaves(
        self, person: Person, *, service_message: bool = True, chat_member: bool = True
    ) -> Replies:
        """Someone leaves the group: Telegram posts a service message and, to a bot that is an
        admin and asked for them, sends a `chat_member` update."""
        replies = Replies([])
        if service_message:
            message = self.message(person, "")
            del message["text"]
            message["left_chat_member"] = person.user
            replies = await self.world.deliver({"message": message})
        if chat_member:
            update = self._person_membership(person, "member", "left")
            more = await self.world.deliver({"chat_member": update})
            replies = Replies([*replies.messages, *more.messages])
        return replies

    async def removes(self, by: Person, person: Person) -> Replies:
        """An admin removes someone: a `chat_member` update with the status `kicked`."""
        update = self._person_membership(person, "member", "kicked", by=by)
        return await self.world.deliver({"chat_member": update})

    async def joins(self, person: Person) -> Replies:
        message = self.message(person, "")
        del message["text"]
        message["new_chat_members"] = [person.user]
        return await self.world.deliver({"message": message})

    def _person_membership(
        self, person: Person, old: str, new: str, *, by: Person | None = None
    ) -> dict[str, Any]:
        def member(status: str) -> dict[str, Any]:
            data: dict[str, Any] = {"status": status, "user": person.user}
            if status == "kicked":
                data["until_date"] = 0
            return data

        return {
            "chat": self.as_dict(),
            "from": (by or person).user,
            "date": int(self.world.clock.now().timestamp()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }

    def _membership(self, by: Person, old: str, new: str) -> dict[str, Any]:
        bot = self.world.fake.bot_user

        def member(status: str) -> dict[str, Any]:
            data: dict[str, Any] = {"status": status, "user": bot}
            if status == "kicked":
                data["until_date"] = 0
            return data

        return {
            "chat": self.as_dict(),
            "from": by.user,
            "date": int(self.world.clock.now().timestamp()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }


_ENTITY = re.compile(
    r"(?P<command>^/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?)|(?P<mention>@[A-Za-z0-9_]{4,})|(?P<hashtag>#\w+)"
)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _entities(text: str, mentions: dict[str, Person]) -> list[dict[str, Any]]:
    """Entities as Telegram's clients make them (offsets in UTF-16 code units)."""
    entities: list[dict[str, Any]] = []
    for match in _ENTITY.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        entities.append(
            {
                "type": "bot_command" if kind == "command" else kind,
                "offset": _utf16_len(text[: match.start()]),
                "length": _utf16_len(match.group()),
            }
        )
    for name, person in mentions.items():
        start = text.find(name)
        assert start >= 0, f"{name!r} is not in the text"
        entities.append(
            {
                "type": "text_mention",
                "offset": _utf16_len(text[:start]),
                "length": _utf16_len(name),
                "user": person.user,
            }
        )
    return sorted(entities, key=lambda e: e["offset"])


class World:
    """The fake Telegram, the running bot, its clock and database, seen from the test."""

    def __init__(self, fake: FakeTelegram, settings: Settings, clock: FakeClock) -> None:
        self.fake = fake
        self.settings = settings
        self.clock = clock
        self.app: Application[Any, Any, Any, Any, Any, Any] | None = None
        self.facilitator_user: dict[str, Any] = {
            "id": FACILITATOR_ID,
            "is_bot": False,
            "first_name": "Fien",
            "last_name": "Facilitator",
            "username": "fien_facilitator",
            "language_code": "nl",
        }
        fake.users[FACILITATOR_ID] = self.facilitator_user
        self._done: dict[int, asyncio.Event] = {}
        self._private: dict[int, Chat] = {}

    async def start(self) -> None:
        """Build and start the real Application, in the same steps as `run_polling`."""
        self.app = await start_polling_app(
            self.settings, clock=self.clock, done=self._done, timeout=2
        )

    async def stop(self) -> None:
        """Stop the bot as a process would on shutdown; the database and the fake stay."""
        app, self.app = self.app, None
        if app is None:
            return
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        if app.post_stop:
            await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)

    async def stop_now(self) -> None:
        """Stop as a killed process would: updates still being handled are abandoned."""
        for task in asyncio.all_tasks():
            if task.get_name().endswith(":process_concurrent_update"):
                task.cancel()
        await self.stop()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    @property
    def runtime(self) -> Any:
        assert self.app is not None, "the bot is not running"
        return self.app.bot_data["runtime"]

    def group(self, title: str, *, type_: str = "group", forum: bool = False) -> Chat:
        chat_id = (
            -(4_000_000_000 + next(_chat_ids))
            if type_ == "group"
            else -(1_000_000_000_000 + next(_chat_ids))
        )
        self.fake.chat(chat_id, type_, title, is_forum=forum)
        return Chat(self, chat_id, type_, title, forum)

    def private_chat(self, person: Person) -> Chat:
        if person.id not in self._private:
            self.fake.chat(person.id, "private", person.name)
            self._private[person.id] = Chat(self, person.id, "private", person.name)
        return self._private[person.id]

    async def deliver(self, payload: dict[str, Any], timeout: float = 10.0) -> Replies:
        """Hand one update to the bot and wait until it has been handled."""
        before = len(self.fake.sent)
        update_id = self.fake.push_update(payload)
        event = self._done.setdefault(update_id, asyncio.Event())
        await asyncio.wait_for(event.wait(), timeout)
        return Replies(self.fake.sent[before:])

    def session(self) -> Any:
        """A database session of the running bot, to look at what it stored."""
        return self.runtime.sessions()

    # --- time passing: the scheduler's work, run by the test ---------------------------------

    async def sweep(self) -> Replies:
        """What the scheduler's jobs do, now: plan missing digests, then send what is due."""
        assert self.app is not None, "the bot is not running"
        before = len(self.fake.sent)
        await jobs.tick(self.app)
        return Replies(self.fake.sent[before:])

    async def run_until(self, moment: dt.datetime) -> list[Timed]:
        """Let time pass until `moment` (naive means Brussels) as if the sweep ran all along.

        The clock stops at every moment a nudge falls due (or may be retried), the sweep runs,
        and each message sent is noted with the local time it went out.
        """
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BRUSSELS)
        target = moment.astimezone(dt.UTC)
        sent: list[Timed] = []
        for _ in range(10_000):
            at = self.clock.local()
            sent += [Timed(at, message) for message in await self.sweep()]
            upcoming = await self._next_due()
            if upcoming is None or upcoming > target:
                break
            self.clock.advance_to(upcoming)
        else:
            raise AssertionError("the sweep keeps finding work: a row that never settles?")
        if self.clock.now() < target:
            self.clock.advance_to(target)
            sent += [Timed(self.clock.local(), message) for message in await self.sweep()]
        return sent

    async def _next_due(self) -> dt.datetime | None:
        """The first moment after now at which a pending row may be claimed."""
        now = self.clock.now()
        async with self.runtime.sessions() as session:
            rows = (
                await session.exec(select(Nudge).where(Nudge.status == NudgeStatus.PENDING))
            ).all()
        moments = [max(row.due_at, row.claimed_until or row.due_at) for row in rows]
        later = [m for m in moments if m > now]
        return min(later) if later else None


async def wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    """Wait in real time for something the running bot does on its own."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def no_writer_holds_the_database(world: World) -> bool:
    """True when no transaction is open: another connection can take the write lock at once."""
    if not world.settings.database_url.startswith("sqlite"):
        async with world.session() as session:
            connection = await session.connection()
            busy = await connection.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
            )
            return int(busy.scalar_one()) == 0
    # Not through the bot's engine, whose one connection a session of the test would hold.
    url = world.settings.database_url.removeprefix("sqlite:///")
    probe = sqlite3.connect(url, timeout=0.05, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()
