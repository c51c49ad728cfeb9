"""The date parser: real inputs as Flemish (and English, French) users type them."""

from __future__ import annotations

import datetime as dt
import string
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.dates import DateParseError, When, parse_when, split_leading_when
from handlers.i18n import catalogues

BRUSSELS = ZoneInfo("Europe/Brussels")


def brussels(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


THU = brussels(2026, 11, 26, 15, 0)  # Thursday afternoon
SUN = brussels(2026, 11, 29, 10, 0)  # Sunday morning
NYE = brussels(2026, 12, 31, 20, 0)  # New Year's Eve, a Thursday
TUE = brussels(2027, 3, 16, 9, 0)  # Tuesday 16 March: 15/3 has just passed

D = dt.date
T = dt.time

CASES = [
    # Numeric dates: without a year the next one to come.
    ("15/3", THU, D(2027, 3, 15), None),
    ("15/03", THU, D(2027, 3, 15), None),
    ("15/3/2027", THU, D(2027, 3, 15), None),
    ("15/3/27", THU, D(2027, 3, 15), None),
    ("15-3-2027", THU, D(2027, 3, 15), None),
    ("2027-03-15", THU, D(2027, 3, 15), None),
    ("15.03.2027", THU, D(2027, 3, 15), None),
    ("26/11", THU, D(2026, 11, 26), None),
    ("25/11", THU, D(2027, 11, 25), None),
    ("15/3/2020", NYE, D(2020, 3, 15), None),
    ("31/12", NYE, D(2026, 12, 31), None),
    ("30/12", NYE, D(2027, 12, 30), None),
    ("1/1", NYE, D(2027, 1, 1), None),
    ("29/2", NYE, D(2028, 2, 29), None),
    ("15/3", TUE, D(2028, 3, 15), None),
    ("16/3", TUE, D(2027, 3, 16), None),
    # Month names, nl/en/fr, abbreviated, with or without dot and year.
    ("15 maart", THU, D(2027, 3, 15), None),
    ("15 maart 2027", THU, D(2027, 3, 15), None),
    ("15 mrt", THU, D(2027, 3, 15), None),
    ("15 mrt. 2027", THU, D(2027, 3, 15), None),
    ("3 sept", THU, D(2027, 9, 3), None),
    ("1 okt 2026", THU, D(2026, 10, 1), None),
    ("5 DECEMBER", THU, D(2026, 12, 5), None),
    ("March 15", THU, D(2027, 3, 15), None),
    ("15 March", THU, D(2027, 3, 15), None),
    ("Mar 15 2027", THU, D(2027, 3, 15), None),
    ("Mar 15, 2027", THU, D(2027, 3, 15), None),
    ("March 15th", THU, D(2027, 3, 15), None),
    ("15th of March", THU, D(2027, 3, 15), None),
    ("16 mars", THU, D(2027, 3, 16), None),
    ("15 août", THU, D(2027, 8, 15), None),
    ("1er février 2027", THU, D(2027, 2, 1), None),
    # A weekday with the date: it must match.
    ("di 16/3", THU, D(2027, 3, 16), None),
    ("di. 16/03/2027", THU, D(2027, 3, 16), None),
    ("dinsdag 16 maart", THU, D(2027, 3, 16), None),
    ("Dinsdag 16 Maart 2027", THU, D(2027, 3, 16), None),
    ("do 26/11", THU, D(2026, 11, 26), None),
    ("zo 29/11", SUN, D(2026, 11, 29), None),
    ("Tuesday, March 16", THU, D(2027, 3, 16), None),
    ("mardi 16/3", THU, D(2027, 3, 16), None),
    ("op dinsdag 16 maart", THU, D(2027, 3, 16), None),
    # A weekday alone: the next such day, today excluded; `volgende` changes nothing.
    ("dinsdag", THU, D(2026, 12, 1), None),
    ("volgende dinsdag", THU, D(2026, 12, 1), None),
    ("komende vrijdag", THU, D(2026, 11, 27), None),
    ("donderdag", THU, D(2026, 12, 3), None),
    ("do", THU, D(2026, 12, 3), None),
    ("woe", THU, D(2026, 12, 2), None),
    ("zo", THU, D(2026, 11, 29), None),
    ("ma.", THU, D(2026, 11, 30), None),
    ("vrij", THU, D(2026, 11, 27), None),
    ("zondag", SUN, D(2026, 12, 6), None),
    ("volgende zondag", SUN, D(2026, 12, 6), None),
    ("maandag", SUN, D(2026, 11, 30), None),
    ("zaterdag", SUN, D(2026, 12, 5), None),
    ("vrijdag", NYE, D(2027, 1, 1), None),
    ("donderdag", NYE, D(2027, 1, 7), None),
    ("dinsdag", TUE, D(2027, 3, 23), None),
    ("next tuesday", THU, D(2026, 12, 1), None),
    ("tuesday", THU, D(2026, 12, 1), None),
    ("Tue", THU, D(2026, 12, 1), None),
    ("mardi", THU, D(2026, 12, 1), None),
    ("mardi prochain", THU, D(2026, 12, 1), None),
    # Next week: its Monday, or a given day of it.
    ("volgende week", THU, D(2026, 11, 30), None),
    ("volgende week", SUN, D(2026, 11, 30), None),
    ("volgende week", NYE, D(2027, 1, 4), None),
    ("volgende week dinsdag", THU, D(2026, 12, 1), None),
    ("dinsdag volgende week", SUN, D(2026, 12, 1), None),
    ("volgende week vrijdag", SUN, D(2026, 12, 4), None),
    ("next week", THU, D(2026, 11, 30), None),
    ("la semaine prochaine", THU, D(2026, 11, 30), None),
    # Relative days and offsets.
    ("vandaag", THU, D(2026, 11, 26), None),
    ("morgen", THU, D(2026, 11, 27), None),
    ("Morgen", NYE, D(2027, 1, 1), None),
    ("overmorgen", THU, D(2026, 11, 28), None),
    ("today", THU, D(2026, 11, 26), None),
    ("tomorrow", THU, D(2026, 11, 27), None),
    ("the day after tomorrow", THU, D(2026, 11, 28), None),
    ("demain", THU, D(2026, 11, 27), None),
    ("après-demain", THU, D(2026, 11, 28), None),
    ("over 2 weken", THU, D(2026, 12, 10), None),
    ("over 3 dagen", THU, D(2026, 11, 29), None),
    ("over een week", THU, D(2026, 12, 3), None),
    ("over één week", THU, D(2026, 12, 3), None),
    ("binnen twee weken", THU, D(2026, 12, 10), None),
    ("over 1 maand", THU, D(2026, 12, 26), None),
    ("over 1 maand", NYE, D(2027, 1, 31), None),
    ("over 2 maanden", NYE, D(2027, 2, 28), None),
    ("over 1 jaar", NYE, D(2027, 12, 31), None),
    ("in 2 weeks", THU, D(2026, 12, 10), None),
    ("in 3 days", THU, D(2026, 11, 29), None),
    ("in a week", THU, D(2026, 12, 3), None),
    ("dans 2 semaines", THU, D(2026, 12, 10), None),
    # Beginning, middle and end of a month.
    ("eind maart", THU, D(2027, 3, 31), None),
    ("begin april", THU, D(2027, 4, 1), None),
    ("eind februari", THU, D(2027, 2, 28), None),
    ("eind november", THU, D(2026, 11, 30), None),
    ("begin november", THU, D(2027, 11, 1), None),
    ("eind maart 2028", THU, D(2028, 3, 31), None),
    ("eind december", NYE, D(2026, 12, 31), None),
    ("begin januari", NYE, D(2027, 1, 1), None),
    ("eind maart", TUE, D(2027, 3, 31), None),
    ("begin maart", TUE, D(2028, 3, 1), None),
    ("midden maart", TUE, D(2028, 3, 15), None),
    ("eind deze maand", TUE, D(2027, 3, 31), None),
    ("begin volgende maand", TUE, D(2027, 4, 1), None),
    ("eind volgende maand", TUE, D(2027, 4, 30), None),
    ("end of March", THU, D(2027, 3, 31), None),
    ("end of the month", THU, D(2026, 11, 30), None),
    ("mid-March", THU, D(2027, 3, 15), None),
    ("fin mars", THU, D(2027, 3, 31), None),
    ("début avril", THU, D(2027, 4, 1), None),
    # Dates with a time, before or after, with or without `om`.
    ("morgen 14u", THU, D(2026, 11, 27), T(14, 0)),
    ("morgen 14u30", THU, D(2026, 11, 27), T(14, 30)),
    ("morgen 14:30", THU, D(2026, 11, 27), T(14, 30)),
    ("morgen 14.30", THU, D(2026, 11, 27), T(14, 30)),
    ("morgen om 9u", THU, D(2026, 11, 27), T(9, 0)),
    ("morgen om 9 uur", THU, D(2026, 11, 27), T(9, 0)),
    ("morgen om 9", THU, D(2026, 11, 27), T(9, 0)),
    ("di 12/12/2023 - 20:00", THU, D(2023, 12, 12), T(20, 0)),
    ("dinsdag 16 maart om 14u30", THU, D(2027, 3, 16), T(14, 30)),
    ("ZATERDAG 5 DECEMBER 2026 OM 10U", THU, D(2026, 12, 5), T(10, 0)),
    ("15/3 om 8u 's avonds", THU, D(2027, 3, 15), T(20, 0)),
    ("dinsdag namiddag", THU, D(2026, 12, 1), T(14, 0)),
    ("dinsdag voormiddag", THU, D(2026, 12, 1), T(9, 0)),
    ("vrijdag 's avonds", THU, D(2026, 11, 27), T(19, 0)),
    ("morgen in de namiddag", THU, D(2026, 11, 27), T(14, 0)),
    ("vanavond", THU, D(2026, 11, 26), T(19, 0)),
    ("morgenvoormiddag", THU, D(2026, 11, 27), T(9, 0)),
    ("vandaag 20u", SUN, D(2026, 11, 29), T(20, 0)),
    ("vandaag 9u", SUN, D(2026, 11, 29), T(9, 0)),
    ("tomorrow at 2pm", THU, D(2026, 11, 27), T(14, 0)),
    ("at 2pm tomorrow", THU, D(2026, 11, 27), T(14, 0)),
    ("next tuesday 2:30 pm", THU, D(2026, 12, 1), T(14, 30)),
    ("Tuesday, March 16 at 10am", THU, D(2027, 3, 16), T(10, 0)),
    ("tomorrow 2 p.m.", THU, D(2026, 11, 27), T(14, 0)),
    ("demain 14h30", THU, D(2026, 11, 27), T(14, 30)),
    ("mardi prochain à 14h", THU, D(2026, 12, 1), T(14, 0)),
    ("le 16 mars 2027 à 9h", THU, D(2027, 3, 16), T(9, 0)),
    # A time alone: today if still to come, otherwise tomorrow.
    ("14u", THU, D(2026, 11, 27), T(14, 0)),
    ("16u", THU, D(2026, 11, 26), T(16, 0)),
    ("15u", THU, D(2026, 11, 27), T(15, 0)),
    ("om 9u", THU, D(2026, 11, 27), T(9, 0)),
    ("9u", SUN, D(2026, 11, 30), T(9, 0)),
    ("11u", SUN, D(2026, 11, 29), T(11, 0)),
    ("19u", NYE, D(2027, 1, 1), T(19, 0)),
    ("21u", NYE, D(2026, 12, 31), T(21, 0)),
    ("0u", THU, D(2026, 11, 27), T(0, 0)),
    ("23:59", THU, D(2026, 11, 26), T(23, 59)),
    ("voormiddag", THU, D(2026, 11, 27), T(9, 0)),
    ("namiddag", SUN, D(2026, 11, 29), T(14, 0)),
    ("'s avonds", THU, D(2026, 11, 26), T(19, 0)),
    ("2pm", THU, D(2026, 11, 27), T(14, 0)),
    ("4pm", THU, D(2026, 11, 26), T(16, 0)),
    ("2:30pm", THU, D(2026, 11, 27), T(14, 30)),
    ("14:30", THU, D(2026, 11, 27), T(14, 30)),
    ("at 9am", THU, D(2026, 11, 27), T(9, 0)),
    ("12am", THU, D(2026, 11, 27), T(0, 0)),
    ("12pm", SUN, D(2026, 11, 29), T(12, 0)),
    ("14h", THU, D(2026, 11, 27), T(14, 0)),
    ("17h30", THU, D(2026, 11, 26), T(17, 30)),
    ("15.03", THU, D(2026, 11, 26), T(15, 3)),
]


@pytest.mark.parametrize(("text", "now", "day", "time"), CASES)
def test_parse_when_reads_what_people_type(
    text: str, now: dt.datetime, day: dt.date, time: dt.time | None
) -> None:
    assert parse_when(text, now=now) == When(day, time)


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 100


ERRORS = [
    ("", "date.empty"),
    ("   ", "date.empty"),
    ("di 17/3", "date.weekday_mismatch"),
    ("dinsdag 17 maart 2027", "date.weekday_mismatch"),
    ("vr 16/3 14u", "date.weekday_mismatch"),
    ("31/2", "date.no_such_day"),
    ("29/2/2027", "date.no_such_day"),
    ("31 april", "date.no_such_day"),
    ("30 februari", "date.no_such_day"),
    ("32/1", "date.no_such_day"),
    ("15/13", "date.no_such_day"),
    ("0/5", "date.no_such_day"),
    ("2027-02-30", "date.no_such_day"),
    ("24:00", "date.bad_time"),
    ("25u", "date.bad_time"),
    ("14u75", "date.bad_time"),
    ("morgen 24u", "date.bad_time"),
    ("om 25", "date.bad_time"),
    ("13pm", "date.bad_time"),
    ("0am", "date.bad_time"),
    ("over 999999 weken", "date.out_of_range"),
    ("banaan", "date.unreadable"),
    ("15", "date.unreadable"),
    ("maart", "date.unreadable"),
    ("om", "date.unreadable"),
    ("morgen om", "date.unreadable"),
    ("15/3/202", "date.unreadable"),
    ("14u7", "date.unreadable"),
    ("14u 15u", "date.unreadable"),
    ("dinsdag dinsdag", "date.unreadable"),
    ("#Herent", "date.unreadable"),
]


@pytest.mark.parametrize(("text", "key"), ERRORS)
def test_parse_when_refuses_with_a_catalogue_key(text: str, key: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_when(text, now=THU)
    assert caught.value.key == key
    assert key in catalogues()["nl"]


def test_a_weekday_that_does_not_match_names_both_days_and_the_date() -> None:
    with pytest.raises(DateParseError) as caught:
        parse_when("di 17/3", now=THU)
    error = caught.value
    assert error.params == {
        "given_weekday": "date.weekday.tuesday",
        "actual_weekday": "date.weekday.wednesday",
        "date": "17/3/2027",
        "short": "17/3",
    }
    assert str(catalogues()["nl"][error.key]).format(**error.localized_params("nl")) == (
        "17/3/2027 valt op een woensdag, niet op een dinsdag. Kijk de datum na of laat de "
        "weekdag weg, bijvoorbeeld 17/3."
    )
    assert "Wednesday, not a Tuesday" in str(catalogues()["en"][error.key]).format(
        **error.localized_params("en")
    )
    assert "mercredi, pas un mardi" in str(catalogues()["fr"][error.key]).format(
        **error.localized_params("fr")
    )


def test_errors_quote_what_was_typed() -> None:
    with pytest.raises(DateParseError) as caught:
        parse_when("banaan", now=THU)
    assert caught.value.params == {"text": "banaan"}
    with pytest.raises(DateParseError) as caught:
        parse_when("morgen 25u", now=THU)
    assert caught.value.params == {"text": "25u"}
    with pytest.raises(DateParseError) as caught:
        parse_when("x" * 500, now=THU)
    assert len(str(caught.value.params["text"])) <= 40


@pytest.mark.parametrize(("text", "key"), ERRORS)
def test_every_error_renders_in_every_language(text: str, key: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_when(text, now=THU)
    for lang, table in catalogues().items():
        message = str(table[caught.value.key]).format(**caught.value.localized_params(lang))
        assert "date." not in message


# --- split_leading_when -----------------------------------------------------------------------

SPLITS = [
    (
        "do 25/3 14u #Herent Gemeentehuis, zaal 2",
        When(D(2027, 3, 25), T(14, 0)),
        "#Herent Gemeentehuis, zaal 2",
    ),
    ("morgen Offertes opvragen", When(D(2026, 11, 27)), "Offertes opvragen"),
    ("15 maart 2027 Rapport klaar", When(D(2027, 3, 15)), "Rapport klaar"),
    ("vrijdag 12 offertes", When(D(2026, 11, 27)), "12 offertes"),
    ("volgende dinsdag om 9u zaal 2", When(D(2026, 12, 1), T(9, 0)), "zaal 2"),
    ("di 12/12/2023 - 20:00 Gemeenteraad", When(D(2023, 12, 12), T(20, 0)), "Gemeenteraad"),
    ("tomorrow at 2pm kickoff", When(D(2026, 11, 27), T(14, 0)), "kickoff"),
    ("over 2 weken: evaluatie", When(D(2026, 12, 10)), "evaluatie"),
    ("morgen om de hoek", When(D(2026, 11, 27)), "om de hoek"),
    ("morgen", When(D(2026, 11, 27)), ""),
    (
        "  morgen\n  tekst over\nmeerdere regels  ",
        When(D(2026, 11, 27)),
        "tekst over\nmeerdere regels",
    ),
]


@pytest.mark.parametrize(("text", "when", "rest"), SPLITS)
def test_split_leading_when_takes_the_longest_leading_date(
    text: str, when: When, rest: str
) -> None:
    assert split_leading_when(text, now=THU) == (when, rest)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "date.empty"),
        ("#Herent morgen", "date.unreadable"),
        ("di 17/3 Herent", "date.weekday_mismatch"),
        ("31/2 rapport", "date.no_such_day"),
        ("morgen 25u vergadering", "date.bad_time"),
    ],
)
def test_split_leading_when_refuses(text: str, key: str) -> None:
    with pytest.raises(DateParseError) as caught:
        split_leading_when(text, now=THU)
    assert caught.value.key == key


