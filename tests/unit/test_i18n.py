"""Every message exists in Dutch, English and French, with the same placeholders."""

from __future__ import annotations

import pytest

from handlers.i18n import LANGUAGES, Html, catalogues, placeholders, t
from handlers.menu import COMMANDS


def test_every_language_has_every_message() -> None:
    tables = catalogues()
    keys = {lang: set(tables[lang]) for lang in LANGUAGES}
    for lang in LANGUAGES:
        assert keys[lang] == keys["nl"], (
            f"{lang}: missing {sorted(keys['nl'] - keys[lang])}, "
            f"extra {sorted(keys[lang] - keys['nl'])}"
        )


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "nl"])
def test_placeholders_match_the_dutch_text(lang: str) -> None:
    tables = catalogues()
    mismatched = [
        key
        for key, text in tables["nl"].items()
        if placeholders(text) != placeholders(tables[lang].get(key, text))
    ]
    assert not mismatched


def test_every_command_has_a_description_in_every_language() -> None:
    for spec in COMMANDS:
        for lang in LANGUAGES:
            description = t(lang, f"cmd.{spec.name}")
            assert 3 <= len(description) <= 256


def test_parameters_are_escaped_unless_marked_as_html() -> None:
    text = t("nl", "municipality.set", name="<b>&</script>", municipality=Html("<b>Herent</b>"))
    assert "&lt;b&gt;&amp;&lt;/script&gt;" in text
    assert "<b>Herent</b>" in text
