"""Every message exists in Dutch, English and French, with the same placeholders and plurals."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.plurals import get_plural

from handlers.i18n import LANGUAGES, Html, catalogues, placeholders, t, tn
from handlers.locales.tooling import read, used_keys
from handlers.menu import COMMANDS

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def sources() -> dict[str, dict[str, str | tuple[str, ...]]]:
    """The `.po` catalogues as written by people (the `.mo` files are compiled from them);
    read once, the tests only look."""
    return {
        lang: {
            (message.id[0] if isinstance(message.id, (list, tuple)) else message.id): (
                tuple(message.string)
                if isinstance(message.string, (list, tuple))
                else message.string
            )
            for message in read(lang)
            if message.id
        }
        for lang in LANGUAGES
    }


def test_every_language_has_every_message_translated() -> None:
    tables = sources()
    for lang in LANGUAGES:
        assert tables[lang].keys() == tables["nl"].keys(), (
            f"{lang}: missing {sorted(tables['nl'].keys() - tables[lang].keys())}, "
            f"extra {sorted(tables[lang].keys() - tables['nl'].keys())}"
        )
        untranslated = [
            key
            for key, text in tables[lang].items()
            if not text or (isinstance(text, tuple) and not all(text))
        ]
        assert not untranslated, f"{lang}: untranslated {untranslated}"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "nl"])
def test_placeholders_match_the_dutch_text(lang: str) -> None:
    tables = sources()
    mismatched = [
        key
        for key, text in tables["nl"].items()
        if placeholders(text) != placeholders(tables[lang].get(key, text))
    ]
    assert not mismatched


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_messages_have_every_form_of_the_language(lang: str) -> None:
    forms = get_plural(lang).num_plurals
    for key, text in sources()[lang].items():
        if isinstance(text, tuple):
            assert len(text) == forms, key
            assert all("{count}" in form for form in text) or key.endswith(".nocount"), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalogue_says_what_the_source_says(lang: str, tmp_path: Path) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, read(lang))
    compiled.seek(0)
    fresh = {
        m.id if isinstance(m.id, str) else m.id[0]: m.string for m in read_mo(compiled) if m.id
    }
    for key, text in catalogues()[lang].items():
        assert (tuple(fresh[key]) if isinstance(text, tuple) else fresh[key]) == text


def test_every_key_the_code_names_is_in_the_catalogue() -> None:
    known = catalogues()["nl"]
    missing = {key: places for key, places in used_keys(ROOT).items() if key not in known}
    assert not missing


def test_the_extraction_finds_the_keys_the_code_names() -> None:
    keys = used_keys(ROOT)
    assert "error.internal" in keys
    assert any(place.startswith("handlers/") for place in keys["error.internal"])


def test_every_command_has_a_description_in_every_language() -> None:
    for spec in COMMANDS:
        for lang in LANGUAGES:
            description = t(lang, f"cmd.{spec.name}")
            assert 3 <= len(description) <= 256


def test_parameters_are_escaped_unless_marked_as_html() -> None:
    text = t("nl", "municipality.set", name="<b>&</script>", municipality=Html("<b>Herent</b>"))
    assert "&lt;b&gt;&amp;&lt;/script&gt;" in text
    assert "<b>Herent</b>" in text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("count", [0, 1, 2, 5])
def test_every_plural_message_renders_for_every_count(lang: str, count: int) -> None:
    plural_keys = [key for key, text in sources()["nl"].items() if isinstance(text, tuple)]
    for key in plural_keys:
        params = {name: "x" for name in placeholders(sources()["nl"][key]) if name != "count"}
        text = tn(lang, key, count, **params)
        assert "{" not in text and key not in text


def test_a_plural_message_is_refused_by_t_and_a_plain_one_by_tn() -> None:
    plain = next(key for key, text in sources()["nl"].items() if isinstance(text, str))
    with pytest.raises(TypeError):
        tn("nl", plain, 2)


# Hand-made plurals: a word with its plural ending in brackets ("cluster(s)", "werkdag(en)",
# "jour(s)"), or two forms of one word side by side ("afspraak/afspraken").
BRACKETED_ENDING = re.compile(r"[^\W\d_]\((s|en|e|es|x|n|nen|ën)\)", re.IGNORECASE)
SLASHED_FORMS = re.compile(r"\b([^\W\d_]{3,})/([^\W\d_]{3,})\b")
# Placeholders that carry a number of things: followed by a word, the text must be a plural
# message (the word then agrees with the number), or the number a plural piece ("3 leden").
COUNTS = {"count", "days", "members", "inhabitants", "clusters", "agreements", "made"}
COUNT_FOLLOWED_BY_WORD = re.compile(r"\{(" + "|".join(COUNTS) + r")\}\s+[^\W\d_]")
# Followed by a word that does not depend on the number: a range's upper end ("1 to {count} in
# /clusters"), "… and {count} more".
NOT_A_QUANTITY = {"facilitator.unknown_number", "facilitator.detail_more"}


def shared_start(a: str, b: str) -> int:
    return next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )


def hand_made_plurals(key: str, text: str | tuple[str, ...]) -> list[str]:
    forms = text if isinstance(text, tuple) else (text,)
    found = []
    for form in forms:
        found += [m.group(0) for m in BRACKETED_ENDING.finditer(form)]
        found += [
            m.group(0)
            for m in SLASHED_FORMS.finditer(form)
            if shared_start(m.group(1).lower(), m.group(2).lower()) >= 4
        ]
        if not isinstance(text, tuple) and key not in NOT_A_QUANTITY:
            found += [m.group(0) for m in COUNT_FOLLOWED_BY_WORD.finditer(form)]
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_message_makes_its_plural_by_hand(lang: str) -> None:
    found = {
        key: hits for key, text in sources()[lang].items() if (hits := hand_made_plurals(key, text))
    }
    assert not found


@pytest.mark.parametrize(
    "text",
    [
        "in {clusters} cluster(s)",
        "{days} werkdag(en) voor de deadline",
        "Je {agreements} afspraak/afspraken",
        "{days} jour(s) ouvrable(s)",
        "{members} leden",
        "💤 {count} calme(s) :",
    ],
)
def test_the_scan_finds_hand_made_plurals(text: str) -> None:
    assert hand_made_plurals("example.key", text)


@pytest.mark.parametrize(
    "text",
    ["herinneringen uit/aan", "Schrijf dag/maand, bijvoorbeeld 11/7.", "{members}", "/afspraken"],
)
def test_the_scan_leaves_other_slashes_and_pieces_alone(text: str) -> None:
    assert not hand_made_plurals("example.key", text)


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("nl", 1, "1 lid"),
        ("nl", 2, "2 leden"),
        ("en", 1, "1 member"),
        ("en", 0, "0 members"),
        ("fr", 0, "0 membre"),
        ("fr", 1, "1 membre"),
        ("fr", 2, "2 membres"),
    ],
)
def test_plural_forms_follow_each_languages_rule(lang: str, count: int, expected: str) -> None:
    assert tn(lang, "count.members", count) == expected
