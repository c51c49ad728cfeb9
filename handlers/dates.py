"""Read the dates and times people type after a command.

Flemish civil servants write `di 16/3 14u`, `15 maart`, `volgende dinsdag`, `over 2 weken` or
`eind maart`; some write English (`next tuesday 2pm`) or French (`mardi 16 mars 14h`).
General-purpose parsers get exactly these wrong (dateparser reads `14u` as a duration and does
not know `volgende dinsdag`), so this module has its own small grammar:

1. `_words` folds case, accents and punctuation and joins what belongs together
   (`14 uur` -> `14uur`, `'s avonds` -> `'savonds`, `vanavond` -> `vandaag avond`);
2. `_splits` cuts the words into a date part and a time part (the time may follow the date,
   precede it or stand alone);
3. `_match_date` and `_match_time` only look at the shape of each part; the shape that fits is
   then resolved against today, which is where impossible days, a weekday that does not match
   the date and clock times such as `25u` are reported.

Every failure is a `DateParseError` with a message key (`date.*`) and its
placeholders, so the handler answers in the cluster's language. The clock is never read here:
`now` is an argument.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from handlers.i18n import MessageKey, t
from scheduler import school_holidays
from scheduler.school_holidays import SchoolHoliday

__all__ = ["DateParseError", "When", "parse_when", "split_leading_when"]


class DateParseError(ValueError):
    """Text that is not a date and time, or names a day or hour that does not exist.

    `key` is a message key (`date.*`) of the catalogues; `params` fills its placeholders. In
    `date.weekday_mismatch`, `given_weekday` and `actual_weekday` are `MessageKey`s
    (`date.weekday.tuesday`), which `handlers.i18n.t` puts in the cluster's language.
    """

    def __init__(self, key: str, **params: str | int) -> None:
        super().__init__(key, params)
        self.key = key
        self.params: dict[str, str | int] = params

    def localized_params(self, lang: str) -> dict[str, str | int]:
        """`params` with the weekday keys replaced by their names in `lang` (nl, en or fr)."""
        return {
            name: str(t(lang, value)) if name in _KEY_PARAMS and isinstance(value, str) else value
            for name, value in self.params.items()
        }


@dataclass(frozen=True)
class When:
    """A day, and the time of day if one was typed (each command has its own default)."""

    date: dt.date
    time: dt.time | None = None

    def at(self, tz: ZoneInfo, default_time: dt.time) -> dt.datetime:
        """This day at its time (or `default_time`) in `tz`, as an aware datetime.

        A wall time that does not exist (02:30 on the last Sunday of March in Brussels) moves
        forward to the first one that does (03:00); a wall time that occurs twice (the last
        Sunday of October) is the first of the two (fold=0, still summer time).
        """
        clock = self.time if self.time is not None else default_time
        local = dt.datetime.combine(self.date, clock.replace(tzinfo=None, fold=0), tzinfo=tz)
        round_trip = local.astimezone(dt.UTC).astimezone(tz)
        if round_trip.replace(tzinfo=None) == local.replace(tzinfo=None):
            return local
        return _end_of_gap(local, tz)


def parse_when(text: str, *, now: dt.datetime) -> When:
    """The date (and time) that all of `text` names, as seen at `now` (aware, cluster time).

    - A date without a year is the next one to come, today included: `15/3` typed on 16 March
      is next year's. An explicit year is kept, also when it is past.
    - A weekday is the next such day, today excluded. `volgende dinsdag` means the same as
      `dinsdag`: people use both for "the coming Tuesday", and reading `volgende` as "the
      week after" would silently move the date a week; the long form written back shows
      the day at once. `volgende week dinsdag` is the Tuesday of next week.
    - A time without a date is today if it is still to come, otherwise tomorrow.
    - Whether the result is in the past is for the caller to judge.
    """
    if not text.strip():
        raise DateParseError("date.empty")
    words = _words(text)
    if len(words) <= _MAX_WORDS:
        for date_words, time_words in _splits(words):
            resolve_date = _match_date(date_words) if date_words else None
            if date_words and resolve_date is None:
                continue
            clock = _match_time(time_words) if time_words else None
            if time_words and clock is None:
                continue
            return _when(resolve_date, clock, now)
        _refuse_vague(words, text)
    raise DateParseError("date.unreadable", text=_shown(text))


def split_leading_when(text: str, *, now: dt.datetime) -> tuple[When, str]:
    """The date at the start of `text` and the rest, stripped.

    `do 25/3 14u #Herent Gemeentehuis` gives 25/3 14:00 and `#Herent Gemeentehuis`. The longest
    leading run of words that reads as a date wins. A longer run that is a date but a wrong
    one (`di 17/3` on a Wednesday, `31/2`, `25u`) raises its error rather than falling back to
    a shorter run (`di` alone), which would quietly pick another day.
    """
    spans = list(re.finditer(r"\S+", text))
    if not spans:
        raise DateParseError("date.empty")
    for count in range(min(len(spans), 2 * _MAX_WORDS), 0, -1):
        end = spans[count - 1].end()
        try:
            when = parse_when(text[:end], now=now)
        except DateParseError as error:
            if error.key != "date.unreadable":
                raise
            continue
        return when, text[end:].strip()
    words = _words(text)
    for count in range(min(len(words), 3), 0, -1):
        _refuse_vague(words[:count], " ".join(span.group() for span in spans[:count]))
    raise DateParseError("date.unreadable", text=_shown(spans[0].group()))


def starts_like_a_date(text: str) -> bool:
    """Whether `text` begins with a word that only a date or time would use: what is left after
    a date that was read must not be the unread rest of it (`om kwart voor vier`)."""
    words = _words(text)
    return bool(words) and (
        words[0] in _TIME_LEAD - {"de", "the", "du", "le", "-"} or is_date_word(words[0])
    )


def has_date_word(text: str) -> bool:
    """Whether `text` starts (within its first three words) with the date vocabulary: a
    weekday, a month, `morgen`, `19/3`, `14u`, `15de`, `paasvakantie`, `binnenkort`, `volgende
    week`, `over 2 weken`, `de zomer`. A bare number or year is none (`by 20%`, `tegen 2030`),
    and neither are words that are mostly prose (`de dag van de natuur`, `de week van de
    mobiliteit`, `een koele zomer`)."""
    words = _words(text)[:3]
    if any(is_date_word(word) for word in words):
        return True
    pairs = set(itertools.pairwise(words))
    return (
        bool(pairs & _DATE_PAIRS)
        or any(
            first in _PAIR_LEADS and second in _WEEK_WORDS | _MONTH_WORDS for first, second in pairs
        )
        or (len(words) == 3 and words[0] in _IN and words[2] in _UNITS)
        or words[:1] == ["ete"]
    )


def is_date_word(word: str) -> bool:
    """One folded word that only a date or time would use (see `has_date_word`)."""
    return (
        word in _WEEKDAYS
        or word in _MONTHS
        or (word in _RELATIVE_DAYS and word != "hier")
        or (word in _HOLIDAYS and word not in ("zomer", "verlof", "ete"))
        or word in _PERIODS
        or word in _VAGUE
        or bool(_NTH.fullmatch(word))
        or bool(_DATE_SHAPED.match(word))
        or _clock(word, after_lead=False) is not None
    )


def _refuse_vague(words: list[str], text: str) -> None:
    """A deadline that names no day (`binnenkort`, `volgend jaar`, `tegen 2030`) is refused
    with the closest forms that are read."""
    core = words[1:] if len(words) > 1 and words[0] in _DATE_LEAD | _BEFORE else words
    phrase = " ".join(core)
    kind = _VAGUE.get(phrase)
    if kind is None and len(core) == 1 and _YEAR.fullmatch(core[0]):
        kind = "year"
    if kind is not None:
        raise DateParseError(
            "date.vague", text=_shown(text), forms=MessageKey(f"date.closest.{kind}")
        )


# --- Vocabulary -------------------------------------------------------------------------------
# Words are looked up after folding: lower case, accents dropped (`één` -> `een`, `août` ->
# `aout`), surrounding punctuation removed (`di.` -> `di`).

# Monday first; the full name, then what people abbreviate it to.
_WEEKDAY_NAMES = {
    "nl": (
        ("maandag", "ma", "maan"),
        ("dinsdag", "di", "dins"),
        ("woensdag", "wo", "woe"),
        ("donderdag", "do", "don"),
        ("vrijdag", "vr", "vrij"),
        ("zaterdag", "za", "zat"),
        ("zondag", "zo", "zon"),
    ),
    "en": (
        ("monday", "mon"),
        ("tuesday", "tue", "tues"),
        ("wednesday", "wed"),
        ("thursday", "thu", "thur", "thurs"),
        ("friday", "fri"),
        ("saturday", "sat"),
        ("sunday", "sun"),
    ),
    "fr": (  # not "mar": that is March
        ("lundi", "lun"),
        ("mardi",),
        ("mercredi", "mer"),
        ("jeudi", "jeu"),
        ("vendredi", "ven"),
        ("samedi", "sam"),
        ("dimanche", "dim"),
    ),
}

# January first.
_MONTH_NAMES = {
    "nl": (
        ("januari", "jan"),
        ("februari", "feb"),
        ("maart", "mrt", "maa"),
        ("april", "apr"),
        ("mei",),
        ("juni", "jun"),
        ("juli", "jul"),
        ("augustus", "aug"),
        ("september", "sep", "sept"),
        ("oktober", "okt"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    "en": (
        ("january", "jan"),
        ("february", "feb"),
        ("march", "mar"),
        ("april", "apr"),
        ("may",),
        ("june", "jun"),
        ("july", "jul"),
        ("august", "aug"),
        ("september", "sep", "sept"),
        ("october", "oct"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    "fr": (
        ("janvier", "janv"),
        ("fevrier", "fevr", "fev"),
        ("mars",),
        ("avril", "avr"),
        ("mai",),
        ("juin",),
        ("juillet", "juil"),
        ("aout",),
        ("septembre", "sept"),
        ("octobre", "oct"),
        ("novembre", "nov"),
        ("decembre", "dec"),
    ),
}

_RELATIVE_DAYS = {
    **{"vandaag": 0, "morgen": 1, "overmorgen": 2},
    **{"today": 0, "tomorrow": 1},
    **{"aujourd'hui": 0, "demain": 1, "apres-demain": 2},
    # The past is read too, so that the refusal can name the day it means.
    **{"gisteren": -1, "eergisteren": -2, "yesterday": -1, "hier": -1, "avant-hier": -2},
}
_NEXT = {"volgende", "komende", "eerstvolgende", "next", "prochain", "prochaine"}
_THIS = {"deze", "dit", "this", "ce", "cette"}
_PREVIOUS = {"vorige", "vorig", "afgelopen", "last", "previous", "dernier", "derniere"}
_PREVIOUS |= {"passe", "passee"}
_IN = {"over", "binnen", "in", "dans"}  # `binnen 2 weken` is Flemish for "in 2 weeks"
_COUNTS = {
    **{"een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8},
    **{"negen": 9, "tien": 10},
    **{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6},
    **{"seven": 7, "eight": 8, "nine": 9, "ten": 10},
    **{"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8},
    **{"neuf": 9, "dix": 10},
}
# (days, months) per unit.
_UNITS = {
    **dict.fromkeys(["dag", "dagen", "day", "days", "jour", "jours"], (1, 0)),
    **dict.fromkeys(["week", "weken", "weeks", "semaine", "semaines"], (7, 0)),
    **dict.fromkeys(["maand", "maanden", "month", "months", "mois"], (0, 1)),
    **dict.fromkeys(["jaar", "jaren", "year", "years", "an", "ans", "annee", "annees"], (0, 12)),
}
_WEEK_WORDS = {word for word, unit in _UNITS.items() if unit == (7, 0)}
_MONTH_WORDS = {word for word, unit in _UNITS.items() if unit == (0, 1)}
_LAST = -1
# `eind maart`, `end of March`, `fin mars`: which day of the month.
_EDGES = {
    **dict.fromkeys(["begin", "start", "beginning", "debut"], 1),
    **dict.fromkeys(["midden", "half", "mid", "mi"], 15),
    **dict.fromkeys(["eind", "einde", "end", "fin"], _LAST),
}
_EDGE_FILLERS = {"of", "van", "the", "de", "du", "la"}
_DATE_LEAD = {"op", "on", "le", "la", "the"}  # `op dinsdag`, `on Tuesday`, `le 16 mars`
# `eind volgende week` is its Friday, `begin volgende week` its Monday.
_WEEK_EDGES = {**dict.fromkeys(["begin", "start", "beginning", "debut"], 0)}
_WEEK_EDGES |= {**dict.fromkeys(["midden", "mid", "mi", "half"], 2)}
_WEEK_EDGES |= {**dict.fromkeys(["eind", "einde", "end", "fin"], 4)}
# `de 15de`, `the 15th`, `le 15`: the next such day of a month.
_NTH_LEAD = {"de", "the", "le"}
_NTH = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th|ste|de|e|er|eme)", re.ASCII)
# Flemish school holidays; bare names mean "before" (as a deadline), `na`/`after`/`apres` after.
_HOLIDAYS = {
    **dict.fromkeys(["herfstvakantie", "herfstverlof", "allerheiligenvakantie"], "autumn"),
    **dict.fromkeys(["kerstvakantie", "kerstverlof"], "christmas"),
    **dict.fromkeys(["krokusvakantie", "krokusverlof", "carnavalsvakantie"], "carnival"),
    **dict.fromkeys(["paasvakantie", "paasverlof"], "easter"),
    **dict.fromkeys(["zomervakantie", "zomerverlof", "zomer", "verlof", "ete"], "summer"),
}
_AFTER = {"na", "after", "apres"}
_BEFORE = {"voor", "before", "avant", "tegen", "by", "pour"}
_HOLIDAY_ARTICLES = {"de", "het", "the", "les", "la", "le"}
# What cannot be pinned down to a day, and which closest forms the refusal offers.
_VAGUE = {
    **dict.fromkeys(["binnenkort", "asap", "zsm", "soon", "bientot"], "soon"),
    **dict.fromkeys(["deze week", "this week", "cette semaine"], "week"),
    **dict.fromkeys(["volgend jaar", "next year", "l'annee prochaine", "annee prochaine"], "year"),
    **dict.fromkeys(["in de zomer", "deze zomer", "this summer", "cet ete", "en ete"], "summer"),
    **dict.fromkeys(["het najaar", "najaar", "het voorjaar", "voorjaar", "autumn"], "season"),
    **dict.fromkeys(["spring", "automne", "printemps", "in het najaar"], "season"),
}

# Two words that together can only be a date (`de zomer`, `volgende week`); alone each is prose.
_DATE_PAIRS = {("de", "zomer"), ("het", "verlof"), ("the", "summer")}
_PAIR_LEADS = _NEXT | _THIS | _PREVIOUS | set(_EDGES)

# Parts of the day, with the hour they stand for.
_PERIODS = {
    **dict.fromkeys(["voormiddag", "'svoormiddags", "ochtend", "'sochtends", "'smorgens"], 9),
    **dict.fromkeys(["middag", "'smiddags"], 12),
    **dict.fromkeys(["namiddag", "'snamiddags"], 14),
    **dict.fromkeys(["avond", "'savonds"], 19),
    **{"morning": 9, "noon": 12, "midday": 12, "afternoon": 14, "evening": 19},
    **{"matin": 9, "midi": 12, "apres-midi": 14, "soir": 19},
}
_TIME_LEAD = {"om", "at", "a", "vers", "rond", "omstreeks", "around", "tegen", "-", "@"}
_TIME_LEAD |= {"in", "de", "the", "du", "le"}  # `in de voormiddag`, `in the evening`, `du soir`
_HOUR_LEAD = {"om", "at", "a", "vers", "rond", "omstreeks", "around", "tegen"}  # `om 9`

# Several words for one, or one word for two.
_PHRASES = {
    "the day after tomorrow": "overmorgen",
    "day after tomorrow": "overmorgen",
    "apres demain": "apres-demain",
    "avant hier": "avant-hier",
    "the day before yesterday": "eergisteren",
    "day before yesterday": "eergisteren",
    "zo snel mogelijk": "zsm",
    "as soon as possible": "asap",
    "des que possible": "bientot",
    "grote vakantie": "zomervakantie",
    "easter holidays": "paasvakantie",
    "easter holiday": "paasvakantie",
    "easter break": "paasvakantie",
    "christmas holidays": "kerstvakantie",
    "christmas holiday": "kerstvakantie",
    "christmas break": "kerstvakantie",
    "summer holidays": "zomervakantie",
    "summer holiday": "zomervakantie",
    "summer break": "zomervakantie",
    "autumn holidays": "herfstvakantie",
    "autumn half-term": "herfstvakantie",
    "autumn break": "herfstvakantie",
    "carnival holidays": "krokusvakantie",
    "carnival break": "krokusvakantie",
    "vacances de paques": "paasvakantie",
    "vacances de printemps": "paasvakantie",
    "conge de printemps": "paasvakantie",
    "vacances de noel": "kerstvakantie",
    "vacances d'hiver": "kerstvakantie",
    "conge d'hiver": "kerstvakantie",
    "vacances d'ete": "zomervakantie",
    "grandes vacances": "zomervakantie",
    "vacances de toussaint": "herfstvakantie",
    "conge de toussaint": "herfstvakantie",
    "conge d'automne": "herfstvakantie",
    "vacances de carnaval": "krokusvakantie",
    "conge de carnaval": "krokusvakantie",
    "conge de detente": "krokusvakantie",
    "vanochtend": "vandaag ochtend",
    "vanmorgen": "vandaag ochtend",
    "vanvoormiddag": "vandaag voormiddag",
    "vannamiddag": "vandaag namiddag",
    "vanavond": "vandaag avond",
    "morgenochtend": "morgen ochtend",
    "morgenvroeg": "morgen ochtend",
    "morgenvoormiddag": "morgen voormiddag",
    "morgenmiddag": "morgen middag",
    "morgennamiddag": "morgen namiddag",
    "morgenavond": "morgen avond",
    "this morning": "today morning",
    "this afternoon": "today afternoon",
    "this evening": "today evening",
    "tonight": "today evening",
    "ce matin": "aujourd'hui matin",
    "cet apres-midi": "aujourd'hui apres-midi",
    "ce soir": "aujourd'hui soir",
}

_WEEKDAYS = {
    word: weekday
    for days in _WEEKDAY_NAMES.values()
    for weekday, words in enumerate(days)
    for word in words
}
_MONTHS = {
    word: month
    for months in _MONTH_NAMES.values()
    for month, words in enumerate(months, start=1)
    for word in words
}
_WEEKDAY_KEYS = tuple(
    MessageKey(f"date.weekday.{name}")
    for name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)
_KEY_PARAMS = {"given_weekday", "actual_weekday", "forms"}
_MAX_WORDS = 10  # the longest expression, `dinsdag 16 maart 2027 om 8u30 's avonds`, has 7

# Emoji, symbols and invisible format characters (`✅`, `📅`, a zero-width joiner) are no words.
_DROPPED = {"So", "Sk", "Cf", "Co", "Cs"}
_CLOCK = re.compile(r"([0-9]{1,2})(?:([:.uh])([0-9]{2}))?(uur|u|h|am|pm)?", re.ASCII)
# A word that can only be meant as a date, also when mistyped: `19/3`, `2027-03-19`, `19/3x`.
# A span of years (`2027-2030`) is no date.
_DATE_SHAPED = re.compile(
    r"[0-9]{1,4}(?:/[0-9]|-[0-9]{1,2}(?![0-9])|\.[0-9]{1,2}\.[0-9])", re.ASCII
)
_BARE_HOUR = re.compile(r"[0-9]{1,2}", re.ASCII)
_NUMERIC_DATE = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})(?:\2([0-9]{4}|[0-9]{2}))?", re.ASCII)
_ISO_DATE = re.compile(r"([0-9]{4})([/.-])([0-9]{1,2})\2([0-9]{1,2})", re.ASCII)
_DAY = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th|ste|de|e|er|eme)?", re.ASCII)
_YEAR = re.compile(r"[0-9]{4}", re.ASCII)
_COUNT = re.compile(r"[0-9]{1,6}", re.ASCII)
_PHRASE = re.compile(
    r"(?<!\S)(" + "|".join(sorted(map(re.escape, _PHRASES), key=len, reverse=True)) + r")(?!\S)"
)


# --- Words ------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    """`Di. 16/3, om 2 p.m.` -> `['di', '16/3', 'om', '2pm']`."""
    folded = "".join(
        char
        for char in unicodedata.normalize("NFKD", re.sub("[’‘`´]", "'", text).lower())
        if not unicodedata.combining(char) and unicodedata.category(char) not in _DROPPED
    )
    stripped = (word.strip('.,;:!?()[]"“”«»') for word in folded.split())
    joined = " ".join(word for word in stripped if word)
    joined = re.sub(r"(?<![a-z])([ap])\.\s?m(?![a-z])", r"\1m", joined)  # 2 p.m -> 2 pm
    joined = re.sub(r"(?<!\S)'s (?=[a-z])", "'s", joined)  # 's avonds -> 'savonds
    joined = re.sub(r"(?<=[0-9]) (?=(?:uur|u|h|am|pm)(?!\S))", "", joined)  # 14 uur -> 14uur
    joined = re.sub(r"(?<!\S)(mid|mi)-(?=[a-z])", r"\1 ", joined)  # mid-March -> mid march
    joined = re.sub(r"(?<!\S)l'(?=[a-z])", "", joined)  # l'apres-midi -> apres-midi
    joined = _PHRASE.sub(lambda m: _PHRASES[m[1]], joined)
    return joined.split()


def _splits(words: list[str]) -> Iterator[tuple[list[str], list[str]]]:
    """Every cut into (date part, time part): date alone, date then time, time then date,
    time alone."""
    yield words, []
    for cut in range(1, len(words)):
        yield words[:cut], words[cut:]
        yield words[cut:], words[:cut]
    yield [], words


def _shown(text: str) -> str:
    """The text as quoted back in an error: one line, not too long."""
    line = " ".join(text.split())
    return line if len(line) <= 40 else line[:39] + "…"


# --- Time of day ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clock:
    hour: int
    minute: int
    text: str
    meridiem: str | None = None  # "am" or "pm"
    afternoon: bool = False  # `8u 's avonds` is 20:00

    def time(self) -> dt.time:
        hour = self.hour
        if self.meridiem is not None:
            if not 1 <= hour <= 12:
                raise DateParseError("date.bad_time", text=self.text)
            hour = hour % 12 + (12 if self.meridiem == "pm" else 0)
        elif self.afternoon and 1 <= hour < 12:
            hour += 12
        if hour > 23 or self.minute > 59:
            raise DateParseError("date.bad_time", text=self.text)
        return dt.time(hour, self.minute)


def _clock(word: str, *, after_lead: bool) -> _Clock | None:
    """`14u`, `14u30`, `14:30`, `14.30`, `14h30`, `9uur`, `2pm`, `2:30pm`; `9` only after `om`.

    Out-of-range values (`25u`, `14u75`) still match here and are refused by `_Clock.time`.
    """
    if after_lead and _BARE_HOUR.fullmatch(word):
        return _Clock(int(word), 0, word)
    found = _CLOCK.fullmatch(word)
    if found is None:
        return None
    hour, separator, minute, suffix = found.groups()
    if suffix is None and separator is None:
        return None  # a bare number is a day or a count, not a time
    if suffix is not None and separator in ("u", "h"):
        return None
    meridiem = suffix if suffix in ("am", "pm") else None
    return _Clock(int(hour), int(minute or 0), word, meridiem)


def _match_time(words: Sequence[str]) -> _Clock | None:
    """A clock time and/or a part of the day, with optional connectors:
    `om 14u`, `- 20:00`, `at 2pm`, `namiddag`, `in de voormiddag`, `om 8u 's avonds`."""
    if words[-1] in _TIME_LEAD:
        return None
    clock: _Clock | None = None
    period: int | None = None
    for index, word in enumerate(words):
        after_lead = index > 0 and words[index - 1] in _HOUR_LEAD
        if word in _PERIODS and period is None:
            period = _PERIODS[word]
        elif clock is None and (found := _clock(word, after_lead=after_lead)) is not None:
            clock = found
        elif word not in _TIME_LEAD:
            return None
    if clock is None:
        return None if period is None else _Clock(period, 0, " ".join(words))
    return replace(clock, afternoon=period is not None and period >= 12)


# --- Days -------------------------------------------------------------------------------------

_DateRule = Callable[[dt.date], dt.date]


def _match_date(words: list[str]) -> _DateRule | None:
    """The rule that turns today into the day `words` name, if they have the shape of a date."""
    nth = _nth_day(words)
    if nth is not None:
        return nth
    if len(words) > 1 and words[0] in _DATE_LEAD:
        words = words[1:]
    for shape in (
        _relative_day,
        _previous,
        _next_weekday,
        _next_week,
        _week_edge,
        _week_of,
        _offset,
        _month_edge,
        _school_holiday,
        _calendar_date,
    ):
        rule = shape(words)
        if rule is not None:
            return rule
    return None


def _relative_day(words: list[str]) -> _DateRule | None:
    """`vandaag`, `morgen`, `overmorgen`, `today`, `tomorrow`, `demain`."""
    if len(words) != 1 or words[0] not in _RELATIVE_DAYS:
        return None
    days = _RELATIVE_DAYS[words[0]]
    return lambda today: _add(today, days=days, text=words[0])


def _previous(words: list[str]) -> _DateRule | None:
    """`vorige week` (its Monday), `vorige maand` (its 1st), `vorige dinsdag`, `last week`,
    `last Tuesday`, `la semaine dernière`, `le mois passé`: read so the refusal names the day."""
    if len(words) != 2:
        return None
    if words[0] in _PREVIOUS:
        core = words[1]
    elif words[1] in _PREVIOUS:
        core = words[0]
    else:
        return None
    text = " ".join(words)
    if core in _WEEK_WORDS:
        return lambda today: _add(today, days=-today.weekday() - 7, text=text)
    if core in _MONTH_WORDS:
        return lambda today: _add(today.replace(day=1), months=-1, text=text)
    if core in _WEEKDAYS:
        weekday = _WEEKDAYS[core]
        return lambda today: _add(today, days=-((today.weekday() - weekday - 1) % 7 + 1), text=text)
    return None


def _nth_day(words: list[str]) -> _DateRule | None:
    """`de 15de`, `15de`, `the 15th`, `le 15`: the next 15th of a month, today included."""
    if len(words) == 2 and words[0] in _NTH_LEAD and words[1].isascii() and words[1].isdigit():
        day = int(words[1])
    elif len(words) in (1, 2) and (found := _NTH.fullmatch(words[-1])):
        if len(words) == 2 and words[0] not in _NTH_LEAD:
            return None
        day = int(found[1])
    else:
        return None
    text = " ".join(words)

    def resolve(today: dt.date) -> dt.date:
        first = today.replace(day=1)
        for months in range(12):
            month = _add(first, months=months, text=text)
            try:
                found = month.replace(day=day)
            except ValueError:
                continue
            if found >= today:
                return found
        raise DateParseError("date.no_such_day", text=text)

    return resolve


def _week_edge(words: list[str]) -> _DateRule | None:
    """`eind volgende week` (its Friday), `begin volgende week` (its Monday), `midden volgende
    week`, `eind deze week`, `eind van de week`, `end of next week`, `fin de la semaine
    prochaine`."""
    if len(words) < 2 or words[0] not in _WEEK_EDGES:
        return None
    offset = _WEEK_EDGES[words[0]]
    rest = [word for word in words[1:] if word not in _EDGE_FILLERS]
    text = " ".join(words)
    core = _without_next(rest)
    if rest[-1:] and rest[-1] in _WEEK_WORDS and (len(rest) == 1 or rest[0] in _THIS):
        weeks = 0
    elif len(rest) == 2 and len(core) == 1 and core[0] in _WEEK_WORDS:
        weeks = 1
    else:
        return None
    return lambda today: _add(today, days=7 * weeks - today.weekday() + offset, text=text)


def _week_of(words: list[str]) -> _DateRule | None:
    """`de week van 15 maart`, `the week of March 15`, `la semaine du 15 mars`: the Friday of
    that week, since a deadline "in that week" is met by the end of its working days."""
    if words and words[0] in {"de", "the", "la"}:
        words = words[1:]
    if len(words) < 3 or words[0] not in _WEEK_WORDS or words[1] not in {"van", "of", "du"}:
        return None
    inner = _calendar_date(words[2:])
    if inner is None:
        return None
    text = " ".join(words)
    return lambda today: _add(day := inner(today), days=4 - day.weekday(), text=text)


def _school_holiday(words: list[str]) -> _DateRule | None:
    """`na de paasvakantie` (the first working day after it), `voor de zomervakantie` (the last
    working day before it), `krokusvakantie` alone (before it: a deadline), `na de zomer`, `voor
    het verlof`, `after the Easter holidays`, `avant les vacances de Noël`; a year may follow."""
    relation = "before"
    if words and (words[0] in _AFTER or words[0] in _BEFORE):
        relation = "after" if words[0] in _AFTER else "before"
        words = words[1:]
    if words and words[0] in _HOLIDAY_ARTICLES:
        words = words[1:]
    year: int | None = None
    if len(words) == 2 and _YEAR.fullmatch(words[1]):
        year, words = int(words[1]), words[:1]
    if len(words) != 1 or words[0] not in _HOLIDAYS:
        return None
    kind = SchoolHoliday(_HOLIDAYS[words[0]])

    def resolve(today: dt.date) -> dt.date:
        try:
            if year is not None:
                start, end = school_holidays.holiday_in(kind, year)
            else:
                start, end = school_holidays.next_holiday(kind, today, started=relation == "after")
            if relation == "after":
                return school_holidays.after(end)
            return school_holidays.before(start)
        except (OverflowError, ValueError):
            raise DateParseError("date.out_of_range", text=" ".join(words)) from None

    return resolve


def _without_next(words: list[str]) -> list[str]:
    """`volgende dinsdag`, `mardi prochain`, `semaine prochaine` -> the word without `next`."""
    if len(words) == 2 and words[0] in _NEXT:
        return words[1:]
    if len(words) == 2 and words[1] in _NEXT:
        return words[:1]
    return words


def _next_weekday(words: list[str]) -> _DateRule | None:
    """`dinsdag`, `di`, `volgende dinsdag`, `next tuesday`, `mardi prochain`: the first such day
    after today (see `parse_when` for why `volgende` changes nothing)."""
    core = _without_next(words)
    if len(core) != 1 or core[0] not in _WEEKDAYS:
        return None
    weekday = _WEEKDAYS[core[0]]
    text = " ".join(words)
    return lambda today: _add(today, days=(weekday - today.weekday() - 1) % 7 + 1, text=text)


def _next_week(words: list[str]) -> _DateRule | None:
    """`volgende week` (its Monday), `volgende week dinsdag`, `dinsdag volgende week`,
    `next week`, `la semaine prochaine`."""
    text = " ".join(words)
    weekday = 0
    if len(words) == 3 and words[0] in _WEEKDAYS:
        weekday, words = _WEEKDAYS[words[0]], words[1:]
    elif len(words) == 3 and words[-1] in _WEEKDAYS:
        weekday, words = _WEEKDAYS[words[-1]], words[:-1]
    core = _without_next(words)
    if len(words) != 2 or len(core) != 1 or core[0] not in _WEEK_WORDS:
        return None
    return lambda today: _add(today, days=7 - today.weekday() + weekday, text=text)


def _offset(words: list[str]) -> _DateRule | None:
    """`over 2 weken`, `over een week`, `binnen 3 dagen`, `in 1 month`, `dans 2 semaines`."""
    if len(words) != 3 or words[0] not in _IN or words[2] not in _UNITS:
        return None
    count = int(words[1]) if _COUNT.fullmatch(words[1]) else _COUNTS.get(words[1])
    if count is None:
        return None
    days, months = _UNITS[words[2]]
    text = " ".join(words)
    return lambda today: _add(today, days=count * days, months=count * months, text=text)


def _month_edge(words: list[str]) -> _DateRule | None:
    """`eind maart` (its last day), `begin april` (the 1st), `midden mei` (the 15th),
    `end of March 2027`, `fin mars`, `eind deze maand`, `begin volgende maand`."""
    if len(words) < 2 or words[0] not in _EDGES:
        return None
    day = _EDGES[words[0]]
    text = " ".join(words)
    rest = words[1:]
    while len(rest) > 1 and rest[0] in _EDGE_FILLERS:
        rest = rest[1:]
    year = None
    if len(rest) == 2 and rest[0] in _MONTHS and _YEAR.fullmatch(rest[1]):
        year, rest = int(rest[1]), rest[:1]
    if len(rest) == 1 and rest[0] in _MONTHS:
        month, explicit_year = _MONTHS[rest[0]], year
        if explicit_year is not None:
            return lambda today: _exact_day(explicit_year, month, day, text)
        return lambda today: _next_yearly(today, month, day, text)
    if len(rest) == 2 and rest[0] in _THIS:
        rest = rest[1:]
    if len(rest) == 1 and rest[0] in _MONTH_WORDS:
        return lambda today: _exact_day(today.year, today.month, day, text)
    core = _without_next(rest)
    if len(rest) == 2 and len(core) == 1 and core[0] in _MONTH_WORDS:

        def next_month(today: dt.date) -> dt.date:
            first = _add(today.replace(day=1), months=1, text=text)
            return _exact_day(first.year, first.month, day, text)

        return next_month
    return None


def _calendar_date(words: list[str]) -> _DateRule | None:
    """`15/3`, `15/3/2027`, `2027-03-15`, `15 maart 2027`, `March 15`, optionally after a
    weekday (`di 16/3`) that must then be the date's weekday."""
    given: int | None = None
    if len(words) > 1 and words[0] in _WEEKDAYS:
        given, words = _WEEKDAYS[words[0]], words[1:]
    parts = _day_month_year(words)
    if parts is None:
        return None
    day, month, year = parts
    text = " ".join(words)

    def resolve(today: dt.date) -> dt.date:
        if year is None:
            found = _next_yearly(today, month, day, text)
        else:
            found = _exact_day(year, month, day, text)
        if given is not None and found.weekday() != given:
            raise DateParseError(
                "date.weekday_mismatch",
                given_weekday=_WEEKDAY_KEYS[given],
                actual_weekday=_WEEKDAY_KEYS[found.weekday()],
                date=f"{found.day}/{found.month}/{found.year}",
                short=f"{found.day}/{found.month}",
            )
        return found

    return resolve


