"""What a person does on the sandbox's page, in words a scenario reads well with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Locator, Page, expect

from bot.sandbox.demo import PERSONAS


@dataclass
class ChatPage:
    page: Page

    @staticmethod
    def name_of(persona: str) -> str:
        return next(p.name for p in PERSONAS if p.key == persona)

    def as_(self, persona: str) -> ChatPage:
        self._side()
        self.page.select_option("#persona", persona)
        return self

    def open(self, title: str) -> ChatPage:
        self._side()
        self.page.locator(".chat-item", has_text=title).first.click()
        expect(self.page.locator("#chat-title")).to_have_text(title)
        return self

    def private(self) -> ChatPage:
        return self.open("Klimaatbot")

    def topic(self, name: str) -> ChatPage:
        self.page.locator("#topics button", has_text=name).first.click()
        return self

    def types(self, text: str) -> None:
        """Type into the message field and press Enter, as people send in Telegram."""
        field = self.page.locator("#input")
        field.fill(text)
        field.press("Enter")
        expect(field).to_have_value("")

    def says(self, text: str, *, answered_with: str) -> Locator:
        """Send `text`; the bot's answer containing `answered_with`, once it is shown."""
        before = self.bot_messages(answered_with).count()
        self.types(text)
        answer = self.bot_messages(answered_with)
        expect(answer).to_have_count(before + 1)
        return answer.last

    def bot_messages(self, containing: str | None = None) -> Locator:
        messages = self.page.locator("#messages .msg.bot")
        return messages.filter(has_text=containing) if containing else messages

    def bot_message(self, containing: str) -> Locator:
        message = self.bot_messages(containing).last
        expect(message).to_be_visible()
        return message

    def press(self, mark: str, *, on: Locator, row: int | None = None) -> None:
        rows = on.locator(".kb .row")
        scope: Any = rows.nth(row - 1) if row is not None else on.locator(".kb")
        scope.locator("button", has_text=mark).first.click()

    def time(self, control: str) -> None:
        """`morning`, `day` or `week`; returns once the sweep has run."""
        self._side()
        with self.page.expect_response("**/api/time") as response:
            self.page.click(f"#t-{control}")
        assert response.value.ok, response.value.text()

    def _side(self) -> None:
        """On a phone the chats and the clock sit behind ☰."""
        if not self.page.locator("#side").is_visible():
            self.page.click("#back")
