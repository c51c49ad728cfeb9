"""What every handler needs from the house, handed over through `bot_data`."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application

from models.db import SessionMaker
from models.nudges import ReplyDiscards
from scheduler.clock import Clock

RUNTIME_KEY = "runtime"

# Turns holding a database session at once (a turn's own and the one marking its reply sent).
# The pool has 5 + 10 connections: the rest stay free for the sweep, so a burst of updates in
# many chats waits its turn here, in order and without a time-out, never in the pool (which
# gives up after 30 seconds).
TURNS_AT_ONCE = 10

# The Application with python-telegram-bot's default context types, as every module uses it.
App = Application[Any, Any, Any, Any, Any, Any]


class ChatOrder(Protocol):
    """The order in which one chat's updates are handled (bot/updates.py keeps it)."""

    def in_order(self, key: object) -> AbstractAsyncContextManager[None]: ...


@dataclass
class Runtime:
    engine: AsyncEngine  # for the few statements that need no session
    sessions: SessionMaker
    clock: Clock
    facilitator_ids: frozenset[int]
    timezone: str
    default_language: str
    project_price_eur: str
    chat_order: ChatOrder | None = None
    turns: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(TURNS_AT_ONCE))
    discards: ReplyDiscards = field(init=False)  # the replies sent, their outbox rows dropped

    def __post_init__(self) -> None:
        self.discards = ReplyDiscards(self.engine, self.turns)

    def in_chat_order(self, chat_id: int) -> AbstractAsyncContextManager[None]:
        """Run between the chat's updates, never during one."""
        return self.chat_order.in_order(chat_id) if self.chat_order else nullcontext()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def runtime_of(bot_data: dict[Any, Any]) -> Runtime:
    runtime = bot_data[RUNTIME_KEY]
    assert isinstance(runtime, Runtime)
    return runtime
