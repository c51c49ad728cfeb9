from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Component

from handlers.ics import IcsEvent, build_calendar, meeting_uid

BXL = ZoneInfo("Europe/Brussels")
STAMP = datetime(2026, 4, 1, 10, 0, tzinfo=BXL)
CHAT = -1001234567890


def event(
    start: datetime,
    *,
    meeting_id: int = 1,
    hours: float = 2,
    summary: str = "Clusteroverleg Pajottenland",
    location: str | None = "Gemeentehuis Lennik",
    description: str | None = None,
) -> IcsEvent:
    return IcsEvent(
        uid=meeting_uid(CHAT, meeting_id),
        start=start,
        duration=timedelta(hours=hours),
        summary=summary,
        location=location,
        description=description,
    )


def parse(data: bytes) -> Calendar:
    assert isinstance(data, bytes)
    return Calendar.from_ical(data)


def only_event(data: bytes) -> Component:
    events = parse(data).walk("VEVENT")
    assert len(events) == 1
    return events[0]


def test_calendar_header() -> None:
    cal = parse(
        build_calendar(
            [event(datetime(2026, 4, 21, 19, 30, tzinfo=BXL))],
            tz=BXL,
            stamp=STAMP,
            name="Pajottenland",
        )
    )
    assert str(cal["PRODID"]) == "-//Klimaatbot//NL"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Pajottenland"


def test_no_calendar_name_unless_given() -> None:
    cal = parse(
        build_calendar([event(datetime(2026, 4, 21, 19, 30, tzinfo=BXL))], tz=BXL, stamp=STAMP)
    )
    assert "X-WR-CALNAME" not in cal


def test_summer_start_end_uid_location() -> None:
    start = datetime(2026, 4, 21, 19, 30, tzinfo=BXL)  # di 21/4 19u30, CEST
    vevent = only_event(build_calendar([event(start, meeting_id=7)], tz=BXL, stamp=STAMP))
    dtstart = vevent.decoded("DTSTART")
    assert dtstart == start
    assert dtstart.utcoffset() == timedelta(hours=2)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert (dtstart.hour, dtstart.minute) == (19, 30)
    assert vevent.decoded("DTEND") == start + timedelta(hours=2)
    assert str(vevent["UID"]) == meeting_uid(CHAT, 7)
    assert str(vevent["LOCATION"]) == "Gemeentehuis Lennik"
    assert vevent.decoded("DTSTAMP") == datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


def test_winter_start() -> None:
    start = datetime(2026, 11, 30, 14, 0, tzinfo=BXL)  # ma 30/11 14u, CET
    vevent = only_event(build_calendar([event(start)], tz=BXL, stamp=STAMP))
    dtstart = vevent.decoded("DTSTART")
    assert dtstart == start
    assert dtstart.utcoffset() == timedelta(hours=1)
    assert (dtstart.hour, dtstart.minute) == (14, 0)
    assert vevent.decoded("DTEND") == datetime(2026, 11, 30, 16, 0, tzinfo=BXL)


def test_start_in_another_zone_is_shown_in_the_cluster_zone() -> None:
    start = datetime(2026, 4, 21, 17, 30, tzinfo=UTC)
    vevent = only_event(build_calendar([event(start)], tz=BXL, stamp=STAMP))
    assert vevent["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert vevent.decoded("DTSTART").hour == 19


def test_duration_is_elapsed_time_across_a_dst_switch() -> None:
    # Sat 24/10 23:00 CEST + 6 h ends Sun 25/10 04:00 CET (the clock went back at 03:00).
    start = datetime(2026, 10, 24, 23, 0, tzinfo=BXL)
    vevent = only_event(build_calendar([event(start, hours=6)], tz=BXL, stamp=STAMP))
    end = vevent.decoded("DTEND")
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=6)
    assert (end.day, end.hour) == (25, 4)


