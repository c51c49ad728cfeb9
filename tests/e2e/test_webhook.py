"""Webhook mode, as production runs it: the real `klimaatbot run` with WEBHOOK_URL set."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.sandbox.emulator import TOKEN, FakeTelegram
from tests.e2e.harness import FACILITATOR_ID

SECRET = "s3cret-webhook-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def webhook_bot(tmp_path: Path) -> AsyncIterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram()
    base_url = await fake.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}/klimaatbot-hook"
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).parents[2]),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'webhook.db'}",
        "FACILITATOR_IDS": str(FACILITATOR_ID),
        "WEBHOOK_URL": url,
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_PORT": str(port),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while fake.webhook is None:
            assert process.returncode is None, "the bot stopped"
            assert time.monotonic() < deadline, "the bot never set its webhook"
            await asyncio.sleep(0.1)
        yield fake, url
    finally:
        process.terminate()
        await process.wait()
        await fake.stop()


async def post_update(url: str, update: dict[str, object], secret: str | None) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    async with (
        aiohttp.ClientSession() as client,
        client.post(url, json=update, headers=headers) as response,
    ):
        return response.status


def start_update(update_id: int, chat_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "group", "title": "Klimaatcluster Leuven"},
            "from": {"id": FACILITATOR_ID, "is_bot": False, "first_name": "Fien"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_updates_posted_to_the_webhook_are_answered(
    webhook_bot: tuple[FakeTelegram, str],
) -> None:
    fake, url = webhook_bot
    assert fake.webhook == {"url": url, "secret_token": SECRET}
    fake.chat(-4001, "group", "Klimaatcluster Leuven")
    assert await post_update(url, start_update(1, -4001), SECRET) == 200
    async with fake.message_sent:
        await asyncio.wait_for(fake.message_sent.wait_for(lambda: bool(fake.sent)), 10)
    assert "is nu de cluster" in fake.sent[0].text


async def test_a_post_without_the_secret_is_refused(webhook_bot: tuple[FakeTelegram, str]) -> None:
    fake, url = webhook_bot
    fake.chat(-4002, "group", "Klimaatcluster Leuven")
    assert await post_update(url, start_update(2, -4002), None) == 403
    assert await post_update(url, start_update(3, -4002), "wrong") == 403
    # A genuine update afterwards is answered, and is the only thing answered.
    assert await post_update(url, start_update(4, -4002), SECRET) == 200
    async with fake.message_sent:
        await asyncio.wait_for(fake.message_sent.wait_for(lambda: bool(fake.sent)), 10)
    assert len(fake.sent) == 1
