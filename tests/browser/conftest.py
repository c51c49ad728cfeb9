"""A sandbox per test, driven in Debian's Chromium through Playwright (never a downloaded one).

The sandbox runs in its own thread and event loop, as `klimaatbot sandbox` runs in its own
process; the test drives the page with Playwright's synchronous API. At the end of each test a
screenshot is written under the test's temporary directory; its path is printed, so a failing
test shows where to look.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from playwright import sync_api as playwright

from bot.sandbox.sandbox import Sandbox

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Thursday 26 November 2026, 10:00 in Brussels: a working day, outside quiet hours.
START = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))
T = TypeVar("T")


@dataclass
class RunningSandbox:
    sandbox: Sandbox
    loop: asyncio.AbstractEventLoop
    url: str

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine in the sandbox's loop (to look at what the bot stored)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)


def serve(sandbox: Sandbox, started: concurrent.futures.Future[Any], stop: asyncio.Event) -> None:
    """Run `sandbox` in this thread's own loop until `stop`; `started` gets (loop, url)."""

    async def main() -> None:
        try:
            url = await sandbox.start()
        except BaseException as exc:
            started.set_exception(exc)
            return
        started.set_result((asyncio.get_running_loop(), url))
        await stop.wait()
        await sandbox.stop()

    asyncio.run(main())


@pytest.fixture
def running_sandbox(tmp_path: Path) -> Iterator[RunningSandbox]:
    sandbox = Sandbox(database=tmp_path / "sandbox.db", start_at=START)
    started: concurrent.futures.Future[Any] = concurrent.futures.Future()
    stop = asyncio.Event()
    thread = threading.Thread(target=serve, args=(sandbox, started, stop), daemon=True)
    thread.start()
    loop, url = started.result(60)
    try:
        yield RunningSandbox(sandbox, loop, url)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for these tests. Playwright's synchronous API holds an event loop in this
    thread while it runs, so it stops before the asyncio tests of other packages start."""
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing: apt-get install -y chromium (.ci/run does)")
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def viewport() -> dict[str, int]:
    return {"width": 1280, "height": 860}


@pytest.fixture
def page(
    browser: Any, running_sandbox: RunningSandbox, viewport: dict[str, int], tmp_path: Path
) -> Iterator[Any]:
    context = browser.new_context(viewport=viewport, locale="nl-BE", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: _dialog(dialog, errors))
    page.goto(running_sandbox.url)
    page.locator(".msg").first.wait_for()
    try:
        yield page
    finally:
        shot = tmp_path / "page.png"
        page.screenshot(path=str(shot))
        print(f"screenshot: {shot}")
        context.close()
    assert not errors, f"the page failed: {errors}"


def _dialog(dialog: Any, errors: list[str]) -> None:
    """The page's own question (reset) is answered yes; any other dialog is a script that ran."""
    if dialog.type != "confirm":
        errors.append(f"{dialog.type}: {dialog.message}")
    dialog.accept()
