"""What people add after a command: `@owner`, `#gemeente`, `#thema`, `tegen DATUM`, `actie N`.

Parsing happens in two steps so the first can be tested without a database: `parse_arguments`
cuts the typed text into free text and markers; `resolve_arguments` looks the markers up in the
cluster (members, municipalities, actions). A hashtag that is a theme word is a theme, any other
hashtag a municipality, matched case-, accent- and punctuation-insensitively so `#OudHeverlee`
and `#Oud_Heverlee` both find Oud-Heverlee.

The due date follows a deadline word (`tegen`, `ten laatste`, `uiterlijk`, `by`, `avant le`,
…) or the owner. Several of those words are also ordinary prose (`campagne tegen zwerfvuil`,
`klimaatneutraal tegen 2030`, `cut emissions by 20%`), so `_take_due_date` applies the rule the
README's "Dates" section writes down: what follows the last marker that asks for a date reads as
one, or the line is refused with what was not read; nothing is dropped in silence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import Message, MessageEntity, User

from handlers.dates import (
    DateParseError,
    When,
    has_date_word,
    parse_when,
    split_leading_when,
    starts_like_a_date,
)
from handlers.i18n import Html
from handlers.turn import Turn
from models import clusters
from models.actions import Action, ActionStatus, Theme, get_action
from models.clusters import Member, Municipality, fold, match_municipality
from models.errors import DomainError

__all__ = [
    "Arguments",
    "Resolved",
    "TextMention",
    "action_status_of",
    "command_text",
    "explained",
    "parse_arguments",
    "parse_number",
    "read_due_date",
    "resolve_arguments",
    "theme_of",
]

# Theme words in Dutch, English and French, folded (`#énergie`, `#Circulaire_Economie`).
_THEME_WORDS: dict[Theme, tuple[str, ...]] = {
    Theme.ENERGY: ("energie", "energy", "énergie"),
    Theme.MOBILITY: ("mobiliteit", "mobility", "mobilité"),
    Theme.CIRCULAR: (
        "circulair",
        "circular",
        "circulaire",
        "circulaireeconomie",
        "circulaireeconomy",
        "circulareconomy",
        "économiecirculaire",
    ),
    Theme.COMMUNICATION: ("communicatie", "communication"),
    Theme.PARTICIPATION: ("participatie", "participation"),
    Theme.OTHER: ("overig", "overige", "other", "autre", "divers"),
}
THEMES: dict[str, Theme] = {
    fold(word): theme for theme, words in _THEME_WORDS.items() for word in words
}

_STATUS_WORDS: dict[ActionStatus, tuple[str, ...]] = {
    ActionStatus.IDEA: ("idee", "idea", "idée"),
    ActionStatus.PLANNED: ("gepland", "planned", "prévu", "planifié"),
    ActionStatus.RUNNING: ("lopend", "running", "loopt", "en cours", "ongoing"),
    ActionStatus.DONE: ("afgerond", "done", "klaar", "terminé"),
    ActionStatus.STOPPED: ("gestopt", "stopped", "arrêté", "stop"),
}
STATUSES: dict[str, ActionStatus] = {
    fold(word): status for status, words in _STATUS_WORDS.items() for word in words
}


def theme_of(word: str) -> Theme | None:
    """`#Energie`, `energy`, `#circulaire_economie` -> the theme; anything else None."""
    return THEMES.get(fold(word))


def action_status_of(word: str) -> ActionStatus | None:
    """`lopend`, `running`, `en cours` -> the status; anything else None."""
    return STATUSES.get(fold(word))


def is_number(text: str) -> bool:
    """ASCII digits, at most nine: `²` or `٣` pass `str.isdigit()`, and a number past what a
    column holds (2³¹ on PostgreSQL) would fail in the database instead of being refused."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def parse_number(text: str) -> int | None:
    """`12`, `#12`, `nr. 12` -> 12; anything else None."""
    found = re.fullmatch(r"(?:nr\.?\s*|no\.?\s*|#)?([0-9]{1,9})", text.strip(), re.IGNORECASE)
    return int(found[1]) if found else None


