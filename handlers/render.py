"""Shared rendering: dates and amounts the Belgian way, mentions, and message splitting."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency

from handlers.i18n import Html, t
from models.clusters import Member

MAX_MESSAGE = 4096
BABEL_LOCALES = {"nl": "nl_BE", "en": "en_GB", "fr": "fr_BE"}


def locale_of(lang: str) -> str:
    return BABEL_LOCALES.get(lang, "nl_BE")


# Babel parses its pattern and looks up the locale on every call; the same few dates and
# times come back all day, so each is written once and then remembered.
_FORMATTED = 4096


@lru_cache(maxsize=_FORMATTED)
def long_date(day: dt.date, lang: str) -> str:
    """`dinsdag 16 maart 2027`: always written out, so a misread date shows at once."""
    return format_date(day, "EEEE d MMMM y", locale=locale_of(lang))


def long_due(day: dt.date, time: dt.time | None, lang: str) -> str:
    """A due date in full, with its hour when it has one: `donderdag 18 maart 2027 om 15:45`."""
    if time is None:
        return long_date(day, lang)
    return str(t(lang, "date.at_time", date=long_date(day, lang), time=short_time(time, lang)))


def short_due(day: dt.date, time: dt.time | None, lang: str) -> str:
    """`18/03` or `18/03 15:45`, for lists."""
    if time is None:
        return short_date(day, lang)
    return f"{short_date(day, lang)} {short_time(time, lang)}"


def long_datetime(moment: dt.datetime, lang: str, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{long_date(local.date(), lang)} {short_time(local.time(), lang)}"


@lru_cache(maxsize=_FORMATTED)
def short_time(moment: dt.time, lang: str) -> str:
    return format_time(moment, "HH:mm", locale=locale_of(lang))


@lru_cache(maxsize=_FORMATTED)
def short_date(day: dt.date, lang: str) -> str:
    return (
        format_date(day, "d/MM", locale=locale_of(lang))
        if lang != "en"
        else format_date(day, "d MMM", locale=locale_of(lang))
    )


@lru_cache(maxsize=64)
def weekday_name(weekday: int, lang: str) -> str:
    monday = dt.date(2024, 1, 1)
    return format_datetime(
        dt.datetime.combine(monday + dt.timedelta(days=weekday), dt.time()),
        "EEEE",
        locale=locale_of(lang),
    )


def euro(cents: int, lang: str) -> str:
    """`€ 3.333,34` in nl_BE."""
    return format_currency(cents / 100, "EUR", locale=locale_of(lang))


def mention(member: Member | None, fallback: str = "?") -> Html:
    """A mention that notifies, also for someone without a username."""
    if member is None or member.erased:
        return Html(html.escape(fallback))
    if member.user_id is None:
        # Pending (named by @username, not seen yet): Telegram links `@username` itself.
        return Html(html.escape(f"@{member.username}" if member.username else fallback))
    name = html.escape(member.name or (member.username or fallback))
    return Html(f'<a href="tg://user?id={member.user_id}">{name}</a>')


def plain_name(member: Member | None, fallback: str = "?") -> str:
    if member is None or member.erased:
        return fallback
    return member.name or (f"@{member.username}" if member.username else fallback)


def callback_text(text: str) -> str:
    """Callback answers are plain text of at most 200 characters: the catalogue's HTML goes."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))[:200]


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split at line ends so no message passes Telegram's limit; rendered lines keep their
    tags on one line, so splitting between lines never breaks the HTML."""
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in _lines_within(text.split("\n"), limit):
        extra = len(line) + (1 if current else 0)
        if current and size + extra > limit:
            chunks.append("\n".join(current))
            current, size = [], 0
            extra = len(line)
        current.append(line)
        size += extra
    if current:
        chunks.append("\n".join(current))
    return [chunk for chunk in chunks if chunk.strip()]


def _lines_within(lines: Iterable[str], limit: int) -> Iterable[str]:
    for line in lines:
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            yield line[:cut]
            line = line[cut:].lstrip()
        yield line
