"""The command declaration: names Telegram accepts, none shared, each language its own names."""

from __future__ import annotations

import re
from collections import Counter

from handlers.menu import BY_NAME, COMMANDS, spec
from handlers.unknown import closest

TELEGRAM_NAME = re.compile(r"[a-z0-9_]{1,32}")


def test_no_two_commands_share_a_name_or_alias() -> None:
    counts = Counter(name for command in COMMANDS for name in command.names)
    assert [name for name, count in counts.items() if count > 1] == []
    assert len(BY_NAME) == sum(counts.values())


def test_every_name_is_one_telegram_accepts() -> None:
    names = [
        name
        for command in COMMANDS
        for name in (command.name, command.alias, command.french)
        if name is not None
    ]
    assert [name for name in names if not TELEGRAM_NAME.fullmatch(name)] == []


def test_each_language_shows_its_own_name_and_every_name_reaches_its_command() -> None:
    agreement = spec("afspraak")
    assert [agreement.shown_name(lang) for lang in ("nl", "en", "fr")] == [
        "afspraak",
        "agreement",
        "accord",
    ]
    assert spec("accord") is spec("agreement") is agreement
    # Where French uses the English word, it is one name, listed once.
    assert spec("besluit").names == ["besluit", "decision"]
    assert spec("besluit").shown_name("fr") == "decision"
    # Without a French name, French shows the Dutch one.
    assert spec("agenda").shown_name("fr") == "agenda"
    assert spec("clusters").shown_name("fr") == "clusters"
    for command in COMMANDS:
        assert all(BY_NAME[name] is command for name in command.names)


def test_most_commands_have_a_french_name() -> None:
    without = sorted(c.name for c in COMMANDS if c.french is None)
    assert without == ["agenda", "cluster", "clusters", "export", "start"]


def test_closest_names_one_per_command_in_the_chats_language() -> None:
    assert closest("acord", "fr")[0] == "accord"
    assert closest("hlep", "en") == ["help"]
    assert closest("hlep", "nl") == ["hulp"]
    assert closest("afsrpaak", "nl")[0] == "afspraak"
    assert len(closest("acties", "nl")) <= 3
    assert closest("xylofoon", "fr") == []