def test_split_leading_when_quotes_the_first_word_it_could_not_read() -> None:
    with pytest.raises(DateParseError) as caught:
        split_leading_when("#Herent morgen", now=THU)
    assert caught.value.params == {"text": "#Herent"}


# --- When.at ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (When(D(2027, 1, 12), T(14, 0)), "2027-01-12T14:00:00+01:00"),
        (When(D(2027, 7, 12), T(14, 0)), "2027-07-12T14:00:00+02:00"),
        (When(D(2027, 7, 12)), "2027-07-12T09:00:00+02:00"),
        # Spring forward: 02:00-03:00 does not exist on 28 March 2027.
        (When(D(2027, 3, 28), T(1, 59)), "2027-03-28T01:59:00+01:00"),
        (When(D(2027, 3, 28), T(2, 0)), "2027-03-28T03:00:00+02:00"),
        (When(D(2027, 3, 28), T(2, 30)), "2027-03-28T03:00:00+02:00"),
        (When(D(2027, 3, 28), T(3, 0)), "2027-03-28T03:00:00+02:00"),
        (When(D(2027, 3, 28)), "2027-03-28T09:00:00+02:00"),
        # Fall back: 02:00-03:00 happens twice on 25 October 2026; the first one counts.
        (When(D(2026, 10, 25), T(2, 30)), "2026-10-25T02:30:00+02:00"),
        (When(D(2026, 10, 25), T(3, 0)), "2026-10-25T03:00:00+01:00"),
        (When(D(2026, 10, 25), T(1, 30)), "2026-10-25T01:30:00+02:00"),
    ],
)
def test_at_gives_the_aware_moment_in_the_cluster_timezone(when: When, expected: str) -> None:
    moment = when.at(BRUSSELS, T(9, 0))
    assert moment.isoformat() == expected
    assert moment.tzinfo == BRUSSELS


