"""The sandbox behind the browser chat: its demo, its clock, its refusals, and how it starts."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.sandbox import demo
from bot.sandbox.emulator import TOKEN, FakeTelegram, html_tree
from bot.sandbox.sandbox import Sandbox
from scheduler.calendar import CalendarRules, is_allowed_moment
from tests.e2e.harness import BRUSSELS

START = dt.datetime(2026, 11, 26, 10, 0, tzinfo=BRUSSELS)  # a Thursday


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    running = Sandbox(database=tmp_path / "sandbox.db", start_at=START)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
    assert not running.fake.unknown_methods
    assert not running.fake.rejections


async def api(sandbox: Sandbox, path: str, body: dict[str, Any] | None = None) -> Any:
    async with aiohttp.ClientSession() as client:
        method = client.get if body is None else client.post
        kwargs = {} if body is None else {"json": body}
        async with method(sandbox.url.rstrip("/") + path, **kwargs) as response:
            data = await response.json(content_type=None)
            return response.status, data


def texts(sandbox: Sandbox, chat: demo.ChatSpec) -> list[str]:
    return [m.text for m in sandbox.fake.sent if m.chat_id == chat.id]


async def test_demo_cluster_is_made_by_talking_to_the_bot(sandbox: Sandbox) -> None:
    said = "\n".join(texts(sandbox, demo.DEMO))
    assert "Klimaatcluster Demo" in said
    assert "Pajottegem" in said and "Bever" in said and "Pepingen" in said
    assert "Afspraak 3" in said and "Datumprikker 1" in said
    # People spoke as Telegram users do: every row came from an update the bot handled.
    speakers = {typed.persona.key for typed in sandbox.typed.values() if typed.persona}
    assert speakers == {"fien", "an", "bram", "celine", "dirk"}
    overview = await api(sandbox, "/api/state")
    assert overview[0] == 200
    chats = {chat["title"]: chat for chat in overview[1]["chats"]}
    assert [t["name"] for t in chats["Klimaatcluster Dijleland"]["topics"]] == [
        "Energie",
        "Mobiliteit",
    ]
    await sandbox.say(demo.AN, demo.DEMO.id, "/afspraken")
    listing = texts(sandbox, demo.DEMO)[-1]
    assert "Klimaattafel" in listing and "Infoavond" in listing


async def test_a_time_jump_sends_the_due_rows_in_the_order_of_their_moments(
    sandbox: Sandbox,
) -> None:
    before = len(sandbox.fake.sent)
    target = dt.datetime(2026, 12, 18, 12, 0, tzinfo=BRUSSELS)
    status, answer = await api(sandbox, "/api/time", {"to": "2026-12-18T12:00"})
    assert status == 200 and answer["sent"] > 0
    sent = sandbox.fake.sent[before:]
    moments = [sandbox.moments[(m.chat_id, m.message_id)] for m in sent]
    assert moments == sorted(moments)
    rules = CalendarRules(tz=BRUSSELS)
    assert all(is_allowed_moment(moment, rules) for moment in moments)
    assert abs(sandbox.clock.now() - target) < dt.timedelta(seconds=5)
    # The poll closed at its deadline, before the meeting's reminders, and the digest came.
    joined = [m.text for m in sent if m.chat_id == demo.DEMO.id]
    assert any("Datumprikker 1" in text and "gesloten" in text.lower() for text in joined)
    assert any(m.document and m.filename and m.filename.endswith(".ics") for m in sent)
    digest_moments = [
        moment.astimezone(BRUSSELS)
        for moment, message in zip(moments, sent, strict=True)
        if "overzicht" in message.text.lower() and message.chat_id == demo.DEMO.id
    ]
    assert any(m.weekday() == 0 and m.hour == 9 for m in digest_moments), digest_moments
    # Agreement 3 was due on 1 December: after its last overdue nudge the facilitator is told.
    assert any(m.chat_id == demo.FIEN.id and "3" in m.text for m in sent)


async def test_forget_me_in_a_private_chat_asks_first_then_erases(sandbox: Sandbox) -> None:
    await sandbox.say(demo.BRAM, 0, "/vergeetmij")
    question = sandbox.fake.sent[-1]
    assert question.chat_id == demo.BRAM.id and question.buttons
    confirm = question.buttons[0][0]
    await sandbox.press(demo.BRAM, 0, question.message_id, confirm["callback_data"])
    await sandbox.say(demo.AN, demo.DEMO.id, "/cluster")
    assert "Bram" not in sandbox.fake.sent[-1].text


async def test_next_working_morning_skips_the_weekend(sandbox: Sandbox) -> None:
    await api(sandbox, "/api/time", {"to": "morning"})  # Friday 9:00
    assert sandbox.local_now().strftime("%a %H:%M") == "Fri 09:00"
    await api(sandbox, "/api/time", {"to": "morning"})
    assert sandbox.local_now().strftime("%a %d %H:%M") == "Mon 30 09:00"
    await api(sandbox, "/api/time", {"to": "week"})
    assert sandbox.local_now().strftime("%a %d/%m") == "Mon 07/12"


async def test_what_the_page_may_not_ask_is_refused_and_changes_nothing(
    sandbox: Sandbox,
) -> None:
    sent, clock = len(sandbox.fake.sent), sandbox.clock.now()
    typed = len(sandbox.typed)
    poll = next(m for m in sandbox.fake.sent if m.buttons and m.chat_id == demo.DEMO.id)
    group = demo.DEMO.id
    an = {"persona": "an", "chat": group}
    refusals = [
        ("/api/time", {"to": "2026-11-01T09:00"}, "only moves forward"),
        ("/api/time", {"to": "volgende week"}, "not a moment"),
        ("/api/send", {"persona": "nobody", "chat": group, "text": "/hulp"}, "nobody"),
        ("/api/send", {**an, "text": "   "}, "empty"),
        ("/api/send", {**an, "chat": -42, "text": "/hulp"}, "no such chat"),
        ("/api/send", {**an, "text": "x", "thread": 5}, "topic"),
        ("/api/send", {**an, "text": "/hulp", "reply_to": 999}, "gone"),
        ("/api/press", {**an, "message": poll.message_id, "data": "x"}, "not on the message"),
        ("/api/topic", {"persona": "fien", "chat": group, "name": "Afval"}, "topics"),
        ("/api/topic", {"persona": "fien", "chat": demo.DIJLELAND.id, "name": ""}, "1 to 128"),
    ]
    for path, body, reason in refusals:
        status, answer = await api(sandbox, path, body)
        assert status == 400 and reason in answer["error"], (path, body, answer)
    status, answer = await api(sandbox, "/api/commands?persona=nobody&chat=0")
    assert status == 400 and "nobody" in answer["error"]
    async with aiohttp.ClientSession() as client:
        form = {"persona": "an", "chat": str(group), "text": "/hulp"}
        async with client.post(sandbox.url + "api/send", data=form) as response:
            assert response.status == 400  # a form from another page does not reach the bot
        missing = sandbox.url + f"api/file/{demo.DEMO.id}/{poll.message_id}"
        async with client.get(missing) as response:
            assert response.status == 404
    assert len(sandbox.fake.sent) == sent and len(sandbox.typed) == typed
    assert sandbox.clock.now() - clock < dt.timedelta(seconds=5)


async def test_reset_returns_to_the_starting_state(sandbox: Sandbox) -> None:
    at_start = [m.text for m in sandbox.fake.sent]
    await sandbox.say(demo.FIEN, demo.LEUVEN.id, "/besluit Niets meer op papier")
    await sandbox.advance_to(dt.datetime(2026, 12, 10, 9, 0, tzinfo=BRUSSELS))
    status, _ = await api(sandbox, "/api/reset", {})
    assert status == 200
    assert [m.text for m in sandbox.fake.sent] == at_start
    assert abs(sandbox.clock.now() - START) < dt.timedelta(seconds=30)
    await sandbox.say(demo.AN, demo.DEMO.id, "/afspraken")
    assert "Klimaattafel" in texts(sandbox, demo.DEMO)[-1]


async def test_an_empty_sandbox_has_the_chats_and_nobody_has_spoken(tmp_path: Path) -> None:
    sandbox = Sandbox(database=tmp_path / "empty.db", start_at=START, empty=True)
    await sandbox.start()
    try:
        assert sandbox.fake.sent == [] and sandbox.typed == {}
        menu = sandbox.commands(demo.FIEN, 0)
        assert "clusters" in [c["command"] for c in menu]
        await sandbox.say(demo.FIEN, demo.DEMO.id, "/start")
        assert "is nu de cluster" in sandbox.fake.sent[-1].text
    finally:
        await sandbox.stop()


async def test_the_command_menu_is_the_one_set_for_that_chat_and_person() -> None:
    fake = FakeTelegram()
    fake.chat(-5, "group", "Groep")
    fake.chat(7, "private", "Fien")
    fake.chats[-5].admins.add(8)
    fake.commands = {
        ('{"type": "default"}', None): [{"command": "start", "description": "d"}],
        ('{"type": "all_group_chats"}', None): [{"command": "afspraak", "description": "g"}],
        ('{"type": "all_group_chats"}', "fr"): [{"command": "agreement", "description": "f"}],
        ('{"type": "all_chat_administrators"}', None): [{"command": "sluit", "description": "a"}],
        ('{"chat_id": 7, "type": "chat"}', None): [{"command": "clusters", "description": "p"}],
    }
    assert fake.menu_for(-5, 9)[0]["command"] == "afspraak"
    assert fake.menu_for(-5, 9, "fr")[0]["command"] == "agreement"
    assert fake.menu_for(-5, 8)[0]["command"] == "sluit"
    assert fake.menu_for(7, 7)[0]["command"] == "clusters"
    fake.chat(6, "private", "An")
    assert fake.menu_for(6, 6)[0]["command"] == "start"


def test_bot_html_becomes_nodes_and_typed_markup_stays_text() -> None:
    tree = html_tree(
        '<b>Afspraak 5</b> &lt;script&gt;x&lt;/script&gt; <a href="tg://user?id=1">An</a>'
    )
    assert tree[0] == {"tag": "b", "children": ["Afspraak 5"]}
    assert tree[1] == " <script>x</script> "
    assert tree[2] == {"tag": "a", "href": "tg://user?id=1", "children": ["An"]}


# --- starting it from the command line -------------------------------------------------------


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    return {**clean, "PYTHONPATH": str(Path(__file__).parents[2]), **extra}


async def test_make_runs_choice_without_a_token_is_the_sandbox(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--sandbox-if-no-token", "--port", "0",
        cwd=tmp_path, env=cli_env(tmp_path),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    try:
        line = ""
        while "SANDBOX" not in line:
            raw = await asyncio.wait_for(process.stderr.readline(), 60)
            assert raw, "the sandbox stopped before saying where it is"
            line = raw.decode()
        assert "TELEGRAM_BOT_TOKEN" in line and ".env" in line
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, line
        async with aiohttp.ClientSession() as client, client.get(found.group() + "api/state") as r:
            state = await r.json()
        assert "Klimaatcluster Demo" in [chat["title"] for chat in state["chats"]]
        assert (tmp_path / "klimaatbot-sandbox.db").exists()
    finally:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 30) == 0  # stopped in good order


async def test_make_runs_choice_with_a_token_serves_that_telegram(tmp_path: Path) -> None:
    fake = FakeTelegram()
    base_url = await fake.start()
    env = cli_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'live.db'}",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--sandbox-if-no-token", "--port", "0",
        cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(600):
            if any(method == "getUpdates" for method, _ in fake.calls):
                break
            assert process.returncode is None, "the bot stopped"
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the bot never polled its Telegram")
    finally:
        process.terminate()
        _, err = await process.communicate()
        await fake.stop()
    assert "SANDBOX" not in err.decode()
    assert not (tmp_path / "klimaatbot-sandbox.db").exists()


def test_a_sandbox_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    import subprocess

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", "sandbox", "--port", str(port)],
            cwd=tmp_path, env=cli_env(tmp_path), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("klimaatbot:")]
    assert len(lines) == 1 and str(port) in lines[0] and "--port" in lines[0], result.stderr