def _day_month_year(words: list[str]) -> tuple[int, int, int | None] | None:
    """(day, month, year or None) from `15/3`, `15-3-27`, `2027-03-15`, `15 maart 2027`,
    `March 15th`, `15th of March`. Day and month are not checked yet."""
    if len(words) == 1:
        return _numeric_date(words[0])
    year = None
    if len(words) > 2 and _YEAR.fullmatch(words[-1]):
        year, words = int(words[-1]), words[:-1]
    match words:
        case [first, second] | [first, "of", second]:
            if (day := _DAY.fullmatch(first)) and second in _MONTHS:
                return int(day[1]), _MONTHS[second], year
            if first in _MONTHS and (day := _DAY.fullmatch(second)):
                return int(day[1]), _MONTHS[first], year
    return None


def _numeric_date(word: str) -> tuple[int, int, int | None] | None:
    if found := _ISO_DATE.fullmatch(word):
        return int(found[4]), int(found[3]), int(found[1])
    found = _NUMERIC_DATE.fullmatch(word)
    if found is None or (found[2] == "." and found[4] is None):
        return None  # `14.30` is a time
    year = found[4]
    if year is None:
        return int(found[1]), int(found[3]), None
    return int(found[1]), int(found[3]), int(year) + (2000 if len(year) == 2 else 0)


