"""The working-day calendar: when the bot may speak.

Pure functions of their arguments: no clock, no database. Every datetime going in must be aware;
every datetime coming out is aware UTC, because that is how the outbox stores `due_at`.

Local wall times are turned into instants with `zoneinfo` and `fold=0` (PEP 495): a wall time
in the spring-forward gap moves later by the length of the gap (02:30 becomes 03:30 summer
time), and an ambiguous wall time in the autumn fold means its first occurrence.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from holidays import HolidayBase

__all__ = [
    "CalendarRules",
    "DayOff",
    "add_working_days",
    "at_local",
    "day_off",
    "default_poll_deadline",
    "is_allowed_moment",
    "is_working_day",
    "next_allowed_moment",
    "next_working_day",
    "to_utc",
]

POLL_DEADLINE_LEAD_DAYS = 3
POLL_DEADLINE_TIME = dt.time(12, 0)
POLL_MIN_OPEN = dt.timedelta(hours=24)
POLL_LAST_RESORT_MARGIN = dt.timedelta(hours=1)

# More consecutive days off than a year has means no day is ever a working day; fail loudly
# instead of looping forever on a misconfigured cluster.
_MAX_DAYS_OFF_IN_A_ROW = 400


@dataclass(frozen=True)
class CalendarRules:
    """One cluster's calendar: its timezone, quiet hours and extra days off.

    Quiet hours run from `quiet_start` (inclusive) to `quiet_end` (exclusive) and may wrap
    midnight; equal times mean there are none. `extra_days_off` are (month, day) pairs that recur
    every year, such as (7, 11), which `holidays` does not know but many Flemish towns give off.
    """

    tz: ZoneInfo
    quiet_start: dt.time = dt.time(18, 0)
    quiet_end: dt.time = dt.time(8, 0)
    extra_days_off: frozenset[tuple[int, int]] = frozenset()


def _belgium() -> type[HolidayBase]:
    """The `holidays` package's Belgium, without the other two hundred countries.

    Importing any one country runs `holidays.countries/__init__`, which imports every country
    the package knows (some 12 MB and a tenth of a second); the registry's lazy loading goes
    through that same package. Belgium's own module imports only the package's shared parts,
    so it is loaded from its file under its own name: a later `import holidays.countries`
    still works and reuses it.
    """
    name = "holidays.countries.belgium"
    module = sys.modules.get(name)
    if module is None:
        package = importlib.util.find_spec("holidays.countries")  # imports `holidays`, not this
        assert package is not None and package.submodule_search_locations
        folder = next(iter(package.submodule_search_locations))
        spec = importlib.util.spec_from_file_location(name, os.path.join(folder, "belgium.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
    belgium: type[HolidayBase] = module.Belgium
    return belgium


@lru_cache(maxsize=128)
def belgian_holidays(year: int) -> frozenset[dt.date]:
    """Belgium's public holidays of `year`, from the `holidays` package, built once per year.

    The package is imported on first use, not at start-up: most updates never ask.
    """
    return frozenset(_belgium()(years=year))


# The languages `holidays` names Belgian holidays in, by the bot's language codes.
_HOLIDAY_LANGUAGES = {"nl": "nl", "fr": "fr", "en": "en_US"}


@lru_cache(maxsize=64)
def _holiday_names(year: int, language: str) -> dict[dt.date, str]:
    """The holidays' names, from `holidays`, loaded only when a day off must be named."""
    named = _belgium()(years=year, language=_HOLIDAY_LANGUAGES[language])
    return dict(named.items())


@dataclass(frozen=True)
class DayOff:
    """Why a day is not a working day: `holiday` (with its name), `extra` or `weekend`."""

    kind: str
    name: str | None = None


def day_off(day: dt.date, rules: CalendarRules, language: str = "nl") -> DayOff | None:
    """What makes `day` a day off, or None on a working day; a holiday is named in `language`
    (Dutch where `holidays` has no such language), also when it falls at a weekend."""
    if day in belgian_holidays(day.year):
        names = _holiday_names(day.year, language if language in _HOLIDAY_LANGUAGES else "nl")
        return DayOff("holiday", names.get(day))
    if (day.month, day.day) in rules.extra_days_off:
        return DayOff("extra")
    if day.weekday() >= 5:
        return DayOff("weekend")
    return None


def to_utc(moment: dt.datetime) -> dt.datetime:
    """Normalise to UTC, refusing naive datetimes: a guessed zone is a nudge at the wrong hour."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: an aware datetime is required")
    return moment.astimezone(dt.UTC)


def at_local(day: dt.date, time_of_day: dt.time, rules: CalendarRules) -> dt.datetime:
    """The instant (UTC) at which the cluster's clocks show `time_of_day` on `day`."""
    wall = dt.datetime.combine(day, time_of_day, tzinfo=rules.tz).replace(fold=0)
    return wall.astimezone(dt.UTC)


