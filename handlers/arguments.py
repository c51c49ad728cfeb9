"""What people add after a command: `@owner`, `#gemeente`, `#thema`, `tegen DATUM`, `actie N`.

Parsing happens in two steps so the first can be tested without a database: `parse_arguments`
cuts the typed text into free text and markers; `resolve_arguments` looks the markers up in the
cluster (members, municipalities, actions). A hashtag that is a theme word is a theme, any other
hashtag a municipality, matched case-, accent- and punctuation-insensitively so `#OudHeverlee`
and `#Oud_Heverlee` both find Oud-Heverlee.

`tegen` is also an ordinary Dutch word (`campagne tegen zwerfvuil`, `klimaatneutraal tegen
2030`): what follows it is read as a due date only when it reads as one, or when it clearly
tries to (`tegen 31/2`, `tegen di 17/3` on a Wednesday), which is then refused with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import Message, MessageEntity, User

from handlers.dates import DateParseError, When, parse_when, split_leading_when
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


def parse_number(text: str) -> int | None:
    """`12`, `#12`, `nr. 12` -> 12; anything else None."""
    found = re.fullmatch(r"(?:nr\.?\s*|no\.?\s*|#)?(\d{1,9})", text.strip(), re.IGNORECASE)
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


_ACTION = r"(?<!\S)(?:actie|action)\s+(?:nr\.?\s*|#)?(?P<action>\d{1,9})(?![\w/.:-])"
_MENTION = r"(?<![\w@.])@(?P<user>[A-Za-z][A-Za-z0-9_]{2,31})\b"
_HASHTAG = r"(?<![\w#&])#(?P<tag>[^\W\d][\w-]*)"
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
_DUE = re.compile(r"(?<!\S)(?:tegen|by)\s+", re.IGNORECASE)
# A word that can only be meant as a date: `19/3`, `2027-03-19`, `19.3.27`.
_DATE_SHAPED = re.compile(r"\d{1,4}[/.-]\d")


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
    if owner:
        for mention in sorted(mentions, key=lambda m: m.start):
            args.users.append(mention.user)
            spans.append((mention.start, mention.end))
    for found in _MARKERS[(owner, action)].finditer(text):
        if any(start < found.end() and found.start() < end for start, end in spans):
            continue
        groups = found.groupdict()
        if groups.get("action") is not None:
            args.action_number = int(groups["action"])
        elif groups.get("user") is not None:
            args.usernames.append("@" + groups["user"])
        else:
            tag = groups["tag"].rstrip("-")
            theme = theme_of(tag)
            if theme is not None:
                args.themes.append(theme)
            else:
                args.places.append(tag)
        spans.append(found.span())
    pieces = _between(text, spans)
    if due:
        pieces = _take_due_date(pieces, args, now)
    args.text = _join(pieces)
    return args


def _between(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """The text around the removed spans: a marker sits between each two pieces."""
    pieces, position = [], 0
    for start, end in sorted(spans):
        pieces.append(text[position:start])
        position = max(position, end)
    pieces.append(text[position:])
    return pieces


def _take_due_date(pieces: list[str], args: Arguments, now: dt.datetime) -> list[str]:
    """The last `tegen DATUM` that reads as a date is the due date; it leaves the text."""
    found: tuple[int, int, int, When] | None = None
    for index, piece in enumerate(pieces):
        for keyword in _DUE.finditer(piece):
            rest = piece[keyword.end() :]
            if not rest.strip():
                continue
            try:
                when, remaining = split_leading_when(rest, now=now)
            except DateParseError as error:
                if error.key == "date.unreadable" and not _DATE_SHAPED.match(rest.lstrip()):
                    continue
                if error.key == "date.unreadable":
                    raise DateParseError("date.unreadable", text=rest.split()[0]) from None
                raise
            end = keyword.end() + len(rest.rstrip()) - len(remaining)
            found = (index, keyword.start(), end, when)
    if found is None:
        return pieces
    index, start, end, when = found
    args.when = when
    piece = pieces[index]
    return [*pieces[:index], piece[:start], piece[end:], *pieces[index + 1 :]]


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


def read_due_date(text: str, *, now: dt.datetime) -> When:
    """The whole of `text` as a date, an optional `tegen`/`naar`/`to` in front."""
    stripped = re.sub(r"^(?:tegen|naar|tot|op|by|to|until|on)\s+", "", text.strip(), flags=re.I)
    return parse_when(stripped, now=now)