def _day_in(year: int, month: int, day: int) -> dt.date:
    """The date, with `_LAST` for the month's last day; ValueError if there is no such day."""
    if day == _LAST:
        day = calendar.monthrange(year, month)[1]
    return dt.date(year, month, day)


def _exact_day(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return _day_in(year, month, day)
    except ValueError:
        raise DateParseError("date.no_such_day", text=text) from None


def _next_yearly(today: dt.date, month: int, day: int, text: str) -> dt.date:
    """The first `day`/`month` from today on; 29/2 can be up to eight years away."""
    for year in range(today.year, today.year + 9):
        try:
            found = _day_in(year, month, day)
        except ValueError:
            continue
        if found >= today:
            return found
    raise DateParseError("date.no_such_day", text=text)


def _add(day: dt.date, *, days: int = 0, months: int = 0, text: str) -> dt.date:
    """`day` moved on; a month later than 31 January is the last day of February."""
    try:
        if months:
            years, month_index = divmod(day.month - 1 + months, 12)
            year, month = day.year + years, month_index + 1
            day = dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
        return day + dt.timedelta(days=days)
    except (OverflowError, ValueError):
        raise DateParseError("date.out_of_range", text=text) from None


def _when(resolve_date: _DateRule | None, clock: _Clock | None, now: dt.datetime) -> When:
    today = now.date()
    if resolve_date is not None:
        day = resolve_date(today)
        return When(day, clock.time() if clock is not None else None)
    if clock is None:
        raise DateParseError("date.empty")
    time = clock.time()
    if time > now.time():
        return When(today, time)
    return When(_add(today, days=1, text=clock.text), time)


# --- Time zones -------------------------------------------------------------------------------


def _end_of_gap(local: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The first wall time after `local`, which falls in a spring-forward gap: the moment of
    the transition, found by bisection between an instant still on the old UTC offset and one
    already on the new."""
    before, after = local.utcoffset(), local.replace(fold=1).utcoffset()
    if before is None or after is None or after <= before:
        return local.astimezone(dt.UTC).astimezone(tz)
    start = local.replace(tzinfo=None, microsecond=0) - after  # UTC, still on `before`

    def instant(seconds: int) -> dt.datetime:
        return (start + dt.timedelta(seconds=seconds)).replace(tzinfo=dt.UTC).astimezone(tz)

    low, high = 0, int((after - before).total_seconds())
    while high - low > 1:
        middle = (low + high) // 2
        if instant(middle).utcoffset() == after:
            high = middle
        else:
            low = middle
    return instant(high)
