"""The school holidays of the Flemish community, computed rather than listed.

Deadlines in a cluster follow the school year (`na de paasvakantie`, `voor de zomervakantie`),
so the bot must know those weeks for any year. They follow fixed rules of the Flemish school
calendar (Besluit van de Vlaamse Regering of 17 April 1991), most of them tied to Easter:

- herfstvakantie: one week from the Monday of the week of 1 November (2 November when 1 November
  is a Sunday);
- kerstvakantie: two weeks from the Monday of the week of Christmas (the Monday after it when
  25 December is a Saturday or Sunday);
- krokusvakantie: one week from the seventh Monday before Easter;
- paasvakantie: two weeks from the first Monday of April; from the Monday after Easter when
  Easter is in March; from the second Monday before Easter, up to Easter Monday, when Easter is
  after 15 April;
- zomervakantie: 1 July to 31 August.

`after` and `before` give the first working day after a holiday and the last one before it
(weekends and Belgian public holidays are no working days).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from zoneinfo import ZoneInfo

from dateutil.easter import easter

from scheduler.calendar import CalendarRules, is_working_day

__all__ = ["SchoolHoliday", "after", "before", "holiday_in", "next_holiday"]

_RULES = CalendarRules(tz=ZoneInfo("UTC"))  # only the days matter here


class SchoolHoliday(StrEnum):
    AUTUMN = "autumn"
    CHRISTMAS = "christmas"
    CARNIVAL = "carnival"
    EASTER = "easter"
    SUMMER = "summer"


def _monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def holiday_in(kind: SchoolHoliday, year: int) -> tuple[dt.date, dt.date]:
    """First and last day (weekends included) of the holiday that starts in `year`."""
    if kind == SchoolHoliday.SUMMER:
        return dt.date(year, 7, 1), dt.date(year, 8, 31)
    if kind == SchoolHoliday.AUTUMN:
        first = dt.date(year, 11, 1)
        start = first + dt.timedelta(days=1) if first.weekday() == 6 else _monday_of(first)
        return start, start + dt.timedelta(days=6)
    if kind == SchoolHoliday.CHRISTMAS:
        christmas = dt.date(year, 12, 25)
        start = (
            christmas + dt.timedelta(days=7 - christmas.weekday())
            if christmas.weekday() >= 5
            else _monday_of(christmas)
        )
        return start, start + dt.timedelta(days=13)
    sunday = easter(year)
    if kind == SchoolHoliday.CARNIVAL:
        start = sunday - dt.timedelta(days=48)
        return start, start + dt.timedelta(days=6)
    if sunday.month == 3:
        start = sunday + dt.timedelta(days=1)
        return start, start + dt.timedelta(days=13)
    if sunday > dt.date(year, 4, 15):
        start = sunday - dt.timedelta(days=13)
        return start, sunday + dt.timedelta(days=1)
    april = dt.date(year, 4, 1)
    start = april + dt.timedelta(days=(7 - april.weekday()) % 7)
    return start, start + dt.timedelta(days=13)


def next_holiday(kind: SchoolHoliday, today: dt.date, *, started: bool) -> tuple[dt.date, dt.date]:
    """The coming holiday of this kind: the first that has not ended yet (`started`: one that
    is under way counts), else the first that has not begun."""
    for year in range(today.year - 1, today.year + 2):
        start, end = holiday_in(kind, year)
        if (end >= today) if started else (start > today):
            return start, end
    raise AssertionError("every kind of holiday comes once a year")


def after(day: dt.date) -> dt.date:
    """The first working day after `day`."""
    day += dt.timedelta(days=1)
    while not is_working_day(day, _RULES):
        day += dt.timedelta(days=1)
    return day


def before(day: dt.date) -> dt.date:
    """The last working day before `day`."""
    day -= dt.timedelta(days=1)
    while not is_working_day(day, _RULES):
        day -= dt.timedelta(days=1)
    return day