def test_three_events_three_vevents_and_a_vtimezone() -> None:
    events = [
        event(datetime(2026, 4, 21, 19, 30, tzinfo=BXL), meeting_id=1),
        event(datetime(2026, 6, 16, 14, 0, tzinfo=BXL), meeting_id=2),
        event(datetime(2026, 11, 30, 9, 0, tzinfo=BXL), meeting_id=3),
    ]
    cal = parse(build_calendar(events, tz=BXL, stamp=STAMP))
    vevents = cal.walk("VEVENT")
    assert len(vevents) == 3
    assert [str(v["UID"]) for v in vevents] == [meeting_uid(CHAT, i) for i in (1, 2, 3)]
    timezones = cal.walk("VTIMEZONE")
    assert len(timezones) == 1
    assert str(timezones[0]["TZID"]) == "Europe/Brussels"
    assert {c.name for c in timezones[0].subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_vtimezone_covers_events_in_the_next_year() -> None:
    events = [
        event(datetime(2026, 12, 15, 14, 0, tzinfo=BXL), meeting_id=1),
        event(datetime(2027, 7, 1, 14, 0, tzinfo=BXL), meeting_id=2),
    ]
    data = build_calendar(events, tz=BXL, stamp=STAMP)
    assert b"20270328T" in data  # summer time starts on the last Sunday of March 2027
    assert parse(data).walk("VEVENT")[1].decoded("DTSTART").utcoffset() == timedelta(hours=2)


def test_empty_calendar() -> None:
    cal = parse(build_calendar([], tz=BXL, stamp=STAMP))
    assert cal.walk("VEVENT") == []
    assert cal.walk("VTIMEZONE") == []


def test_special_characters_round_trip() -> None:
    summary = "Infoavond: dakisolatie, zonnepanelen; groepsaankoop"
    location = "Zaal 't Hof, Markt 1; 1750 Lennik"
    description = (
        "Agenda:\n1. Groepsaankoop (#energie), trekker Pepingen;\n"
        "2. Klimaattafel Écaussinnes — « participation »\n3. Varia\\slot"
    )
    start = datetime(2026, 4, 21, 19, 30, tzinfo=BXL)
    data = build_calendar(
        [event(start, summary=summary, location=location, description=description)],
        tz=BXL,
        stamp=STAMP,
        name="Pajottenland — Vlaams-Brabant",
    )
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded per RFC 5545
    vevent = only_event(data)
    assert str(vevent["SUMMARY"]) == summary
    assert str(vevent["LOCATION"]) == location
    assert str(vevent["DESCRIPTION"]) == description
    assert str(parse(data)["X-WR-CALNAME"]) == "Pajottenland — Vlaams-Brabant"


def test_optional_fields_left_out() -> None:
    start = datetime(2026, 4, 21, 19, 30, tzinfo=BXL)
    vevent = only_event(
        build_calendar([event(start, location=None, description=None)], tz=BXL, stamp=STAMP)
    )
    assert "LOCATION" not in vevent
    assert "DESCRIPTION" not in vevent


def test_same_input_same_bytes() -> None:
    events = [event(datetime(2026, 4, 21, 19, 30, tzinfo=BXL))]
    assert build_calendar(events, tz=BXL, stamp=STAMP) == build_calendar(
        events, tz=BXL, stamp=STAMP
    )


def test_meeting_uid_is_stable_and_distinct() -> None:
    assert meeting_uid(CHAT, 12) == "meeting-12--1001234567890@klimaatbot"
    assert meeting_uid(CHAT, 12) == meeting_uid(str(CHAT), 12)
    assert meeting_uid("pajottenland", 1) != meeting_uid("pajottenland", 2)
    assert meeting_uid("oud heverlee", 1) != meeting_uid("oud-heverlee", 1)
    assert " " not in meeting_uid("oud heverlee", 1)
    assert meeting_uid("a@b", 1).count("@") == 1


def test_invalid_events_are_refused() -> None:
    with pytest.raises(ValueError):
        event(datetime(2026, 4, 21, 19, 30))  # naive
    with pytest.raises(ValueError):
        event(datetime(2026, 4, 21, 19, 30, tzinfo=BXL), hours=0)
    with pytest.raises(ValueError):
        build_calendar([], tz=BXL, stamp=datetime(2026, 4, 1, 10, 0))