# --- step 1: the typed text -----------------------------------------------------------------


@dataclass(frozen=True)
class TextMention:
    """A mention of someone without a username: Telegram marks its span and sends the user."""

    start: int
    end: int
    user: User


@dataclass
class Arguments:
    text: str
    usernames: list[str] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    when: When | None = None
    action_number: int | None = None


_ACTION = r"(?<!\S)(?:actie|action)\s+(?:nr\.?\s*|#)?(?P<action>[0-9]{1,9})(?![\w/.:-])"
_MENTION = r"(?<![\w@.])@(?P<user>[A-Za-z][A-Za-z0-9_]{1,31})\b"
_HASHTAG = r"(?<![\w#&])#(?P<tag>[^\W0-9][\w-]*)"
_MARKERS = {
    (owner, action): re.compile(
        "|".join(
            part
            for part, wanted in ((_ACTION, action), (_MENTION, owner), (_HASHTAG, True))
            if wanted
        ),
        re.IGNORECASE,
    )
    for owner in (False, True)
    for action in (False, True)
}
# Deadline words, longest first. `strong` ones only ever introduce a date; `asking` ones do
# after the owner (`@an tegen …`) and are prose before it or without one unless a date word
# follows; `weak` ones are prose unless a date word follows (`voor de sporthal`).
_DEADLINE = re.compile(
    r"""(?<![\w'’])(?:
        (?P<strong>tegen\s+ten\s+laatste|ten\s+laatste|uiterlijk|deadline|no\s+later\s+than
            |d['’]ici|au\s+plus\s+tard)
        |(?P<asking>tegen|by|pour|avant)
        |(?P<weak>v[oó][oó]r|before|due|le(?=\s+(?:lundi|mardi|mercredi|jeudi|vendredi)\b))
    )(?![\w'’-])(?P<article>[ \t]+(?:le|la)(?=[ \t]))?[ \t]*:?""",
    re.IGNORECASE | re.VERBOSE,
)


def parse_arguments(
    text: str,
    *,
    now: dt.datetime,
    mentions: Sequence[TextMention] = (),
    owner: bool = True,
    due: bool = True,
    action: bool = True,
) -> Arguments:
    """Cut `text` into markers and the free text left over (markers removed, spaces tidied).

    `now` is the cluster's local time. `owner`, `due` and `action` switch off markers that a
    command does not take, so they stay part of the text.
    """
    args = Arguments(text="")
    spans: list[tuple[int, int]] = []
    owners: list[int] = []  # where each owner mention ends
    if owner:
        for mention in sorted(mentions, key=lambda m: m.start):
            args.users.append(mention.user)
            spans.append((mention.start, mention.end))
            owners.append(mention.end)
    for found in _MARKERS[(owner, action)].finditer(text):
        if any(start < found.end() and found.start() < end for start, end in spans):
            continue
        groups = found.groupdict()
        if groups.get("action") is not None:
            args.action_number = int(groups["action"])
        elif groups.get("user") is not None:
            args.usernames.append("@" + groups["user"])
            owners.append(found.end())
        else:
            tag = groups["tag"].rstrip("-")
            theme = theme_of(tag)
            if theme is not None:
                args.themes.append(theme)
            else:
                args.places.append(tag)
        spans.append(found.span())
    if due:
        text, spans = _take_due_date(text, spans, owners, args, now)
    args.text = _join(_between(text, spans))
    return args