def test_at_of_a_parsed_date_across_the_spring_switch() -> None:
    saturday = brussels(2027, 3, 27, 12, 0)
    moment = parse_when("morgen 2u30", now=saturday).at(BRUSSELS, T(9, 0))
    assert moment == dt.datetime(2027, 3, 28, 1, 0, tzinfo=dt.UTC)


@settings(max_examples=300)
@given(
    st.dates(min_value=D(2026, 1, 1), max_value=D(2028, 12, 31)),
    st.times(),
)
def test_at_never_goes_back_and_always_gives_an_existing_time(day: dt.date, time: dt.time) -> None:
    moment = When(day, time).at(BRUSSELS, T(9, 0))
    wall = moment.replace(tzinfo=None)
    typed = dt.datetime.combine(day, time)
    assert typed <= wall < typed + dt.timedelta(hours=1)
    assert moment.astimezone(dt.UTC).astimezone(BRUSSELS) == moment


# --- Whatever is typed ------------------------------------------------------------------------

WORDS = """
    morgen overmorgen vandaag volgende komende week weken dag dagen maand over een binnen
    eind begin midden deze van de om u uur 14u 9u30 14:30 14.30 's avonds voormiddag
    namiddag ma di wo do vr za zo dinsdag maart mrt februari sept next in of the end
    tuesday march tomorrow today at pm am 2pm 2:30pm mardi mars demain dans prochain
    fin à 14h 14h30 - , . / : 29/2 31/2 2027 27 0 24:00 25u p.m. l' mi- day after
"""
VOCABULARY = WORDS.split()
TOKENS = st.one_of(
    st.sampled_from(VOCABULARY),
    st.integers(min_value=0, max_value=10**8).map(str),
    st.from_regex(r"[0-9]{1,5}[-/.:uh][0-9]{1,5}([-/.][0-9]{1,5})?", fullmatch=True),
    st.text(alphabet=string.digits + string.punctuation + "uhapm", max_size=6),
)
NOWS = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 12, 31)).map(
    lambda moment: moment.replace(tzinfo=BRUSSELS)
)


