"""The trajectory's dates and phases, and the next meeting of a series."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.errors import DomainError
from models.trajectory import Phase, Trajectory, add_months, check_dates, default_end
from scheduler.calendar import CalendarRules
from scheduler.planning import next_in_series

BRUSSELS = ZoneInfo("Europe/Brussels")
RULES = CalendarRules(tz=BRUSSELS, quiet_start=dt.time(18), quiet_end=dt.time(8))


def test_a_year_from_the_first_of_march_ends_on_the_last_day_of_february() -> None:
    assert default_end(dt.date(2027, 3, 1)) == dt.date(2028, 2, 29)
    assert default_end(dt.date(2026, 11, 26)) == dt.date(2027, 11, 25)
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)


def test_the_four_phases_of_a_year() -> None:
    year = Trajectory(dt.date(2027, 3, 1), dt.date(2028, 2, 28))
    assert [(p.phase, p.start, p.end) for p in year.phases] == [
        (Phase.PLAN, dt.date(2027, 3, 1), dt.date(2027, 4, 30)),
        (Phase.PREPARE, dt.date(2027, 5, 1), dt.date(2027, 7, 31)),
        (Phase.GUIDE, dt.date(2027, 8, 1), dt.date(2027, 12, 29)),
        (Phase.STOCK, dt.date(2027, 12, 30), dt.date(2028, 2, 28)),
    ]
    assert year.phase_on(dt.date(2027, 2, 28)) is None
    assert year.phase_on(dt.date(2028, 2, 29)) is None
    assert year.weeks_left(dt.date(2027, 3, 1)) == 52
    assert [weeks for weeks, _ in year.countdown_days()] == [8, 4, 2, 1]


@given(
    start=st.dates(dt.date(2025, 1, 1), dt.date(2030, 12, 31)),
    days=st.integers(56, 3 * 365),
)
def test_phases_cover_every_day_once_in_order(start: dt.date, days: int) -> None:
    trajectory = Trajectory(start, start + dt.timedelta(days=days))
    phases = trajectory.phases
    assert phases[0].start == trajectory.start and phases[-1].end == trajectory.end
    for before, after in itertools.pairwise(phases):
        assert before.start <= before.end < after.start
        assert after.start - before.end == dt.timedelta(days=1)


def test_dates_that_make_no_trajectory_are_refused() -> None:
    with pytest.raises(DomainError) as error:
        check_dates(dt.date(2027, 3, 1), dt.date(2027, 2, 1))
    assert error.value.key == "trajectory.end_before_start"
    with pytest.raises(DomainError):
        check_dates(dt.date(2027, 3, 1), dt.date(2027, 4, 1))


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BRUSSELS)


def test_every_six_weeks_keeps_the_wall_clock_time_across_summer_time() -> None:
    following = next_in_series(at(dt.date(2027, 3, 16), 14), "w6", RULES)
    assert following.astimezone(BRUSSELS) == at(dt.date(2027, 4, 27), 14)


def test_monthly_is_the_same_weekday_of_the_month_and_skips_a_holiday() -> None:
    # Second Tuesday of March 2027, then of April.
    assert next_in_series(at(dt.date(2027, 3, 9), 14), "m1", RULES).astimezone(BRUSSELS) == at(
        dt.date(2027, 4, 13), 14
    )
    # A fifth Tuesday that April lacks becomes the last; 1 May (Labour Day) moves on.
    assert next_in_series(at(dt.date(2027, 3, 30), 10), "m1", RULES).astimezone(BRUSSELS) == at(
        dt.date(2027, 4, 27), 10
    )
    moved = next_in_series(at(dt.date(2027, 4, 3), 10), "w4", RULES).astimezone(BRUSSELS)
    assert moved == at(dt.date(2027, 5, 3), 10)
