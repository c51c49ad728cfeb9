"""A fake Telegram Bot API served over real HTTP on 127.0.0.1.

It keeps what Telegram keeps (chats, messages, updates, the command menu), checks what Telegram
checks (HTML parse mode, message length, button data size, closed topics, migrated and kicked
chats), and answers any method it does not know with an error, so a gap fails the test. The
tests, the benchmarks and the sandbox's browser chat all run the bot against it.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

# Update kinds Telegram sends only to a bot that names them in `allowed_updates`.
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
BOT_ID = 7_000_000_001
TOKEN = f"{BOT_ID}:TEST-token-for-the-fake-api"
# Values Telegram sends as strings even when they look like numbers or JSON.
STRING_FIELDS = {
    "text",
    "caption",
    "callback_query_id",
    "parse_mode",
    "url",
    "language_code",
    "secret_token",
    "description",
    "short_description",
    "title",
    "name",
}
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "span", "tg-spoiler", "blockquote", "tg-emoji",
}  # fmt: skip


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass
class Fault:
    status: int
    description: str
    parameters: dict[str, Any] | None = None
    delay: float = 0.0
    drop: bool = False  # close the connection without an answer, as a network failure does


@dataclass
class SentMessage:
    """A message the bot sent, as the fake keeps it (edits update it in place)."""

    chat_id: int
    message_id: int
    html: str
    text: str
    thread_id: int | None
    reply_markup: dict[str, Any] | None
    document: tuple[str, bytes] | None = None
    edits: int = 0
    deleted: bool = False
    reply_to: int | None = None  # the message id it answers, as Telegram shows a quote

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        if not self.reply_markup:
            return []
        rows: list[list[dict[str, Any]]] = self.reply_markup.get("inline_keyboard", [])
        return rows

    @property
    def button_texts(self) -> list[list[str]]:
        return [[button["text"] for button in row] for row in self.buttons]

    @property
    def filename(self) -> str | None:
        return self.document[0] if self.document else None

    @property
    def content(self) -> bytes:
        assert self.document is not None, "not a document"
        return self.document[1]


@dataclass
class ChatState:
    id: int
    type: str
    title: str | None = None
    is_forum: bool = False
    admins: set[int] = field(default_factory=set)
    kicked: bool = False
    migrated_to: int | None = None
    closed_topics: set[int] = field(default_factory=set)
    next_message_id: int = 1

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.title:
            data["title"] = self.title
        if self.is_forum:
            data["is_forum"] = True
        if self.type == "private":
            data["first_name"] = self.title or "user"
        return data


class _TelegramHtml(HTMLParser):
    """Validates HTML the way Telegram's parse mode does and yields the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.parts: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.error = f'unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = f'unexpected end tag "{tag}"'
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data:
            self.error = "unescaped <"
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.error = f"unsupported entity &{name};"
        self.parts.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.parts.append(html.unescape(f"&#{name};"))


