"""Command arguments as people type them: owners, places, themes, due dates, action numbers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Chat, Message, MessageEntity, User

from handlers.arguments import (
    TextMention,
    action_status_of,
    command_text,
    parse_arguments,
    parse_number,
    read_due_date,
    theme_of,
)
from handlers.dates import DateParseError
from models.actions import ActionStatus, Theme
from models.clusters import Municipality, fold, match_municipality
from models.errors import DomainError
from tests.unit.test_dates import written_forms

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=BRUSSELS)  # Thursday
JAN = User(id=42, first_name="Jan", is_bot=False)


def test_the_example_of_the_contract_gives_every_part() -> None:
    args = parse_arguments(
        "Offertes zonnepanelen opvragen @jan #Herent tegen vr 19/3 actie 1", now=NOW
    )
    assert args.text == "Offertes zonnepanelen opvragen"
    assert args.usernames == ["@jan"]
    assert args.places == ["Herent"]
    assert args.when is not None and args.when.date == dt.date(2027, 3, 19)
    assert args.action_number == 1


def test_english_markers_work_too() -> None:
    args = parse_arguments("Request quotes @jan by March 19 action 2", now=NOW)
    assert args.text == "Request quotes"
    assert args.when is not None and args.when.date == dt.date(2027, 3, 19)
    assert args.action_number == 2


def test_markers_may_come_in_any_order_and_the_text_is_tidied() -> None:
    args = parse_arguments("#Bertem tegen morgen, @an_herent: flyer drukken.", now=NOW)
    assert args.text == "flyer drukken."
    assert args.places == ["Bertem"]
    assert args.when is not None and args.when.date == dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    "word, theme",
    [
        ("energie", Theme.ENERGY),
        ("Energy", Theme.ENERGY),
        ("énergie", Theme.ENERGY),
        ("mobiliteit", Theme.MOBILITY),
        ("mobility", Theme.MOBILITY),
        ("circulair", Theme.CIRCULAR),
        ("circular", Theme.CIRCULAR),
        ("Circulaire_Economie", Theme.CIRCULAR),
        ("communicatie", Theme.COMMUNICATION),
        ("communication", Theme.COMMUNICATION),
        ("participatie", Theme.PARTICIPATION),
        ("participation", Theme.PARTICIPATION),
        ("overig", Theme.OTHER),
        ("other", Theme.OTHER),
        ("Herent", None),
        ("klimaat", None),
    ],
)
def test_theme_words_in_both_languages(word: str, theme: Theme | None) -> None:
    assert theme_of(word) == theme


def test_a_hashtag_is_a_theme_when_it_is_a_theme_word_and_a_place_otherwise() -> None:
    args = parse_arguments("Groepsaankoop #energie #Kortenberg #Herent", now=NOW, owner=False)
    assert args.themes == [Theme.ENERGY]
    assert args.places == ["Kortenberg", "Herent"]
    assert args.text == "Groepsaankoop"


@pytest.mark.parametrize("tag", ["#OudHeverlee", "#Oud_Heverlee", "#oud-heverlee", "#OUDHEVERLEE"])
def test_every_spelling_of_a_hyphenated_name_finds_it(tag: str) -> None:
    args = parse_arguments(f"Fietsroute {tag}", now=NOW)
    assert len(args.places) == 1
    places = [
        Municipality(id=i, cluster_id=1, name=name, key=fold(name), created_at=NOW)
        for i, name in enumerate(["Herent", "Kortenberg", "Bertem", "Oud-Heverlee"], start=1)
    ]
    assert match_municipality(places, args.places[0]).name == "Oud-Heverlee"


def test_an_unknown_place_suggests_the_closest() -> None:
    places = [
        Municipality(id=i, cluster_id=1, name=name, key=fold(name), created_at=NOW)
        for i, name in enumerate(["Herent", "Kortenberg", "Bertem"], start=1)
    ]
    with pytest.raises(DomainError) as refused:
        match_municipality(places, "Hernt")
    assert refused.value.key == "municipality.unknown_suggest"
    assert "Herent" in refused.value.params["suggestions"]


@pytest.mark.parametrize(
    "text",
    [
        "Campagne tegen zwerfvuil",
        "Klimaatneutraal tegen 2030",
        "Reduce energy use by half",
        "Cut emissions by 20%",
    ],
)
def test_tegen_and_by_as_ordinary_words_stay_in_the_text(text: str) -> None:
    args = parse_arguments(text, now=NOW)
    assert args.when is None
    assert args.text == text


@pytest.mark.parametrize(
    "text, key",
    [
        ("Offertes tegen 31/2", "date.no_such_day"),
        ("Offertes tegen di 17/3", "date.weekday_mismatch"),
        ("Offertes tegen 19/3x", "date.unreadable"),
        ("Offertes tegen 25u", "date.bad_time"),
    ],
)
def test_a_date_that_is_meant_but_wrong_is_refused_with_its_reason(text: str, key: str) -> None:
    with pytest.raises(DateParseError) as refused:
        parse_arguments(text, now=NOW)
    assert refused.value.key == key


def test_the_last_due_date_wins_and_earlier_ones_stay_text() -> None:
    args = parse_arguments("Voorbereiden tegen morgen klaar tegen vrijdag", now=NOW)
    assert args.when is not None and args.when.date == dt.date(2026, 11, 27)
    assert args.text == "Voorbereiden tegen morgen klaar"


def test_an_email_address_is_not_a_mention_and_html_is_kept_as_typed() -> None:
    args = parse_arguments("Mail naar jan@herent.be <b>&</script> &#39;", now=NOW)
    assert args.usernames == []
    assert args.places == []
    assert args.text == "Mail naar jan@herent.be <b>&</script> &#39;"


def test_a_short_username_is_an_owner_but_a_lone_at_sign_or_letter_is_not() -> None:
    args = parse_arguments("Offertes opvragen @an tegen morgen", now=NOW)
    assert args.usernames == ["@an"] and args.text == "Offertes opvragen"
    args = parse_arguments("Vergaderen @ 14u en @a", now=NOW, due=False)
    assert args.usernames == [] and args.text == "Vergaderen @ 14u en @a"


def test_switched_off_markers_stay_in_the_text() -> None:
    args = parse_arguments("Campagne @jan tegen morgen actie 3", now=NOW, owner=False, due=False)
    assert args.usernames == [] and args.when is None
    assert args.action_number == 3
    args = parse_arguments("Campagne actie 3", now=NOW, action=False)
    assert args.action_number is None and args.text == "Campagne actie 3"


def test_a_text_mention_is_the_owner_and_leaves_the_text() -> None:
    text = "Offertes opvragen Jan Peeters #Herent"
    start = text.index("Jan")
    args = parse_arguments(
        text, now=NOW, mentions=[TextMention(start, start + len("Jan Peeters"), JAN)]
    )
    assert args.users == [JAN]
    assert args.text == "Offertes opvragen"


def test_command_text_skips_the_bot_name_and_maps_utf16_offsets() -> None:
    chat = Chat(id=-1, type="group")
    text = "/afspraak@klimaatbot 🌍 Flyer Jan tegen morgen"
    prefix = "/afspraak@klimaatbot 🌍 Flyer "
    utf16 = len(prefix.encode("utf-16-le")) // 2
    message = Message(
        message_id=1,
        date=dt.datetime(2026, 11, 26, tzinfo=dt.UTC),
        chat=chat,
        text=text,
        entities=[
            MessageEntity(MessageEntity.BOT_COMMAND, 0, 20),
            MessageEntity(MessageEntity.TEXT_MENTION, utf16, 3, user=JAN),
        ],
    )
    args_text, mentions = command_text(message)
    assert args_text == "🌍 Flyer Jan tegen morgen"
    assert len(mentions) == 1
    assert args_text[mentions[0].start : mentions[0].end] == "Jan"
    parsed = parse_arguments(args_text, now=NOW, mentions=mentions)
    assert parsed.text == "🌍 Flyer" and parsed.users == [JAN]


@pytest.mark.parametrize(
    "word, status",
    [
        ("idee", ActionStatus.IDEA),
        ("idea", ActionStatus.IDEA),
        ("gepland", ActionStatus.PLANNED),
        ("planned", ActionStatus.PLANNED),
        ("Lopend", ActionStatus.RUNNING),
        ("running", ActionStatus.RUNNING),
        ("afgerond", ActionStatus.DONE),
        ("done", ActionStatus.DONE),
        ("gestopt", ActionStatus.STOPPED),
        ("stopped", ActionStatus.STOPPED),
        ("lopnd", None),
    ],
)
def test_action_status_words(word: str, status: ActionStatus | None) -> None:
    assert action_status_of(word) == status


@pytest.mark.parametrize(
    "text, number",
    [("12", 12), ("#12", 12), (" 7 ", 7), ("nr. 3", 3), ("twaalf", None), ("", None)],
)
def test_numbers(text: str, number: int | None) -> None:
    assert parse_number(text) == number


def test_a_postponement_date_may_start_with_tegen_or_naar() -> None:
    assert read_due_date("naar volgende vrijdag", now=NOW).date == dt.date(2026, 11, 27)
    assert read_due_date("tegen 4/12", now=NOW).date == dt.date(2026, 12, 4)
    assert read_due_date("in 2 weeks", now=NOW).date == dt.date(2026, 12, 10)


# --- The refusal rule: what follows the last marker is a date, or the line is refused ---------

RULE = [
    # (line, due date or None, text left, or the error key when refused)
    ("Offerte @jan_h tegen ten laatste 26 maart", dt.date(2027, 3, 26), "Offerte @jan_h"),
    ("Offerte @jan_h uiterlijk op 4/12", dt.date(2026, 12, 4), "Offerte @jan_h"),
    ("Offerte @jan_h voor vrijdag", dt.date(2026, 11, 27), "Offerte @jan_h"),
    ("Offerte @jan_h deadline: 4/12", dt.date(2026, 12, 4), "Offerte @jan_h"),
    ("Quotes @jan_h no later than friday", dt.date(2026, 11, 27), "Quotes @jan_h"),
    ("Quotes @jan_h due friday", dt.date(2026, 11, 27), "Quotes @jan_h"),
    ("Quotes @jan_h before friday", dt.date(2026, 11, 27), "Quotes @jan_h"),
    ("Devis @jan_h pour le 4 décembre", dt.date(2026, 12, 4), "Devis @jan_h"),
    ("Devis @jan_h d’ici le 15", dt.date(2026, 12, 15), "Devis @jan_h"),
    ("Devis @jan_h au plus tard le vendredi 4 décembre", dt.date(2026, 12, 4), "Devis @jan_h"),
    ("Devis @jan_h le jeudi 3 décembre", dt.date(2026, 12, 3), "Devis @jan_h"),
    ("Offerte @jan_h vrijdag", dt.date(2026, 11, 27), "Offerte @jan_h"),
    ("tegen vrijdag: offerte opvragen", dt.date(2026, 11, 27), "offerte opvragen"),
    ("Offerte tegen vrijdag voor de sporthal", dt.date(2026, 11, 27), "Offerte voor de sporthal"),
    # Prose: a preposition before the owner, or without one, with no date word after it.
    ("Campagne tegen zwerfvuil @jan_h", None, "Campagne tegen zwerfvuil @jan_h"),
    ("Subsidie voor de sporthal @jan_h", None, "Subsidie voor de sporthal @jan_h"),
    ("@jan_h offerte opvragen voor de sporthal", None, "@jan_h offerte opvragen voor de sporthal"),
    ("Texte pour les bulletins @jan_h", None, "Texte pour les bulletins @jan_h"),
    ("Campagne tegen hittestress in de zomer", None, "Campagne tegen hittestress in de zomer"),
    ("Stand voor de week van de mobiliteit", None, "Stand voor de week van de mobiliteit"),
    ("Wandeling voor de dag van de natuur", None, "Wandeling voor de dag van de natuur"),
    ("Plan voor een koele zomer", None, "Plan voor een koele zomer"),
    ("Campagne voor snel fietsen", None, "Campagne voor snel fietsen"),
    ("Subsidie voor 2027-2030", None, "Subsidie voor 2027-2030"),
    ("Offerte voor 2 warmtepompen", None, "Offerte voor 2 warmtepompen"),
    # Refused: after a strong marker, or `tegen`/`by`/`pour`/`avant` after the owner.
    ("Offerte @jan_h tegen zwerfvuil", "date.unreadable", ""),
    ("Offerte @jan_h by the team", "date.unreadable", ""),
    ("Offerte ten laatste de vergadering", "date.unreadable", ""),
    ("Offerte @jan_h uiterlijk", "date.missing", ""),
    ("Offerte @jan_h tegen binnenkort", "date.vague", ""),
    ("Offerte @jan_h tegen 18/3 om kwart voor vier", "date.unreadable", ""),
    ("Offerte @jan_h in de zomer", "date.vague", ""),
    ("Offerte voor 31/2", "date.no_such_day", ""),
]


@pytest.mark.parametrize(("text", "due", "rest"), RULE)
def test_the_last_marker_asks_for_a_date(text: str, due: object, rest: str) -> None:
    if isinstance(due, str):
        with pytest.raises(DateParseError) as refused:
            parse_arguments(text, now=NOW)
        assert refused.value.key == due
        return
    args = parse_arguments(text, now=NOW)
    assert (args.when.date if args.when else None) == due
    assert args.text.replace("@jan_h", "").split() == rest.replace("@jan_h", "").split()


_NO_DATE_WORDS = st.lists(
    st.sampled_from(
        ["de", "vergadering", "zwerfvuil", "het", "college", "team", "réunion", "la", "nota",
         "bij", "en", "met", "budget", "Fluvius", "raad", "project", "2030", "20%", "half"]
    ),
    min_size=1,
    max_size=5,
).map(" ".join)  # fmt: skip
_STRONG = st.sampled_from(
    ["ten laatste", "uiterlijk", "tegen ten laatste", "deadline", "no later than", "d'ici",
     "au plus tard", "Uiterlijk", "TEN LAATSTE"]
)  # fmt: skip
_ASKING = st.sampled_from(["tegen", "by", "pour", "avant", "TEGEN"])


@settings(max_examples=300)
@given(_STRONG, _NO_DATE_WORDS, st.booleans())
def test_no_date_words_after_a_strong_marker_are_refused(
    marker: str, words: str, owner: bool
) -> None:
    with pytest.raises(DateParseError):
        parse_arguments(f"Offerte opvragen{' @jan_h' if owner else ''} {marker} {words}", now=NOW)


@settings(max_examples=300)
@given(_ASKING, _NO_DATE_WORDS)
def test_no_date_words_after_the_owner_and_tegen_are_refused(marker: str, words: str) -> None:
    with pytest.raises(DateParseError):
        parse_arguments(f"Offerte opvragen @jan_h {marker} {words}", now=NOW)


_DEADLINE_WORDS = [
    "tegen", "ten laatste", "uiterlijk", "voor", "vóór", "tegen ten laatste", "ten laatste op",
    "deadline", "deadline:", "by", "no later than", "before", "due", "pour le", "avant le",
    "d'ici le", "au plus tard le", "Tegen", "UITERLIJK",
]  # fmt: skip


@settings(max_examples=400)
@given(
    st.sampled_from(_DEADLINE_WORDS),
    st.integers(min_value=0, max_value=730),
    st.data(),
)
def test_every_deadline_word_takes_every_written_form_of_a_date(
    marker: str, ahead: int, data: st.DataObject
) -> None:
    day = NOW.date() + dt.timedelta(days=ahead)
    forms = [
        form
        for form in written_forms(day, NOW.date())
        if not (marker.endswith((" le", " op")) and form.startswith(("le ", "op ")))
    ]
    form = data.draw(st.sampled_from(forms), label="form")
    args = parse_arguments(f"Offerte warmtepompen @jan_h {marker} {form}", now=NOW)
    assert args.when is not None and args.when.date == day
    assert args.text == "Offerte warmtepompen"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("uiterlijk vrijdag", dt.date(2026, 11, 27)),
        ("voor de zomervakantie", dt.date(2027, 6, 30)),
        ("na de paasvakantie", dt.date(2027, 4, 12)),
        ("d'ici le 15", dt.date(2026, 12, 15)),
        ("tegen ten laatste 4/12", dt.date(2026, 12, 4)),
    ],
)
def test_a_postponement_takes_the_deadline_words_too(text: str, day: dt.date) -> None:
    assert read_due_date(text, now=NOW).date == day
