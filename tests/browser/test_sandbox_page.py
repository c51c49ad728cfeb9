"""The sandbox's browser chat, used as people use it: in Chromium, asserting on what it shows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.browser.chat import ChatPage

BRUSSELS = dt.timezone(dt.timedelta(hours=1))  # December: winter time


def test_agreement_nudged_then_done_from_the_nudge(page: Page) -> None:
    chat = ChatPage(page).as_("an").open("Klimaatcluster Demo")
    recorded = chat.says(
        "/afspraak Offertes opvragen @an tegen morgen", answered_with="Offertes opvragen"
    )
    expect(recorded).to_contain_text("Afspraak 5")
    expect(recorded).to_contain_text("vrijdag 27 november 2026")

    chat.time("morning")  # Friday 27 November, 9:00: the due day
    expect(page.locator("#clock")).to_contain_text("27 november 2026")
    expect(page.locator("#toast")).to_contain_text("berichten verstuurd terwijl de tijd verstreek")
    nudge = chat.bot_messages("Offertes opvragen").filter(has_text="Klaar").last
    expect(nudge).to_be_visible()
    expect(nudge.locator(".kb button", has_text="+1 week")).to_be_visible()
    chat.press("Klaar", on=nudge)
    expect(chat.bot_messages("Afspraak 5 is klaar")).to_have_count(1)

    listing = chat.says("/afspraken alle", answered_with="Offertes opvragen")
    expect(listing).to_contain_text("✅ 5 Offertes opvragen")


def test_meeting_poll_voted_by_three_closed_and_invitation_downloaded(
    page: Page, tmp_path: Path
) -> None:
    chat = ChatPage(page).as_("fien").open("Klimaatcluster Demo")
    poll = chat.says("/datumprikker di 8/12 14u; wo 9/12 10u", answered_with="Datumprikker 2")
    messages_before = page.locator("#messages .msg").count()
    for persona, mark, row in (("an", "✅", 1), ("bram", "✅", 1), ("celine", "❔", 2)):
        chat.as_(persona)
        chat.press(mark, on=poll, row=row)
        expect(poll).to_contain_text(ChatPage.name_of(persona))
    # Votes edit the poll in place: no new message, and it says it was edited.
    expect(page.locator("#messages .msg")).to_have_count(messages_before)
    expect(poll.locator(".edited")).to_be_visible()
    expect(poll).not_to_contain_text("Nog geen antwoord van: Bever")

    chat.as_("fien").types("/sluit 2")
    invitation = page.locator("#messages .msg.bot .doc", has_text=".ics").last
    expect(invitation).to_be_visible()
    with page.expect_download() as download:
        invitation.click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    calendar = Calendar.from_ical(target.read_bytes())
    event = next(iter(calendar.walk("VEVENT")))
    start = event.decoded("DTSTART")
    assert start == dt.datetime(2026, 12, 8, 14, 0, tzinfo=BRUSSELS)
    assert "Klimaatcluster Demo" in str(event.get("SUMMARY"))


def test_markup_typed_by_people_is_shown_as_text_and_never_run(page: Page) -> None:
    chat = ChatPage(page).as_("bram").open("Klimaatcluster Demo")
    text = "<b>Vet</b> <script>window.hacked = 1</script><img src=x onerror=alert(1)> flyer"
    answer = chat.says(f"/afspraak {text} @bram tegen morgen", answered_with="flyer")
    expect(answer).to_contain_text("<b>Vet</b> <script>window.hacked = 1</script>")
    expect(chat.page.locator("#messages .msg.mine").last).to_contain_text("<img src=x")
    # The bot's own formatting is formatted: its number in bold, the typed tags are not.
    expect(answer.locator("strong", has_text="Afspraak 5")).to_be_visible()
    assert answer.locator("strong", has_text="Vet").count() == 0
    assert page.locator("#messages script, #messages img").count() == 0
    assert page.evaluate("window.hacked") is None


def test_command_menu_opens_on_slash_with_the_commands_of_that_chat_and_role(
    page: Page,
) -> None:
    chat = ChatPage(page).as_("an").open("Klimaatcluster Demo")
    field = page.locator("#input")
    field.press("/")
    menu = page.locator("#menu")
    expect(menu).to_be_visible()
    expect(menu.locator("li", has_text="/afspraak")).to_be_visible()
    expect(menu.locator("li", has_text="/clusters")).to_have_count(0)
    field.press_sequentially("afspr")
    expect(menu.locator("li")).to_have_count(2)  # /afspraak and /afspraken
    field.press("Tab")
    expect(field).to_have_value("/afspraak ")
    expect(menu).to_be_hidden()

    # In the facilitator's private chat, the menu the bot set for that chat: her tools.
    chat.as_("fien").private()
    field.press("/")
    expect(menu.locator("li", has_text="/clusters")).to_be_visible()
    expect(menu.locator("li", has_text="/afspraak")).to_have_count(0)
    chat.as_("an")
    field.fill("")
    field.press("/")
    expect(menu.locator("li", has_text="/mijngegevens")).to_be_visible()
    expect(menu.locator("li", has_text="/clusters")).to_have_count(0)


def test_enter_sends_and_a_reply_quotes_the_message(page: Page) -> None:
    chat = ChatPage(page).as_("bram").open("Klimaatcluster Demo")
    chat.types("Wie vraagt de offertes voor de warmtepompen op?")
    question = page.locator("#messages .msg", has_text="warmtepompen")
    expect(question).to_have_count(1)

    chat.as_("an")
    question.locator(".reply-btn").click()
    expect(page.locator("#reply-bar")).to_contain_text("warmtepompen")
    answer = chat.says("/afspraak @an tegen vrijdag", answered_with="Afspraak 5")
    expect(answer).to_contain_text("Wie vraagt de offertes voor de warmtepompen op?")
    expect(page.locator("#messages .msg.mine").last.locator(".quote")).to_contain_text("Bram")
    expect(page.locator("#reply-bar")).to_be_hidden()


def test_private_chat_second_group_and_topics(page: Page, tmp_path: Path) -> None:
    chat = ChatPage(page).as_("fien").private()
    overview = chat.says("/clusters", answered_with="Klimaatcluster Leuven")
    expect(overview).to_contain_text("Klimaatcluster Demo")
    expect(overview).to_contain_text("Klimaatcluster Dijleland")

    chat.types("/export")
    for kind in (".csv", ".md"):
        expect(page.locator("#messages .msg.bot .doc", has_text=kind).first).to_be_visible()
    agreements = page.locator("#messages .msg.bot .doc", has_text="afspraken").first
    with page.expect_download() as download:
        agreements.click()
    assert "Klimaattafel" in Path(download.value.path()).read_text(encoding="utf-8-sig")

    chat.as_("an").private()
    chat.types("/mijngegevens")
    data = page.locator("#messages .msg.bot .doc", has_text=".json").last
    with page.expect_download() as download:
        data.click()
    assert b"Pajottegem" in Path(download.value.path()).read_bytes()

    chat.as_("fien").open("Klimaatcluster Dijleland").topic("Energie")
    answer = chat.says(
        "/afspraak Zonnepanelen op de sporthal @fien tegen over 2 weken",
        answered_with="Zonnepanelen op de sporthal",
    )
    expect(answer).to_contain_text("energie")
    chat.topic("Algemeen")
    expect(chat.bot_messages("Zonnepanelen op de sporthal")).to_have_count(0)

    page.click("#topics .new-topic")
    page.fill("#topics input", "Water")
    page.press("#topics input", "Enter")
    expect(page.locator("#topics button.active")).to_have_text("# Water")
    expect(page.locator("#messages .msg.service")).to_contain_text("Water")
    chat.says("/thema", answered_with="Energie")


def test_state_survives_a_reload_and_reset_starts_over(page: Page) -> None:
    chat = ChatPage(page).as_("celine").open("Klimaatcluster Leuven")
    chat.says("/cluster", answered_with="Herent: Dirk")
    shown = chat.bot_messages().count()
    page.fill("#t-moment", "2026-11-26T11:30")
    with page.expect_response("**/api/time"):
        page.click("#t-go")
    expect(page.locator("#clock")).to_contain_text("11:30")
    page.reload()
    expect(page.locator("#clock")).to_contain_text("26 november 2026 om 11:30")
    expect(page.locator("#chat-title")).to_have_text("Klimaatcluster Leuven")
    expect(page.locator("#persona")).to_have_value("celine")
    expect(chat.bot_messages()).to_have_count(shown)
    expect(chat.bot_messages("Herent: Dirk")).to_have_count(1)

    page.click("#reset")
    expect(chat.bot_messages("Herent: Dirk")).to_have_count(0)
    expect(chat.bot_messages()).to_have_count(shown - 1)  # the demo, as it was at the start
    expect(page.locator("#messages .msg.mine")).to_have_count(0)
    expect(page.locator("#clock")).to_contain_text("26 november 2026 om 10:0")


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}])
def test_a_phone_sized_window_needs_no_horizontal_scrolling(page: Page) -> None:
    def fits() -> None:
        widths: Any = page.evaluate(
            "[document.documentElement.scrollWidth, document.body.scrollWidth,"
            " document.getElementById('messages').scrollWidth]"
        )
        assert max(widths) <= 390, widths

    fits()
    chat = ChatPage(page).as_("an").open("Klimaatcluster Demo")
    expect(page.locator("#side")).to_be_hidden()
    poll = chat.bot_message("Datumprikker 1")
    expect(poll).to_be_visible()
    # Scrolled by script: the message may be redrawn by an edit meanwhile, which a
    # stability-waiting scroll would take for movement.
    poll.evaluate("element => element.scrollIntoView({block: 'center'})")
    fits()
    chat.press("✅", on=poll, row=2)
    expect(poll).to_contain_text("An Peeters")
    chat.says("/afspraken", answered_with="Klimaattafel")
    chat.time("week")
    expect(page.locator("#clock")).to_contain_text("december 2026")
    chat.open("Klimaatcluster Demo")
    fits()