class _HtmlTree(HTMLParser):
    """Telegram HTML (already validated) as nested nodes, for a page to build DOM nodes from."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list[Any] = []
        self.stack: list[list[Any]] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node: dict[str, Any] = {"tag": tag, "children": []}
        for name, value in attrs:
            if name in ("href", "class", "language") and value is not None:
                node[name] = value
        self.stack[-1].append(node)
        self.stack.append(node["children"])

    def handle_endtag(self, tag: str) -> None:
        if len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].append(data)


def html_tree(text: str) -> list[Any]:
    """Text and `{"tag", "children", "href"?}` nodes: markup as data, never as markup to run."""
    parser = _HtmlTree()
    parser.feed(text)
    parser.close()
    return parser.root


def parse_html(text: str) -> str:
    """The visible text, or ApiError as Telegram answers for malformed markup."""
    if re.search(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", text):
        raise ApiError(400, "Bad Request: can't parse entities: unescaped &")
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.error or parser.stack:
        raise ApiError(400, f"Bad Request: can't parse entities: {parser.error or 'unclosed tag'}")
    return "".join(parser.parts)


class FakeTelegram:
    """The server; tests talk to it through `tests/e2e/harness.py`, the sandbox through its page."""

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.port = 0
        self.message_sent = asyncio.Condition()
        # Called with each message the bot sends, edits or deletes (the sandbox's page listens).
        self.listeners: list[Callable[[SentMessage], None]] = []
        self.reset()

    def reset(self) -> None:
        """Forget every chat, message and update, as a new Telegram would; the server stays."""
        self.bot_user = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Klimaatbot",
            "username": "klimaatbot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.chats: dict[int, ChatState] = {}
        self.users: dict[int, dict[str, Any]] = {}  # people the tests made, by id
        self.messages: dict[tuple[int, int], SentMessage] = {}
        self.sent: list[SentMessage] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.unknown_methods: list[str] = []
        self.rejections: list[tuple[str, str]] = []
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.commands: dict[tuple[str, str | None], list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.faults: dict[str, list[Fault]] = {}
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self.allowed_updates: set[str] | None = None
        self._delivered_up_to = 0
        waiting: asyncio.Event | None = getattr(self, "_arrived", None)
        if waiting is not None:
            waiting.set()  # a long poll still waiting returns now
        self._arrived = asyncio.Event()

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(
        self, *, port: int = 0, routes: Callable[[web.Application], None] | None = None
    ) -> str:
        """Serve on 127.0.0.1 (`port` 0: any free one); `routes` may add pages beside the API."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        if routes is not None:
            routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        try:
            await site.start()
        except OSError:
            await self._runner.cleanup()
            raise
        server = site._server
        sockets = getattr(server, "sockets", None)
        assert sockets
        self.port = int(sockets[0].getsockname()[1])
        self.base_url = f"http://127.0.0.1:{self.port}/bot"
        return self.base_url

    async def stop(self) -> None:
        self._arrived.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what tests do -------------------------------------------------------------------------

    def chat(
        self, chat_id: int, type_: str, title: str | None, *, is_forum: bool = False
    ) -> ChatState:
        state = ChatState(id=chat_id, type=type_, title=title, is_forum=is_forum)
        self.chats[chat_id] = state
        return state

    def _wanted(self, update: dict[str, Any]) -> bool:
        kinds = set(update) - {"update_id"}
        if self.allowed_updates is None:
            return not kinds & _NOT_BY_DEFAULT
        return bool(kinds & self.allowed_updates)

    def wake_pollers(self) -> None:
        """A long poll waiting for updates returns now (a bot that stops need not wait it out)."""
        self._arrived.set()

    def push_update(self, payload: dict[str, Any]) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, **payload})
        self._arrived.set()
        return update_id

    def next_message_id(self, chat_id: int) -> int:
        state = self.chats[chat_id]
        message_id = state.next_message_id
        state.next_message_id += 1
        return message_id

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        *,
        parameters: dict[str, Any] | None = None,
        times: int = 1,
        delay: float = 0.0,
        drop: bool = False,
    ) -> None:
        self.faults.setdefault(method, []).extend(
            Fault(status, description, parameters, delay, drop) for _ in range(times)
        )

    def slow_next(self, method: str, delay: float, *, times: int = 1) -> None:
        """The next calls of `method` succeed, after `delay` seconds."""
        self.fail_next(method, 200, "", times=times, delay=delay)

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """The next calls of `method` lose their connection: the client sees a network error."""
        self.fail_next(method, 0, "connection dropped", times=times, drop=True)

    def menu_for(
        self, chat_id: int, user_id: int, language: str | None = None
    ) -> list[dict[str, str]]:
        """The command menu Telegram shows this user in this chat: the narrowest scope set,
        in the user's language if the bot set one, as Telegram's clients resolve it."""
        state = self.chats.get(chat_id)
        if state is None:
            return []
        if state.type == "private":
            scopes = [{"type": "chat", "chat_id": chat_id}, {"type": "all_private_chats"}]
        else:
            admin = user_id in state.admins
            scopes = [{"type": "chat_member", "chat_id": chat_id, "user_id": user_id}]
            scopes += [{"type": "chat_administrators", "chat_id": chat_id}] if admin else []
            scopes += [{"type": "chat", "chat_id": chat_id}]
            scopes += [{"type": "all_chat_administrators"}] if admin else []
            scopes += [{"type": "all_group_chats"}]
        scopes.append({"type": "default"})
        for scope in scopes:
            key = json.dumps(scope, sort_keys=True)
            for lang in (language, None):
                commands = self.commands.get((key, lang))
                if commands is not None:
                    return commands
        return []

    def take_rejections(self) -> list[tuple[str, str]]:
        """The errors the fake answered so far, forgotten so the test's end check passes;
        for scenarios that provoke Telegram errors on purpose."""
        taken, self.rejections = self.rejections, []
        return taken

    # --- the HTTP side ---------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        try:
            params = await self._params(request)
        except ConnectionResetError:  # the client left mid-request (a bot stopped): nobody reads
            return web.Response(status=400)
        self.calls.append((method, params))
        faults = self.faults.get(method)
        if faults:
            fault = faults.pop(0)
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.drop:
                assert request.transport is not None
                request.transport.close()
                raise ConnectionResetError("dropped by the fake")
            if fault.status != 200:  # a slow success goes on below
                return self._error(ApiError(fault.status, fault.description, fault.parameters))
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            self.unknown_methods.append(method)
            return self._error(ApiError(404, f"Not Found: method {method} is not in the fake API"))
        try:
            result = await handler(params)
        except ApiError as error:
            self.rejections.append((method, error.description))
            return self._error(error)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(error: ApiError) -> web.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": error.code,
            "description": error.description,
        }
        if error.parameters:
            body["parameters"] = error.parameters
        return web.json_response(body, status=error.code)

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            data: dict[str, Any] = await request.json()
            return data
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = (value.filename, value.file.read())
            elif key in STRING_FIELDS:
                params[key] = str(value)
            else:
                try:
                    params[key] = json.loads(str(value))
                except ValueError:
                    params[key] = str(value)
        return params

    # --- methods -------------------------------------------------------------------------------

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url", ""))
        if not url.startswith(("http://127.0.0.1", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        self.webhook = {"url": url, "secret_token": params.get("secret_token")}
        return True

    async def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        for command in commands:
            name, description = command["command"], command["description"]
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: command description is invalid")
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands[(scope, params.get("language_code"))] = commands
        return True

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, str):
            allowed = json.loads(allowed) if allowed else []
        if allowed is not None:
            # Telegram keeps the last list given; an empty one means its default.
            self.allowed_updates = set(allowed) or None
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        # Kinds not asked for are never delivered (Telegram drops them, as here).
        self._updates = [u for u in self._updates if self._wanted(u)]
        if not self._updates and timeout:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout)
            self._updates = [u for u in self._updates if self._wanted(u)]
        limit = int(params.get("limit") or 100)
        return self._updates[:limit]

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        state = self._writable_chat(params)
        text = params.get("text", "")
        visible = self._visible(text, params)
        if not visible.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(visible) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return await self._store(state, params, html_text=text, visible=visible)

    async def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        state = self._writable_chat(params)
        document = params.get("document")
        if not isinstance(document, tuple):
            raise ApiError(400, "Bad Request: there is no document in the request")
        caption = params.get("caption", "")
        visible = self._visible(caption, params) if caption else ""
        if len(visible) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        return await self._store(
            state, params, html_text=caption, visible=visible, document=document
        )

    async def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._existing(params)
        text = params.get("text", "")
        visible = self._visible(text, params)
        if len(visible) > 4096:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        markup = self._markup(params)
        if text == message.html and markup == message.reply_markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        message.html, message.text, message.reply_markup = text, visible, markup
        message.edits += 1
        await self._notify(message)
        return self._message_dict(message)

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._existing(params)
        markup = self._markup(params)
        if markup == message.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified")
        message.reply_markup = markup
        message.edits += 1
        await self._notify(message)
        return self._message_dict(message)

    async def _api_deleteMessage(self, params: dict[str, Any]) -> bool:
        message = self._existing(params)
        message.deleted = True
        await self._notify(message)
        return True

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        query_id = params["callback_query_id"]
        if query_id in self.callback_answers:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        self.callback_answers[query_id] = params
        return True

    async def _api_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        state = self._chat(params)
        user_id = int(params["user_id"])
        status = "administrator" if user_id in state.admins else "member"
        member: dict[str, Any] = {
            "status": status,
            "user": {"id": user_id, "is_bot": False, "first_name": "user"},
        }
        if status == "administrator":
            member |= {
                "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
                "can_delete_messages": True, "can_manage_video_chats": True,
                "can_restrict_members": True, "can_promote_members": False,
                "can_change_info": True, "can_invite_users": True, "can_post_stories": False,
                "can_edit_stories": False, "can_delete_stories": False,
            }  # fmt: skip
        return member

    async def _api_getChatAdministrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Telegram refuses this for private chats; in groups it lists the admins, no bots."""
        state = self._chat(params)
        if state.type == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        if state.kicked:
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")
        admins = []
        for user_id in sorted(state.admins):
            member = await self._api_getChatMember({"chat_id": state.id, "user_id": user_id})
            member["user"] = self.users.get(
                user_id, {"id": user_id, "is_bot": False, "first_name": "user"}
            )
            admins.append(member)
        return admins

    # --- helpers -------------------------------------------------------------------------------

    def _chat(self, params: dict[str, Any]) -> ChatState:
        chat_id = int(params.get("chat_id", 0))
        state = self.chats.get(chat_id)
        if state is None:
            raise ApiError(400, "Bad Request: chat not found")
        return state

    def _writable_chat(self, params: dict[str, Any]) -> ChatState:
        state = self._chat(params)
        if state.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": state.migrated_to},
            )
        if state.kicked:
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")
        thread = params.get("message_thread_id")
        if thread is not None and int(thread) in state.closed_topics:
            raise ApiError(400, "Bad Request: TOPIC_CLOSED")
        return state

    def _existing(self, params: dict[str, Any]) -> SentMessage:
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        message = self.messages.get(key)
        if message is None or message.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _visible(self, text: str, params: dict[str, Any]) -> str:
        if params.get("parse_mode") == "HTML":
            return parse_html(text)
        return text

    @staticmethod
    def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if not markup:
            return None
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: BUTTON_TEXT_EMPTY")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        result: dict[str, Any] = markup
        return result

    async def _store(
        self,
        state: ChatState,
        params: dict[str, Any],
        *,
        html_text: str,
        visible: str,
        document: tuple[str, bytes] | None = None,
    ) -> dict[str, Any]:
        thread = params.get("message_thread_id")
        reply = params.get("reply_parameters") or {}
        if not reply and params.get("reply_to_message_id"):
            reply = {"message_id": params["reply_to_message_id"]}
        message = SentMessage(
            chat_id=state.id,
            message_id=self.next_message_id(state.id),
            html=html_text,
            text=visible,
            thread_id=int(thread) if thread is not None else None,
            reply_markup=self._markup(params),
            document=document,
            reply_to=int(reply["message_id"]) if reply.get("message_id") else None,
        )
        self.messages[(state.id, message.message_id)] = message
        self.sent.append(message)
        await self._notify(message)
        return self._message_dict(message)

    async def _notify(self, message: SentMessage) -> None:
        for listener in self.listeners:
            listener(message)
        async with self.message_sent:
            self.message_sent.notify_all()

    def _message_dict(self, message: SentMessage) -> dict[str, Any]:
        state = self.chats[message.chat_id]
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": 1_700_000_000,
            "chat": state.as_dict(),
            "from": self.bot_user,
        }
        if message.document is not None:
            data["document"] = {
                "file_id": f"doc-{message.message_id}",
                "file_unique_id": f"u-{message.message_id}",
                "file_name": message.document[0],
            }
            if message.text:
                data["caption"] = message.text
        else:
            data["text"] = message.text
        if message.thread_id is not None and state.is_forum:
            data["message_thread_id"] = message.thread_id
            data["is_topic_message"] = True
        # Telegram echoes only inline keyboards in a Message; a ForceReply is not part of it.
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data
