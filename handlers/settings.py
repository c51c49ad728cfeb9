"""`/instellingen`: show and change when the bot speaks up in this cluster.

Forms (Dutch and English both work in every language): `overzicht maandag 9u`, `overzicht uit`,
`overzicht hier`, `herinnering 2`, `stil 18u-8u`, `herinneringen uit|aan`, `vrij 11/7`,
`vrij - 11/7`; `digest monday 9:00`, `reminder 2`, `quiet 18:00-8:00`, `reminders off|on`,
`off 11/7`. A change re-plans the cluster's pending nudges in the same transaction, so the
next reminder already follows the new rule.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.dates import DateParseError, parse_when
from handlers.i18n import Html
from handlers.render import weekday_name
from handlers.runtime import App
from handlers.turn import Turn, command
from models import agreements
from models.clusters import Cluster
from models.errors import DomainError
from models.meetings import open_polls, upcoming_meetings
from models.nudges import Schedule, change_schedule, schedule_of
from scheduler.replan import replan_agreement, replan_meeting, replan_poll
from scheduler.sweep import replan_digest

__all__ = ["register", "replan_cluster"]

_WEEKDAYS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("maandag", "ma", "monday", "mon", "lundi"),
        ("dinsdag", "di", "tuesday", "tue", "tues", "mardi"),
        ("woensdag", "wo", "wednesday", "wed", "mercredi"),
        ("donderdag", "do", "thursday", "thu", "thurs", "jeudi"),
        ("vrijdag", "vr", "friday", "fri", "vendredi"),
        ("zaterdag", "za", "saturday", "sat", "samedi"),
        ("zondag", "zo", "sunday", "sun", "dimanche"),
    )
):
    for _name in _names:
        _WEEKDAYS[_name] = _index

_DIGEST = {"overzicht", "weekoverzicht", "digest", "resume"}
_REMINDER = {"herinnering", "herinneringen", "reminder", "reminders", "rappel", "rappels"}
_QUIET = {"stil", "stilte", "quiet", "silence"}
_DAY_OFF = {"vrij", "off", "conge"}
_OFF = {"uit", "off", "nee", "no", "non", "geen", "none"}
_ON = {"aan", "on", "ja", "yes", "oui"}
_HERE = {"hier", "here", "ici"}

_CLOCK = re.compile(r"^(\d{1,2})(?:(?:[:.hu]|uur)(\d{2})?)?(?:u|h|uur)?$")
_AMPM = re.compile(r"^(\d{1,2})(?::(\d{2}))?(am|pm)$")
_DAY_MONTH = re.compile(r"^(\d{1,2})\s*[/.]\s*(\d{1,2})$")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def read_clock(text: str) -> dt.time:
    """`9u`, `9u30`, `09:00`, `9.30`, `9h`, `9`, `9am`: a time of day."""
    word = _fold(text).replace(" ", "")
    if match := _AMPM.fullmatch(word):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise DomainError("settings.bad_time", text=text)
        return dt.time(hour % 12 + (12 if match[3] == "pm" else 0), minute)
    match = _CLOCK.fullmatch(word)
    if match is None:
        raise DomainError("settings.bad_time", text=text)
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        raise DomainError("settings.bad_time", text=text)
    return dt.time(hour, minute)


def read_day_off(text: str, *, now: dt.datetime) -> tuple[int, int]:
    """`11/7`, `11.07` or `11 juli`: a day that comes back every year, as (month, day)."""
    if match := _DAY_MONTH.fullmatch(text.strip()):
        day, month = int(match[1]), int(match[2])
        try:
            dt.date(2000, month, day)
        except ValueError:
            raise DomainError("settings.day_invalid", day=day, month=month) from None
        return month, day
    if not re.search(r"\d", text):
        raise DomainError("settings.day_usage", text=text)
    try:
        when = parse_when(text, now=now)
    except DateParseError:
        raise DomainError("settings.day_usage", text=text) from None
    return when.date.month, when.date.day


def parse_change(
    text: str, *, current: Schedule, thread_id: int | None, now: dt.datetime
) -> tuple[Schedule, str]:
    """The settings after the change `text` asks for, and the key of the confirmation."""
    words = text.split()
    head, rest = _fold(words[0]), words[1:]
    folded = [_fold(word) for word in rest]
    if head in _REMINDER and len(folded) == 1 and folded[0] in _OFF | _ON:
        enabled = folded[0] in _ON
        return dataclasses.replace(current, reminders_enabled=enabled), (
            "settings.done_reminders_on" if enabled else "settings.done_reminders_off"
        )
    if head in _REMINDER:
        if len(folded) != 1 or not folded[0].isdigit():
            raise DomainError("settings.reminder_usage")
        return dataclasses.replace(current, reminder_lead_days=int(folded[0])), (
            "settings.done_lead"
        )
    if head in _DIGEST:
        return _digest_change(rest, folded, current=current, thread_id=thread_id)
    if head in _QUIET:
        return _quiet_change(" ".join(rest), folded, current=current)
    if head in _DAY_OFF:
        return _day_off_change(" ".join(rest), current=current, now=now)
    raise DomainError("settings.unknown", text=words[0])


def _digest_change(
    rest: list[str], folded: list[str], *, current: Schedule, thread_id: int | None
) -> tuple[Schedule, str]:
    if not folded:
        raise DomainError("settings.digest_usage")
    if len(folded) == 1 and folded[0] in _OFF:
        return dataclasses.replace(current, digest_weekday=None), "settings.done_digest_off"
    if len(folded) == 1 and folded[0] in _HERE:
        return dataclasses.replace(current, digest_thread_id=thread_id), (
            "settings.done_digest_here" if thread_id is not None else "settings.done_digest_general"
        )
    if len(folded) == 1 and folded[0] in _ON:
        weekday = current.digest_weekday if current.digest_weekday is not None else 0
        return dataclasses.replace(current, digest_weekday=weekday), "settings.done_digest"
    weekday = current.digest_weekday if current.digest_weekday is not None else 0
    time = current.digest_time
    words = list(zip(rest, folded, strict=True))
    if words and words[0][1].rstrip(".") in _WEEKDAYS:
        weekday = _WEEKDAYS[words[0][1].rstrip(".")]
        words = words[1:]
    words = [(raw, word) for raw, word in words if word not in ("om", "at", "a")]
    if len(words) > 1:
        raise DomainError("settings.digest_usage")
    if words:
        raw, word = words[0]
        if word in _WEEKDAYS:
            raise DomainError("settings.digest_usage")
        time = read_clock(raw)
    return dataclasses.replace(current, digest_weekday=weekday, digest_time=time), (
        "settings.done_digest"
    )


def _quiet_change(text: str, folded: list[str], *, current: Schedule) -> tuple[Schedule, str]:
    if len(folded) == 1 and folded[0] in _OFF:
        midnight = dt.time(0, 0)
        return dataclasses.replace(current, quiet_start=midnight, quiet_end=midnight), (
            "settings.done_quiet_off"
        )
    parts = re.split(r"\s*(?:-|–|—|\btot\b|\bto\b)\s*", text.strip(), maxsplit=1)
    if len(parts) != 2 or not all(parts):
        raise DomainError("settings.quiet_usage")
    start, end = read_clock(parts[0]), read_clock(parts[1])
    if start == end:
        raise DomainError("settings.quiet_usage")
    return dataclasses.replace(current, quiet_start=start, quiet_end=end), "settings.done_quiet"


def _day_off_change(text: str, *, current: Schedule, now: dt.datetime) -> tuple[Schedule, str]:
    text = text.strip()
    if not text:
        raise DomainError("settings.day_usage", text="")
    days = set(current.extra_days_off)
    if text.startswith(("-", "–")):
        day = read_day_off(text[1:], now=now)
        if day not in days:
            raise DomainError(
                "settings.day_not_off", day=_day_text(day), days=_days_text(current) or "—"
            )
        days.discard(day)
        key = "settings.done_day_removed"
    else:
        day = read_day_off(text.lstrip("+ "), now=now)
        if day in days:
            raise DomainError("settings.day_already", day=_day_text(day))
        days.add(day)
        key = "settings.done_day_added"
    return dataclasses.replace(current, extra_days_off=tuple(sorted(days))), key


def _day_text(day: tuple[int, int]) -> str:
    return f"{day[1]}/{day[0]}"


def _days_text(schedule: Schedule) -> str:
    return ", ".join(_day_text(day) for day in schedule.extra_days_off)


def _clock_text(moment: dt.time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def describe(turn: Turn, schedule: Schedule) -> str:
    """Every setting, one line each, with how to change it."""
    cluster = turn.require_cluster()
    if schedule.digest_weekday is None:
        digest = turn.t("settings.digest_off")
    else:
        chat = turn.update.effective_chat
        if chat is not None and not chat.is_forum:
            where = turn.t("settings.where_group")
        elif schedule.digest_thread_id is None:
            where = turn.t("settings.where_general")
        elif schedule.digest_thread_id == turn.thread_id:
            where = turn.t("settings.where_here")
        else:
            where = turn.t("settings.where_topic")
        digest = turn.t(
            "settings.digest_on",
            day=weekday_name(schedule.digest_weekday, turn.lang),
            time=_clock_text(schedule.digest_time),
            where=where,
        )
    quiet = (
        turn.t(
            "settings.quiet_on",
            start=_clock_text(schedule.quiet_start),
            end=_clock_text(schedule.quiet_end),
        )
        if schedule.has_quiet_hours
        else turn.t("settings.quiet_off")
    )
    lines = [
        turn.t("settings.title", cluster=cluster.title),
        turn.t("settings.line_digest", value=digest),
        turn.t(
            "settings.line_reminders",
            value=turn.t(
                "settings.reminders_on" if schedule.reminders_enabled else "settings.reminders_off"
            ),
        ),
        turn.tn("settings.line_lead", schedule.reminder_lead_days),
        turn.t("settings.line_quiet", value=quiet),
        turn.t("settings.line_days_off", value=_days_text(schedule) or turn.t("settings.none")),
        turn.t("settings.line_fixed"),
        "",
        turn.t("settings.how"),
    ]
    return "\n".join(lines)


async def replan_cluster(session: AsyncSession, *, cluster: Cluster, now: dt.datetime) -> None:
    """Every pending nudge of the cluster, planned anew under its current settings."""
    for agreement in await agreements.open_agreements_with_due_date(session, cluster=cluster):
        await replan_agreement(session, cluster=cluster, agreement=agreement, now=now)
    for poll in await open_polls(session, cluster=cluster):
        await replan_poll(session, cluster=cluster, poll=poll, now=now)
    for meeting in await upcoming_meetings(session, cluster=cluster, now=now, limit=1000):
        await replan_meeting(session, cluster=cluster, meeting=meeting, now=now)
    await replan_digest(session, cluster=cluster, now=now)


async def settings(turn: Turn) -> None:
    """Without arguments the settings; with one of the forms, a change (coordinator+)."""
    cluster = turn.require_cluster()
    current = schedule_of(cluster)
    if not turn.text_args:
        await turn.reply(describe(turn, current))
        return
    wanted, key = parse_change(
        turn.text_args, current=current, thread_id=turn.thread_id, now=turn.local_now
    )
    if wanted == current:
        await turn.reply(turn.t("settings.unchanged") + "\n\n" + describe(turn, current))
        return
    await change_schedule(
        turn.session, cluster=cluster, schedule=wanted, by=turn.member, now=turn.now
    )
    await replan_cluster(turn.session, cluster=cluster, now=turn.now)
    await turn.reply(
        turn.render(key, **_confirmation(turn, wanted)) + "\n\n" + describe(turn, wanted)
    )


def _confirmation(turn: Turn, schedule: Schedule) -> dict[str, Any]:
    return {
        "day": weekday_name(schedule.digest_weekday or 0, turn.lang),
        "time": _clock_text(schedule.digest_time),
        "count": schedule.reminder_lead_days,
        "start": _clock_text(schedule.quiet_start),
        "end": _clock_text(schedule.quiet_end),
        "list": Html(_days_text(schedule) or turn.t("settings.none")),
    }


def register(app: App) -> None:
    app.add_handler(command("instellingen", settings))