def _only_date_errors(text: str, now: dt.datetime) -> None:
    try:
        when = parse_when(text, now=now)
    except DateParseError as error:
        assert error.key.startswith("date.")
    else:
        assert isinstance(when, When)
    try:
        when, rest = split_leading_when(text, now=now)
    except DateParseError as error:
        assert error.key.startswith("date.")
    else:
        assert isinstance(when, When)
        assert isinstance(rest, str)


@settings(max_examples=500)
@given(st.text())
def test_any_text_gives_a_when_or_a_date_parse_error(text: str) -> None:
    _only_date_errors(text, THU)


@settings(max_examples=1000)
@given(st.lists(TOKENS, max_size=8).map(" ".join), NOWS)
def test_any_mix_of_date_words_gives_a_when_or_a_date_parse_error(
    text: str, now: dt.datetime
) -> None:
    _only_date_errors(text, now)


# --- Deadlines as people say them -------------------------------------------------------------

SAID = [
    # School holidays of the Flemish community: "na" the first working day after, "voor" (or
    # the name alone, as a deadline) the last working day before.
    ("na de paasvakantie", THU, D(2027, 4, 12), None),  # Easter 28/3: holiday 29/3-11/4
    ("voor de paasvakantie", THU, D(2027, 3, 26), None),
    ("paasvakantie", THU, D(2027, 3, 26), None),
    ("na de kerstvakantie", THU, D(2027, 1, 4), None),  # 21/12-3/1
    ("voor de kerstvakantie", THU, D(2026, 12, 18), None),
    ("krokusvakantie", THU, D(2027, 2, 5), None),  # 8/2-14/2
    ("na de krokusvakantie", THU, D(2027, 2, 15), None),
    ("voor de herfstvakantie", THU, D(2027, 10, 29), None),  # 1/11-7/11 2027
    ("na de herfstvakantie", THU, D(2027, 11, 8), None),
    ("na de herfstvakantie", brussels(2026, 11, 4, 9, 0), D(2026, 11, 9), None),  # under way
    ("voor de zomervakantie", THU, D(2027, 6, 30), None),
    ("na de zomervakantie", THU, D(2027, 9, 1), None),
    ("na de zomer", THU, D(2027, 9, 1), None),
    ("voor het verlof", THU, D(2027, 6, 30), None),
    ("na de grote vakantie", THU, D(2027, 9, 1), None),
    ("na de paasvakantie 2028", THU, D(2028, 4, 18), None),  # Easter 16/4/2028: 3/4-17/4
    ("after the Easter holidays", THU, D(2027, 4, 12), None),
    ("before the summer holidays", THU, D(2027, 6, 30), None),
    ("après les vacances de Pâques", THU, D(2027, 4, 12), None),
    ("avant les vacances de Noël", THU, D(2026, 12, 18), None),
    ("après l'été", THU, D(2027, 9, 1), None),
    # The Nth, weeks and their edges.
    ("de 15de", THU, D(2026, 12, 15), None),
    ("de 26ste", THU, D(2026, 11, 26), None),
    ("de 31ste", THU, D(2026, 12, 31), None),
    ("de 30ste", brussels(2027, 1, 31, 9, 0), D(2027, 3, 30), None),
    ("15de", THU, D(2026, 12, 15), None),
    ("the 15th", THU, D(2026, 12, 15), None),
    ("le 15", THU, D(2026, 12, 15), None),
    ("le 1er", THU, D(2026, 12, 1), None),
    ("eind volgende week", THU, D(2026, 12, 4), None),
    ("begin volgende week", THU, D(2026, 11, 30), None),
    ("midden volgende week", THU, D(2026, 12, 2), None),
    ("eind deze week", THU, D(2026, 11, 27), None),
    ("eind van de week", THU, D(2026, 11, 27), None),
    ("end of next week", THU, D(2026, 12, 4), None),
    ("fin de la semaine prochaine", THU, D(2026, 12, 4), None),
    ("begin volgende maand", THU, D(2026, 12, 1), None),
    ("de week van 15 maart", THU, D(2027, 3, 19), None),
    ("week van 15/3", THU, D(2027, 3, 19), None),
    ("the week of March 15", THU, D(2027, 3, 19), None),
    ("la semaine du 15 mars", THU, D(2027, 3, 19), None),
    # The past is read, so that the refusal can name it.
    ("gisteren", THU, D(2026, 11, 25), None),
    ("eergisteren", THU, D(2026, 11, 24), None),
    ("vorige week", THU, D(2026, 11, 16), None),
    ("vorige maand", THU, D(2026, 10, 1), None),
    ("vorige dinsdag", THU, D(2026, 11, 24), None),
    ("afgelopen vrijdag", THU, D(2026, 11, 20), None),
    ("yesterday", THU, D(2026, 11, 25), None),
    ("last week", THU, D(2026, 11, 16), None),
    ("last month", THU, D(2026, 10, 1), None),
    ("last tuesday", THU, D(2026, 11, 24), None),
    ("hier", THU, D(2026, 11, 25), None),
    ("avant-hier", THU, D(2026, 11, 24), None),
    ("la semaine dernière", THU, D(2026, 11, 16), None),
    ("le mois dernier", THU, D(2026, 10, 1), None),
    ("mardi dernier", THU, D(2026, 11, 24), None),
    # Typed the way phones type.
    ("VRIJDAG", THU, D(2026, 11, 27), None),
    ("vrijdag.", THU, D(2026, 11, 27), None),
    ("vrijdag 👍", THU, D(2026, 11, 27), None),
    ("📅 vrijdag", THU, D(2026, 11, 27), None),
    ("vrijdag\u00a014u", THU, D(2026, 11, 27), T(14, 0)),
    ("vrijdag\u202f14u", THU, D(2026, 11, 27), T(14, 0)),
    ("“vrijdag”", THU, D(2026, 11, 27), None),
    ("’s avonds", THU, D(2026, 11, 26), T(19, 0)),
    ("14 u", THU, D(2026, 11, 27), T(14, 0)),
    ("14u.", THU, D(2026, 11, 27), T(14, 0)),
    ("14 u.", THU, D(2026, 11, 27), T(14, 0)),
    ("14.30u", THU, D(2026, 11, 27), T(14, 30)),
    ("do 18/3 15u45", THU, D(2027, 3, 18), T(15, 45)),
    ("dins.", THU, D(2026, 12, 1), None),
    ("woe", THU, D(2026, 12, 2), None),
    ("17u", THU, D(2026, 11, 26), T(17, 0)),
    ("thursday 3pm", THU, D(2026, 12, 3), T(15, 0)),
]


