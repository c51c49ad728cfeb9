"""Catalogues of everything the bot says, in Dutch, English and French.

Each capability keeps its texts in `handlers/locales/<capability>.py` as three dicts `NL`, `EN`
and `FR`; they are merged here. Texts are HTML (the bot's parse mode): parameters are escaped
unless wrapped in `Html`, so user input such as `<b>&</script>` shows literally.
"""

from __future__ import annotations

import html
import importlib
import pkgutil
import string
from functools import cache
from typing import Any

import handlers.locales

LANGUAGES = ("nl", "en", "fr")
DEFAULT_LANGUAGE = "nl"


class Html(str):
    """Text that is already valid HTML and must not be escaped again."""

    __slots__ = ()


@cache
def catalogues() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for info in pkgutil.iter_modules(handlers.locales.__path__):
        module = importlib.import_module(f"handlers.locales.{info.name}")
        for lang in LANGUAGES:
            table: dict[str, str] = getattr(module, lang.upper(), {})
            duplicate = merged[lang].keys() & table.keys()
            if duplicate:
                raise RuntimeError(f"duplicate message keys in {info.name}: {sorted(duplicate)}")
            merged[lang].update(table)
    return merged


class MessageKey(str):
    """A parameter that is itself a catalogue key, put into words in the reader's language."""

    __slots__ = ()


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def escape(value: Any) -> str:
    if isinstance(value, Html):
        return str(value)
    return html.escape(str(value), quote=False)


def t(lang: str, key: str, /, **params: Any) -> Html:
    """The message `key` in `lang` (falling back to Dutch), with escaped parameters."""
    tables = catalogues()
    text = tables.get(lang, tables[DEFAULT_LANGUAGE]).get(key)
    if text is None:
        text = tables[DEFAULT_LANGUAGE][key]
    values = {
        name: t(lang, value) if isinstance(value, MessageKey) else escape(value)
        for name, value in params.items()
    }
    return Html(text.format(**values))


def has(key: str) -> bool:
    return key in catalogues()[DEFAULT_LANGUAGE]
