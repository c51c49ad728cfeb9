"""One update, one database session: the place that loads the cluster and the sender,
checks roles, and turns domain errors into replies.

Handlers are written as `async def name(turn: Turn) -> None` and wired with `command(...)` or
`button(...)`; they never open a session or look up the cluster themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import (
    CallbackQuery,
    ChatMember,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from handlers.dates import DateParseError
from handlers.i18n import LANGUAGES, Html, render, t, tn
from handlers.menu import CommandSpec, spec
from handlers.render import callback_text
from handlers.runtime import Runtime, runtime_of
from handlers.sending import Undeliverable, send
from models.clusters import (
    Cluster,
    Member,
    Role,
    arrive,
    coordinates_any,
)
from models.errors import DomainError, NotAllowed

log = logging.getLogger(__name__)

Handler = Callable[["Turn"], Awaitable[None]]


@dataclass
class Turn:
    """Everything one handler call needs: the update, its session, the cluster and sender."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    runtime: Runtime
    session: AsyncSession
    now: dt.datetime
    cluster: Cluster | None
    member: Member | None
    lang: str
    role: Role
    args: list[str] = field(default_factory=list)
    _admin_checked: bool = False

    # --- who --------------------------------------------------------------------------------

    @property
    def user(self) -> User | None:
        return self.update.effective_user

    @property
    def message(self) -> Message | None:
        return self.update.effective_message

    @property
    def query(self) -> CallbackQuery | None:
        return self.update.callback_query

    @property
    def chat_id(self) -> int:
        chat = self.update.effective_chat
        assert chat is not None
        return chat.id

    @property
    def is_private(self) -> bool:
        chat = self.update.effective_chat
        return chat is not None and chat.type == ChatType.PRIVATE

    @property
    def is_facilitator(self) -> bool:
        return self.role == Role.FACILITATOR

    @property
    def thread_id(self) -> int | None:
        """The forum topic the update came from, or None outside topics."""
        message = self.message
        if message is None or not message.is_topic_message:
            return None
        return message.message_thread_id

    @property
    def text_args(self) -> str:
        """Everything after the command, as typed (keeps punctuation and line breaks)."""
        message = self.message
        if message is None or not message.text:
            return ""
        parts = message.text.split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.cluster.timezone) if self.cluster else self.runtime.tz

    @property
    def local_now(self) -> dt.datetime:
        return self.now.astimezone(self.tz)

    def require_cluster(self) -> Cluster:
        assert self.cluster is not None, "command declared for groups runs in a cluster"
        return self.cluster

    def require_member(self) -> Member:
        assert self.member is not None
        return self.member

    async def has_role(self, needed: Role) -> bool:
        """Telegram admins of the group count as coordinators; asked only when it matters."""
        if self.role.rank >= needed.rank:
            return True
        if needed == Role.COORDINATOR and self.cluster and self.user and not self._admin_checked:
            self._admin_checked = True
            member = await self.context.bot.get_chat_member(self.chat_id, self.user.id)
            if member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER):
                self.role = Role.COORDINATOR
                return True
        return False

    async def require(self, needed: Role) -> None:
        if not await self.has_role(needed):
            raise NotAllowed(f"role.needs_{needed.value}")

    # --- saying -----------------------------------------------------------------------------

    def t(self, key: str, /, **params: Any) -> Html:
        return t(self.lang, key, **params)

    def tn(self, key: str, count: int, /, **params: Any) -> Html:
        return tn(self.lang, key, count, **params)

    def render(self, key: str, /, **params: Any) -> Html:
        """`t` or `tn`, whichever `key` is (for keys chosen at run time)."""
        return render(self.lang, key, **params)

    async def reply(
        self, text: str, *, reply_markup: InlineKeyboardMarkup | None = None, **kwargs: Any
    ) -> Message:
        """Answer in the chat and topic the update came from."""
        return await send(
            self.context.bot,
            self.session,
            chat_id=self.chat_id,
            text=text,
            cluster=self.cluster,
            thread_id=self.thread_id,
            reply_markup=reply_markup,
            **kwargs,
        )

    async def say(self, key: str, /, **params: Any) -> Message:
        return await self.reply(self.t(key, **params))


