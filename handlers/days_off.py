"""Warnings for a date on a day off: a weekend, a Belgian public holiday or an extra day off.

Such a date is accepted (a deadline on Ascension Day may be meant), but the reply names the
day off in the cluster's language, so a misreading ("begin mei" on Labour Day) shows at once.
"""

from __future__ import annotations

import datetime as dt

from handlers.i18n import Html
from handlers.render import long_date
from handlers.turn import Turn
from scheduler.calendar import add_working_days, day_off
from scheduler.replan import calendar_rules


def _sentence(turn: Turn, day: dt.date) -> Html | None:
    cluster = turn.require_cluster()
    reason = day_off(day, calendar_rules(cluster), turn.lang)
    if reason is None:
        return None
    date = long_date(day, turn.lang)
    if reason.kind == "holiday":
        return turn.t("days_off.holiday", date=date, name=reason.name or "")
    return turn.t(f"days_off.{reason.kind}", date=date)


def day_off_warning(turn: Turn, day: dt.date) -> str | None:
    """`⚠️ Let op: donderdag 6 mei 2027 is een feestdag (O. L. H. Hemelvaart).`, or None."""
    sentence = _sentence(turn, day)
    return None if sentence is None else turn.t("days_off.line", sentence=sentence)


def due_date_warning(turn: Turn, day: dt.date) -> str | None:
    """The day-off warning for a due date, saying the due-day nudge comes the working day before."""
    sentence = _sentence(turn, day)
    if sentence is None:
        return None
    before = add_working_days(day, -1, calendar_rules(turn.require_cluster()))
    return turn.t(
        "days_off.due_line",
        sentence=sentence,
        nudge_day=long_date(before, turn.lang),
    )


def option_warnings(turn: Turn, days: list[dt.date]) -> list[str]:
    """One warning per poll option on a day off, numbered as the options are."""
    lines: list[str] = []
    for position, day in enumerate(days, start=1):
        sentence = _sentence(turn, day)
        if sentence is not None:
            lines.append(turn.t("days_off.option_line", position=position, sentence=sentence))
    return lines
