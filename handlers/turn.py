"""One update, one database session: the place that loads the cluster and the sender,
checks roles, and turns domain errors into replies.

Handlers are written as `async def name(turn: Turn) -> None` and wired with `command(...)` or
`button(...)`; they never open a session or look up the cluster themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
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
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from handlers import sending
from handlers.dates import DateParseError
from handlers.i18n import LANGUAGES, Html, render, t, tn
from handlers.menu import CommandSpec, spec
from handlers.render import callback_text
from handlers.runtime import Runtime, runtime_of
from models.clusters import (
    Cluster,
    Member,
    Role,
    arrive,
    coordinates_any,
    get_cluster,
)
from models.db import changed, end_read_transaction, forget_writes, wrote
from models.errors import DomainError, NotAllowed
from models.nudges import Claim, add_outbox, mark_failed, mark_undeliverable

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
    outbox: list[sending.Entry] = field(default_factory=list)
    _answer: tuple[str, bool] | None = None
    _later: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

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
            await end_read_transaction(self.session)
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
        self,
        text: str,
        *,
        reply_markup: InlineKeyboardMarkup | None = None,
        remember_poll: int | None = None,
    ) -> None:
        """Answer in the chat and topic the update came from, once the turn is committed."""
        self.outbox += await sending.message(
            self.session,
            chat_id=self.chat_id,
            text=text,
            cluster=self.cluster,
            thread_id=self.thread_id,
            markup=reply_markup,
            remember_poll=remember_poll,
        )

    async def say(self, key: str, /, **params: Any) -> None:
        await self.reply(self.t(key, **params))

    async def send_file(self, data: bytes, filename: str, caption: str | None = None) -> None:
        self.outbox.append(
            sending.document(
                chat_id=self.chat_id,
                data=data,
                filename=filename,
                caption=caption,
                cluster=self.cluster,
                thread_id=self.thread_id,
            )
        )

    def post(self, entries: list[sending.Entry]) -> None:
        """More to send once committed (an announcement, an invitation, an edit)."""
        self.outbox += entries

    def answer(self, text: str = "", *, show_alert: bool = False) -> None:
        """Answer the button press, once committed (plain text, at most 200 characters)."""
        self._answer = (text, show_alert)

    def later(self, action: Callable[[], Awaitable[None]]) -> None:
        """Telegram work that must wait for the commit and needs no retry (a refresh)."""
        self._later.append(action)


def command(name: str, handler: Handler) -> CommandHandler[Any, None]:
    """Wire `handler` to the command's Dutch name and its English and French aliases (also
    `/cmd@botname`)."""
    command_spec = spec(name)

    async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await run_turn(update, context, command_spec, handler)

    callback.__doc__ = handler.__doc__
    callback.__name__ = handler.__name__
    return CommandHandler(command_spec.names, callback)


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button no capability knows (an old keyboard, crafted data): still answered, so the
    client stops spinning."""
    query = update.callback_query
    if query is None:
        return
    runtime = runtime_of(context.bot_data)
    user = update.effective_user
    code = ((user.language_code if user else None) or "").split("-")[0].lower()
    lang = code if code in LANGUAGES else runtime.default_language
    try:
        await query.answer(callback_text(t(lang, "button.unknown")), show_alert=True)
    except TelegramError:
        log.info("could not answer an unknown button", exc_info=True)


