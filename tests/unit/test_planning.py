"""When nudges are due, on real Belgian dates."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.calendar import CalendarRules
from scheduler.planning import (
    NudgeSettings,
    PlannedNudge,
    next_digest,
    plan_agreement,
    plan_meeting,
    plan_poll,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
RULES = CalendarRules(tz=BRUSSELS)
SETTINGS = NudgeSettings(rules=RULES)
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
BE_HOLIDAYS = holidays.country_holidays("BE", years=range(2025, 2032))


def local(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=BRUSSELS)


def utc(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=dt.UTC)


def agreement(
    due_date: dt.date | None, settings: NudgeSettings = SETTINGS, **facts: bool
) -> list[PlannedNudge]:
    return plan_agreement(
        agreement_id=42,
        due_date=due_date,
        is_open=facts.get("is_open", True),
        has_addressee=facts.get("has_addressee", True),
        settings=settings,
        now=NOW,
    )


def schedule(nudges: list[PlannedNudge]) -> list[tuple[str, dt.datetime, int]]:
    return [(n.kind, n.due_at, n.sequence) for n in nudges]


# --- agreements ---------------------------------------------------------------------------


def test_an_agreement_due_on_a_monday_is_nudged_on_the_thursday_before_and_after() -> None:
    nudges = agreement(dt.date(2027, 3, 15))
    assert schedule(nudges) == [
        ("agreement_before", utc(2027, 3, 11, 8), 0),  # Thursday 09:00 CET
        ("agreement_due", utc(2027, 3, 15, 8), 0),
        ("agreement_overdue", utc(2027, 3, 16, 8), 1),  # 1 working day late
        ("agreement_overdue", utc(2027, 3, 22, 8), 2),  # 5 working days late
        # a working week later, over Easter Monday and into summer time: 09:00 CEST
        ("agreement_overdue", utc(2027, 3, 30, 7), 3),
        ("agreement_escalation", utc(2027, 3, 30, 7), 3),
    ]
    assert [n.dedupe_key for n in nudges] == [
        "agreement:42:before:2027-03-15",
        "agreement:42:due:2027-03-15",
        "agreement:42:overdue1:2027-03-15",
        "agreement:42:overdue2:2027-03-15",
        "agreement:42:overdue3:2027-03-15",
        "agreement:42:escalation:2027-03-15",
    ]


def test_an_agreement_due_on_ascension_day_is_nudged_on_the_last_working_day_before() -> None:
    nudges = agreement(dt.date(2026, 5, 14))
    assert schedule(nudges) == [
        ("agreement_before", local(2026, 5, 12, 9), 0),
        ("agreement_due", local(2026, 5, 13, 9), 0),  # Wednesday, while it can still be done
        ("agreement_overdue", local(2026, 5, 18, 9), 1),
        ("agreement_overdue", local(2026, 5, 22, 9), 2),
        ("agreement_overdue", local(2026, 6, 1, 9), 3),  # over Whit Monday 25 May
        ("agreement_escalation", local(2026, 6, 1, 9), 3),
    ]


def test_an_agreement_due_at_christmas_is_nudged_after_the_holidays() -> None:
    nudges = agreement(dt.date(2026, 12, 25))
    assert [n.due_at for n in nudges[:4]] == [
        local(2026, 12, 23, 9),
        local(2026, 12, 24, 9),  # the due-day nudge on Christmas Eve, the last working day
        local(2026, 12, 29, 9),
        local(2027, 1, 5, 9),  # 29, 30, 31 December, 4 and 5 January: New Year skipped
    ]


def test_an_agreement_due_on_eleven_july_moves_only_where_it_is_a_day_off() -> None:
    flemish = NudgeSettings(CalendarRules(BRUSSELS, extra_days_off=frozenset({(7, 11)})))
    assert agreement(dt.date(2029, 7, 11))[1].due_at == local(2029, 7, 11, 9)
    assert agreement(dt.date(2029, 7, 11), flemish)[1].due_at == local(2029, 7, 10, 9)


def test_summer_and_winter_time_keep_nudges_at_nine_local() -> None:
    summer = agreement(dt.date(2026, 10, 23))  # Friday before the switch back
    winter = agreement(dt.date(2026, 10, 26))  # Monday after
    assert summer[1].due_at == utc(2026, 10, 23, 7)
    assert winter[1].due_at == utc(2026, 10, 26, 8)
    assert summer[2].due_at == utc(2026, 10, 26, 8)  # its first overdue nudge is in winter


def test_a_postponed_agreement_gets_new_keys() -> None:
    before = {n.dedupe_key for n in agreement(dt.date(2027, 3, 15))}
    after = {n.dedupe_key for n in agreement(dt.date(2027, 3, 22))}
    assert before.isdisjoint(after)
    assert all("2027-03-22" in key for key in after)


@pytest.mark.parametrize(
    "facts",
    [{"is_open": False}, {"has_addressee": False}],
)
def test_no_nudges_for_a_closed_or_unaddressed_agreement(facts: dict[str, bool]) -> None:
    assert agreement(dt.date(2027, 3, 15), **facts) == []


def test_no_nudges_without_a_due_date_or_with_reminders_off() -> None:
    assert agreement(None) == []
    off = dataclasses.replace(SETTINGS, reminders_enabled=False)
    assert agreement(dt.date(2027, 3, 15), off) == []


def test_lead_days_count_working_days_and_zero_means_no_early_reminder() -> None:
    five = dataclasses.replace(SETTINGS, reminder_lead_days=5)
    assert agreement(dt.date(2027, 3, 31), five)[0].due_at == local(2027, 3, 23, 9)
    zero = dataclasses.replace(SETTINGS, reminder_lead_days=0)
    assert [n.kind for n in agreement(dt.date(2027, 3, 15), zero)] == [
        "agreement_due",
        *["agreement_overdue"] * 3,
        "agreement_escalation",
    ]


def test_the_early_reminder_is_dropped_when_it_collapses_into_the_due_day_nudge() -> None:
    # Due on a Saturday, lead 1, nudges at 20:00: both fall on Friday 20:00, which is quiet,
    # and become Monday 08:00; one message, not two.
    evening = dataclasses.replace(SETTINGS, reminder_lead_days=1, nudge_time=dt.time(20))
    nudges = agreement(dt.date(2027, 3, 20), evening)
    assert [n.kind for n in nudges][:2] == ["agreement_due", "agreement_overdue"]
    assert nudges[0].due_at == local(2027, 3, 22, 8)
    # One working day late is Tuesday; Tuesday 20:00 is quiet, so Wednesday morning.
    assert nudges[1].due_at == local(2027, 3, 24, 8)


def test_past_nudges_are_planned_too() -> None:
    late = dt.datetime(2027, 6, 1, tzinfo=dt.UTC)
    nudges = plan_agreement(
        agreement_id=42,
        due_date=dt.date(2027, 3, 15),
        is_open=True,
        has_addressee=True,
        settings=SETTINGS,
        now=late,
    )
    assert len(nudges) == 6


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError):
        NudgeSettings(RULES, reminder_lead_days=-1)
    with pytest.raises(ValueError):
        NudgeSettings(RULES, digest_weekday=7)


# --- polls --------------------------------------------------------------------------------


def test_a_poll_is_reminded_a_day_before_and_closes_at_its_deadline() -> None:
    nudges = plan_poll(
        poll_id=7, deadline=local(2027, 3, 18, 12), settings=SETTINGS, now=local(2027, 3, 15)
    )
    assert [(n.kind, n.dedupe_key, n.due_at) for n in nudges] == [
        ("poll_reminder", "poll:7:reminder", utc(2027, 3, 17, 11)),
        ("poll_deadline", "poll:7:deadline", utc(2027, 3, 18, 11)),
    ]


def test_a_poll_reminder_due_on_sunday_moves_to_monday_morning() -> None:
    nudges = plan_poll(
        poll_id=7, deadline=local(2027, 3, 22, 12), settings=SETTINGS, now=local(2027, 3, 15)
    )
    assert [n.due_at for n in nudges] == [local(2027, 3, 22, 8), local(2027, 3, 22, 12)]


def test_a_poll_reminder_that_would_reach_the_deadline_is_dropped() -> None:
    nudges = plan_poll(
        poll_id=7, deadline=local(2027, 3, 22, 7, 30), settings=SETTINGS, now=local(2027, 3, 15)
    )
    assert [n.kind for n in nudges] == ["poll_deadline"]


def test_a_poll_posted_less_than_a_day_before_its_deadline_gets_no_reminder() -> None:
    nudges = plan_poll(
        poll_id=7,
        deadline=local(2027, 3, 18, 12),
        settings=SETTINGS,
        now=local(2027, 3, 17, 12, 1),
    )
    assert [n.kind for n in nudges] == ["poll_deadline"]


def test_a_poll_deadline_on_saturday_night_is_announced_on_monday_morning() -> None:
    nudges = plan_poll(
        poll_id=7, deadline=local(2027, 3, 20, 20), settings=SETTINGS, now=local(2027, 3, 15)
    )
    assert nudges[-1].kind == "poll_deadline"
    assert nudges[-1].due_at == local(2027, 3, 22, 8)
    # Its reminder, Friday 20:00, is quiet and would come after the deadline: left out.
    assert [n.kind for n in nudges] == ["poll_deadline"]


# --- meetings -----------------------------------------------------------------------------


def test_a_meeting_after_easter_is_reminded_on_the_friday_before_and_an_hour_before() -> None:
    nudges = plan_meeting(
        meeting_id=3, starts_at=local(2027, 3, 30, 14), settings=SETTINGS, now=local(2027, 3, 1)
    )
    assert [(n.kind, n.dedupe_key, n.due_at) for n in nudges] == [
        ("meeting_day_before", "meeting:3:day_before:2027-03-30T12:00", utc(2027, 3, 26, 8)),
        ("meeting_hour_before", "meeting:3:hour_before:2027-03-30T12:00", utc(2027, 3, 30, 11)),
    ]


def test_a_moved_meeting_gets_new_keys() -> None:
    first = plan_meeting(
        meeting_id=3, starts_at=local(2027, 3, 30, 14), settings=SETTINGS, now=local(2027, 3, 1)
    )
    moved = plan_meeting(
        meeting_id=3, starts_at=local(2027, 3, 30, 15), settings=SETTINGS, now=local(2027, 3, 1)
    )
    assert {n.dedupe_key for n in first}.isdisjoint({n.dedupe_key for n in moved})


def test_the_hour_before_reminder_ignores_quiet_hours_and_weekends() -> None:
    evening = plan_meeting(
        meeting_id=3, starts_at=local(2027, 3, 16, 19), settings=SETTINGS, now=local(2027, 3, 1)
    )
    assert evening[-1].due_at == local(2027, 3, 16, 18)
    saturday = plan_meeting(
        meeting_id=3, starts_at=local(2027, 3, 20, 10), settings=SETTINGS, now=local(2027, 3, 1)
    )
    assert [(n.kind, n.due_at) for n in saturday] == [
        ("meeting_day_before", local(2027, 3, 19, 9)),
        ("meeting_hour_before", local(2027, 3, 20, 9)),
    ]


def test_a_day_before_reminder_pushed_to_the_meeting_itself_is_dropped() -> None:
    evening = dataclasses.replace(SETTINGS, nudge_time=dt.time(20))
    early = plan_meeting(
        meeting_id=3, starts_at=local(2027, 3, 22, 7, 30), settings=evening, now=local(2027, 3, 1)
    )
    assert [n.kind for n in early] == ["meeting_hour_before"]
    later = plan_meeting(
        meeting_id=3, starts_at=local(2027, 3, 22, 10), settings=evening, now=local(2027, 3, 1)
    )
    assert later[0].due_at == local(2027, 3, 22, 8)


def test_reminders_already_past_are_left_out_for_a_meeting_at_short_notice() -> None:
    soon = plan_meeting(
        meeting_id=3,
        starts_at=local(2027, 3, 16, 14),
        settings=SETTINGS,
        now=local(2027, 3, 16, 13, 30),
    )
    assert soon == []
    tomorrow = plan_meeting(
        meeting_id=3,
        starts_at=local(2027, 3, 17, 14),
        settings=SETTINGS,
        now=local(2027, 3, 16, 10),
    )
    assert [n.kind for n in tomorrow] == ["meeting_hour_before"]


# --- digest -------------------------------------------------------------------------------


def test_the_digest_goes_out_on_monday_at_nine() -> None:
    digest = next_digest(cluster_id=12, settings=SETTINGS, after=local(2027, 3, 20, 12))
    assert digest == PlannedNudge("digest", "digest:12:2027-W12", utc(2027, 3, 22, 8))


def test_the_digest_on_easter_monday_moves_to_tuesday_at_nine_and_keeps_its_week() -> None:
    expected = PlannedNudge("digest", "digest:12:2027-W13", utc(2027, 3, 30, 7))
    assert next_digest(cluster_id=12, settings=SETTINGS, after=local(2027, 3, 22, 9)) == expected
    # Also asked on Easter Monday itself, after the nominal hour: still pending.
    assert next_digest(cluster_id=12, settings=SETTINGS, after=local(2027, 3, 29, 10)) == expected
    following = next_digest(cluster_id=12, settings=SETTINGS, after=expected.due_at)
    assert following == PlannedNudge("digest", "digest:12:2027-W14", local(2027, 4, 5, 9))


def test_the_digest_is_at_nine_local_across_the_autumn_switch() -> None:
    summer = next_digest(cluster_id=1, settings=SETTINGS, after=local(2026, 10, 17))
    winter = next_digest(cluster_id=1, settings=SETTINGS, after=local(2026, 10, 24))
    assert summer is not None and summer.due_at == utc(2026, 10, 19, 7)
    assert winter is not None and winter.due_at == utc(2026, 10, 26, 8)


def test_a_digest_in_quiet_hours_waits_for_the_morning() -> None:
    early = dataclasses.replace(SETTINGS, digest_weekday=2, digest_time=dt.time(7))
    digest = next_digest(cluster_id=1, settings=early, after=local(2027, 3, 15))
    assert digest is not None and digest.due_at == local(2027, 3, 17, 8)


def test_weeks_off_fold_their_digests_into_one() -> None:
    # Two weeks of days off: the digests of 6, 13 and 20 July 2026 all fall on 20 July.
    summer_break = frozenset((7, d) for d in range(6, 18))
    rules = CalendarRules(BRUSSELS, extra_days_off=summer_break)
    break_settings = NudgeSettings(rules)
    first = next_digest(cluster_id=1, settings=break_settings, after=local(2026, 7, 1))
    assert first == PlannedNudge("digest", "digest:1:2026-W28", local(2026, 7, 20, 9))
    second = next_digest(cluster_id=1, settings=break_settings, after=first.due_at)
    assert second == PlannedNudge("digest", "digest:1:2026-W31", local(2026, 7, 27, 9))


def test_no_digest_when_it_is_off() -> None:
    off = dataclasses.replace(SETTINGS, digest_weekday=None)
    assert next_digest(cluster_id=1, settings=off, after=local(2027, 3, 15)) is None


# --- properties ---------------------------------------------------------------------------

dates = st.dates(dt.date(2026, 1, 1), dt.date(2030, 12, 31))
times = st.times().map(lambda t: t.replace(second=0, microsecond=0))
rules_strategy = st.builds(
    CalendarRules,
    tz=st.sampled_from([BRUSSELS, ZoneInfo("UTC"), ZoneInfo("Africa/Cairo")]),
    quiet_start=times,
    quiet_end=times,
    extra_days_off=st.frozensets(st.tuples(st.integers(1, 12), st.integers(1, 28)), max_size=20),
)
settings_strategy = st.builds(
    NudgeSettings,
    rules=rules_strategy,
    reminder_lead_days=st.integers(0, 10),
    nudge_time=times,
    digest_weekday=st.integers(0, 6),
    digest_time=times,
)


def on_working_day_outside_quiet_hours(moment: dt.datetime, rules: CalendarRules) -> bool:
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


@settings(max_examples=200)
@given(dates, settings_strategy)
def test_agreement_nudges_are_allowed_ordered_and_uniquely_keyed(
    due_date: dt.date, nudge_settings: NudgeSettings
) -> None:
    nudges = agreement(due_date, nudge_settings)
    moments = [n.due_at for n in nudges]
    assert moments == sorted(moments)
    assert len({n.dedupe_key for n in nudges}) == len(nudges)
    assert all(due_date.isoformat() in n.dedupe_key for n in nudges)
    assert all(on_working_day_outside_quiet_hours(m, nudge_settings.rules) for m in moments)
    assert all(m.tzinfo is dt.UTC for m in moments)
    assert [n.sequence for n in nudges if n.kind == "agreement_overdue"] == [1, 2, 3]
    # Only escalation shares a moment, with the last overdue nudge.
    assert len(set(moments)) == len(moments) - 1


@settings(max_examples=200)
@given(dates)
def test_a_due_date_on_a_day_off_is_nudged_on_the_last_working_day_before(
    due_date: dt.date,
) -> None:
    (due,) = [n for n in agreement(due_date) if n.kind == "agreement_due"]
    day = due.due_at.astimezone(BRUSSELS).date()
    working = due_date.weekday() < 5 and due_date not in BE_HOLIDAYS
    if working:
        assert day == due_date
    else:
        assert day < due_date
        between = [day + dt.timedelta(days=i) for i in range(1, (due_date - day).days)]
        assert all(d.weekday() >= 5 or d in BE_HOLIDAYS for d in between)


@settings(max_examples=200)
@given(dates, times, settings_strategy)
def test_the_next_digest_is_strictly_later_and_allowed(
    day: dt.date, time_of_day: dt.time, nudge_settings: NudgeSettings
) -> None:
    after = dt.datetime.combine(day, time_of_day, tzinfo=nudge_settings.rules.tz)
    digest = next_digest(cluster_id=1, settings=nudge_settings, after=after)
    assert digest is not None
    assert digest.due_at > after
    assert on_working_day_outside_quiet_hours(digest.due_at, nudge_settings.rules)
    # It is the digest of the first week still pending: never more than a week ahead.
    year, week = digest.dedupe_key.removeprefix("digest:1:").split("-W")
    nominal = dt.date.fromisocalendar(int(year), int(week), nudge_settings.digest_weekday + 1)
    assert after.date() - dt.timedelta(days=7) < nominal <= after.date() + dt.timedelta(days=7)
    assert nominal <= digest.due_at.astimezone(nudge_settings.rules.tz).date()
