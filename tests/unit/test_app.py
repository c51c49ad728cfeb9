"""The Application's connections to Telegram, as bot/app.py builds them."""

from __future__ import annotations

from typing import Any

from bot.app import CONNECTIONS, GET_UPDATES_READ_TIMEOUT, POOL_TIMEOUT, build_application
from bot.config import Settings


def _pool(request: Any) -> Any:
    return request._client._transport._pool


async def test_replies_and_get_updates_share_one_tls_context() -> None:
    app = build_application(Settings(token="1:x", database_url="sqlite:///:memory:"))
    get_updates, replies = app.bot._request
    assert app.bot.request is replies
    assert get_updates.read_timeout == GET_UPDATES_READ_TIMEOUT  # outlasts the long poll
    assert _pool(replies)._max_connections == CONNECTIONS
    assert replies._client.timeout.pool == POOL_TIMEOUT  # a burst waits for a connection
    assert _pool(get_updates)._ssl_context is _pool(replies)._ssl_context
    await app.bot_data["engine"].dispose()