def fallback_button() -> CallbackQueryHandler[Any, None]:
    """Registered last: catches the presses no other handler took."""
    return CallbackQueryHandler(unknown_button)


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
    """Handle one update in one transaction; say what it changed only once that is committed.

    What the handler says is collected while it runs. A turn that changed something keeps its
    messages on an outbox row in the same transaction, so a send that fails after the commit is
    retried by the sweep; a turn that changed nothing just sends. No transaction is open while
    Telegram (or the rate limiter) is waited for.
    """
    runtime = runtime_of(context.bot_data)
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None:
        return
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        if message.sender_chat.id == chat.id and command_spec is not None:
            await _tell_anonymous_admin(update, context, chat.id)
        return  # a channel's post or an auto-forward: nobody to answer or to register
    if not is_person(user):
        return
    now = runtime.clock.now()
    private = chat.type == ChatType.PRIVATE
    claim: Claim | None = None
    async with runtime.turns, runtime.sessions() as session:
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
            if changed(session):  # who spoke, and when, stays whatever the handler then does
                await session.commit()
        forget_writes(session)
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
        try:
            if command_spec is not None and not command_spec.allowed_in(private=private):
                raise DomainError("chat.private_only" if not private else "chat.group_only")
            if not private and cluster is None and needed != Role.ANYONE:
                raise DomainError("cluster.not_registered")
            if message is not None and _has_control_character(message.text or ""):
                raise DomainError("input.control_character")
            if not await turn.has_role(needed):
                raise NotAllowed(f"role.needs_{needed.value}")
            await handler(turn)
            if turn.outbox and wrote(session):
                claim = await add_outbox(
                    session,
                    cluster_id=cluster.id if cluster is not None else None,
                    key=f"{update.update_id}:{now:%Y%m%d%H%M%S%f}",
                    messages=turn.outbox,
                    now=now,
                )
            await session.commit()
        except (DomainError, DateParseError) as error:
            turn.outbox.clear()
            turn._later.clear()
            turn._answer = None
            claim = None
            # Built before the rollback, which would expire the cluster the reply reads.
            await _refuse(turn, error.key, **error.params)
            await session.rollback()
    await _say(turn, claim)


# Telegram's own accounts: the service account that posts a linked channel's auto-forwards,
# the one anonymous admins write as, and the one channels write as in their discussion group.
SERVICE_USER_IDS = frozenset({777000, 1087968824, 136817688})


def is_person(user: User) -> bool:
    """A human member: never a bot, nor one of Telegram's service accounts."""
    return not user.is_bot and user.id not in SERVICE_USER_IDS


def _has_control_character(text: str) -> bool:
    """U+0000 and friends: PostgreSQL refuses them in text, and nobody types them on purpose."""
    return any(unicodedata.category(char) == "Cc" and char not in "\n\t\r" for char in text)


async def _tell_anonymous_admin(
    update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int
) -> None:
    runtime = runtime_of(context.bot_data)
    async with runtime.turns, runtime.sessions() as session:
        cluster = await get_cluster(session, chat_id)
    lang = cluster.language if cluster is not None else runtime.default_language
    message = update.effective_message
    thread = message.message_thread_id if message is not None and message.is_topic_message else None
    entry = {"chat": chat_id, "text": t(lang, "chat.anonymous_admin"), "thread": thread}
    await sending.deliver(context.bot, runtime.sessions, [entry], {})


async def _say(turn: Turn, claim: Claim | None) -> None:
    """After the commit: answer the press, send the messages, then the rest."""
    bot = turn.context.bot
    query = turn.query
    if query is not None:
        text, alert = turn._answer or ("", False)
        try:
            await query.answer(text, show_alert=alert)
        except TelegramError:  # an old press: the answer is a courtesy, the change stands
            log.info("could not answer a button press", exc_info=True)
    if turn.outbox:
        progress: dict[str, Any] = {"sent": 0}
        sessions, gate = turn.runtime.sessions, turn.runtime.turns
        try:
            await sending.deliver(bot, sessions, turn.outbox, progress)
        except sending.Undeliverable:
            # The bot was removed from the chat: the cluster is marked inactive, say nothing.
            if claim is not None:
                async with gate, sessions() as session:
                    await mark_undeliverable(session, claim=claim, error="chat gone")
                    await session.commit()
            return
        except Exception as exc:
            if claim is None:
                raise  # nothing was stored: the error handler tells the chat
            log.warning("reply in chat %s failed; the sweep retries it: %s", turn.chat_id, exc)
            async with gate, sessions() as session:
                payload = {"messages": turn.outbox, **progress}
                error = f"{type(exc).__name__}: {exc}"
                await mark_failed(
                    session, claim=claim, now=turn.runtime.clock.now(), error=error, payload=payload
                )
                await session.commit()
            return
        if claim is not None:
            await turn.runtime.discards.discard(claim)
    for action in turn._later:
        try:
            await action()
        except TelegramError:
            log.info("after-commit work failed", exc_info=True)


async def _refuse(turn: Turn, key: str, **params: Any) -> None:
    text = turn.render(key, **params)
    if turn.query is not None:
        turn.answer(callback_text(text), show_alert=True)
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