def is_working_day(day: dt.date, rules: CalendarRules) -> bool:
    """Not a weekend, a Belgian public holiday or one of the cluster's extra days off."""
    return (
        day.weekday() < 5
        and day not in belgian_holidays(day.year)
        and (day.month, day.day) not in rules.extra_days_off
    )


def _step_to_working_day(day: dt.date, step: int, rules: CalendarRules) -> dt.date:
    """The first working day strictly after (step=1) or before (step=-1) `day`."""
    for _ in range(_MAX_DAYS_OFF_IN_A_ROW):
        day += dt.timedelta(days=step)
        if is_working_day(day, rules):
            return day
    raise ValueError("the calendar has no working days")


def add_working_days(day: dt.date, n: int, rules: CalendarRules) -> dt.date:
    """Count `n` working days from `day`; `day` itself never counts, so n=0 returns it as is."""
    step = 1 if n > 0 else -1
    for _ in range(abs(n)):
        day = _step_to_working_day(day, step, rules)
    return day


def next_working_day(day: dt.date, rules: CalendarRules, *, include_today: bool = True) -> dt.date:
    if include_today and is_working_day(day, rules):
        return day
    return _step_to_working_day(day, 1, rules)


def _in_quiet_hours(time_of_day: dt.time, rules: CalendarRules) -> bool:
    start, end = rules.quiet_start, rules.quiet_end
    if start == end:
        return False
    if start < end:
        return start <= time_of_day < end
    return time_of_day >= start or time_of_day < end


def is_allowed_moment(moment: dt.datetime, rules: CalendarRules) -> bool:
    """Whether a message may go out at `moment`: a local working day, outside quiet hours."""
    local = to_utc(moment).astimezone(rules.tz)
    return is_working_day(local.date(), rules) and not _in_quiet_hours(local.time(), rules)


def _next_opening(moment: dt.datetime, rules: CalendarRules) -> dt.datetime:
    """A later instant at which an allowed stretch begins (only called on a disallowed one)."""
    local = moment.astimezone(rules.tz)
    day, time_of_day = local.date(), local.time()
    if (
        is_working_day(day, rules)
        and _in_quiet_hours(time_of_day, rules)
        and time_of_day < rules.quiet_end
    ):
        # Early-morning part of the quiet hours: today, once they end.
        opening = at_local(day, rules.quiet_end, rules)
        if opening > moment:
            return opening
    first = rules.quiet_end if _in_quiet_hours(dt.time(0), rules) else dt.time(0)
    return at_local(_step_to_working_day(day, 1, rules), first, rules)


@lru_cache(maxsize=4096)
def next_allowed_moment(moment: dt.datetime, rules: CalendarRules) -> dt.datetime:
    """The first instant at or after `moment` at which the bot may send (UTC).

    A moment in quiet hours moves to `quiet_end` on the next working day (or the same day for
    early-morning quiet hours); a moment on a day off moves to the start of the next working
    day's allowed hours. Each opening is checked again, so a DST gap cannot sneak a moment
    into quiet hours. Remembered: most clusters share their rules, and planning asks about the
    same moments for each of them (a Monday's digests, a trajectory's phases).
    """
    candidate = to_utc(moment)
    for _ in range(2 * _MAX_DAYS_OFF_IN_A_ROW):
        if is_allowed_moment(candidate, rules):
            return candidate
        candidate = _next_opening(candidate, rules)
    raise ValueError("the calendar has no allowed moments")


def default_poll_deadline(
    earliest_option: dt.datetime, now: dt.datetime, rules: CalendarRules
) -> dt.datetime:
    """When a meeting poll closes if its author named no deadline.

    Nominally 12:00 local on the working day three working days before the earliest option's
    date, so there is time to announce the meeting, but the poll stays open at least 24 h.
    Closing announces the result in the group, so the deadline then moves to the next allowed
    moment (a no-op for noon on a working day with the default quiet hours). If that reaches the
    earliest option the unmoved deadline is used, and if that does too, one hour before the
    earliest option, but never before `now` (an option already past leaves no sensible deadline).
    """
    earliest = to_utc(earliest_option)
    now = to_utc(now)
    nominal_day = add_working_days(
        earliest.astimezone(rules.tz).date(), -POLL_DEADLINE_LEAD_DAYS, rules
    )
    unmoved = max(at_local(nominal_day, POLL_DEADLINE_TIME, rules), now + POLL_MIN_OPEN)
    for deadline in (next_allowed_moment(unmoved, rules), unmoved):
        if deadline < earliest:
            return deadline
    return max(earliest - POLL_LAST_RESORT_MARGIN, now)
