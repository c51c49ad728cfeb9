"""Webhook mode, as production runs it: the real `klimaatbot run` with WEBHOOK_URL set."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
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


async def raw_post(url: str, headers: dict[str, str]) -> tuple[bytes, float]:
    """Send only the request head (a huge Content-Length, no body) and read the answer."""
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":")
    path = "/" + url.split("//", 1)[1].split("/", 1)[1]
    reader, writer = await asyncio.open_connection(host, int(port))
    head = [f"POST {path} HTTP/1.1", f"Host: {host_port}", "Content-Type: application/json"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
    await writer.drain()
    started = time.monotonic()
    answer = await asyncio.wait_for(reader.readline(), 5)
    writer.close()
    return answer, time.monotonic() - started


async def test_the_secret_is_checked_before_a_byte_of_the_body_is_read(
    webhook_bot: tuple[FakeTelegram, str],
) -> None:
    fake, url = webhook_bot
    huge = str(99 * 1024 * 1024)
    # No secret: refused on the head alone (the 99 MB body is never sent, so never read).
    answer, _ = await raw_post(url, {"Content-Length": huge})
    assert answer.startswith(b"HTTP/1.1 403")
    # The right secret, but a body far larger than any update: refused on its announced size.
    answer, _ = await raw_post(
        url, {"Content-Length": huge, "X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert answer.split()[1] in (b"413", b"400")
    assert fake.sent == []


def run_cli(
    env: dict[str, str], cwd: Path, timeout: float = 40
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"], env=env, cwd=cwd, capture_output=True,
        text=True, timeout=timeout, check=False,
    )  # fmt: skip


def cli_env(tmp_path: Path, base_url: str, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WEBHOOK_", "TELEGRAM_", "DATABASE_"))
    }
    return {
        **env,
        "PYTHONPATH": str(Path(__file__).parents[2]),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        **extra,
    }


async def test_webhook_mode_without_a_secret_refuses_to_start(tmp_path: Path) -> None:
    env = cli_env(tmp_path, "http://127.0.0.1:9/bot", WEBHOOK_URL="https://bot.example.org/hook")
    result = await asyncio.to_thread(run_cli, env, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "WEBHOOK_SECRET is required" in lines[0]


async def test_a_webhook_port_in_use_is_one_line(tmp_path: Path) -> None:
    fake = FakeTelegram()
    base_url = await fake.start()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = cli_env(
            tmp_path, base_url, WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
            WEBHOOK_SECRET=SECRET, WEBHOOK_PORT=str(port),
        )  # fmt: skip
        result = await asyncio.to_thread(run_cli, env, tmp_path)
    await fake.stop()
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{port}" in lines[0]


@pytest.mark.parametrize(
    ("status", "description", "says"),
    [
        (401, "Unauthorized", "no longer accepts TELEGRAM_BOT_TOKEN"),
        (409, "Conflict: terminated by other getUpdates request", "another process"),
    ],
)
async def test_a_refusal_that_persists_ends_the_bot_with_one_line(
    tmp_path: Path, status: int, description: str, says: str
) -> None:
    fake = FakeTelegram()
    base_url = await fake.start()
    fake.fail_next("getUpdates", status, description, times=10_000)
    started = time.monotonic()
    result = await asyncio.to_thread(run_cli, cli_env(tmp_path, base_url), tmp_path)
    await fake.stop()
    assert result.returncode == 3
    lines = [line for line in result.stderr.strip().splitlines() if line.startswith("klimaatbot:")]
    assert len(lines) == 1 and says in lines[0]
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 35
    assert sum(1 for method, _ in fake.calls if method == "getUpdates") >= 2  # it did retry