@pytest.mark.parametrize(("text", "now", "day", "time"), SAID)
def test_parse_when_reads_deadlines_as_people_say_them(
    text: str, now: dt.datetime, day: dt.date, time: dt.time | None
) -> None:
    assert parse_when(text, now=now) == When(day, time)


@pytest.mark.parametrize(
    ("text", "forms"),
    [
        ("binnenkort", "date.closest.soon"),
        ("asap", "date.closest.soon"),
        ("zo snel mogelijk", "date.closest.soon"),
        ("bientôt", "date.closest.soon"),
        ("volgend jaar", "date.closest.year"),
        ("next year", "date.closest.year"),
        ("2030", "date.closest.year"),
        ("in de zomer", "date.closest.summer"),
        ("this summer", "date.closest.summer"),
        ("deze week", "date.closest.week"),
        ("het najaar", "date.closest.season"),
    ],
)
def test_what_names_no_day_is_refused_with_the_closest_forms(text: str, forms: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_when(text, now=THU)
    assert caught.value.key == "date.vague"
    assert caught.value.params["forms"] == forms
    for lang in ("nl", "en", "fr"):
        message = str(catalogues()[lang]["date.vague"]).format(
            **caught.value.localized_params(lang)
        )
        assert "date." not in message and text in message


# --- Any date in the next two years, in any written form --------------------------------------

_NL_MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
)
_EN_MONTHS = "January February March April May June July August September October November December"
_FR_MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
_NL_DAYS = "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag"
_NL_SHORT = "ma di wo do vr za zo"
_EN_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
_FR_DAYS = "lundi mardi mercredi jeudi vendredi samedi dimanche"


