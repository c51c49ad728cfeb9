"""Catalogues of everything the bot says, in Dutch, English and French.

The texts live in gettext catalogues, `handlers/locales/<lang>/LC_MESSAGES/klimaatbot.po`,
compiled to `.mo` beside them by `python -m handlers.locales` (the `.po` is read instead while
no up-to-date `.mo` exists, so a fresh checkout needs no build step). A message's msgid is its
key (`agreement.done`), so one text can change without touching the code; Dutch (`nl`) is the
source language. Plural messages carry one form per plural rule of their language (`tn`). Texts are
HTML (the bot's parse mode): parameters are escaped unless wrapped in `Html`, so user input such
as `<b>&</script>` shows literally.
"""

from __future__ import annotations

import gettext
import html
import string
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

LANGUAGES = ("nl", "en", "fr")
DEFAULT_LANGUAGE = "nl"
DOMAIN = "klimaatbot"
LOCALES = Path(__file__).parent / "locales"

Text = str | tuple[str, ...]


class Html(str):
    """Text that is already valid HTML and must not be escaped again."""

    __slots__ = ()


class MessageKey(str):
    """A parameter that is itself a catalogue key, put into words in the reader's language."""

    __slots__ = ()


def catalogue_path(lang: str, suffix: str = ".po") -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def _read(lang: str) -> Catalog:
    """The compiled `.mo` when it is at least as new as its `.po`, otherwise the `.po` itself."""
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    source, compiled = catalogue_path(lang), catalogue_path(lang, ".mo")
    if compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime:
        with compiled.open("rb") as file:
            return read_mo(file)
    with source.open("rb") as file:
        return read_po(file, locale=lang, domain=DOMAIN)


class _Compiled:
    """One language's catalogue: texts by key, and its plural rule."""

    __slots__ = ("plural", "texts")

    def __init__(self, lang: str) -> None:
        catalog = _read(lang)
        self.texts: dict[str, Text] = {}
        for message in catalog:
            if not message.id:
                continue
            string = message.string or ""
            if isinstance(message.id, (list, tuple)):
                self.texts[message.id[0]] = tuple(string)
            else:
                self.texts[message.id] = str(string)
        self.plural: Callable[[int], int] = gettext.c2py(catalog.plural_expr)


@cache
def _compiled(lang: str) -> _Compiled:
    return _Compiled(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def catalogues() -> dict[str, dict[str, Text]]:
    """Every language's texts by key, as compiled (what the bot says)."""
    return {lang: _compiled(lang).texts for lang in LANGUAGES}


def placeholders(text: Text) -> set[str]:
    forms = text if isinstance(text, tuple) else (text,)
    return {name for form in forms for _, name, _, _ in string.Formatter().parse(form) if name}


def escape(value: Any) -> str:
    if isinstance(value, Html):
        return str(value)
    return html.escape(str(value), quote=False)


def _lookup(lang: str, key: str) -> Text:
    text = _compiled(lang).texts.get(key)
    if not text or (isinstance(text, tuple) and not any(text)):  # missing or not translated
        text = _compiled(DEFAULT_LANGUAGE).texts[key]
    return text


def _fill(lang: str, text: str, params: dict[str, Any]) -> Html:
    values = {
        name: t(lang, value) if isinstance(value, MessageKey) else escape(value)
        for name, value in params.items()
    }
    return Html(text.format(**values))


def t(lang: str, key: str, /, **params: Any) -> Html:
    """The message `key` in `lang` (falling back to Dutch), with escaped parameters."""
    text = _lookup(lang, key)
    if isinstance(text, tuple):
        raise TypeError(f"{key} has plural forms: use tn()")
    return _fill(lang, text, params)


def tn(lang: str, key: str, count: int, /, **params: Any) -> Html:
    """The plural message `key` in the form `lang`'s rule gives `count`, filled as `{count}`."""
    forms = _lookup(lang, key)
    if not isinstance(forms, tuple):
        raise TypeError(f"{key} has no plural forms: use t()")
    compiled = _compiled(lang) if _compiled(lang).texts.get(key) else _compiled(DEFAULT_LANGUAGE)
    index = min(compiled.plural(abs(count)), len(forms) - 1)
    return _fill(lang, forms[index], {"count": count, **params})


def render(lang: str, key: str, /, **params: Any) -> Html:
    """`t`, or `tn` on the `count` parameter when `key` is a plural message (keys chosen at run
    time, such as a refusal's)."""
    if is_plural(key):
        return tn(lang, key, int(params.pop("count")), **params)
    return t(lang, key, **params)


def is_plural(key: str) -> bool:
    return isinstance(_compiled(DEFAULT_LANGUAGE).texts.get(key), tuple)


def has(key: str) -> bool:
    return key in _compiled(DEFAULT_LANGUAGE).texts
