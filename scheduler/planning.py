"""When each nudge is due: pure functions from settings and facts to outbox rows.

The callers store the result as `Nudge` rows keyed by `dedupe_key`: re-planning after an edit
yields the same keys for the same facts, so rows already sent are recognised, and any fact that
changes the meaning of a nudge (a due date, a meeting's start) is part of its key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scheduler.calendar import (
    CalendarRules,
    add_working_days,
    at_local,
    is_working_day,
    next_allowed_moment,
    next_working_day,
    to_utc,
)

__all__ = [
    "NudgeSettings",
    "PlannedNudge",
    "next_digest",
    "next_in_series",
    "plan_agreement",
    "plan_meeting",
    "plan_meeting_end",
    "plan_poll",
    "plan_trajectory",
]

# Overdue nudges, in working days after the due day: the 1st after one day, then one working
# week apart (the "weekly" of the contract, counted so a holiday week never squeezes them).
OVERDUE_AFTER_WORKING_DAYS = (1, 5, 10)
POLL_REMINDER_BEFORE = dt.timedelta(hours=24)
MEETING_REMINDER_BEFORE = dt.timedelta(hours=1)


@dataclass(frozen=True)
class NudgeSettings:
    rules: CalendarRules
    reminder_lead_days: int = 2
    reminders_enabled: bool = True
    nudge_time: dt.time = dt.time(9, 0)
    digest_weekday: int | None = 0
    digest_time: dt.time = dt.time(9, 0)

    def __post_init__(self) -> None:
        if self.reminder_lead_days < 0:
            raise ValueError("reminder_lead_days must be 0 or more")
        if self.digest_weekday is not None and not 0 <= self.digest_weekday <= 6:
            raise ValueError("digest_weekday must be 0 (Monday) to 6 (Sunday) or None")


@dataclass(frozen=True)
class PlannedNudge:
    kind: str
    dedupe_key: str
    due_at: dt.datetime
    sequence: int = 0


def _nudge_at(day: dt.date, settings: NudgeSettings) -> dt.datetime:
    return next_allowed_moment(at_local(day, settings.nudge_time, settings.rules), settings.rules)


def _key_time(moment: dt.datetime) -> str:
    return to_utc(moment).strftime("%Y-%m-%dT%H:%M")


def plan_agreement(
    *,
    agreement_id: int,
    due_date: dt.date | None,
    is_open: bool,
    has_addressee: bool,
    settings: NudgeSettings,
    now: dt.datetime,
) -> list[PlannedNudge]:
    """Every nudge of one agreement, past ones included, in chronological order.

    The caller decides what to do with moments already past (it keeps sent rows by key). A due
    date on a day off has its due-day nudge on the last working day before it, while the work
    can still be done; overdue nudges count from the first working day on or after the due
    date. The "before" reminder is dropped when it would not come before the due-day nudge
    (lead 0, a nudge time in quiet hours that pushes both to the same morning, or a due-day
    nudge already moved onto the reminder's day).
    """
    to_utc(now)
    if not (is_open and due_date is not None and has_addressee and settings.reminders_enabled):
        return []
    prefix = f"agreement:{agreement_id}"
    due = due_date.isoformat()
    due_day = due_date
    if not is_working_day(due_date, settings.rules):
        due_day = add_working_days(due_date, -1, settings.rules)
    due_day_at = _nudge_at(due_day, settings)

    planned: list[PlannedNudge] = []
    if settings.reminder_lead_days > 0:
        before_day = add_working_days(due_date, -settings.reminder_lead_days, settings.rules)
        before_at = _nudge_at(before_day, settings)
        if before_at < due_day_at:
            planned.append(PlannedNudge("agreement_before", f"{prefix}:before:{due}", before_at))
    planned.append(PlannedNudge("agreement_due", f"{prefix}:due:{due}", due_day_at))

    first_working_day = next_working_day(due_date, settings.rules)
    for sequence, after in enumerate(OVERDUE_AFTER_WORKING_DAYS, start=1):
        overdue_day = add_working_days(first_working_day, after, settings.rules)
        planned.append(
            PlannedNudge(
                "agreement_overdue",
                f"{prefix}:overdue{sequence}:{due}",
                _nudge_at(overdue_day, settings),
                sequence,
            )
        )
    last = planned[-1]
    planned.append(
        PlannedNudge(
            "agreement_escalation", f"{prefix}:escalation:{due}", last.due_at, last.sequence
        )
    )
    return planned


def plan_poll(
    *, poll_id: int, deadline: dt.datetime, settings: NudgeSettings, now: dt.datetime
) -> list[PlannedNudge]:
    """The reminder 24 h before a poll's deadline, and the closing itself.

    The reminder moves out of quiet hours and days off, and is left out when that brings it to
    the deadline or when its nominal moment is already past (the poll was posted less than a day
    before it closes, so the poll message itself is the reminder). Answers count until the
    deadline whatever the hour, but closing announces the result, creates the meeting and
    sends the invitation, so it is due at the first allowed moment at or after the deadline.
    """
    deadline = to_utc(deadline)
    nominal = deadline - POLL_REMINDER_BEFORE
    planned: list[PlannedNudge] = []
    reminder_at = next_allowed_moment(nominal, settings.rules)
    if nominal > to_utc(now) and reminder_at < deadline:
        planned.append(PlannedNudge("poll_reminder", f"poll:{poll_id}:reminder", reminder_at))
    closing_at = next_allowed_moment(deadline, settings.rules)
    planned.append(PlannedNudge("poll_deadline", f"poll:{poll_id}:deadline", closing_at))
    return planned


def plan_meeting(
    *, meeting_id: int, starts_at: dt.datetime, settings: NudgeSettings, now: dt.datetime
) -> list[PlannedNudge]:
    """The reminder on the working day before a meeting, and the one an hour before it.

    The day-before reminder moves out of quiet hours and days off but is left out if that brings
    it to the start. The hour-before reminder is exempt from those rules, being on the meeting's
    own day. Either is left out when its moment is not after `now`: a meeting planned at short
    notice was just announced. Keys hold the start (UTC) so a moved meeting is reminded anew.
    """
    starts_at = to_utc(starts_at)
    now = to_utc(now)
    prefix = f"meeting:{meeting_id}"
    start = _key_time(starts_at)
    planned: list[PlannedNudge] = []

    local_day = starts_at.astimezone(settings.rules.tz).date()
    day_before_at = _nudge_at(add_working_days(local_day, -1, settings.rules), settings)
    if now < day_before_at < starts_at:
        planned.append(
            PlannedNudge("meeting_day_before", f"{prefix}:day_before:{start}", day_before_at)
        )
    hour_before_at = starts_at - MEETING_REMINDER_BEFORE
    if hour_before_at > now:
        planned.append(
            PlannedNudge("meeting_hour_before", f"{prefix}:hour_before:{start}", hour_before_at)
        )
    return planned


def plan_meeting_end(
    *, meeting_id: int, starts_at: dt.datetime, duration_minutes: int, now: dt.datetime
) -> list[PlannedNudge]:
    """When a meeting is over: the next of its series is planned, or one proposed."""
    starts_at = to_utc(starts_at)
    ends_at = starts_at + dt.timedelta(minutes=max(duration_minutes, 1))
    if ends_at <= to_utc(now):
        return []
    key = f"meeting:{meeting_id}:after:{_key_time(starts_at)}"
    return [PlannedNudge("meeting_after", key, ends_at)]


def next_in_series(starts_at: dt.datetime, repeat: str, rules: CalendarRules) -> dt.datetime:
    """The next meeting of a series, at the same wall-clock time, on a working day.

    `w6` is six weeks later; `m1` is the same weekday of the next month in the same position
    (the second Tuesday; a fifth that does not exist becomes the last). A day off moves the
    meeting to the next working day.
    """
    local = starts_at.astimezone(rules.tz)
    day = local.date()
    if repeat.startswith("w"):
        day = day + dt.timedelta(weeks=int(repeat[1:]))
    else:
        position = (day.day - 1) // 7
        year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
        first = dt.date(year, month, 1)
        candidate = first + dt.timedelta(days=(day.weekday() - first.weekday()) % 7 + 7 * position)
        while candidate.month != month:
            candidate -= dt.timedelta(weeks=1)
        day = candidate
    day = next_working_day(day, rules)
    return at_local(day, local.time().replace(tzinfo=None), rules)


def _digest_at(nominal_day: dt.date, settings: NudgeSettings) -> dt.datetime:
    """A digest on a day off goes out on the next working day at the usual hour."""
    rules = settings.rules
    day = next_working_day(nominal_day, rules)
    return next_allowed_moment(at_local(day, settings.digest_time, rules), rules)


def next_digest(
    *, cluster_id: int, settings: NudgeSettings, after: dt.datetime
) -> PlannedNudge | None:
    """The first weekly digest strictly after `after`, or None when the digest is off.

    The key names the ISO week of the nominal day, so a digest moved by a holiday keeps its
    week's key. When days off push two weeks' digests to the same moment, only the first is
    returned: the next call, with `after` at that moment, skips the other.
    """
    if settings.digest_weekday is None:
        return None
    after = to_utc(after)
    local_day = after.astimezone(settings.rules.tz).date()
    week = dt.timedelta(days=7)
    nominal = local_day - dt.timedelta(days=(local_day.weekday() - settings.digest_weekday) % 7)
    # Moving is monotonic in the nominal day, so walk back while an earlier week is still
    # pending (a moved digest can land after `after`), then forward to the first pending one.
    while _digest_at(nominal - week, settings) > after:
        nominal -= week
    while _digest_at(nominal, settings) <= after:
        nominal += week
    year, iso_week, _ = nominal.isocalendar()
    return PlannedNudge(
        "digest", f"digest:{cluster_id}:{year}-W{iso_week:02d}", _digest_at(nominal, settings)
    )


def plan_trajectory(
    *,
    cluster_id: int,
    phase_starts: list[tuple[str, dt.date]],
    end: dt.date,
    countdown: list[tuple[int, dt.date]],
    settings: NudgeSettings,
) -> list[PlannedNudge]:
    """The trajectory's own messages: each new phase, the hand-over countdown, the evaluation.

    `phase_starts` are (phase, first day) of the phases after the first (the first begins with
    `/start` itself); the evaluation questions come an hour after the last phase is announced.
    Keys hold the dates, so moving the trajectory plans the messages anew.
    """
    prefix = f"trajectory:{cluster_id}"
    planned: list[PlannedNudge] = []
    for phase, day in phase_starts:
        planned.append(
            PlannedNudge(
                "trajectory_phase", f"{prefix}:phase:{phase}:{day.isoformat()}",
                _nudge_at(next_working_day(day, settings.rules), settings),
            )
        )  # fmt: skip
    if phase_starts:
        last_day = phase_starts[-1][1]
        at = _nudge_at(next_working_day(last_day, settings.rules), settings) + dt.timedelta(hours=1)
        planned.append(
            PlannedNudge(
                "evaluation",
                f"{prefix}:evaluation:{end.isoformat()}",
                next_allowed_moment(at, settings.rules),
            )
        )
    for weeks, day in countdown:
        planned.append(
            PlannedNudge(
                "handover_countdown",
                f"{prefix}:countdown{weeks}:{end.isoformat()}",
                _nudge_at(next_working_day(day, settings.rules), settings),
            )
        )
    return sorted(planned, key=lambda p: p.due_at)
