"""The README's picture of the sandbox: `python -m tests.browser.screenshot docs/sandbox.png`.

The same sandbox and Chromium as the browser tests, so the picture shows what they check.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from tests.browser.chat import ChatPage
from tests.browser.conftest import ARGS, CHROMIUM, START, serve


def main(target: Path) -> None:
    import asyncio
    import concurrent.futures

    from bot.sandbox.sandbox import Sandbox

    with tempfile.TemporaryDirectory() as folder:
        sandbox = Sandbox(database=Path(folder) / "sandbox.db", start_at=START)
        started: concurrent.futures.Future[object] = concurrent.futures.Future()
        stop = asyncio.Event()
        thread = threading.Thread(target=serve, args=(sandbox, started, stop), daemon=True)
        thread.start()
        loop, url = started.result(60)  # type: ignore[misc]
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=ARGS
                )
                page = browser.new_page(viewport={"width": 1200, "height": 760}, locale="nl-BE")
                page.goto(url)
                chat = ChatPage(page).as_("an").open("Klimaatcluster Demo")
                chat.says(
                    "/afspraak Offertes opvragen @an tegen morgen",
                    answered_with="Offertes opvragen",
                )
                chat.time("morning")
                expect(chat.bot_messages("Klaar").last).to_be_visible()
                page.locator("#messages").evaluate("box => box.scrollTop = box.scrollHeight")
                page.evaluate("document.getElementById('toast').hidden = true")
                page.wait_for_timeout(300)
                target.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(target))
                browser.close()
        finally:
            loop.call_soon_threadsafe(stop.set)
            thread.join(30)
    print(target)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/sandbox.png"))
