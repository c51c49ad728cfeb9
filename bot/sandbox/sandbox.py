"""The sandbox: the real bot (`build_application`) against the built-in Telegram.

People are played from a browser page: each persona types and presses buttons as a Telegram
client would, by updates the bot long-polls. The bot runs on a clock the sandbox controls; a
jump in time sweeps the due rows in the order of their moments, as the tests' `run_until`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.config import Settings
from bot.sandbox import demo
from bot.sandbox.emulator import TOKEN, FakeTelegram, SentMessage, html_tree
from bot.sandbox.runner import start_polling_app
from handlers.runtime import App
from models.migrate import upgrade_async
from models.nudges import Nudge, NudgeStatus
from scheduler import jobs
from scheduler.calendar import CalendarRules, at_local, next_working_day

log = logging.getLogger(__name__)

MORNING = dt.time(9, 0)
_query_ids = itertools.count(1)


class SandboxError(ValueError):
    """Something the page asked cannot be done; the message says why, for the person."""


class SandboxClock:
    """The bot's only clock: real time running on, shifted by every jump the sandbox makes."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._start = start
        self._offset = dt.timedelta(0)
        self.reset()

    def reset(self) -> None:
        self._offset = (
            self._start.astimezone(dt.UTC) - dt.datetime.now(dt.UTC)
            if self._start is not None
            else dt.timedelta(0)
        )

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self._offset

    def advance_to(self, moment: dt.datetime) -> None:
        """Jump forward to `moment` (aware); time never runs back, rows already went out."""
        now = self.now()
        if moment < now:
            raise SandboxError("time only moves forward")
        self._offset += moment - now


@dataclass
class Typed:
    """A message a persona sent (the emulator keeps only the bot's)."""

    payload: dict[str, Any]
    persona: demo.Persona | None
    service: str | None = None  # what kind of service message ("topic": a topic was made)

    @property
    def chat_id(self) -> int:
        return int(self.payload["chat"]["id"])

    @property
    def message_id(self) -> int:
        return int(self.payload["message_id"])


