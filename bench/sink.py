"""A Bot API that answers in-process: rows about the bot's own work measure the bot, not HTTP.

Every call gets a canned success (the message, in the chat it went to; the bot itself for
`getMe`; a plain member for `getChatMember`) without a network round trip, and what was asked
for is kept, so an anchor can send the very same texts.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from telegram.request import BaseRequest, RequestData

from bench.fake import BOT_ID

_ME = json.dumps(
    {
        "ok": True,
        "result": {"id": BOT_ID, "is_bot": True, "first_name": "Klimaatbot", "username": "bot"},
    }
).encode()
_TRUE = b'{"ok":true,"result":true}'


class Sink(BaseRequest):
    """Answers every call at once; `calls` holds each method's name and parameters."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._message_ids = itertools.count(1)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        parameters = request_data.parameters if request_data is not None else {}
        self.calls.append((name, parameters))
        if name == "getMe":
            return 200, _ME
        if name in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            return 200, self._message(parameters)
        if name == "getChatMember":  # everyone is a plain member: no one is a Telegram admin
            user = {"id": parameters["user_id"], "is_bot": False, "first_name": "Lid"}
            return 200, json.dumps(
                {"ok": True, "result": {"status": "member", "user": user}}
            ).encode()
        return 200, _TRUE  # answerCallbackQuery, setMyCommands and the like

    def _message(self, parameters: dict[str, Any]) -> bytes:
        """The message as sent, in the chat it went to, with a fresh id."""
        chat_id = parameters.get("chat_id", 1)
        chat = {"id": chat_id, "type": "group" if int(chat_id) < 0 else "private"}
        message = {"message_id": next(self._message_ids), "date": 0, "chat": chat}
        return json.dumps({"ok": True, "result": message}).encode()

    def sent(self) -> list[dict[str, Any]]:
        """The parameters of every sendMessage, in order."""
        return [params for name, params in self.calls if name == "sendMessage"]
