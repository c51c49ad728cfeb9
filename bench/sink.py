"""A Bot API that answers in-process: rows about the bot's own work measure the bot, not HTTP.

Every call gets the same canned success (a message; the bot itself for `getMe`) without a
network round trip, and what was asked for is kept, so an anchor can send the very same texts.
"""

from __future__ import annotations

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
_SENT = json.dumps(
    {
        "ok": True,
        "result": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "supergroup"}},
    }
).encode()


class Sink(BaseRequest):
    """Answers every call at once; `calls` holds each method's name and parameters."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

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
        self.calls.append((name, request_data.parameters if request_data is not None else {}))
        return 200, _ME if name == "getMe" else _SENT

    def sent(self) -> list[dict[str, Any]]:
        """The parameters of every sendMessage, in order."""
        return [params for name, params in self.calls if name == "sendMessage"]
