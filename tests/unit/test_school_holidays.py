"""The Flemish school holidays, computed from Easter and the fixed rules, checked against the
calendars schools published."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.school_holidays import SchoolHoliday, after, before, holiday_in, next_holiday

D = dt.date
H = SchoolHoliday

PUBLISHED = [
    # 2018-2019
    (H.AUTUMN, 2018, D(2018, 10, 29), D(2018, 11, 4)),
    (H.CHRISTMAS, 2018, D(2018, 12, 24), D(2019, 1, 6)),
    (H.CARNIVAL, 2019, D(2019, 3, 4), D(2019, 3, 10)),
    (H.EASTER, 2019, D(2019, 4, 8), D(2019, 4, 22)),  # Easter 21/4: up to Easter Monday
    # 2020-2021: 1 November on a Sunday
    (H.AUTUMN, 2020, D(2020, 11, 2), D(2020, 11, 8)),
    (H.CHRISTMAS, 2020, D(2020, 12, 21), D(2021, 1, 3)),
    # 2021-2022: Christmas on a Saturday
    (H.AUTUMN, 2021, D(2021, 11, 1), D(2021, 11, 7)),
    (H.CHRISTMAS, 2021, D(2021, 12, 27), D(2022, 1, 9)),
    (H.CARNIVAL, 2022, D(2022, 2, 28), D(2022, 3, 6)),
    (H.EASTER, 2022, D(2022, 4, 4), D(2022, 4, 18)),  # Easter 17/4, Easter Monday 18/4
    # 2022-2023 and 2023-2024
    (H.CHRISTMAS, 2022, D(2022, 12, 26), D(2023, 1, 8)),
    (H.CARNIVAL, 2023, D(2023, 2, 20), D(2023, 2, 26)),
    (H.EASTER, 2023, D(2023, 4, 3), D(2023, 4, 16)),
    (H.AUTUMN, 2023, D(2023, 10, 30), D(2023, 11, 5)),
    (H.CHRISTMAS, 2023, D(2023, 12, 25), D(2024, 1, 7)),
    (H.CARNIVAL, 2024, D(2024, 2, 12), D(2024, 2, 18)),
    (H.EASTER, 2024, D(2024, 4, 1), D(2024, 4, 14)),  # Easter 31/3: from Easter Monday
    (H.SUMMER, 2024, D(2024, 7, 1), D(2024, 8, 31)),
    # 2024-2025 and 2025-2026
    (H.AUTUMN, 2024, D(2024, 10, 28), D(2024, 11, 3)),
    (H.CHRISTMAS, 2024, D(2024, 12, 23), D(2025, 1, 5)),
    (H.CARNIVAL, 2025, D(2025, 3, 3), D(2025, 3, 9)),
    (H.EASTER, 2025, D(2025, 4, 7), D(2025, 4, 21)),
    (H.AUTUMN, 2025, D(2025, 10, 27), D(2025, 11, 2)),
    (H.CHRISTMAS, 2025, D(2025, 12, 22), D(2026, 1, 4)),
    (H.CARNIVAL, 2026, D(2026, 2, 16), D(2026, 2, 22)),
    (H.EASTER, 2026, D(2026, 4, 6), D(2026, 4, 19)),
]


@pytest.mark.parametrize(("kind", "year", "start", "end"), PUBLISHED)
def test_holidays_match_the_published_school_calendars(
    kind: SchoolHoliday, year: int, start: dt.date, end: dt.date
) -> None:
    assert holiday_in(kind, year) == (start, end)


def test_after_and_before_skip_weekends_and_public_holidays() -> None:
    assert after(D(2027, 4, 11)) == D(2027, 4, 12)  # Sunday -> Monday
    assert after(D(2025, 4, 21)) == D(2025, 4, 22)  # Easter Monday -> Tuesday
    assert before(D(2026, 12, 21)) == D(2026, 12, 18)  # Monday -> Friday
    assert before(D(2027, 7, 1)) == D(2027, 6, 30)
    assert after(D(2026, 12, 24)) == D(2026, 12, 28)  # Christmas is no working day


def test_the_next_holiday_is_the_coming_one() -> None:
    assert next_holiday(H.AUTUMN, D(2026, 11, 4), started=True) == (D(2026, 11, 2), D(2026, 11, 8))
    assert next_holiday(H.AUTUMN, D(2026, 11, 4), started=False)[0] == D(2027, 11, 1)
    assert next_holiday(H.CHRISTMAS, D(2027, 1, 2), started=True)[0] == D(2026, 12, 21)


@given(st.integers(min_value=1990, max_value=2200), st.sampled_from(list(SchoolHoliday)))
def test_every_holiday_starts_on_a_monday_and_lasts_its_weeks(year: int, kind: H) -> None:
    start, end = holiday_in(kind, year)
    if kind == H.SUMMER:
        return
    assert start.weekday() == 0
    weeks = 1 if kind in (H.AUTUMN, H.CARNIVAL) else 2
    assert (end - start).days in (7 * weeks - 1, 7 * weeks)  # + Easter Monday after 15 April