def command(name: str, handler: Handler) -> CommandHandler[Any, None]:
    """Wire `handler` to the command's Dutch name and its English and French aliases (also
    `/cmd@botname`)."""
    command_spec = spec(name)

    async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await run_turn(update, context, command_spec, handler)

    callback.__doc__ = handler.__doc__
    callback.__name__ = handler.__name__
    return CommandHandler(command_spec.names, callback)


def button(
    prefix: str, handler: Handler, *, role: Role = Role.MEMBER
) -> CallbackQueryHandler[Any, None]:
    """Wire inline buttons whose callback data starts with `prefix:`."""

    async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await run_turn(update, context, None, handler, button_role=role)

    callback.__doc__ = handler.__doc__
    callback.__name__ = handler.__name__
    return CallbackQueryHandler(callback, pattern=rf"^{prefix}:")


async def run_turn(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    command_spec: CommandSpec | None,
    handler: Handler,
    *,
    button_role: Role = Role.MEMBER,
) -> None:
    runtime = runtime_of(context.bot_data)
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None or user.is_bot:
        return
    now = runtime.clock.now()
    private = chat.type == ChatType.PRIVATE
    async with runtime.sessions() as session:
        cluster = member = None
        if not private:
            arrival = await arrive(
                session,
                chat_id=chat.id,
                user_id=user.id,
                name=user.full_name,
                username=user.username,
                now=now,
                # Activity means a member's act: the facilitator's own commands keep nobody busy.
                active=user.id not in runtime.facilitator_ids,
            )
            cluster, member = arrival.cluster, arrival.member
            # Ends the lookup's transaction too, so a refusal's rollback keeps these loaded.
            await session.commit()
        lang = chat_language(cluster, user, runtime)
        role = _role(user, cluster, member, runtime)
        if private and role == Role.ANYONE and await coordinates_any(session, user_id=user.id):
            role = Role.COORDINATOR  # their own clusters' /export and /traject, in private
        turn = Turn(
            update=update,
            context=context,
            runtime=runtime,
            session=session,
            now=now,
            cluster=cluster,
            member=member,
            lang=lang,
            role=role,
            args=list(context.args or []),
        )
        needed = command_spec.role if command_spec else button_role
        if command_spec is not None and not command_spec.allowed_in(private=private):
            await turn.say("chat.private_only" if not private else "chat.group_only")
            return
        if not private and cluster is None and needed != Role.ANYONE:
            await _refuse(turn, "cluster.not_registered")
            return
        try:
            if not await turn.has_role(needed):
                raise NotAllowed(f"role.needs_{needed.value}")
            await handler(turn)
            await session.commit()
        except (DomainError, DateParseError) as error:
            await session.rollback()
            await _refuse(turn, error.key, **error.params)
        except Undeliverable:
            # The bot was removed from the chat: keep the cluster marked inactive, say nothing.
            await session.commit()


async def _refuse(turn: Turn, key: str, **params: Any) -> None:
    text = turn.render(key, **params)
    if turn.query is not None:
        await turn.query.answer(callback_text(text), show_alert=True)
    else:
        await turn.reply(text)


def chat_language(cluster: Cluster | None, user: User, runtime: Runtime) -> str:
    """The cluster's language; outside one, the sender's Telegram language if the bot has it."""
    if cluster is not None:
        return cluster.language
    code = (user.language_code or "").split("-")[0].lower()
    return code if code in LANGUAGES else runtime.default_language


def _role(user: User, cluster: Cluster | None, member: Member | None, runtime: Runtime) -> Role:
    if user.id in runtime.facilitator_ids:
        return Role.FACILITATOR
    if cluster is None:
        return Role.ANYONE
    if member is not None and member.role == Role.COORDINATOR:
        return Role.COORDINATOR
    return Role.MEMBER
