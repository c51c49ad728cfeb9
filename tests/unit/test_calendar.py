"""The working-day calendar, on real Belgian dates."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.calendar import (
    CalendarRules,
    DayOff,
    add_working_days,
    at_local,
    belgian_holidays,
    day_off,
    default_poll_deadline,
    is_allowed_moment,
    is_working_day,
    next_allowed_moment,
    next_working_day,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
RULES = CalendarRules(tz=BRUSSELS)
FLEMISH = CalendarRules(tz=BRUSSELS, extra_days_off=frozenset({(7, 11)}))
BE_HOLIDAYS = holidays.country_holidays("BE", years=range(2025, 2032))


def local(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=BRUSSELS)


def utc(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=dt.UTC)


# --- working days -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 5, 13), True),  # Wednesday before Ascension
        (dt.date(2026, 5, 14), False),  # Ascension Day
        (dt.date(2027, 3, 29), False),  # Easter Monday
        (dt.date(2027, 3, 30), True),
        (dt.date(2026, 12, 25), False),  # Christmas, a Friday
        (dt.date(2027, 1, 1), False),  # New Year, a Friday
        (dt.date(2027, 7, 21), False),  # National Day, a Wednesday
        (dt.date(2028, 7, 11), True),  # 11 July is no public holiday
        (dt.date(2027, 3, 20), False),  # Saturday
        (dt.date(2027, 3, 21), False),  # Sunday
    ],
)
def test_working_days_skip_weekends_and_belgian_holidays(day: dt.date, expected: bool) -> None:
    assert is_working_day(day, RULES) is expected


def test_eleven_july_is_off_only_for_a_cluster_that_says_so() -> None:
    assert is_working_day(dt.date(2028, 7, 11), RULES)
    assert not is_working_day(dt.date(2028, 7, 11), FLEMISH)
    assert not is_working_day(dt.date(2029, 7, 11), FLEMISH)
    assert is_working_day(dt.date(2028, 7, 12), FLEMISH)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (dt.date(2027, 3, 15), -2, dt.date(2027, 3, 11)),  # Monday minus 2: Thursday
        (dt.date(2027, 3, 26), 1, dt.date(2027, 3, 30)),  # over Easter Monday
        (dt.date(2027, 3, 30), -1, dt.date(2027, 3, 26)),
        (dt.date(2026, 5, 13), 1, dt.date(2026, 5, 15)),  # over Ascension
        (dt.date(2026, 12, 24), 1, dt.date(2026, 12, 28)),  # over Christmas and a weekend
        (dt.date(2026, 12, 31), 1, dt.date(2027, 1, 4)),  # over New Year and a weekend
        (dt.date(2026, 12, 24), 5, dt.date(2027, 1, 4)),
        (dt.date(2027, 3, 21), 1, dt.date(2027, 3, 22)),  # from a Sunday
        (dt.date(2027, 3, 21), -1, dt.date(2027, 3, 19)),
        (dt.date(2027, 3, 21), 0, dt.date(2027, 3, 21)),  # zero: the day itself, even a Sunday
    ],
)
def test_add_working_days(start: dt.date, n: int, expected: dt.date) -> None:
    assert add_working_days(start, n, RULES) == expected


def test_add_working_days_skips_the_extra_day_off() -> None:
    assert add_working_days(dt.date(2028, 7, 10), 1, FLEMISH) == dt.date(2028, 7, 12)
    assert add_working_days(dt.date(2028, 7, 12), -1, FLEMISH) == dt.date(2028, 7, 10)


def test_next_working_day_includes_today_unless_told_not_to() -> None:
    assert next_working_day(dt.date(2027, 3, 26), RULES) == dt.date(2027, 3, 26)
    assert next_working_day(dt.date(2027, 3, 26), RULES, include_today=False) == dt.date(
        2027, 3, 30
    )
    assert next_working_day(dt.date(2027, 3, 28), RULES) == dt.date(2027, 3, 30)


def test_a_calendar_without_working_days_fails_instead_of_looping() -> None:
    every_day = frozenset((m, d) for m in range(1, 13) for d in range(1, 32))
    with pytest.raises(ValueError):
        add_working_days(dt.date(2027, 3, 1), 1, CalendarRules(BRUSSELS, extra_days_off=every_day))


# --- local time and DST -------------------------------------------------------------------


def test_nine_local_is_eight_utc_in_winter_and_seven_in_summer() -> None:
    assert at_local(dt.date(2027, 3, 26), dt.time(9), RULES) == utc(2027, 3, 26, 8)
    assert at_local(dt.date(2027, 3, 30), dt.time(9), RULES) == utc(2027, 3, 30, 7)
    assert at_local(dt.date(2026, 10, 23), dt.time(9), RULES) == utc(2026, 10, 23, 7)
    assert at_local(dt.date(2026, 10, 26), dt.time(9), RULES) == utc(2026, 10, 26, 8)


def test_a_wall_time_in_the_spring_gap_moves_forward_by_the_gap() -> None:
    # 2027-03-28: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist.
    assert at_local(dt.date(2027, 3, 28), dt.time(2, 30), RULES) == utc(2027, 3, 28, 1, 30)


def test_a_wall_time_in_the_autumn_fold_is_its_first_occurrence() -> None:
    # 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
    assert at_local(dt.date(2026, 10, 25), dt.time(2, 30), RULES) == utc(2026, 10, 25, 0, 30)


# --- allowed moments ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # allowed already: unchanged
        (local(2027, 3, 16, 10), local(2027, 3, 16, 10)),
        (local(2027, 3, 16, 8), local(2027, 3, 16, 8)),
        (local(2027, 3, 16, 17, 59), local(2027, 3, 16, 17, 59)),
        # quiet hours: evening goes to the next morning, early morning to the same morning
        (local(2027, 3, 16, 18), local(2027, 3, 17, 8)),
        (local(2027, 3, 16, 23, 30), local(2027, 3, 17, 8)),
        (local(2027, 3, 17, 3), local(2027, 3, 17, 8)),
        # weekends and holidays: the start of the next working day
        (local(2027, 3, 19, 19), local(2027, 3, 22, 8)),
        (local(2027, 3, 20, 12), local(2027, 3, 22, 8)),
        (local(2026, 5, 14, 9), local(2026, 5, 15, 8)),  # Ascension
        (local(2026, 12, 24, 18, 30), local(2026, 12, 28, 8)),  # Christmas Eve evening
        (local(2026, 12, 31, 17), local(2026, 12, 31, 17)),
        (local(2026, 12, 31, 20), local(2027, 1, 4, 8)),  # New Year
    ],
)
def test_next_allowed_moment(moment: dt.datetime, expected: dt.datetime) -> None:
    result = next_allowed_moment(moment, RULES)
    assert result == expected
    assert result.tzinfo is dt.UTC


def test_next_allowed_moment_over_the_easter_weekend_changes_offset() -> None:
    # Friday evening in winter time to Tuesday morning in summer time (Easter Monday off).
    assert next_allowed_moment(local(2027, 3, 26, 19), RULES) == utc(2027, 3, 30, 6)
    # And back in October: Friday evening summer time, Monday morning winter time.
    assert next_allowed_moment(local(2026, 10, 23, 19), RULES) == utc(2026, 10, 26, 7)


def test_next_allowed_moment_skips_the_extra_day_off() -> None:
    assert next_allowed_moment(local(2028, 7, 10, 20), FLEMISH) == local(2028, 7, 12, 8)


def test_quiet_hours_may_wrap_midnight_or_not_or_be_absent() -> None:
    late = CalendarRules(BRUSSELS, quiet_start=dt.time(22), quiet_end=dt.time(6, 30))
    assert next_allowed_moment(local(2027, 3, 16, 21, 59), late) == local(2027, 3, 16, 21, 59)
    assert next_allowed_moment(local(2027, 3, 16, 22), late) == local(2027, 3, 17, 6, 30)
    assert next_allowed_moment(local(2027, 3, 17, 0, 15), late) == local(2027, 3, 17, 6, 30)

    lunch = CalendarRules(BRUSSELS, quiet_start=dt.time(12), quiet_end=dt.time(13))
    assert next_allowed_moment(local(2027, 3, 16, 12, 30), lunch) == local(2027, 3, 16, 13)
    assert next_allowed_moment(local(2027, 3, 16, 23), lunch) == local(2027, 3, 16, 23)
    assert next_allowed_moment(local(2027, 3, 20, 12, 30), lunch) == local(2027, 3, 22)

    never = CalendarRules(BRUSSELS, quiet_start=dt.time(8), quiet_end=dt.time(8))
    assert next_allowed_moment(local(2027, 3, 16, 23), never) == local(2027, 3, 16, 23)
    assert next_allowed_moment(local(2027, 3, 20, 12), never) == local(2027, 3, 22)

    until_midnight = CalendarRules(BRUSSELS, quiet_start=dt.time(22), quiet_end=dt.time(0))
    assert next_allowed_moment(local(2027, 3, 16, 23), until_midnight) == local(2027, 3, 17)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        next_allowed_moment(dt.datetime(2027, 3, 16, 10), RULES)


# --- default poll deadline ----------------------------------------------------------------


def test_poll_deadline_is_noon_three_working_days_before_the_earliest_option() -> None:
    deadline = default_poll_deadline(local(2027, 3, 18, 14), local(2027, 3, 8, 10), RULES)
    assert deadline == local(2027, 3, 15, 12)
    assert deadline.tzinfo is dt.UTC


def test_poll_deadline_counts_back_over_easter() -> None:
    deadline = default_poll_deadline(local(2027, 3, 31, 10), local(2027, 3, 1, 10), RULES)
    assert deadline == local(2027, 3, 25, 12) == utc(2027, 3, 25, 11)


def test_poll_deadline_leaves_at_least_a_day_to_answer() -> None:
    deadline = default_poll_deadline(local(2027, 3, 17, 14), local(2027, 3, 15, 10), RULES)
    assert deadline == local(2027, 3, 16, 10)


def test_a_poll_deadline_pushed_into_the_evening_closes_next_morning() -> None:
    deadline = default_poll_deadline(local(2027, 3, 18, 14), local(2027, 3, 15, 20), RULES)
    assert deadline == local(2027, 3, 17, 8)


def test_a_poll_deadline_stays_unmoved_if_moving_would_pass_the_meeting() -> None:
    # Friday 20:00 + 24 h is Saturday 20:00; the next allowed moment (Monday 08:00) is too late.
    deadline = default_poll_deadline(local(2027, 3, 22, 7, 30), local(2027, 3, 19, 20), RULES)
    assert deadline == local(2027, 3, 20, 20)


def test_a_poll_for_a_meeting_within_a_day_closes_an_hour_before_it() -> None:
    now = local(2027, 3, 15, 10)
    assert default_poll_deadline(local(2027, 3, 15, 18), now, RULES) == local(2027, 3, 15, 17)
    assert default_poll_deadline(local(2027, 3, 15, 10, 30), now, RULES) == now


# --- properties ---------------------------------------------------------------------------

dates = st.dates(dt.date(2026, 1, 1), dt.date(2030, 12, 31))
times = st.times().map(lambda t: t.replace(second=0, microsecond=0))
zones = st.sampled_from(
    [BRUSSELS, ZoneInfo("UTC"), ZoneInfo("Africa/Cairo"), ZoneInfo("Australia/Lord_Howe")]
)
extra_days = st.frozensets(st.tuples(st.integers(1, 12), st.integers(1, 28)), max_size=20)
rules_strategy = st.builds(
    CalendarRules, tz=zones, quiet_start=times, quiet_end=times, extra_days_off=extra_days
)


def independently_allowed(moment: dt.datetime, rules: CalendarRules) -> bool:
    wall = moment.astimezone(rules.tz)
    day, t = wall.date(), wall.time()
    working = (
        day.weekday() < 5
        and day not in BE_HOLIDAYS
        and (day.month, day.day) not in rules.extra_days_off
    )
    start, end = rules.quiet_start, rules.quiet_end
    quiet = (start <= t < end) if start <= end else (t >= start or t < end)
    return working and not quiet


@given(dates, st.integers(-40, 40).filter(bool), rules_strategy)
def test_working_days_there_and_back_land_on_a_working_day(
    day: dt.date, n: int, rules: CalendarRules
) -> None:
    there = add_working_days(day, n, rules)
    back = add_working_days(there, -n, rules)
    assert is_working_day(there, rules)
    assert is_working_day(back, rules)
    assert (there > day) == (n > 0)
    if is_working_day(day, rules):
        assert back == day


@given(dates, times, rules_strategy)
def test_next_allowed_moment_is_the_moment_itself_or_a_later_allowed_one(
    day: dt.date, time_of_day: dt.time, rules: CalendarRules
) -> None:
    # Normalised through UTC: a wall time in a DST gap compares unequal to everything (PEP 495).
    moment = dt.datetime.combine(day, time_of_day, tzinfo=rules.tz).astimezone(dt.UTC)
    result = next_allowed_moment(moment, rules)
    assert result >= moment
    assert independently_allowed(result, rules)
    assert is_allowed_moment(result, rules)
    if independently_allowed(moment, rules):
        assert result == moment


@pytest.mark.parametrize(
    ("lang", "name"),
    [("nl", "O. L. H. Hemelvaart"), ("fr", "Ascension"), ("en", "Ascension Day")],
)
def test_a_holiday_is_named_in_the_clusters_language(lang: str, name: str) -> None:
    rules = CalendarRules(ZoneInfo("Europe/Brussels"))
    assert day_off(dt.date(2027, 5, 6), rules, lang) == DayOff("holiday", name)


def test_why_a_day_is_off() -> None:
    rules = CalendarRules(ZoneInfo("Europe/Brussels"), extra_days_off=frozenset({(7, 11)}))
    # 1 May 2027 is a Saturday and Labour Day: the holiday is what is named.
    assert day_off(dt.date(2027, 5, 1), rules) == DayOff("holiday", "Dag van de Arbeid")
    assert day_off(dt.date(2027, 5, 8), rules) == DayOff("weekend")
    assert day_off(dt.date(2027, 7, 12), rules) is None  # Monday
    assert day_off(dt.date(2029, 7, 11), rules) == DayOff("extra")
    assert day_off(dt.date(2029, 7, 11), CalendarRules(ZoneInfo("Europe/Brussels"))) is None


def test_the_belgian_holidays_load_without_every_other_country() -> None:
    # In a fresh process: this one may have imported every country already (as above).
    script = (
        "import sys, datetime as dt\n"
        "from scheduler.calendar import belgian_holidays, day_off, CalendarRules\n"
        "assert dt.date(2026, 7, 21) in belgian_holidays(2026)\n"
        "assert day_off(dt.date(2026, 7, 21), CalendarRules(tz=None), 'fr').name\n"
        "countries = [m for m in sys.modules if m.startswith('holidays.countries.')]\n"
        "assert countries == ['holidays.countries.belgium'], countries\n"
        "import holidays\n"
        "assert holidays.country_holidays('NL', years=2026)\n"  # the rest still loads on demand
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).parents[2])


def test_the_belgian_table_is_the_packages_own() -> None:
    for year in (2025, 2026, 2031):
        assert belgian_holidays(year) == frozenset(holidays.country_holidays("BE", years=year))