def _between(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """The text around the removed spans: a marker sits between each two pieces."""
    pieces, position = [], 0
    for start, end in sorted(spans):
        pieces.append(text[position:start])
        position = max(position, end)
    pieces.append(text[position:])
    return pieces


@dataclass(frozen=True)
class _Candidate:
    """A place in the line where a due date may follow: a deadline word, or the owner."""

    start: int  # where the marker starts (the owner: where the mention ends)
    rest: int  # where the words after it start
    end: int  # where the piece they stand in ends (the next marker or the end of the line)
    must: bool  # whatever follows must be a date
    owner: bool = False


def _take_due_date(
    text: str,
    spans: list[tuple[int, int]],
    owners: list[int],
    args: Arguments,
    now: dt.datetime,
) -> tuple[str, list[tuple[int, int]]]:
    """The due date, read after the last marker that asks for one; it leaves the text.

    The rule (README, "Dates"): the last deadline word of the line wins; after a strong one
    (`ten laatste`, `uiterlijk`, `deadline`, `no later than`, `d'ici`, `au plus tard`), and after
    `tegen`/`by`/`pour`/`avant` once the owner has been named, the words must read as a date or
    the line is refused. Elsewhere those words and `voor`/`before`/`due` are prose unless a
    date word follows (`campagne tegen zwerfvuil`, `cut emissions by 20%`). Right after the
    owner, a date is read when one follows (`@an vrijdag`). What follows a date that was read
    may not be the unread rest of it (`tegen 18/3 om kwart voor vier`).
    """
    last_owner = max(owners, default=None)
    candidates: list[_Candidate] = []
    for found in _DEADLINE.finditer(text):
        if any(start < found.end() and found.start() < end for start, end in spans):
            continue
        groups = found.groupdict()
        strength = next(name for name in ("strong", "asking", "weak") if groups[name])
        after_owner = last_owner is not None and found.start() >= last_owner
        must = strength == "strong" or (strength == "asking" and after_owner)
        # `avant le`, `d'ici le`: the article stays with the date (`le 15`, `le jeudi 6 mai`).
        after = found.start("article") if groups["article"] else found.end()
        candidates.append(_Candidate(found.start(), after, _piece_end(after, spans, text), must))
    for end in owners:
        candidates.append(_Candidate(end, end, _piece_end(end, spans, text), False, owner=True))
    candidates.sort(key=lambda candidate: candidate.start)
    for candidate in reversed(candidates):
        rest = text[candidate.rest : candidate.end]
        if not candidate.must and not has_date_word(rest):
            continue
        if not rest.strip():
            if candidate.owner:
                continue
            raise DateParseError("date.missing", marker=text[candidate.start : candidate.rest])
        try:
            when, remaining = split_leading_when(rest, now=now)
        except DateParseError as error:
            if candidate.owner and error.key == "date.unreadable":
                continue
            if error.key == "date.unreadable":
                raise DateParseError("date.unreadable", text=_shown(rest)) from None
            raise
        if starts_like_a_date(remaining):
            raise DateParseError("date.unreadable", text=_shown(remaining))
        args.when = when
        date_end = candidate.rest + len(rest.rstrip()) - len(remaining)
        start = candidate.start if not candidate.owner else candidate.rest
        return text, sorted([*spans, (start, date_end)])
    return text, spans


def _piece_end(position: int, spans: list[tuple[int, int]], text: str) -> int:
    """Where the text that starts at `position` meets the next marker (or ends)."""
    return min((start for start, _ in spans if start >= position), default=len(text))


def _shown(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 40 else line[:39] + "…"


def _join(pieces: list[str]) -> str:
    """The free text: punctuation that only separated a removed marker goes with it
    (`Flyer, @jan: drukken` -> `Flyer drukken`), spaces are single, blank lines dropped."""
    last = len(pieces) - 1
    text = ""
    for index, piece in enumerate(pieces):
        if index > 0:
            piece = re.sub(r"^[ \t]*[,;:]?", "", piece)
        if index < last:
            piece = re.sub(r"[ \t]*[,;:–—-]?[ \t]*$", "", piece)
        if not piece.strip():
            continue
        glue = "" if not text or re.match(r"\s*[.,;:!?]", piece) else " "
        text = text.rstrip(" \t") + glue + piece.lstrip(" \t")
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def command_text(message: Message) -> tuple[str, list[TextMention]]:
    """The text after the command (`/afspraak@klimaatbot` too) and the mentions in it,
    with Telegram's UTF-16 offsets turned into positions in that text."""
    text = message.text or ""
    first = text.split(maxsplit=1)
    if not first:
        return "", []
    skip = text.index(first[0]) + len(first[0])
    args = text[skip:]
    lead = len(args) - len(args.lstrip())
    args = args.strip()
    offset = skip + lead
    mentions: list[TextMention] = []
    for entity in message.entities:
        if entity.type != MessageEntity.TEXT_MENTION or entity.user is None:
            continue
        start = _python_index(text, entity.offset) - offset
        end = _python_index(text, entity.offset + entity.length) - offset
        if start >= 0:
            mentions.append(TextMention(start, end, entity.user))
    return args, mentions


def _python_index(text: str, utf16_offset: int) -> int:
    encoded = text.encode("utf-16-le")
    return len(encoded[: utf16_offset * 2].decode("utf-16-le", errors="ignore"))


# --- step 2: what the markers name ----------------------------------------------------------


@dataclass
class Resolved:
    owner: Member | None
    municipalities: list[Municipality]
    theme: Theme | None
    action: Action | None
    due_date: dt.date | None


async def resolve_arguments(turn: Turn, args: Arguments, *, many_places: bool = False) -> Resolved:
    """Look the markers up in the cluster; at most one owner, theme and (unless
    `many_places`) municipality, so nothing is silently dropped."""
    cluster = turn.require_cluster()
    bot_name = (turn.context.bot.username or "").lower()
    usernames = [name for name in args.usernames if name[1:].lower() != bot_name]
    if len(usernames) + len(args.users) > 1:
        raise DomainError("args.one_owner")
    owner: Member | None = None
    for user in args.users:
        if user.is_bot or user.id in (777000, 1087968824, 136817688):
            continue  # a bot or Telegram's service account is nobody's owner
        owner = await clusters.touch_member(
            turn.session,
            cluster=cluster,
            user_id=user.id,
            name=user.full_name,
            username=user.username,
            now=turn.now,
        )
    for username in usernames:
        # Someone who has not written in the group yet is kept as a pending owner.
        owner = await clusters.pending_member(
            turn.session, cluster=cluster, username=username, now=turn.now
        )
    themes = list(dict.fromkeys(args.themes))
    if len(themes) > 1:
        raise DomainError("args.one_theme", themes=", ".join("#" + theme for theme in themes))
    municipalities: list[Municipality] = []
    if args.places:
        known = await clusters.municipalities_of(turn.session, cluster=cluster)
        for place in args.places:
            found = match_municipality(known, place)
            if found not in municipalities:
                municipalities.append(found)
    if len(municipalities) > 1 and not many_places:
        raise DomainError("args.one_municipality", names=", ".join(m.name for m in municipalities))
    action = None
    if args.action_number is not None:
        action = await get_action(turn.session, cluster=cluster, number=args.action_number)
    return Resolved(
        owner=owner,
        municipalities=municipalities,
        theme=themes[0] if themes else None,
        action=action,
        due_date=args.when.date if args.when is not None else None,
    )


def explained(turn: Turn, error: Exception, example_key: str, **example: Any) -> DomainError:
    """The refusal of one part of a command, followed by an example that works."""
    if isinstance(error, DateParseError):
        problem = turn.t(error.key, **error.localized_params(turn.lang))
    elif isinstance(error, DomainError):
        problem = turn.t(error.key, **error.params)
    else:
        raise error
    return DomainError(
        "args.explained", problem=Html(problem), example=Html(turn.t(example_key, **example))
    )


_LEADING_DEADLINE = re.compile(
    r"^(?:tegen\s+ten\s+laatste|ten\s+laatste|uiterlijk|deadline:?|no\s+later\s+than|"
    r"d['’]ici|au\s+plus\s+tard|tegen|naar|tot|op|by|to|until|on|pour|avant|due|"
    r"v[oó][oó]r(?!\s+(?:de|het)\b)|before(?!\s+the\b))\s+",
    re.IGNORECASE,
)


def read_due_date(text: str, *, now: dt.datetime) -> When:
    """The whole of `text` as a date, an optional deadline word (`tegen`, `uiterlijk`, `naar`,
    `to`, `d'ici`) in front; `voor de paasvakantie` keeps its `voor`."""
    stripped = _LEADING_DEADLINE.sub("", text.strip())
    return parse_when(stripped, now=now)
