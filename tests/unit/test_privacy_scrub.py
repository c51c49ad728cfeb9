"""What /vergeetmij takes out of free text and JSON, and what it leaves alone."""

from __future__ import annotations

from models.privacy import ERASED, _Needles, _scrub_json

BART = _Needles(names=["Bart Peeters"], usernames=["bart_peeters"], user_id=5_550_001_234)


def test_names_usernames_and_ids_are_replaced_as_whole_words() -> None:
    pattern = BART.pattern()
    text = (
        'Bart Peeters belt @Bart_Peeters; <a href="tg://user?id=5550001234">Bart Peeters</a> '
        "en bart_peeters"
    )
    cleaned = pattern.sub(ERASED, text)
    assert "Peeters" not in cleaned and "peeters" not in cleaned.lower()
    assert "5550001234" not in cleaned
    assert cleaned.startswith(f"{ERASED} belt {ERASED};")


def test_similar_words_and_other_numbers_stay() -> None:
    pattern = BART.pattern()
    text = "Bart Peetersen en Barto bellen 55500012345 of 555000123; bart_peeters2 ook"
    assert pattern.sub(ERASED, text) == text


def test_json_is_scrubbed_in_keys_values_and_numbers() -> None:
    pattern = BART.pattern()
    value = {
        "chat_id": 5_550_001_234,
        "names": ["Bart Peeters", "Sofie"],
        "Bart Peeters": True,
        "count": 3,
    }
    assert _scrub_json(value, pattern, BART.user_id) == {
        "chat_id": None,
        "names": [ERASED, "Sofie"],
        ERASED: True,
        "count": 3,
    }