@dataclass
class Sandbox:
    """One emulator, one bot process, one SQLite file; `reset` returns to the starting state."""

    database: Path
    port: int = 0
    empty: bool = False
    start_at: dt.datetime | None = None
    base: Settings = field(default_factory=Settings)
    fake: FakeTelegram = field(default_factory=FakeTelegram)

    def __post_init__(self) -> None:
        self.clock = SandboxClock(self.start_at)
        self.tz = ZoneInfo(self.base.timezone)
        self.app: App | None = None
        self.typed: dict[tuple[int, int], Typed] = {}
        self.topics: dict[int, list[tuple[int, str]]] = {}
        self.moments: dict[tuple[int, int], dt.datetime] = {}
        self._done: dict[int, asyncio.Event] = {}
        self._subscribers: set[asyncio.Queue[dict[str, Any]]] = set()
        self._lock = asyncio.Lock()
        self.fake.listeners.append(self._bot_wrote)
        self.ready = asyncio.Event()

    # --- lifecycle ----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.fake.port}/"

    async def start(self) -> str:
        from bot.sandbox import page  # the page's routes need the sandbox they serve

        await self.fake.start(port=self.port, routes=page.routes(self))
        try:
            await self._boot()
        except BaseException:
            await self.fake.stop()
            raise
        return self.url

    async def stop(self) -> None:
        await self._stop_bot()
        for queue in list(self._subscribers):
            queue.put_nowait({"type": "bye"})
        await self.fake.stop()

    async def reset(self) -> None:
        """Back to the starting state: a new database, an empty Telegram, the demo again."""
        async with self._lock:
            self.ready.clear()
            await self._stop_bot()
            self.fake.reset()
            self.typed.clear()
            self.topics.clear()
            self.moments.clear()
            self.clock.reset()
            await self._boot()
        self.publish({"type": "reset"})

    async def _boot(self) -> None:
        await asyncio.to_thread(self._forget_database)
        url = f"sqlite:///{self.database}"
        await upgrade_async(url)
        for chat in demo.CHATS:
            self.fake.chat(chat.id, chat.type, chat.title, is_forum=chat.forum)
            self.fake.chats[chat.id].admins.update(chat.admins)
        for persona in demo.PERSONAS:
            # As if each had opened the bot's private chat once, so it may write to them.
            self.fake.chat(persona.id, "private", persona.first_name)
        settings = replace(
            self.base,
            token=TOKEN,
            api_base_url=self.fake.base_url,
            database_url=url,
            facilitator_ids=frozenset(p.id for p in demo.PERSONAS if p.facilitator),
            webhook_url=None,
            sweep_interval_seconds=5.0,
            # Nobody else shares this Telegram: no need to wait out its per-group pace.
            group_messages_per_minute=100_000,
        )
        await self._start_bot(settings)
        if not self.empty:
            await demo.build(self)
        self.ready.set()

    def _forget_database(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.database}{suffix}").unlink(missing_ok=True)

    async def _start_bot(self, settings: Settings) -> None:
        """The same steps as `run_polling`, so the sandbox can stop and start it again."""
        self.app = await start_polling_app(settings, clock=self.clock, done=self._done, timeout=10)

    async def _stop_bot(self) -> None:
        app, self.app = self.app, None
        if app is None:
            return
        assert app.updater is not None
        self.fake.wake_pollers()
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
        self._done.clear()

    # --- what people do -----------------------------------------------------------------------

    def persona(self, key: str) -> demo.Persona:
        for persona in demo.PERSONAS:
            if persona.key == key:
                return persona
        raise SandboxError(f"nobody called {key!r} here")

    def chat_of(self, persona: demo.Persona, chat_id: int) -> int:
        """`0` is the persona's private chat with the bot; other ids are the sandbox's groups."""
        if chat_id in (0, persona.id):
            return persona.id
        if chat_id not in {chat.id for chat in demo.CHATS}:
            raise SandboxError("no such chat")
        return chat_id

    async def say(
        self,
        persona: demo.Persona,
        chat_id: int,
        text: str,
        *,
        thread: int | None = None,
        reply_to: int | None = None,
    ) -> None:
        """Type a message in a chat (0: the private chat) and wait until the bot handled it."""
        text = text.strip()
        if not text:
            raise SandboxError("an empty message is not sent")
        if len(text) > 4096:
            raise SandboxError("a message holds at most 4096 characters")
        chat_id = self.chat_of(persona, chat_id)
        message = self._new_message(persona, chat_id, thread)
        message["text"] = text
        entities = telegram_entities(text)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = self._message_payload(chat_id, reply_to)
        await self._type(Typed(message, persona), {"message": message})

    async def create_topic(self, persona: demo.Persona, chat_id: int, name: str) -> int:
        """A forum topic, announced by the service message that creates it (its id is the
        topic's)."""
        name = name.strip()
        state = self.fake.chats.get(chat_id)
        if state is None or not state.is_forum:
            raise SandboxError("topics exist only in a group with topics")
        if not 1 <= len(name) <= 128:
            raise SandboxError("a topic name has 1 to 128 characters")
        message = self._new_message(persona, chat_id, None)
        message["message_thread_id"] = message["message_id"]
        message["is_topic_message"] = True
        message["forum_topic_created"] = {"name": name, "icon_color": 7322096}
        self.topics.setdefault(chat_id, []).append((message["message_id"], name))
        self.publish({"type": "chats", "chats": self.chats()})
        await self._type(Typed(message, persona, service="topic"), {"message": message})
        return int(message["message_id"])

    async def press(
        self, persona: demo.Persona, chat_id: int, message_id: int, data: str
    ) -> str | None:
        """Press an inline button; returns the text of Telegram's little notice, if any."""
        chat_id = self.chat_of(persona, chat_id)
        sent = self.fake.messages.get((chat_id, message_id))
        if sent is None or sent.deleted:
            raise SandboxError("that message is gone")
        if data not in [b.get("callback_data") for row in sent.buttons for b in row]:
            raise SandboxError("that button is not on the message")
        query_id = f"sandbox-{next(_query_ids)}"
        update = {
            "callback_query": {
                "id": query_id,
                "from": persona.user(),
                "chat_instance": str(chat_id),
                "message": self.fake._message_dict(sent),
                "data": data,
            }
        }
        await self._deliver(update)
        answer = self.fake.callback_answers.get(query_id) or {}
        text = answer.get("text")
        return str(text) if text else None

    def _new_message(
        self, persona: demo.Persona, chat_id: int, thread: int | None
    ) -> dict[str, Any]:
        state = self.fake.chats[chat_id]
        message: dict[str, Any] = {
            "message_id": self.fake.next_message_id(chat_id),
            "date": int(self.clock.now().timestamp()),
            "chat": state.as_dict(),
            "from": persona.user(),
        }
        if thread is not None:
            if not state.is_forum or thread not in dict(self.topics.get(chat_id, [])):
                raise SandboxError("no such topic in this chat")
            message["message_thread_id"] = thread
            message["is_topic_message"] = True
        return message

    def _message_payload(self, chat_id: int, message_id: int) -> dict[str, Any]:
        typed = self.typed.get((chat_id, message_id))
        if typed is not None:
            return {k: v for k, v in typed.payload.items() if k != "reply_to_message"}
        sent = self.fake.messages.get((chat_id, message_id))
        if sent is None or sent.deleted:
            raise SandboxError("the message to reply to is gone")
        return self.fake._message_dict(sent)

    async def _type(self, typed: Typed, update: dict[str, Any]) -> None:
        key = (typed.chat_id, typed.message_id)
        self.typed[key] = typed
        self.moments[key] = self.clock.now()
        self.publish({"type": "message", "message": self.entry(key)})
        await self._deliver(update)

    async def _deliver(self, payload: dict[str, Any], timeout: float = 30.0) -> None:
        if self.app is None:
            raise SandboxError("the bot is starting; try again in a moment")
        update_id = self.fake.push_update(payload)
        event = self._done.setdefault(update_id, asyncio.Event())
        await asyncio.wait_for(event.wait(), timeout)
        self._done.pop(update_id, None)
        self._report_rejections()

    def _report_rejections(self) -> None:
        for method, reason in self.fake.take_rejections():
            log.warning("the built-in Telegram refused %s: %s", method, reason)
        while self.fake.unknown_methods:
            log.warning("the built-in Telegram lacks %s", self.fake.unknown_methods.pop())

    # --- time ---------------------------------------------------------------------------------

    def local_now(self) -> dt.datetime:
        return self.clock.now().astimezone(self.tz)

    def next_working_morning(self) -> dt.datetime:
        """9:00 on the next working day (today, if it is one and not yet 9:00)."""
        now = self.local_now()
        rules = CalendarRules(tz=self.tz)
        day = next_working_day(now.date(), rules, include_today=now.time() < MORNING)
        return at_local(day, MORNING, rules)

    async def advance_to(self, moment: dt.datetime) -> int:
        """Let time pass until `moment` as if the sweep ran all along; returns how many
        messages the bot sent meanwhile. The clock stops at each moment a row falls due."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.tz)
        target = moment.astimezone(dt.UTC)
        if target < self.clock.now():
            raise SandboxError("time only moves forward")
        async with self._lock:
            before = len(self.fake.sent)
            for _ in range(10_000):
                await self._sweep()
                upcoming = await self._next_due()
                if upcoming is None or upcoming > target:
                    break
                self.clock.advance_to(upcoming)
                self.publish({"type": "clock", "clock": self.clock_state()})
            if self.clock.now() < target:
                self.clock.advance_to(target)
                await self._sweep()
        self.publish({"type": "clock", "clock": self.clock_state()})
        return len(self.fake.sent) - before

    async def _sweep(self) -> None:
        assert self.app is not None, "the bot is not running"
        await jobs.tick(self.app)
        self._report_rejections()

    async def _next_due(self) -> dt.datetime | None:
        assert self.app is not None
        now = self.clock.now()
        async with self.app.bot_data["runtime"].sessions() as session:
            rows = (
                await session.exec(select(Nudge).where(Nudge.status == NudgeStatus.PENDING))
            ).all()
        moments = [max(row.due_at, row.claimed_until or row.due_at) for row in rows]
        later = [m for m in moments if m > now]
        return min(later) if later else None

    def clock_state(self) -> dict[str, Any]:
        now = self.local_now()
        return {
            "now": now.isoformat(timespec="seconds"),
            "local": now.strftime("%Y-%m-%dT%H:%M"),
            "weekday": now.isoweekday(),
            "morning": self.next_working_morning().astimezone(self.tz).isoformat(),
        }

    # --- what the page shows ------------------------------------------------------------------

    def publish(self, event: dict[str, Any]) -> None:
        for queue in list(self._subscribers):
            queue.put_nowait(event)

    @contextlib.contextmanager
    def subscription(self) -> Any:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._subscribers.add(queue)
        try:
            yield queue
        finally:
            self._subscribers.discard(queue)

    def _bot_wrote(self, message: SentMessage) -> None:
        key = (message.chat_id, message.message_id)
        self.moments.setdefault(key, self.clock.now())
        self.publish({"type": "message", "message": self.entry(key)})

    def chats(self) -> list[dict[str, Any]]:
        return [
            {
                "id": chat.id,
                "title": chat.title,
                "type": chat.type,
                "forum": chat.forum,
                "topics": [
                    {"id": thread, "name": name} for thread, name in self.topics.get(chat.id, [])
                ],
            }
            for chat in demo.CHATS
        ]

    def state(self) -> dict[str, Any]:
        keys = sorted(set(self.typed) | set(self.fake.messages), key=lambda k: (k[0], k[1]))
        return {
            "personas": [p.as_dict() for p in demo.PERSONAS],
            "chats": self.chats(),
            "messages": [entry for key in keys if (entry := self.entry(key)) is not None],
            "clock": self.clock_state(),
            "ready": self.ready.is_set(),
        }

    def commands(self, persona: demo.Persona, chat_id: int) -> list[dict[str, str]]:
        chat_id = self.chat_of(persona, chat_id)
        return self.fake.menu_for(chat_id, persona.id, persona.language)

    def document(self, chat_id: int, message_id: int) -> tuple[str, bytes]:
        sent = self.fake.messages.get((chat_id, message_id))
        if sent is None or sent.document is None:
            raise SandboxError("no such document")
        return sent.document

    def entry(self, key: tuple[int, int]) -> dict[str, Any] | None:
        """One message as the page draws it; bot HTML goes as a tree of nodes, never markup."""
        chat_id, message_id = key
        moment = self.moments.get(key, self.clock.now()).astimezone(self.tz)
        entry: dict[str, Any] = {
            "key": f"{chat_id}:{message_id}",
            "chat": chat_id,
            "id": message_id,
            "time": moment.strftime("%d/%m %H:%M"),
        }
        typed = self.typed.get(key)
        if typed is not None:
            payload = typed.payload
            persona = typed.persona
            entry |= {
                "from": persona.as_dict() if persona else None,
                "text": payload.get("text")
                or payload.get("forum_topic_created", {}).get("name", ""),
                "thread": payload.get("message_thread_id"),
                "service": typed.service,
                "reply_to": self._quote(chat_id, payload.get("reply_to_message")),
            }
            return entry
        sent = self.fake.messages.get(key)
        if sent is None:
            return None
        entry |= {
            "from": {"key": "bot", "name": self.fake.bot_user["first_name"], "bot": True},
            "html": html_tree(sent.html) if sent.html else [],
            "thread": sent.thread_id if self.fake.chats[chat_id].is_forum else None,
            "edited": sent.edits > 0,
            "deleted": sent.deleted,
            "buttons": [
                [
                    {"text": b.get("text", ""), "data": b.get("callback_data"), "url": b.get("url")}
                    for b in row
                ]
                for row in sent.buttons
            ],
            "reply_to": self._quote(chat_id, {"message_id": sent.reply_to})
            if sent.reply_to
            else None,
        }
        if sent.document is not None:
            entry["document"] = {
                "name": sent.document[0],
                "size": len(sent.document[1]),
                "url": f"/api/file/{chat_id}/{message_id}",
            }
        return entry

    def _quote(self, chat_id: int, payload: dict[str, Any] | None) -> dict[str, Any] | None:
        if not payload:
            return None
        message_id = int(payload["message_id"])
        key = (chat_id, message_id)
        typed = self.typed.get(key)
        if typed is not None:
            name = typed.persona.name if typed.persona else "?"
            text = str(typed.payload.get("text", ""))
        elif (sent := self.fake.messages.get(key)) is not None:
            name, text = str(self.fake.bot_user["first_name"]), sent.text or (sent.filename or "")
        else:
            return None
        return {"id": message_id, "name": name, "text": text[:120]}


_ENTITY = re.compile(
    r"(?P<command>^/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?)|(?P<mention>@[A-Za-z][A-Za-z0-9_]{1,31})|(?P<hashtag>#\w+)"
)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def telegram_entities(text: str) -> list[dict[str, Any]]:
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
    return entities
