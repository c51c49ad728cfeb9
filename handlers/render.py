"""Shared rendering: dates and amounts the Belgian way, mentions, and message splitting."""

from __future__ import annotations

import datetime as dt
import html
import re
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency

from handlers.i18n import Html, t
from models.clusters import Member
from models.news import MemberRow

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


def plain_name(member: Member | MemberRow | None, fallback: str = "?") -> str:
    if member is None or member.erased:
        return fallback
    return member.name or (f"@{member.username}" if member.username else fallback)


def callback_text(text: str) -> str:
    """Callback answers are plain text of at most 200 characters: the catalogue's HTML goes."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))[:200]


# A tag, an entity, a line end, a word or a space: the atoms a split may fall between.
_ATOM = re.compile(r"<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|\n| |[^<&\n ]+|[<&]")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][\w-]*)")


_Tags = tuple[tuple[str, str], ...]  # (name, opening tag) of each tag open at a point
_Break = tuple[int, _Tags, int]  # where a part may end: atoms before it, tags open, visible size


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji may count two)."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split HTML so each part stays within Telegram's limit and is valid on its own.

    Length is counted on the visible text, as Telegram does. Parts end at a line end where
    one is near, else at a space, and never inside a tag or an entity; tags open at a cut are
    closed at the end of one part and opened again at the start of the next.
    """
    total = utf16_len(text)
    if total <= limit:
        return [text]
    by_lines = _by_lines(text, limit)
    if by_lines is not None:
        return by_lines
    # Without characters beyond the BMP every character counts one: no encoding per atom.
    measure = utf16_len if total != len(text) else len
    atoms: list[str] = []
    sizes: list[int] = []  # what each atom counts for; a tag counts nothing (-1 marks one)
    quarter, step = limit // 4, limit // 8
    for atom in _ATOM.findall(text):
        first = atom[0]
        if first in "<&" and len(atom) > 1:
            atoms.append(atom)
            sizes.append(-1 if first == "<" else 1)
            continue
        size = measure(atom)
        if first in "<&\n " or size <= quarter:
            atoms.append(atom)
            sizes.append(size)
        else:  # a word longer than a part could hold: cut it into pieces
            for index in range(0, len(atom), step):
                piece = atom[index : index + step]
                atoms.append(piece)
                sizes.append(measure(piece))
    chunks: list[str] = []
    stack: list[tuple[str, str]] = []  # (name, opening tag) of the tags open here
    opened: _Tags = ()  # the same, frozen: taken at each break
    prefix = ""  # the tags re-opened at the start of the current part
    current: list[str] = []
    visible = 0
    line_break: _Break | None = None
    space_break: _Break | None = None
    for atom, size in zip(atoms, sizes, strict=True):
        if size < 0:
            _track(stack, atom)
            opened = tuple(stack)
            current.append(atom)
            continue
        while current and visible + size > limit:
            cut = _best(line_break, space_break, limit) or (len(current), opened, visible)
            at, open_then, _ = cut
            head = "".join(_trim_end(current[:at]))
            closing = "".join(f"</{name}>" for name, _ in reversed(open_then))
            part = prefix + head + closing
            if head.strip():
                chunks.append(part)
            prefix = "".join(tag for _, tag in open_then)
            current = _trim_start(current[at:])
            visible = sum(_visible_size(a) for a in current)
            line_break = space_break = None
        current.append(atom)
        visible += size
        if atom == "\n":
            line_break = (len(current), opened, visible)
        elif atom == " ":
            space_break = (len(current), opened, visible)
    rest = "".join(current)
    if rest.strip() and _visible_text(rest).strip():
        chunks.append(prefix + rest)
    return chunks


_TAG = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def _by_lines(text: str, limit: int) -> list[str] | None:
    """The common case, cheaply: whole lines packed into parts, when no line is longer than
    half a part and each closes the tags it opens (lists and overviews are made so). None
    otherwise, and the careful split below runs."""
    parts: list[str] = []
    current: list[str] = []
    size = -1  # each line end between two lines counts one
    for line in text.split("\n"):
        shown = line
        if "<" in line or "&" in line:
            tags = _TAG.findall(line)
            if line.count("<") != len(tags) or not _closes_its_tags(tags):
                return None
            shown = _ENTITY.sub("&", _TAG.sub("", line))
        width = utf16_len(shown)
        if width > limit // 2:
            return None
        if current and size + 1 + width > limit:
            _keep(parts, current)
            current, size = [], -1
        current.append(line)
        size += 1 + width
    _keep(parts, current)
    return parts


def _closes_its_tags(tags: list[str]) -> bool:
    stack: list[tuple[str, str]] = []
    for tag in tags:
        _track(stack, tag)
    return not stack


def _keep(parts: list[str], lines: list[str]) -> None:
    part = "\n".join(lines).strip("\n ")
    if _visible_text(part).strip():
        parts.append(part)


def _visible_size(atom: str) -> int:
    if atom.startswith("<") and len(atom) > 1:
        return 0
    if atom.startswith("&") and len(atom) > 1:
        return 1
    return utf16_len(atom)


def _visible_text(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", html_text))


def _track(stack: list[tuple[str, str]], tag: str) -> None:
    match = _TAG_NAME.match(tag)
    if match is None:
        return
    name = match.group(1).lower()
    if tag.startswith("</"):
        if stack and stack[-1][0] == name:
            stack.pop()
    elif not tag.endswith("/>"):
        stack.append((name, tag))


def _best(line_break: _Break | None, space_break: _Break | None, limit: int) -> _Break | None:
    """A line end in the second half of the part, else a space in its last quarter."""
    if line_break is not None and line_break[2] >= limit // 2:
        return line_break
    if space_break is not None and space_break[2] >= limit * 3 // 4:
        return space_break
    return line_break or space_break


def _trim_end(atoms: list[str]) -> list[str]:
    while atoms and atoms[-1] in ("\n", " "):
        atoms = atoms[:-1]
    return atoms


def _trim_start(atoms: list[str]) -> list[str]:
    index = 0
    while index < len(atoms) and atoms[index] in ("\n", " "):
        index += 1
    return atoms[index:]
