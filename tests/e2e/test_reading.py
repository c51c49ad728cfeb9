"""Whole `/afspraak` lines as a cluster's members type them, through the real handler.

Each row says what must be recorded: the due date (and time), no date because none was asked
for, or a refusal that names what was not read and records nothing. The clock stands at
Thursday 26 November 2026, 10:00 in Brussels.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.harness import Person, World
from tests.e2e.test_agreements import Leuven, leuven, stored

D = dt.date
T = dt.time


@dataclass(frozen=True)
class Due:
    day: dt.date
    time: dt.time | None = None
    shown: str = ""  # how the reply writes it, when the row checks that


@dataclass(frozen=True)
class Refused:
    says: str  # what the refusal must name


NO_DATE = None  # no marker and no date: a line that asks for no date

NL: list[tuple[str, Due | Refused | None]] = [
    # The lines from the report that used to lose their date.
    ("/afspraak Energieboekhouding bijwerken @jan tegen ten laatste 26 maart", Due(D(2027, 3, 26))),
    ("/afspraak Bespreken op het schepencollege @jan tegen na de paasvakantie",
     Due(D(2027, 4, 12), shown="maandag 12 april 2027")),
    ("/afspraak Offerte warmtepompen @jan tegen do 18/3 15u45",
     Due(D(2027, 3, 18), T(15, 45), shown="donderdag 18 maart 2027 om 15:45")),
    # Deadline words.
    ("/afspraak Subsidiedossier indienen @jan uiterlijk 15/12", Due(D(2026, 12, 15))),
    ("/afspraak Verslag klimaattafel rondsturen @bram voor vrijdag", Due(D(2026, 11, 27))),
    ("/afspraak Dakisolatie-actie voorbereiden @bram vóór 1 februari", Due(D(2027, 2, 1))),
    ("/afspraak Laadpalen in kaart brengen @jan ten laatste op 12 januari", Due(D(2027, 1, 12))),
    ("/afspraak Begroting klimaatacties @koen deadline 18/12", Due(D(2026, 12, 18))),
    ("/afspraak Visie warmtenet @koen deadline: vr 4/12", Due(D(2026, 12, 4))),
    ("/afspraak Mobiliteitsplan @bram uiterlijk op dinsdag 8 december", Due(D(2026, 12, 8))),
    # Dates as people say them.
    ("/afspraak Tekst renovatiepremies nieuwsbrief @jan tegen de 15de", Due(D(2026, 12, 15))),
    ("/afspraak Fietsstraten evalueren @bram tegen eind volgende week", Due(D(2026, 12, 4))),
    ("/afspraak Energiescan gemeentehuis @jan tegen begin volgende maand", Due(D(2026, 12, 1))),
    ("/afspraak Infoavond plannen @jan tegen de week van 15 maart", Due(D(2027, 3, 19))),
    ("/afspraak Zomercampagne afwerken @bram voor de zomervakantie", Due(D(2027, 6, 30))),
    ("/afspraak Evaluatie repair café @bram na de zomer", Due(D(2027, 9, 1))),
    ("/afspraak Inventaris groendaken @jan voor het verlof", Due(D(2027, 6, 30))),
    ("/afspraak Werfbezoek zonnepark @jan na de kerstvakantie", Due(D(2027, 1, 4))),
    ("/afspraak Schoolstraten bevragen @bram tegen krokusvakantie", Due(D(2027, 2, 5))),
    ("/afspraak Overleg energiearmoede @jan voor de herfstvakantie", Due(D(2027, 10, 29))),
    ("/afspraak Bewonersbrief @jan tegen eind deze maand", Due(D(2026, 11, 30))),
    ("/afspraak Plan van aanpak @jan tegen midden januari", Due(D(2027, 1, 15))),
    ("/afspraak Offertes vergelijken @jan tegen over 2 weken", Due(D(2026, 12, 10))),
    ("/afspraak Voorstel aan het college @jan tegen dinsdag 1 december om 9u",
     Due(D(2026, 12, 1), T(9, 0))),
    ("/afspraak Kaart deelfietsen @jan tegen 17u", Due(D(2026, 11, 26), T(17, 0))),
    ("/afspraak Overleg met Fluvius @jan tegen morgen namiddag", Due(D(2026, 11, 27), T(14, 0))),
    ("/afspraak Offerte @jan morgen", Due(D(2026, 11, 27))),
    ("/afspraak Laadpaalbeleid @jan op 4 december", Due(D(2026, 12, 4))),
    ("/afspraak Bespreken @jan na de paasvakantie", Due(D(2027, 4, 12))),
    # Typed the way phones type.
    ("/afspraak tegen vrijdag: offerte opvragen @jan", Due(D(2026, 11, 27))),
    ("/afspraak OFFERTE LED-VERLICHTING @JAN TEGEN VRIJDAG", Due(D(2026, 11, 27))),
    ("/afspraak Raamcontract opvragen @jan tegen dins.", Due(D(2026, 12, 1))),
    ("/afspraak Parkeernota @bram tegen woe 14 u", Due(D(2026, 12, 2), T(14, 0))),
    ("/afspraak Nota voor het college @jan tegen ma 14u.", Due(D(2026, 11, 30), T(14, 0))),
    ("/afspraak Presentatie gemeenteraad @jan tegen 3/12 14.30u", Due(D(2026, 12, 3), T(14, 30))),
    ("/afspraak Fluvius mailen @jan tegen vrijdag 14h30", Due(D(2026, 11, 27), T(14, 30))),
    ("/afspraak Mail naar de energiehuis @jan tegen vrijdag 👍", Due(D(2026, 11, 27))),
    ("/afspraak Offerte zonnepanelen @jan tegen vrijdag.", Due(D(2026, 11, 27))),
    ("/afspraak Affiche\u00a0@jan tegen\u00a0vrijdag", Due(D(2026, 11, 27))),
    ("/afspraak Flyer drukken @jan tegen “maandag”", Due(D(2026, 11, 30))),
    ("/afspraak Klimaatbudget @jan tegen ’s avonds", Due(D(2026, 11, 26), T(19, 0))),
    # Prose stays text; an earlier `tegen` in the text is not the deadline.
    ("/afspraak Campagne tegen zwerfvuil @jan tegen 11/12", Due(D(2026, 12, 11))),
    ("/afspraak Campagne tegen zwerfvuil opstarten", NO_DATE),
    ("/afspraak Klimaatneutraal tegen 2030", NO_DATE),
    ("/afspraak Offerte vragen voor de sporthal @jan", NO_DATE),
    # The past, named; what names no day; what cannot be read.
    ("/afspraak Bomenplan @jan tegen gisteren", Refused("woensdag 25 november 2026")),
    ("/afspraak Bomenplan @jan tegen vorige week", Refused("maandag 16 november 2026")),
    ("/afspraak Bomenplan @jan uiterlijk vorige maand", Refused("donderdag 1 oktober 2026")),
    ("/afspraak Bomenplan @jan tegen vorige dinsdag", Refused("dinsdag 24 november 2026")),
    ("/afspraak Bomenplan @jan tegen vandaag 9u", Refused("donderdag 26 november 2026 om 09:00")),
    ("/afspraak Offerte @jan tegen binnenkort", Refused("over 2 weken")),
    ("/afspraak Infofiche @jan tegen volgend jaar", Refused("eind december")),
    ("/afspraak Infofiche @jan in de zomer", Refused("voor de zomervakantie")),
    ("/afspraak Nota @jan tegen de volgende vergadering", Refused("de volgende vergadering")),
    ("/afspraak Nota @jan uiterlijk", Refused("uiterlijk")),
    ("/afspraak Nota @jan tegen zwerfvuil", Refused("zwerfvuil")),
    ("/afspraak Offerte @jan tegen 31/2", Refused("31/2")),
    ("/afspraak Offerte @jan tegen di 17/3", Refused("woensdag")),
    ("/afspraak Offerte @jan tegen 18/3 om kwart voor vier", Refused("om kwart voor vier")),
    ("/afspraak Offerte @jan tegen 25u", Refused("25u")),
]  # fmt: skip

EN: list[tuple[str, Due | Refused | None]] = [
    ("/agreement Update energy accounts @bram by March 26", Due(D(2027, 3, 26))),
    ("/agreement Send the minutes @bram no later than friday", Due(D(2026, 11, 27))),
    ("/agreement Collect quotes @bram before December 4", Due(D(2026, 12, 4))),
    ("/agreement Heat pump tender @bram due 15/12", Due(D(2026, 12, 15))),
    ("/agreement Council memo @bram by thursday 3pm",
     Due(D(2026, 12, 3), T(15, 0), shown="Thursday 3 December 2026 at 15:00")),
    ("/agreement Bike lane survey @bram by end of next week", Due(D(2026, 12, 4))),
    ("/agreement Newsletter text @bram by the 15th", Due(D(2026, 12, 15))),
    ("/agreement Evaluate the repair café @bram after the Easter holidays", Due(D(2027, 4, 12))),
    ("/agreement Summer campaign @bram before the summer holidays", Due(D(2027, 6, 30))),
    ("/agreement Site visit @bram by tomorrow 2pm", Due(D(2026, 11, 27), T(14, 0))),
    ("/agreement by friday: send the quotes @bram", Due(D(2026, 11, 27))),
    ("/agreement Poster @bram by the week of March 15", Due(D(2027, 3, 19))),
    ("/agreement Poster @bram by next tuesday 10am", Due(D(2026, 12, 1), T(10, 0))),
    ("/agreement Reduce energy use by half", NO_DATE),
    ("/agreement Report @bram by yesterday", Refused("Wednesday 25 November 2026")),
    ("/agreement Report @bram by last week", Refused("Monday 16 November 2026")),
    ("/agreement Report @bram by last month", Refused("Thursday 1 October 2026")),
    ("/agreement Report @bram asap", Refused("in 2 weeks")),
    ("/agreement Report @bram by the next meeting", Refused("the next meeting")),
]  # fmt: skip

FR: list[tuple[str, Due | Refused | None]] = [
    ("/afspraak Texte commun pour les bulletins communaux @celine avant le jeudi 6 mai",
     Due(D(2027, 5, 6), shown="jeudi 6 mai 2027")),
    ("/afspraak Devis panneaux solaires @celine pour le 15 décembre", Due(D(2026, 12, 15))),
    ("/afspraak Note au collège @celine d'ici le 4 décembre", Due(D(2026, 12, 4))),
    ("/afspraak Rapport @celine au plus tard le vendredi 11 décembre", Due(D(2026, 12, 11))),
    ("/afspraak Réunion vélo @celine le mardi 1 décembre", Due(D(2026, 12, 1))),
    ("/afspraak Affiche @celine avant vendredi 14h30", Due(D(2026, 11, 27), T(14, 30))),
    ("/afspraak Bilan du repair café @celine après les vacances de Pâques", Due(D(2027, 4, 12))),
    ("/afspraak Campagne d'été @celine avant les grandes vacances", Due(D(2027, 6, 30))),
    ("/afspraak Bilan @celine d’ici demain 17h",
     Due(D(2026, 11, 27), T(17, 0), shown="vendredi 27 novembre 2026 à 17:00")),
    ("/afspraak Dossier @celine pour la fin du mois", Due(D(2026, 11, 30))),
    ("/afspraak Dossier @celine d'ici le 15", Due(D(2026, 12, 15))),
    ("/afspraak Devis @celine pour hier", Refused("mercredi 25 novembre 2026")),
    ("/afspraak Devis @celine avant la semaine dernière", Refused("lundi 16 novembre 2026")),
    ("/afspraak Devis @celine avant le mois dernier", Refused("jeudi 1 octobre 2026")),
    ("/afspraak Devis @celine d'ici la réunion", Refused("réunion")),
    ("/afspraak Devis @celine pour bientôt", Refused("dans 2 semaines")),
]  # fmt: skip

TABLE = {"nl": NL, "en": EN, "fr": FR}


def test_the_table_is_large_enough_and_asks_for_dates() -> None:
    rows = [row for rows in TABLE.values() for row in rows]
    assert len(rows) >= 60
    asked = [expected for _, expected in rows if expected is not NO_DATE]
    read = [expected for expected in asked if isinstance(expected, Due)]
    assert len(read) / len(asked) > 0.7


async def _play(world: World, lang: str) -> list[str]:
    """Type every row of one language; what went otherwise than the row says."""
    c: Leuven = await leuven(world)
    if lang != "nl":
        await c.fien.says(f"/taal {lang}")
    wrong: list[str] = []
    for line, expected in TABLE[lang]:
        person = c.celine if lang == "fr" else c.bram if lang == "en" else c.jan
        before = await stored(world, c.group)
        reply = await person.says(line)
        after = await stored(world, c.group)
        if isinstance(expected, Refused):
            if after != before or len(after) != len(before):
                wrong.append(f"{line!r}: recorded although it must be refused: {reply.text}")
            elif expected.says not in reply.text:
                wrong.append(f"{line!r}: refusal lacks {expected.says!r}: {reply.text}")
            continue
        if len(after) != len(before) + 1:
            wrong.append(f"{line!r}: not recorded: {reply.text}")
            continue
        agreement = after[-1]
        got = (agreement.due_date, agreement.due_time)
        want = (expected.day, expected.time) if isinstance(expected, Due) else (None, None)
        if got != want:
            wrong.append(f"{line!r}: recorded {got}, not {want}: {reply.text}")
        elif isinstance(expected, Due) and expected.shown and expected.shown not in reply.text:
            wrong.append(f"{line!r}: reply does not write {expected.shown!r}: {reply.text}")
    return wrong


async def test_dutch_lines_get_their_due_date_or_are_refused(world: World) -> None:
    assert await _play(world, "nl") == []


async def test_english_lines_get_their_due_date_or_are_refused(world: World) -> None:
    assert await _play(world, "en") == []


async def test_french_lines_get_their_due_date_or_are_refused(world: World) -> None:
    assert await _play(world, "fr") == []


async def test_the_text_keeps_what_is_not_the_date(world: World) -> None:
    c = await leuven(world)
    await c.jan.says("/afspraak tegen vrijdag: offerte opvragen @jan")
    await c.jan.says("/afspraak Campagne tegen zwerfvuil @jan tegen 11/12")
    first, second = await stored(world, c.group)
    assert first.text == "offerte opvragen"
    assert second.text == "Campagne tegen zwerfvuil"


# Words that hold no date: after a marker that asks for one, the line is refused.
_PLAIN = st.sampled_from(
    ["de", "vergadering", "zwerfvuil", "het", "college", "team", "réunion", "la", "ploeg",
     "schepen", "nota", "bij", "en", "met", "budget", "Fluvius", "raad", "project", "x"]
)  # fmt: skip
_MARKERS = st.sampled_from(
    ["ten laatste", "uiterlijk", "tegen ten laatste", "deadline", "no later than",
     "d'ici", "au plus tard", "tegen", "by", "pour", "avant"]
)  # fmt: skip


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(marker=_MARKERS, words=st.lists(_PLAIN, min_size=1, max_size=4))
async def test_no_date_words_after_a_marker_is_refused_and_records_nothing(
    world: World, marker: str, words: list[str]
) -> None:
    person = await _one_member(world)
    before = await stored(world, person.chat)
    reply = await person.says(f"/afspraak Offerte opvragen @jan {marker} {' '.join(words)}")
    assert await stored(world, person.chat) == before
    assert "Bijvoorbeeld" in reply.text


_MEMBER: weakref.WeakKeyDictionary[World, Person] = weakref.WeakKeyDictionary()


async def _one_member(world: World) -> Person:
    """One cluster for all examples of a property (they share the test's world): set up on
    the first."""
    if world not in _MEMBER:
        _MEMBER[world] = (await leuven(world)).jan
    return _MEMBER[world]