def written_forms(day: dt.date, today: dt.date) -> list[str]:
    """Every way the README says a date may be written, for `day` as seen on `today`."""
    d, m, y = day.day, day.month, day.year
    nl, en, fr = (names.split()[m - 1] for names in (_NL_MONTHS, _EN_MONTHS, _FR_MONTHS))
    wd = day.weekday()
    nl_day, nl_short, en_day, fr_day = (
        names.split()[wd] for names in (_NL_DAYS, _NL_SHORT, _EN_DAYS, _FR_DAYS)
    )
    forms = [
        f"{d}/{m}/{y}", f"{d:02}/{m:02}/{y}", f"{d}/{m}/{y % 100:02}", f"{d}-{m}-{y}",
        f"{d:02}.{m:02}.{y}", day.isoformat(), f"{d} {nl} {y}", f"{nl_day} {d} {nl} {y}",
        f"{nl_short} {d}/{m}/{y}", f"{nl_short}. {d}/{m}/{y}", f"{en} {d}, {y}",
        f"{en_day}, {en} {d}, {y}", f"{d} {fr} {y}", f"{fr_day} {d} {fr} {y}",
        f"le {d} {fr} {y}", f"op {nl_day} {d} {nl} {y}", f"{nl_day.upper()} {d}/{m}/{y}",
    ]  # fmt: skip
    if (day - today).days < 365:
        forms += [
            f"{d}/{m}", f"{d:02}/{m:02}", f"{d} {nl}", f"{d} {nl[:3]}.", f"{en} {d}",
            f"{d} {fr}", f"{nl_short} {d}/{m}", f"{nl_day} {d} {nl}", f"{en_day}, {en} {d}",
        ]  # fmt: skip
    ahead = (day - today).days
    forms += [f"over {ahead} dagen", f"in {ahead} days", f"dans {ahead} jours"]
    if 1 <= ahead <= 7:
        forms += [nl_day, nl_short, en_day, f"volgende {nl_day}", f"{fr_day} prochain"]
    return forms


@settings(max_examples=300)
@given(
    st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2030, 12, 31)),
    st.integers(min_value=0, max_value=730),
    st.data(),
)
def test_any_date_in_the_next_two_years_in_any_written_form_is_that_date(
    moment: dt.datetime, ahead: int, data: st.DataObject
) -> None:
    now = moment.replace(tzinfo=BRUSSELS)
    day = now.date() + dt.timedelta(days=ahead)
    form = data.draw(st.sampled_from(written_forms(day, now.date())), label="form")
    clock = data.draw(st.sampled_from(["", " 15u45", " om 9u", " 14:30", " 2pm"]), label="time")
    expected = {"": None, " 15u45": T(15, 45), " om 9u": T(9, 0), " 14:30": T(14, 30)}
    expected[" 2pm"] = T(14, 0)
    assert parse_when(form + clock, now=now) == When(day, expected[clock])
